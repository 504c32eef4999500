"""Linking a clinician, under the patient's control (issue 10 item 2).

The patient makes a one-time share code in Settings (valid ``SHARE_CODE_LIFETIME``, single use,
stored only as its SHA-256); the clinician enters it and the patient joins their caseload. The
patient sees who is linked and unlinks at any time: ``permissions`` checks the link on every
unit of work, so access ends on the clinician's next request. A clinician never learns that an
unlinked patient exists: every refusal is the same ``NotFound``.

Wrong codes count per clinician in the same table as failed sign-ins, so codes cannot be guessed
faster than ``MAX_WRONG_CODES`` per ``WRONG_CODE_WINDOW``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from sciatica_care.services import audit, program
from sciatica_care.services.clock import utcnow
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import InvalidInput, NotFound, ServiceError
from sciatica_care.services.permissions import Permission, Role
from sciatica_care.store import care_links, clinicians, login_attempts, patients, prescriptions
from sciatica_care.store.database import Database
from sciatica_care.store.models import AuditEvent

SHARE_CODE_LIFETIME = timedelta(hours=24)
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""No 0/O, 1/I/L: read aloud or typed from a phone without mistakes."""
CODE_LENGTH = 10
"""10 symbols of 31: ~49 bits, for a code that lives a day and allows 10 wrong tries an hour."""
MAX_WRONG_CODES = 10
WRONG_CODE_WINDOW = timedelta(hours=1)
LINK_PATH = "/clinic/link"


class TooManyCodes(ServiceError):
    """Too many wrong share codes from this clinician: wait."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__("Too many wrong codes. Wait a while and try again.")
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class ShareCode:
    code: str
    expires_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "expires_at": self.expires_at.isoformat(),
            "link": f"{LINK_PATH}?code={self.code}",
        }


@dataclass(frozen=True)
class LinkedClinician:
    """A clinician the patient links, as the patient sees them."""

    clinician_id: str
    name: str
    email: str
    linked_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "clinician_id": self.clinician_id,
            "name": self.name,
            "email": self.email,
            "linked_at": self.linked_at.isoformat(),
        }


@dataclass(frozen=True)
class LinkedPatient:
    """A patient as the clinician who just linked them sees them (their public id, never a row)."""

    patient_id: str
    label: str
    linked_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "patient_id": self.patient_id,
            "label": self.label,
            "linked_at": self.linked_at.isoformat(),
        }


@dataclass(frozen=True)
class AuditPage:
    """One page of the patient's audit log, newest first; ``next_before`` asks for the next one."""

    entries: list[audit.AuditEntry]
    next_before: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "entries": [entry.to_json() for entry in self.entries],
            "next_before": self.next_before.isoformat() if self.next_before else None,
        }


@dataclass(frozen=True)
class ProgressionSetBy:
    """The progression mode a clinician chose, and their name, for the patient's Settings."""

    mode: str
    clinician: str


def normalise_code(raw: str) -> str:
    return "".join(raw.upper().replace("-", "").split())


