"""Signed-in browsers. Rows hold the SHA-256 of the cookie token, never the token itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from sciatica_care.store.models import AuthSession, Clinician, Patient, PatientRevision


def start(
    session: Session,
    patient_id: int | None,
    token_hash: str,
    csrf_token: str,
    at: datetime,
    expires_at: datetime,
    clinician_id: int | None = None,
) -> int:
    """Store a new signed-in session of a patient or a clinician and return its id."""
    row = AuthSession(
        patient_id=patient_id,
        clinician_id=clinician_id,
        token_hash=token_hash,
        csrf_token=csrf_token,
        created_at=at,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return row.id


def find_active(session: Session, token_hash: str, now: datetime) -> AuthSession | None:
    """The session for this token hash if it has not expired."""
    query = select(AuthSession).where(
        AuthSession.token_hash == token_hash, AuthSession.expires_at > now
    )
    return session.scalars(query).first()


@dataclass(frozen=True)
class ActiveCaller:
    """An unexpired session with what every request needs of its patient or clinician."""

    session_id: int
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    patient_id: int | None
    patient_email: str | None
    disclaimer_acknowledged: bool
    clinician_id: int | None
    clinician_email: str | None
    clinician_name: str | None
    patient_settings: dict[str, Any] | None = None
    """The patient's preferences (their time zone among them): their clock needs no other read."""
    patient_revision: int | None = None
    """``PatientRevision.revision`` as of this read (None: the database has none for them)."""


_CALLER = (
    select(
        AuthSession.id,
        AuthSession.csrf_token,
        AuthSession.created_at,
        AuthSession.expires_at,
        Patient.id,
        Patient.email,
        Patient.disclaimer_acknowledged_at,
        Clinician.id,
        Clinician.email,
        Clinician.display_name,
        Patient.settings,
        PatientRevision.revision,
    )
    .outerjoin(Patient, Patient.id == AuthSession.patient_id)
    .outerjoin(PatientRevision, PatientRevision.patient_id == AuthSession.patient_id)
    .outerjoin(Clinician, Clinician.id == AuthSession.clinician_id)
    .where(
        AuthSession.token_hash == bindparam("token_hash"),
        AuthSession.expires_at > bindparam("now"),
    )
    .limit(1)
)
"""Built once: every signed-in request runs it, and building the statement cost more than
running it (issue 12)."""


def find_caller(session: Session, token_hash: str, now: datetime) -> ActiveCaller | None:
    """The session for this token hash if it has not expired, with its patient (their settings
    and data revision too) or clinician, in one Core statement."""
    row = session.connection().execute(_CALLER, {"token_hash": token_hash, "now": now}).first()
    if row is None:
        return None
    sid, csrf, created, expires, pid, email, acknowledged, cid, c_email, c_name, settings, rev = row
    return ActiveCaller(
        sid,
        csrf,
        created,
        expires,
        pid,
        email,
        acknowledged is not None,
        cid,
        c_email,
        c_name,
        dict(settings or {}) if pid is not None else None,
        rev,
    )


def extend(session: Session, session_id: int, expires_at: datetime) -> None:
    """Move a session's expiry (sliding sessions); never shortens it."""
    session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.expires_at < expires_at)
        .values(expires_at=expires_at)
    )


def end(session: Session, token_hash: str) -> None:
    """Sign one browser out (no error when it was already gone)."""
    session.execute(delete(AuthSession).where(AuthSession.token_hash == token_hash))


def end_others(session: Session, patient_id: int, keep_id: int) -> int:
    """Sign out every other browser of this patient (after a password change); returns how many."""
    result = session.execute(
        delete(AuthSession).where(AuthSession.patient_id == patient_id, AuthSession.id != keep_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def end_all(session: Session, patient_id: int) -> int:
    """Sign out every browser of this patient (after a password reset); returns how many."""
    result = session.execute(delete(AuthSession).where(AuthSession.patient_id == patient_id))
    return int(getattr(result, "rowcount", 0) or 0)


def purge_expired(session: Session, now: datetime) -> None:
    """Drop expired rows so the table does not grow without bound."""
    session.execute(delete(AuthSession).where(AuthSession.expires_at <= now))


def end_all_of_clinician(session: Session, clinician_id: int) -> int:
    """Sign out every browser of this clinician (after a password change or removal)."""
    result = session.execute(delete(AuthSession).where(AuthSession.clinician_id == clinician_id))
    return int(getattr(result, "rowcount", 0) or 0)


def count_for(session: Session, patient_id: int) -> int:
    query = select(AuthSession.id).where(AuthSession.patient_id == patient_id)
    return len(session.scalars(query).all())
