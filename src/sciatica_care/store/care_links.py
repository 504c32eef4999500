"""Share codes and care links: which clinicians a patient lets follow them (issue 10 item 2).

A share code is stored only as its SHA-256 and is spent in one conditional UPDATE, so two
clinicians entering the same code at once cannot both link.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sciatica_care.store.models import CareLink, Clinician, ShareCode


def add_share_code(
    session: Session, patient_id: int, code_hash: str, at: datetime, expires_at: datetime
) -> None:
    session.add(
        ShareCode(patient_id=patient_id, code_hash=code_hash, created_at=at, expires_at=expires_at)
    )
    session.flush()


def spend_share_code(session: Session, code_hash: str, now: datetime) -> int | None:
    """Use a valid, unused code once; the patient id it belongs to, or None."""
    row = session.scalars(select(ShareCode).where(ShareCode.code_hash == code_hash)).first()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    spent = session.execute(
        update(ShareCode)
        .where(ShareCode.id == row.id, ShareCode.used_at.is_(None))
        .values(used_at=now)
    )
    if not getattr(spent, "rowcount", 0):
        return None
    return row.patient_id


def active_link(session: Session, clinician_id: int, patient_id: int) -> CareLink | None:
    query = select(CareLink).where(
        CareLink.clinician_id == clinician_id,
        CareLink.patient_id == patient_id,
        CareLink.ended_at.is_(None),
    )
    return session.scalars(query).first()


def is_linked(session: Session, clinician_id: int, patient_id: int) -> bool:
    query = select(CareLink.id).where(
        CareLink.clinician_id == clinician_id,
        CareLink.patient_id == patient_id,
        CareLink.ended_at.is_(None),
    )
    return session.scalar(query.limit(1)) is not None


def link(session: Session, clinician_id: int, patient_id: int, at: datetime) -> CareLink:
    """Link the clinician (an existing active link is kept, not doubled)."""
    existing = active_link(session, clinician_id, patient_id)
    if existing is not None:
        return existing
    row = CareLink(clinician_id=clinician_id, patient_id=patient_id, linked_at=at)
    session.add(row)
    session.flush()
    return row


def end_link(session: Session, clinician_id: int, patient_id: int, at: datetime) -> bool:
    """End the active link; False when there was none."""
    result = session.execute(
        update(CareLink)
        .where(
            CareLink.clinician_id == clinician_id,
            CareLink.patient_id == patient_id,
            CareLink.ended_at.is_(None),
        )
        .values(ended_at=at)
    )
    return bool(getattr(result, "rowcount", 0))


def clinicians_of(session: Session, patient_id: int) -> list[tuple[CareLink, Clinician]]:
    """The patient's active links with their clinicians, oldest first."""
    query = (
        select(CareLink, Clinician)
        .join(Clinician, Clinician.id == CareLink.clinician_id)
        .where(CareLink.patient_id == patient_id, CareLink.ended_at.is_(None))
        .order_by(CareLink.linked_at)
    )
    return [(link_row, clinician) for link_row, clinician in session.execute(query).all()]


def patient_ids_of(session: Session, clinician_id: int) -> list[int]:
    """The patients who link this clinician now."""
    query = select(CareLink.patient_id).where(
        CareLink.clinician_id == clinician_id, CareLink.ended_at.is_(None)
    )
    return list(session.scalars(query))
