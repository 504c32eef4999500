"""The audit log: every clinician read or change of a patient's data (issue 10 item 6)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sciatica_care.store.models import AuditEvent


def record(
    session: Session,
    patient_id: int,
    clinician_id: int | None,
    clinician_name: str,
    action: str,
    what: str,
    at: datetime,
) -> None:
    session.add(
        AuditEvent(
            patient_id=patient_id,
            clinician_id=clinician_id,
            clinician_name=clinician_name,
            action=action,
            what=what[:200],
            at=at,
        )
    )


def recorded_since(
    session: Session, patient_id: int, clinician_id: int, what: str, since: datetime
) -> bool:
    """Whether the same event was already recorded since ``since`` (to fold repeated views)."""
    query = select(AuditEvent.id).where(
        AuditEvent.patient_id == patient_id,
        AuditEvent.clinician_id == clinician_id,
        AuditEvent.what == what,
        AuditEvent.at >= since,
    )
    return session.scalar(query.limit(1)) is not None


def recorded_since_for(
    session: Session, patient_ids: list[int], clinician_id: int, what: str, since: datetime
) -> set[int]:
    """Which of these patients already have the event recorded since ``since`` (one query)."""
    query = (
        select(AuditEvent.patient_id)
        .where(
            AuditEvent.patient_id.in_(patient_ids),
            AuditEvent.clinician_id == clinician_id,
            AuditEvent.what == what,
            AuditEvent.at >= since,
        )
        .distinct()
    )
    return set(session.scalars(query))


def events_of(session: Session, patient_id: int, limit: int | None = None) -> list[AuditEvent]:
    """The patient's log, newest first."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.patient_id == patient_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))