def _grouped(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _digest(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def create_share_code(ctx: PatientContext) -> ShareCode:
    """A fresh one-time code for the patient to give their clinician."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    now = ctx.clock.now_fn()
    expires = now + SHARE_CODE_LIFETIME
    with ctx.unit(Permission.OWN) as session:
        care_links.add_share_code(session, ctx.patient_id, _digest(code), now, expires)
    return ShareCode(_grouped(code), expires)


def _code_problem(raw: str) -> str | None:
    code = normalise_code(raw)
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return "Enter the 10 letters and numbers of the code, like K7QM8-XPD2H."
    return None


def link_with_code(
    db: Database, clinician_id: int, raw_code: str, now_fn: Callable[[], datetime] = utcnow
) -> str:
    """Spend the code and link the clinician at ``now_fn()`` (the request's clock); the
    patient's public id.

    ``InvalidInput`` for a code that cannot be one; ``NotFound`` for a wrong, used or expired
    code (one answer for all three); ``TooManyCodes`` after too many wrong ones.
    """
    problem = _code_problem(raw_code)
    if problem:
        raise InvalidInput("code", problem)
    key = hashlib.sha256(f"share-code:{clinician_id}".encode()).hexdigest()
    now = now_fn()
    with db.session() as session:
        wrong = login_attempts.failures_since(session, key, now - WRONG_CODE_WINDOW)
        if len(wrong) >= MAX_WRONG_CODES:
            left = wrong[-MAX_WRONG_CODES] + WRONG_CODE_WINDOW - now
            raise TooManyCodes(int(left.total_seconds()) + 1)
    with db.session() as session:
        patient_id = care_links.spend_share_code(session, _digest(raw_code), now)
        if patient_id is None:
            login_attempts.record_failure(session, key, now)
            failed = True
        else:
            failed = False
            clinicians.get(session, clinician_id)
            care_links.link(session, clinician_id, patient_id, now)
            audit.record(
                session, clinician_id, patient_id, audit.LINK, "linked with your code", now
            )
            public_id = patients.get(session, patient_id).public_id
    if failed:
        raise NotFound("That code is wrong, was used already or has expired.")
    return public_id


def link_patient(
    db: Database, clinician_id: int, raw_code: str, now_fn: Callable[[], datetime] = utcnow
) -> LinkedPatient:
    """``link_with_code``, answered with what the clinician's caseload shows of the patient: their
    public id, their e-mail as a label, and since when the link stands."""
    public_id = link_with_code(db, clinician_id, raw_code, now_fn)
    with db.session() as session:
        patient = patients.find_by_public_id(session, public_id)
        assert patient is not None
        row = care_links.active_link(session, clinician_id, patient.id)
        if row is None:  # the patient unlinked in the instant between: as if never linked
            raise NotFound("That code is wrong, was used already or has expired.")
        return LinkedPatient(public_id, patient.email or "", row.linked_at)


def linked_clinicians(ctx: PatientContext) -> list[LinkedClinician]:
    with ctx.unit(Permission.READ) as session:
        return [
            LinkedClinician(
                clinician.public_id, clinician.display_name, clinician.email, row.linked_at
            )
            for row, clinician in care_links.clinicians_of(session, ctx.patient_id)
        ]


def unlink(ctx: PatientContext, clinician_public_id: str) -> str:
    """End a link; the clinician's name. A patient ends their own; a clinician may drop a patient
    from their caseload."""
    permission = Permission.OWN if ctx.actor.role is Role.PATIENT else Permission.READ
    with ctx.unit(permission, what="ended the link") as session:
        for row, clinician in care_links.clinicians_of(session, ctx.patient_id):
            mine = ctx.actor.role is Role.PATIENT or row.clinician_id == ctx.actor.id
            if clinician.public_id == clinician_public_id and mine:
                now = ctx.clock.now_fn()
                care_links.end_link(session, row.clinician_id, ctx.patient_id, now)
                if ctx.actor.role is Role.PATIENT:
                    audit.record(
                        session,
                        row.clinician_id,
                        ctx.patient_id,
                        audit.UNLINK,
                        "unlinked by you",
                        now,
                    )
                return clinician.display_name
    raise NotFound("no such clinician")


def audit_log(ctx: PatientContext, limit: int | None = None) -> list[audit.AuditEntry]:
    """Who saw or changed the patient's data (the patient's Settings, API and export)."""
    with ctx.unit(Permission.OWN) as session:
        return audit.entries(session, ctx.patient_id, limit)


AUDIT_PAGE_MAX = 200
"""The most lines one request returns: the log grows with every clinician visit."""


def audit_page(ctx: PatientContext, limit: int = 50, before: datetime | None = None) -> AuditPage:
    """The newest ``limit`` lines of the log older than ``before`` (keyset paging: reading page
    ten costs what reading page one does, however long the log)."""
    limit = max(1, min(limit, AUDIT_PAGE_MAX))
    with ctx.unit(Permission.OWN) as session:
        query = select(AuditEvent).where(AuditEvent.patient_id == ctx.patient_id)
        if before is not None:
            query = query.where(AuditEvent.at < before)
        query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit + 1)
        rows = list(session.scalars(query))
    entries = [
        audit.AuditEntry(row.at, row.clinician_name, row.action, row.what) for row in rows[:limit]
    ]
    more = len(rows) > limit
    return AuditPage(entries, entries[-1].at if more and entries else None)


def progression_set_by(ctx: PatientContext) -> ProgressionSetBy | None:
    """The progression mode when a clinician's prescription set it, with the clinician's name
    (the author of the newest prescription version); None while it is the patient's own choice
    (clinical-spec.md §7 "Lower-risk design": switchable, here by the clinician who prescribes)."""
    with ctx.unit(Permission.OWN) as session:
        if not program.mode_set_by_clinician(session, ctx.patient_id):
            return None
        mode = program.progression_mode(session, ctx.patient_id)
        latest = prescriptions.latest(session, ctx.patient_id)
        name = latest.clinician_name if latest is not None else "your clinician"
    return ProgressionSetBy(mode, name)


def patient_id_of(db: Database, public_id: str) -> int:
    """The row id behind a patient's public id; ``NotFound`` (the same for all) when none."""
    if not isinstance(public_id, str) or len(public_id) != 36:
        raise NotFound("no such patient")
    with db.session() as session:
        row = patients.find_by_public_id(session, public_id)
        if row is None:
            raise NotFound("no such patient")
        return row.id
