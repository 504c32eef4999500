"""The program gate through the use cases: one place decides, every interface asks it.

clinical-spec.md §1 and the §9 rulings: no screen → screen first; an emergency locks until
assessed; a RED stop owes the Q1–Q10 questions; URGENT holds every step up until a clinician has
seen the person.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sciatica_care.content.exercises import exercise_library
from sciatica_care.domain.screening import screen, screen_daily, screen_so_far
from sciatica_care.domain.session import (
    ExerciseResult,
    SessionRecord,
    SessionStatus,
    StopReason,
)
from sciatica_care.services import program, sessions
from sciatica_care.services.clock import Clock
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import ProgramClosed
from sciatica_care.services.gate import GateState
from sciatica_care.services.permissions import Actor
from sciatica_care.store import patients, screenings
from sciatica_care.store.database import Database
from tests.data_answers import SELF_CARE_ANSWERS

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


def _ctx(database: Database) -> PatientContext:
    with database.session() as s:
        pid = patients.local_patient_id(s)
    return PatientContext(database, Actor.patient(pid), pid, Clock(UTC, lambda: NOW))


def _screen(
    ctx: PatientContext, answers: dict[str, Any], kind: str = "full", hours: float = -1
) -> int:
    """A screen saved ``hours`` after ``NOW``."""
    result = screen(answers) if kind == "full" else screen_so_far(answers)
    at = NOW + timedelta(hours=hours)
    with ctx.db.session() as s:
        return screenings.save(s, ctx.patient_id, answers, result, kind=kind, at=at)


def _stopped_at_pain_check(reason: StopReason) -> SessionRecord:
    """Knee to chest done in full, then Stop pressed at its pain check with ``reason``."""
    exercise = exercise_library().get("knee-to-chest")
    dose = exercise.level(2).dose
    item = ExerciseResult(
        exercise_id=exercise.id,
        level=2,
        dose=dose,
        sides_done=["left", "right"],
        reps_done=0,
        holds_done=dose.reps * 2,
        hold_seconds=120.0,
        pain=None,
        spread_down_leg=None,
        completed=True,
    )
    return SessionRecord(
        status=SessionStatus.STOPPED,
        stop_reason=reason,
        elapsed_s=200.0,
        items=[item],
        planned_exercises=["pelvic-tilt", "knee-to-chest", "lower-trunk-rotation", "bird-dog"],
    )


def test_no_screen_means_screen_first_and_no_session_is_saved(database: Database) -> None:
    ctx = _ctx(database)
    assert program.current_gate(ctx).state is GateState.NEEDS_SCREENING
    with pytest.raises(ProgramClosed) as refused:
        sessions.record_session(
            ctx, sessions.SessionSave(_stopped_at_pain_check(StopReason.TIRED), NOW)
        )
    assert refused.value.gate.state is GateState.NEEDS_SCREENING
    assert sessions.history(ctx) == []


def test_a_partial_emergency_locks_until_assessed_and_then_asks_for_the_full_screen(
    database: Database,
) -> None:
    ctx = _ctx(database)
    row_id = _screen(ctx, {"age": 45, "Q1": "yes"}, kind="partial")
    gate = program.current_gate(ctx)
    assert gate.state is GateState.LOCKED and gate.locking is not None
    assert gate.locking.id == row_id
    with database.session() as s:
        screenings.acknowledge(s, ctx.patient_id, row_id, assessed=False)
    assert program.current_gate(ctx).state is GateState.LOCKED
    with database.session() as s:
        screenings.acknowledge(s, ctx.patient_id, row_id, assessed=True)
    assert program.current_gate(ctx).state is GateState.NEEDS_SCREENING


def test_stop_for_spread_at_the_pain_check_is_red_and_owes_the_safety_questions(
    database: Database,
) -> None:
    ctx = _ctx(database)
    _screen(ctx, SELF_CARE_ANSWERS)
    saved = sessions.record_session(
        ctx, sessions.SessionSave(_stopped_at_pain_check(StopReason.SPREAD_DOWN_LEG), NOW)
    )
    item = saved.row.items[0]
    assert (item.spread_down_leg, item.completed) == (True, False)
    assert saved.row.planned_exercises is not None and len(saved.row.planned_exercises) == 4
    assert saved.update is not None
    decision = saved.update.decisions[0]
    assert (decision.exercise_id, decision.decision.action.value) == ("knee-to-chest", "PAUSE")
    assert saved.gate.state is GateState.SAFETY_RECHECK
    with pytest.raises(ProgramClosed):
        program.open_program(ctx)
    _screen(ctx, SELF_CARE_ANSWERS, hours=1)
    assert program.current_gate(ctx).state is GateState.OPEN


def test_an_urgent_full_screen_holds_step_ups_until_a_clinician_has_seen_the_person(
    database: Database,
) -> None:
    ctx = _ctx(database)
    _screen(ctx, {**SELF_CARE_ANSWERS, "Q11": "yes"})
    gate = program.current_gate(ctx)
    assert gate.open and gate.hold_step_ups
    assert program.confirm_clinician_seen(ctx) == 1
    assert not program.current_gate(ctx).hold_step_ups


def test_an_urgent_daily_answer_holds_step_ups_too(database: Database) -> None:
    ctx = _ctx(database)
    _screen(ctx, SELF_CARE_ANSWERS)
    answers = {f"Q{n}": "no" for n in range(1, 8)} | {"Q3": "yes", "CES_ASSESSED": "yes"}
    with database.session() as s:
        screenings.save(s, ctx.patient_id, answers, screen_daily(answers), kind="daily")
    assert program.current_gate(ctx).hold_step_ups
