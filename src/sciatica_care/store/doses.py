"""The prescription aggregate: current doses per exercise and the decisions that changed them."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sciatica_care.store.base import utcnow
from sciatica_care.store.models import DoseDecision, ExerciseDose


def dose_rows(session: Session, patient_id: int) -> dict[str, ExerciseDose]:
    """This patient's stored doses by exercise id (exercises never changed have none)."""
    rows = session.scalars(select(ExerciseDose).where(ExerciseDose.patient_id == patient_id))
    return {row.exercise_id: row for row in rows}


def set_dose(
    session: Session,
    patient_id: int,
    exercise_id: str,
    *,
    level: int,
    dose: dict[str, Any],
    active: bool,
    paused_until: date | None,
    reason: str | None,
) -> None:
    """Make this the dose the next session uses for one exercise."""
    row = session.scalars(
        select(ExerciseDose).where(
            ExerciseDose.patient_id == patient_id, ExerciseDose.exercise_id == exercise_id
        )
    ).first()
    if row is None:
        row = ExerciseDose(patient_id=patient_id, exercise_id=exercise_id)
        session.add(row)
    row.level = level
    row.dose = dose
    row.active = active
    row.paused_until = paused_until
    row.reason = reason
    row.updated_at = utcnow()
    session.flush()


def decision_rows(
    session: Session, patient_id: int, exercise_id: str | None = None
) -> list[DoseDecision]:
    """Stored decisions, oldest first (of one exercise, or all)."""
    query = select(DoseDecision).where(DoseDecision.patient_id == patient_id)
    if exercise_id is not None:
        query = query.where(DoseDecision.exercise_id == exercise_id)
    return list(session.scalars(query.order_by(DoseDecision.decided_at, DoseDecision.id)))


def add_decision(
    session: Session,
    patient_id: int,
    exercise_id: str,
    decision: dict[str, Any],
    action: str,
    status: str,
) -> DoseDecision:
    row = DoseDecision(
        patient_id=patient_id,
        exercise_id=exercise_id,
        decided_at=utcnow(),
        decision=decision,
        action=action,
        status=status,
    )
    session.add(row)
    session.flush()
    return row


def get_decision(session: Session, patient_id: int, decision_id: int) -> DoseDecision | None:
    row = session.get(DoseDecision, decision_id)
    return row if row is not None and row.patient_id == patient_id else None
