"""Narrow reads of a patient's program decisions: the rows a rule reads, not the whole history.

``doses.decision_rows`` returns every decision ever stored (each session adds one per exercise,
HOLD included: over a thousand a year). Today and progression each read only a few kinds of
them; these queries ask the database for just those, so a year of history costs what a month
does. The statuses and actions are the caller's words (``services.program``), passed in.
The statements are built once, with bound parameters: building one (a JSON path, an IN list)
costs more than running it. Today's reads come back as plain values from Core statements (no
ORM rows to make), after what the session holds pending is flushed; so does the look-up that
opens every Today: the patient's settings and whether progression has anything waiting.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from sciatica_care.store.models import CheckIn, DoseDecision, ExerciseSession, Patient
from sciatica_care.store.patients import PatientFacts

_ORDER = (DoseDecision.decided_at, DoseDecision.id)
"""Oldest first, as ``doses.decision_rows``."""


@lru_cache(maxsize=1)
def _patient_and_waiting() -> Select[Any]:
    sessions = select(ExerciseSession.id).where(
        ExerciseSession.patient_id == bindparam("patient_id"),
        ExerciseSession.final.is_(True),
        ExerciseSession.progressed_at.is_(None),
    )
    checkins = select(CheckIn.id).where(
        CheckIn.patient_id == bindparam("patient_id"), CheckIn.progressed_at.is_(None)
    )
    return select(
        Patient.settings,
        Patient.program_started_on,
        or_(sessions.exists(), checkins.exists()),
    ).where(Patient.id == bindparam("patient_id"))


def patient_and_waiting(session: Session, patient_id: int) -> tuple[PatientFacts, bool] | None:
    """The patient's settings and program start (``patients.facts``), and whether a final
    session or a check-in waits for progression (a row ``exercise_sessions.awaiting_progression``
    or ``checkins.awaiting_progression`` returns): one Core statement, so a read with nothing
    waiting (nearly every one) loads no row of them. None: no such patient."""
    session.flush()
    found = session.connection().execute(_patient_and_waiting(), {"patient_id": patient_id})
    row = found.first()
    if row is None:
        return None
    settings, started, waiting = row
    return PatientFacts(dict(settings or {}), started), bool(waiting)


@dataclass(frozen=True, slots=True)
class DecisionFacts:
    """A stored decision as plain values (what Today reads of it; nothing to change)."""

    id: int
    exercise_id: str
    decision: dict[str, Any]
    action: str
    status: str


def _waiting_or_changed(
    action: ColumnElement[bool], *others: ColumnElement[bool]
) -> ColumnElement[bool]:
    """A decision with status ``waiting``, or one with a status in ``changed`` whose action
    meets ``action``, or one meeting any of ``others`` (the bound parameters ``waiting`` and
    ``changed`` are the caller's words, as in every read here)."""
    return or_(
        DoseDecision.status == bindparam("waiting"),
        and_(DoseDecision.status.in_(bindparam("changed", expanding=True)), action),
        *others,
    )


@lru_cache(maxsize=1)
def _waiting_and_pauses() -> Select[Any]:
    return (
        select(
            DoseDecision.id,
            DoseDecision.exercise_id,
            DoseDecision.decision,
            DoseDecision.action,
            DoseDecision.status,
        )
        .where(
            DoseDecision.patient_id == bindparam("patient_id"),
            _waiting_or_changed(DoseDecision.action == bindparam("pause")),
        )
        .order_by(*_ORDER)
    )


def waiting_and_pauses(
    session: Session, patient_id: int, *, waiting: str, changed: Collection[str], pause: str
) -> list[DecisionFacts]:
    """Decisions with status ``waiting`` (suggestions) and the ``pause`` decisions whose status
    is one of ``changed`` (what Today shows and the planned rest days), oldest first, as plain
    values read by one Core statement."""
    params = {"patient_id": patient_id, "waiting": waiting, "changed": list(changed)}
    session.flush()
    rows = session.connection().execute(_waiting_and_pauses(), params | {"pause": pause})
    return [DecisionFacts(*row) for row in rows]


@lru_cache(maxsize=1)
def _for_progression() -> Select[Any]:
    decided_on = DoseDecision.decision["decided_on"].as_string()
    return (
        select(DoseDecision)
        .where(
            DoseDecision.patient_id == bindparam("patient_id"),
            _waiting_or_changed(
                DoseDecision.action != bindparam("hold"), decided_on >= bindparam("decided_since")
            ),
        )
        .order_by(*_ORDER)
    )


def for_progression(
    session: Session,
    patient_id: int,
    *,
    waiting: str,
    changed: Collection[str],
    hold: str,
    decided_since: date,
) -> list[DoseDecision]:
    """What a progression decision reads, oldest first: decisions with status ``waiting`` (they
    are superseded), every one of status ``changed`` that is not ``hold`` (the last step), and
    every one decided on ``decided_since`` or later (the same-session checks)."""
    params = {"patient_id": patient_id, "waiting": waiting, "changed": list(changed)}
    params |= {"hold": hold, "decided_since": decided_since.isoformat()}
    return list(session.scalars(_for_progression(), params))
