"""A clinician's custom exercises of one patient read as plain values (issue 10 item 3).

``prescriptions.custom_exercises`` loads ORM rows, which a prescription changes. Today, the guided
session and the prescription card only read them, on every request: here they come from one
Core statement built once, in the same order (as written, by id).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from sciatica_care.store.models import CustomExercise


@dataclass(frozen=True, slots=True)
class CustomFacts:
    """One custom exercise: its key (what results are stored under), words, dose and state."""

    id: int
    key: str
    name: str
    instructions: str
    steps: list[str]
    dose: dict[str, Any]
    active: bool


_TABLE = CustomExercise.__table__
_COLUMNS = (
    _TABLE.c.id,
    _TABLE.c.key,
    _TABLE.c.name,
    _TABLE.c.instructions,
    _TABLE.c.steps,
    _TABLE.c.dose,
    _TABLE.c.active,
)
_ALL = select(*_COLUMNS).where(_TABLE.c.patient_id == bindparam("patient_id")).order_by(_TABLE.c.id)
_ACTIVE = (
    select(*_COLUMNS)
    .where(_TABLE.c.patient_id == bindparam("patient_id"), _TABLE.c.active.is_(True))
    .order_by(_TABLE.c.id)
)


def of_patient(session: Session, patient_id: int, active_only: bool = True) -> list[CustomFacts]:
    """The patient's custom exercises (the active ones, or all), in the order they were written,
    as ``prescriptions.custom_exercises`` returns them."""
    session.flush()
    rows = session.connection().execute(
        _ACTIVE if active_only else _ALL, {"patient_id": patient_id}
    )
    return [
        CustomFacts(id, key, name, instructions, list(steps or []), dict(dose), bool(active))
        for id, key, name, instructions, steps, dose, active in rows
    ]
