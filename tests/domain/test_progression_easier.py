"""Asking for the easier version is a pain signal for progression (clinical-spec.md §4.1, §4.2)."""

from __future__ import annotations

import datetime as dt

from sciatica_care.content.exercises import exercise_library
from sciatica_care.domain.progression import (
    ProgressionAction,
    ProgressionDose,
    ProgressionInput,
    SessionRecord,
    SessionResult,
    classify_session,
    decide,
)

DAY = dt.date(2026, 11, 20)


def _session(day: int, pain: int = 2, *, easier: bool = False) -> SessionRecord:
    return SessionRecord(
        date=DAY + dt.timedelta(days=day),
        peak_pain=pain,
        spread_down_leg=False,
        new_numbness_or_weakness=False,
        next_morning_pain=2,
        asked_easier=easier,
    )


def _input(level: int, dose: ProgressionDose, *sessions: SessionRecord) -> ProgressionInput:
    return ProgressionInput(
        exercise="pelvic-tilt",
        level=level,
        dose=dose,
        baseline_morning_pain=2,
        sessions=list(sessions),
    )


def test_a_session_where_the_person_asked_for_the_easier_version_is_never_green() -> None:
    assert classify_session(_session(0, pain=1, easier=True), 2) is SessionResult.AMBER
    assert classify_session(_session(0, pain=9, easier=True), 2) is SessionResult.RED


def test_asking_for_the_easier_version_restarts_one_level_down_next_time() -> None:
    tilt = exercise_library().get("pelvic-tilt")
    dose = ProgressionDose(sets=1, reps=10, hold_s=3)

    decision = decide(_input(2, dose, _session(0), _session(2, pain=3, easier=True)), tilt)

    assert decision.action is ProgressionAction.REGRESS
    assert decision.next_level == 1
    assert decision.next_dose.reps == tilt.level(1).dose.reps
    assert decision.reason == (
        "You said pelvic tilt hurt and asked for an easier version: next time do Small and easy "
        "at 5 reps, 1 set."
    )


def test_at_the_easiest_level_it_steps_the_dose_down() -> None:
    tilt = exercise_library().get("pelvic-tilt")

    decision = decide(
        _input(1, ProgressionDose(sets=1, reps=5, hold_s=3), _session(0, easier=True)), tilt
    )

    assert decision.action is ProgressionAction.REGRESS
    assert (decision.next_level, decision.next_dose.reps) == (1, 3)


def test_at_the_gentlest_dose_it_holds_and_suggests_the_clinician() -> None:
    tilt = exercise_library().get("pelvic-tilt")

    decision = decide(
        _input(1, ProgressionDose(sets=1, reps=1, hold_s=3), _session(0, easier=True)), tilt
    )

    assert decision.action is ProgressionAction.HOLD
    assert "talk to your clinician" in decision.reason


def test_spread_down_the_leg_still_pauses_even_when_the_easier_version_was_asked() -> None:
    tilt = exercise_library().get("pelvic-tilt")
    red = _session(0, easier=True).model_copy(update={"spread_down_leg": True})

    decision = decide(_input(2, ProgressionDose(sets=1, reps=10, hold_s=3), red), tilt)

    assert decision.action is ProgressionAction.PAUSE
