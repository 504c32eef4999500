"""The prescription aggregate: current doses per exercise and the decisions that changed them.

Doses are read and written as values, by Core statements built once: Today reads every dose on
each request, and progression and a clinician's change write one per exercise; making ORM rows
(and re-reading a row to update it) cost more than the statements themselves. No ORM
``ExerciseDose`` is loaded by the application, so no session holds one a write would leave stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Select, String, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from sciatica_care.store.base import utcnow
from sciatica_care.store.models import DoseDecision, ExerciseDose


@dataclass(frozen=True, slots=True)
class StoredDose:
    """One exercise's stored dose, as plain values."""

    exercise_id: str
    level: int
    dose: dict[str, Any]
    active: bool
    paused_until: date | None
    reason: str | None


_DOSES = cast(Table, ExerciseDose.__table__)
_DOSE_ROWS = select(
    _DOSES.c.exercise_id,
    _DOSES.c.level,
    _DOSES.c.dose,
    _DOSES.c.active,
    _DOSES.c.paused_until,
    _DOSES.c.reason,
).where(_DOSES.c.patient_id == bindparam("patient_id"))
_UPDATE_DOSE = update(_DOSES).where(
    _DOSES.c.patient_id == bindparam("of_patient"),
    _DOSES.c.exercise_id == bindparam("of_exercise"),
)
_INSERT_DOSE = insert(_DOSES)


def dose_rows(session: Session, patient_id: int) -> dict[str, StoredDose]:
    """This patient's stored doses by exercise id (exercises never changed have none)."""
    session.flush()
    rows = session.connection().execute(_DOSE_ROWS, {"patient_id": patient_id})
    return {
        row[0]: StoredDose(row[0], row[1], row[2], bool(row[3]), row[4], row[5]) for row in rows
    }


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
    """Make this the dose the next session uses for one exercise: an update of its row, or the
    row inserted when the exercise has none yet (no read first)."""
    values = {
        "level": level,
        "dose": dose,
        "active": active,
        "paused_until": paused_until,
        "reason": reason,
        "updated_at": utcnow(),
    }
    session.flush()
    connection = session.connection()
    where = {"of_patient": patient_id, "of_exercise": exercise_id}
    if connection.execute(_UPDATE_DOSE, where | values).rowcount == 0:
        row = {"patient_id": patient_id, "exercise_id": exercise_id} | values
        connection.execute(_INSERT_DOSE, row)


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


# --- Changes since a day, for charts -----------------------------------------------------------

DoseChangeRow = tuple[str, str, date]
"""A change as a chart marks it: exercise id, action, the day it was decided for."""


def _decided_on() -> Any:
    """The day a decision is for, as its JSON keeps it (ISO text: compares like the date)."""
    return DoseDecision.__table__.c.decision["decided_on"].as_string()


@lru_cache(maxsize=1)
def _changes_query() -> Select[Any]:
    c = DoseDecision.__table__.c
    return (
        select(c.exercise_id, c.action, _decided_on())
        .where(
            c.patient_id == bindparam("patient_id"),
            c.status.in_(bindparam("statuses", expanding=True)),
            c.action != bindparam("except_action"),
            _decided_on() >= bindparam("since", type_=String),
        )
        .order_by(c.decided_at, c.id)
    )


def changes_since(
    session: Session,
    patient_id: int,
    since: date,
    statuses: Sequence[str],
    except_action: str,
) -> list[DoseChangeRow]:
    """Decisions with one of ``statuses`` and any action but ``except_action``, decided for
    ``since`` or later, oldest first (``decision_rows`` order): three columns filtered by the
    database, instead of every decision ever made loaded whole. The caller says what counts as
    a change (``services.program.applied_changes``'s rule)."""
    params = {
        "patient_id": patient_id,
        "statuses": list(statuses),
        "except_action": except_action,
        "since": since.isoformat(),
    }
    return [
        (exercise_id, action, date.fromisoformat(str(day)))
        for exercise_id, action, day in session.execute(_changes_query(), params)
    ]
