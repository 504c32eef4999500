"""Progression as tolerated, stored: decisions after sessions and mornings change the next dose."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy.orm import Session

from sciatica_care.content.exercises import Dose
from sciatica_care.domain.screening import screen_daily
from sciatica_care.services import program
from sciatica_care.services.clock import Clock
from sciatica_care.services.errors import NotFound
from sciatica_care.services.gate import program_gate
from sciatica_care.store import checkins, exercise_sessions, patients, screenings
from sciatica_care.store.database import Database
from sciatica_care.store.models import DoseDecision, Patient
from tests.store.diary_story import day, exercise_session, morning

TILT_12 = Dose(sets=1, reps=12, hold_s=3, per_side=False)
TILT_10 = Dose(sets=1, reps=10, hold_s=3, per_side=False)
REASON_12 = "You managed 10 pelvic tilt reps with little pain twice: today 12."


CLOCK = Clock(UTC)


def after_session(s: Session, pid: int, sid: int) -> program.ProgramUpdate:
    saved = exercise_sessions.get(s, pid, sid)
    assert saved is not None
    return program.after_session(s, pid, saved, CLOCK, program_gate(s, pid))


def after_morning(s: Session, pid: int, when: object) -> program.ProgramUpdate:
    return program.after_morning_checkin(s, pid, when, CLOCK, program_gate(s, pid))  # type: ignore[arg-type]


def accept(s: Session, pid: int, exercise_id: str, when: object) -> program.DecisionOutcome:
    gate = program_gate(s, pid)
    object.__setattr__(gate, "state", gate.state.OPEN)
    return program.accept_suggestion(s, pid, exercise_id, when, gate)  # type: ignore[arg-type]


def _usual_week(s: Session, pid: int) -> None:
    for n in range(1, 8):
        morning(s, pid, n, leg=3)


def _two_good_sessions(database: Database, pid: int) -> list[program.ProgramUpdate]:
    """Days 8 and 9: pelvic tilt with pain 2; mornings of days 9 and 10 at the usual 3."""
    updates = []
    with database.session() as s:
        _usual_week(s, pid)
        sid = exercise_session(s, pid, 8, {"pelvic-tilt": 2})
        updates.append(after_session(s, pid, sid))
        morning(s, pid, 9, leg=3)
        updates.append(after_morning(s, pid, day(9)))
        sid = exercise_session(s, pid, 9, {"pelvic-tilt": 2})
        updates.append(after_session(s, pid, sid))
        morning(s, pid, 10, leg=3)
        updates.append(after_morning(s, pid, day(10)))
    return updates


def _patient(database: Database) -> int:
    with database.session() as s:
        pid = patients.local_patient_id(s)
        patients.program_start(s, pid, day(1))
    return pid


def test_new_patient_starts_every_exercise_at_the_standard_dose(database: Database) -> None:
    pid = _patient(database)
    with database.session() as s:
        today = program.todays_program(s, pid, day(1))
    assert today.doses["pelvic-tilt"] == (2, TILT_10)
    assert [p.exercise_id for p in today.planned()] == [
        "pelvic-tilt",
        "knee-to-chest",
        "lower-trunk-rotation",
        "bird-dog",
    ]
    assert today.reasons == {} and today.suggestions == []


def test_two_green_sessions_with_good_next_mornings_give_12_pelvic_tilts(
    database: Database,
) -> None:
    pid = _patient(database)
    updates = _two_good_sessions(database, pid)

    actions = [[d.decision.action.value for d in u.decisions] for u in updates]
    assert actions == [["HOLD"], ["HOLD"], ["HOLD"], ["PROGRESS"]]
    assert "Record your leg pain tomorrow morning" in updates[2].decisions[0].decision.reason
    assert updates[3].decisions[0].status == "applied"
    with database.session() as s:
        today = program.todays_program(s, pid, day(10))
    assert today.doses["pelvic-tilt"] == (2, TILT_12)
    assert today.reasons["pelvic-tilt"] == REASON_12
    planned = {p.exercise_id: p for p in today.planned()}
    assert planned["pelvic-tilt"].dose.reps == 12
    assert planned["pelvic-tilt"].reason == REASON_12


def test_a_second_morning_entry_does_not_decide_again(database: Database) -> None:
    pid = _patient(database)
    _two_good_sessions(database, pid)
    with database.session() as s:
        morning(s, pid, 10, leg=3)
        again = after_morning(s, pid, day(10))
        count = s.query(DoseDecision).filter_by(patient_id=pid).count()
    assert again.decisions == []
    assert count == 4


def test_red_session_pauses_the_exercise_with_a_resume_date_and_skips_it(
    database: Database,
) -> None:
    pid = _patient(database)
    with database.session() as s:
        _usual_week(s, pid)
        sid = exercise_session(s, pid, 8, {"pelvic-tilt": 8, "bird-dog": 2})
        update = after_session(s, pid, sid)
        morning(s, pid, 9, leg=3)
        next_morning = after_morning(s, pid, day(9))
        resting = program.todays_program(s, pid, day(9))
        back = program.todays_program(s, pid, day(10))

    tilt = next(d for d in update.decisions if d.exercise_id == "pelvic-tilt")
    assert tilt.decision.action.value == "PAUSE"
    assert tilt.decision.resume_on == day(10)
    assert update.red_flag_screen is True
    assert "Please answer the safety questions again" in tilt.decision.reason
    assert [d.exercise_id for d in next_morning.decisions] == ["bird-dog"]  # RED acted on once
    assert "pelvic-tilt" not in resting.doses
    assert [i.exercise.id for i in resting.resting] == ["pelvic-tilt"]
    assert "pelvic-tilt" not in [p.exercise_id for p in resting.planned()]
    assert resting.items[0].current.paused_until == day(10)
    assert back.doses["pelvic-tilt"] == (1, Dose(sets=1, reps=5, hold_s=3, per_side=False))


def test_new_numbness_at_the_pain_check_pauses_the_exercise_and_asks_for_the_safety_questions(
    database: Database,
) -> None:
    """clinical-spec.md §4.1: new numbness/weakness is RED even with pain 2 and no spread."""
    pid = _patient(database)
    with database.session() as s:
        _usual_week(s, pid)
        sid = exercise_session(
            s, pid, 8, {"pelvic-tilt": 2, "bird-dog": 2}, numb=frozenset({"pelvic-tilt"})
        )
        update = after_session(s, pid, sid)
        resting = program.todays_program(s, pid, day(9))

    decisions = {d.exercise_id: d.decision for d in update.decisions}
    assert decisions["pelvic-tilt"].last_result.value == "RED"
    assert decisions["pelvic-tilt"].action.value == "PAUSE"
    assert "new numbness or weakness after pelvic tilt" in decisions["pelvic-tilt"].reason
    assert decisions["bird-dog"].last_result.value == "GREEN"
    assert update.red_flag_screen is True
    assert [i.exercise.id for i in resting.resting] == ["pelvic-tilt"]


def test_a_pause_for_pain_applies_even_with_automatic_progression_off(
    database: Database,
) -> None:
    pid = _patient(database)
    with database.session() as s:
        program.set_auto_progression(s, pid, False)
        _usual_week(s, pid)
        sid = exercise_session(s, pid, 8, {"pelvic-tilt": 8})
        update = after_session(s, pid, sid)
        resting = program.todays_program(s, pid, day(9))

    tilt = next(d for d in update.decisions if d.exercise_id == "pelvic-tilt")
    assert (tilt.decision.action.value, tilt.status) == ("PAUSE", "applied")
    assert [i.exercise.id for i in resting.resting] == ["pelvic-tilt"]
    assert resting.suggestions == []


def test_two_red_sessions_in_a_week_ask_for_a_routine_review(database: Database) -> None:
    pid = _patient(database)
    with database.session() as s:
        _usual_week(s, pid)
        first = exercise_session(s, pid, 8, {"bird-dog": 9})
        after_session(s, pid, first)
        second = exercise_session(s, pid, 10, {"bird-dog": 9})
        update = after_session(s, pid, second)
    assert update.escalation == "ROUTINE"


def test_with_automatic_progression_off_the_step_is_a_suggestion_until_accepted(
    database: Database,
) -> None:
    pid = _patient(database)
    with database.session() as s:
        program.set_auto_progression(s, pid, False)
    updates = _two_good_sessions(database, pid)

    last = updates[-1].decisions[0]
    assert (last.decision.action.value, last.status) == ("PROGRESS", "suggested")
    assert last.decision.requires_acceptance
    assert not last.decision.reason.startswith("Suggestion")
    with database.session() as s:
        before = program.todays_program(s, pid, day(10))
        accepted = accept(s, pid, "pelvic-tilt", day(10))
        after = program.todays_program(s, pid, day(10))
    assert before.doses["pelvic-tilt"] == (2, TILT_10)
    assert [x.exercise_id for x in before.suggestions] == ["pelvic-tilt"]
    assert accepted.status == "accepted"
    assert after.doses["pelvic-tilt"] == (2, TILT_12)
    assert after.reasons["pelvic-tilt"] == REASON_12
    assert after.suggestions == []


def test_accepting_when_nothing_waits_is_not_found(database: Database) -> None:
    pid = _patient(database)
    with (
        pytest.raises(NotFound, match="no suggestion is waiting for 'bird-dog'"),
        database.session() as s,
    ):
        accept(s, pid, "bird-dog", day(1))


def test_urgent_daily_answers_hold_back_a_step_up(database: Database) -> None:
    pid = _patient(database)
    with database.session() as s:
        _usual_week(s, pid)
        for n in (8, 9):
            exercise_session(s, pid, n, {"pelvic-tilt": 2})
            if n == 8:
                morning(s, pid, 9, leg=3)
        entry = checkins.entries(s, pid, day(9), day(9))[0]
        checkins.save(s, pid, entry.model_copy(update={"day": day(10)}), "URGENT_24_48H")
        answers = {"Q1": "yes", "Q2": "no", "Q3": "no", "Q4": "no", "Q5": "no", "Q6": "no"}
        answers |= {"Q7": "no", "CES_ASSESSED": "yes"}
        screenings.save(s, pid, answers, screen_daily(answers), kind="daily")
        update = after_morning(s, pid, day(10))
        today = program.todays_program(s, pid, day(10))
    assert update.decisions == []
    assert update.notes == [program.SCREEN_PAUSE_NOTE]
    assert today.doses["pelvic-tilt"] == (2, TILT_10)


def test_another_patient_sees_none_of_it(database: Database) -> None:
    pid = _patient(database)
    _two_good_sessions(database, pid)
    with database.session() as s:
        someone = Patient(email="other@example.org", settings={})
        s.add(someone)
        s.flush()
        other = someone.id
        theirs = program.todays_program(s, other, day(10))
    assert theirs.doses["pelvic-tilt"] == (2, TILT_10)
    assert theirs.reasons == {} and theirs.suggestions == []
    with database.session() as s:
        mine = exercise_sessions.list_for(s, pid)[0].id
        assert exercise_sessions.get(s, other, mine) is None


def test_weekly_review_with_leg_pain_up_two_regresses_and_asks_for_review(
    database: Database,
) -> None:
    pid = _patient(database)
    with database.session() as s:
        for n in range(1, 8):
            morning(s, pid, n, leg=2)
        for n in (8, 10):
            exercise_session(s, pid, n, {"bird-dog": 3})
        for n in range(8, 15):
            morning(s, pid, n, leg=5)
        after_morning(s, pid, day(8))  # first weekly review: day 8
        update = after_morning(s, pid, day(15))
    weekly = [d for d in update.decisions if d.trigger == "weekly"]
    assert [d.exercise_id for d in weekly] == ["bird-dog"]
    assert weekly[0].decision.escalation == "ROUTINE"
    assert update.escalation == "ROUTINE"


def test_spreading_down_the_leg_twice_at_the_easiest_level_removes_the_exercise(
    database: Database,
) -> None:
    pid = _patient(database)
    with database.session() as s:
        _usual_week(s, pid)
        first = exercise_session(
            s, pid, 8, {"knee-to-chest": 3}, spread=frozenset({"knee-to-chest"})
        )
        after_session(s, pid, first)
        second = exercise_session(
            s, pid, 11, {"knee-to-chest": 3}, spread=frozenset({"knee-to-chest"})
        )
        update = after_session(s, pid, second)
        later = program.todays_program(s, pid, day(30))
    assert update.decisions[0].decision.remove_exercise is True
    knee = next(i for i in later.items if i.exercise.id == "knee-to-chest")
    assert (knee.resting, knee.current.active) == (True, False)
    assert "leave it out of your program" in (knee.current.reason or "")
