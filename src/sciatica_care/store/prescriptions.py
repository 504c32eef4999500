"""Versioned prescriptions (issue 10 item 3): each clinician change is one ``ProgramChange`` row
holding the whole prescription after it, what changed and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sciatica_care.store.models import CustomExercise, ProgramChange


def add_change(
    session: Session,
    patient_id: int,
    clinician_id: int | None,
    clinician_name: str,
    at: datetime,
    changes: list[dict[str, Any]],
    prescription: dict[str, Any],
    reason: str | None,
    note: str | None,
) -> ProgramChange:
    row = ProgramChange(
        patient_id=patient_id,
        clinician_id=clinician_id,
        clinician_name=clinician_name,
        changed_at=at,
        changes=changes,
        prescription=prescription,
        reason=reason,
        note=note,
    )
    session.add(row)
    session.flush()
    return row


def history(session: Session, patient_id: int, limit: int | None = None) -> list[ProgramChange]:
    """The patient's prescription versions, newest first."""
    query = (
        select(ProgramChange)
        .where(ProgramChange.patient_id == patient_id)
        .order_by(ProgramChange.changed_at.desc(), ProgramChange.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def latest(session: Session, patient_id: int) -> ProgramChange | None:
    rows = history(session, patient_id, limit=1)
    return rows[0] if rows else None


def custom_exercises(
    session: Session, patient_id: int, active_only: bool = True
) -> list[CustomExercise]:
    query = select(CustomExercise).where(CustomExercise.patient_id == patient_id)
    if active_only:
        query = query.where(CustomExercise.active.is_(True))
    return list(session.scalars(query.order_by(CustomExercise.id)))
