"""The guided session state machine, driven only by events (design.md "Guided session")."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sciatica_care.content.exercises import Dose, DoseKind, Exercise, ExerciseLibrary
from sciatica_care.domain.session import (
    HOLD_BREAK_S,
    MOVE_S,
    NUMBNESS_STOP_MESSAGE,
    SIDE_SWITCH_S,
    STOP_MESSAGE,
    CueKind,
    PacerStage,
    Phase,
    PlannedExercise,
    Session,
    SessionError,
    SessionStatus,
    StopReason,
    build_program,
)

WAITING = (Phase.INTRO, Phase.INSTRUCTIONS, Phase.PAIN_CHECK)


def tilt(reps: int = 10, hold_s: int = 3, sets: int = 1, rest_s: int = 30) -> PlannedExercise:
    return PlannedExercise(
        exercise_id="pelvic-tilt",
        name="Pelvic tilt",
        kind=DoseKind.REPS,
        level=2,
        dose=Dose(sets=sets, reps=reps, hold_s=hold_s),
        rest_s=rest_s,
        move_word="Tilt",
    )


def knee(holds: int = 3, hold_s: int = 20, sets: int = 1, rest_s: int = 30) -> PlannedExercise:
    return PlannedExercise(
        exercise_id="knee-to-chest",
        name="Knee to chest",
        kind=DoseKind.HOLD,
        level=2,
        dose=Dose(sets=sets, reps=holds, hold_s=hold_s, per_side=True),
        sides=("right", "left"),
        rest_s=rest_s,
    )


def plank(holds: int = 2, hold_s: int = 5, sets: int = 2, rest_s: int = 10) -> PlannedExercise:
    return PlannedExercise(
        exercise_id="bird-dog",
        name="Bird dog",
        kind=DoseKind.HOLD,
        level=2,
        dose=Dose(sets=sets, reps=holds, hold_s=hold_s),
        rest_s=rest_s,
    )


def started(*program: PlannedExercise) -> Session:
    session = Session(list(program))
    session.start()
    return session


def run(session: Session, pain: int = 2, spread: bool = False, step: float = 1.0) -> list[str]:
    """Drive to the end like a patient who answers every prompt; returns the phases visited."""
    visited: list[str] = []
    while not session.finished:
        if not visited or visited[-1] != session.phase:
            visited.append(session.phase)
        if session.phase is Phase.PAIN_CHECK:
            session.pain(pain, spread)
        elif session.phase in WAITING:
            session.ready()
        else:
            session.tick(step)
    visited.append(session.phase)
    return visited


def advance_to(session: Session, phase: Phase) -> None:
    """Step forward (pain 0, no spread) until ``phase`` is current."""
    for _ in range(10_000):
        if session.phase is phase:
            return
        if session.phase is Phase.PAIN_CHECK:
            session.pain(0, False)
        elif session.phase in WAITING:
            session.ready()
        else:
            session.tick(0.5)
    raise AssertionError(f"never reached {phase}")


def texts(session: Session) -> list[str]:
    return [cue.text for cue in session.cue_events()]


# --- a whole session ---------------------------------------------------------------------------


def test_whole_session_runs_to_done_with_exact_counts_and_time() -> None:
    session = started(tilt(), knee(), plank())

    visited = run(session)

    record = session.record()
    assert record.status is SessionStatus.COMPLETED
    assert record.stop_reason is None
    tilt_s = 10 * (MOVE_S + 3 + 3)
    knee_s = 2 * (3 * 20 + 2 * HOLD_BREAK_S) + SIDE_SWITCH_S
    plank_s = 2 * (2 * 5 + HOLD_BREAK_S) + 10
    assert record.elapsed_s == tilt_s + 30 + knee_s + 30 + plank_s == 325
    assert [item.exercise_id for item in record.items] == [
        "pelvic-tilt",
        "knee-to-chest",
        "bird-dog",
    ]
    pelvic, knees, dog = record.items
    assert (pelvic.reps_done, pelvic.holds_done, pelvic.completed) == (10, 0, True)
    assert (knees.reps_done, knees.holds_done, knees.hold_seconds) == (0, 6, 120.0)
    assert knees.sides_done == ["right", "left"]
    assert (dog.holds_done, dog.hold_seconds, dog.sides_done) == (4, 20.0, [])
    assert all(
        item.completed and item.pain == 2 and item.spread_down_leg is False for item in record.items
    )
    assert visited[0] == Phase.INTRO and visited[-1] == Phase.DONE
    assert Phase.SIDE_SWITCH in visited and Phase.BREAK in visited and Phase.REST in visited


def test_last_exercise_goes_straight_to_the_pain_check_without_rest() -> None:
    session = started(tilt(reps=1))
    advance_to(session, Phase.WORK)
    session.tick(10_000)
    assert session.phase is Phase.PAIN_CHECK


def test_cues_follow_the_flow_and_are_returned_once() -> None:
    session = started(tilt(reps=2, hold_s=3), knee(holds=1, hold_s=5))

    first = texts(session)
    assert first[0].startswith("Today: 2 exercises")
    assert "sharp" in first[1]
    assert texts(session) == []
    run(session)
    later = texts(session)
    assert later[0] == "Pelvic tilt: 2 reps, hold 3 s at each end."
    assert "1 of 2: Tilt ... 3 s" in later
    assert "Relax" in later
    assert "Knee to chest: 1 hold of 5 s, each side." in later
    assert "First side: right. Hold 1 of 1: 5 s" in later
    assert "Now switch sides: left" in later
    assert later[-1] == "Session complete. Well done."


def test_rep_pacer_moves_through_tilt_hold_relax_with_prompts() -> None:
    session = started(tilt(reps=2, hold_s=3))
    advance_to(session, Phase.WORK)

    assert (session.stage, session.prompt, session.number) == (PacerStage.MOVE, "Tilt", 1)
    session.tick(MOVE_S)
    assert (session.stage, session.prompt) == (PacerStage.HOLD, "Hold 3 s")
    session.tick(1.2)
    assert session.prompt == "Hold 2 s"
    assert session.remaining_s == pytest.approx(1.8)
    session.tick(1.8)
    assert (session.stage, session.prompt) == (PacerStage.RELAX, "Relax")
    session.tick(3)
    assert (session.stage, session.number) == (PacerStage.MOVE, 2)


def test_hold_countdown_prompt_counts_whole_seconds_down() -> None:
    session = started(knee(holds=2, hold_s=20))
    advance_to(session, Phase.WORK)

    assert (session.prompt, session.duration_s, session.side) == ("Hold 20 s", 20.0, "right")
    session.tick(7.5)
    assert session.prompt == "Hold 13 s"
    session.tick(12.5)
    assert session.phase is Phase.BREAK
    assert session.prompt == f"Rest {HOLD_BREAK_S:g} s"


def test_manual_rep_done_counts_now_and_restarts_the_pacer() -> None:
    session = started(tilt(reps=3, hold_s=3))
    advance_to(session, Phase.WORK)
    session.tick(1)

    session.rep_done()
    session.rep_done()

    assert (session.stage, session.number) == (PacerStage.MOVE, 3)
    session.rep_done()
    assert session.phase is Phase.PAIN_CHECK
    session.pain(1, False)
    assert session.record().items[0].reps_done == 3


def test_rep_done_is_ignored_during_a_hold() -> None:
    session = started(knee(holds=1))
    advance_to(session, Phase.WORK)
    session.rep_done()
    assert (session.phase, session.number) == (Phase.WORK, 1)


def test_ready_skips_rests_and_side_switches() -> None:
    session = started(knee(holds=1), tilt(reps=1))
    advance_to(session, Phase.SIDE_SWITCH)
    assert session.prompt == "Now switch sides: left"
    session.ready()
    assert (session.phase, session.side) == (Phase.WORK, "left")
    advance_to(session, Phase.REST)
    session.ready()
    assert session.phase is Phase.PAIN_CHECK


def test_per_side_exercise_visits_both_sides_in_each_set() -> None:
    session = started(knee(holds=1, hold_s=5, sets=2, rest_s=10))
    advance_to(session, Phase.WORK)
    seen = []
    while session.phase is not Phase.PAIN_CHECK:
        if session.phase is Phase.WORK and (session.set_number, session.side) not in seen:
            seen.append((session.set_number, session.side))
        session.tick(0.5)

    assert seen == [(1, "right"), (1, "left"), (2, "right"), (2, "left")]
    session.pain(0, False)
    assert session.record().items[0].sides_done == ["right", "left"]


def test_sides_done_lists_only_sides_finished_before_a_stop() -> None:
    session = started(knee(holds=2))
    advance_to(session, Phase.SIDE_SWITCH)
    session.stop(StopReason.TIRED)
    item = session.record().items[0]
    assert (item.sides_done, item.holds_done, item.completed) == (["right"], 2, False)


# --- time ----------------------------------------------------------------------------------------


def test_large_tick_crosses_phase_boundaries_and_carries_time_over() -> None:
    session = started(knee(holds=2, hold_s=20))
    advance_to(session, Phase.WORK)

    session.tick(20 + HOLD_BREAK_S + 3)

    assert (session.phase, session.side, session.number) == (Phase.WORK, "right", 2)
    assert session.remaining_s == pytest.approx(17)
    session.tick(17 + SIDE_SWITCH_S + 20 + HOLD_BREAK_S + 20 + 500)
    assert session.phase is Phase.PAIN_CHECK
    session.pain(0, False)
    item = session.record().items[0]
    assert (item.holds_done, item.hold_seconds) == (4, 80.0)


def test_time_waits_at_instructions_but_still_counts_as_elapsed() -> None:
    session = started(tilt())
    session.ready()
    session.tick(42)
    assert session.phase is Phase.INSTRUCTIONS
    assert session.elapsed_s == 42


def test_pause_freezes_time_and_events_until_resumed() -> None:
    session = started(knee(holds=1, hold_s=20))
    advance_to(session, Phase.WORK)
    session.tick(5)
    before = session.elapsed_s

    session.pause()
    session.tick(100)
    session.ready()
    session.rep_done()

    assert (session.paused, session.prompt) == (True, "Paused")
    assert session.remaining_s == pytest.approx(15)
    assert session.elapsed_s == before
    session.resume()
    session.tick(15)
    assert session.phase is Phase.SIDE_SWITCH
    assert session.elapsed_s == before + 15


def test_ticks_before_start_are_not_counted() -> None:
    session = Session([tilt()])
    session.tick(10)
    session.ready()
    assert (session.started, session.elapsed_s, session.phase) == (False, 0.0, Phase.INTRO)


# --- stopping ------------------------------------------------------------------------------------

# program tilt(reps=2) then knee(holds=2): what has been done when each phase is first reached
DONE_AT_PHASE = {
    Phase.INTRO: [],
    Phase.INSTRUCTIONS: [],
    Phase.WORK: [("pelvic-tilt", 0, 0, False)],
    Phase.REST: [("pelvic-tilt", 2, 0, True)],
    Phase.PAIN_CHECK: [("pelvic-tilt", 2, 0, True)],
    Phase.BREAK: [("pelvic-tilt", 2, 0, True), ("knee-to-chest", 0, 1, False)],
    Phase.SIDE_SWITCH: [("pelvic-tilt", 2, 0, True), ("knee-to-chest", 0, 2, False)],
}


@pytest.mark.parametrize("phase", list(DONE_AT_PHASE))
def test_stop_at_any_phase_records_reason_and_keeps_work_done(phase: Phase) -> None:
    session = started(tilt(reps=2), knee(holds=2, hold_s=5))
    advance_to(session, phase)
    session.tick(0.25)
    assert session.phase is phase

    session.stop(StopReason.OTHER, "  phone rang  ")

    assert session.phase is Phase.STOPPED and session.finished
    record = session.record()
    assert record.status is SessionStatus.STOPPED
    assert (record.stop_reason, record.stop_note) == (StopReason.OTHER, "phone rang")
    done = [(i.exercise_id, i.reps_done, i.holds_done, i.completed) for i in record.items]
    assert done == DONE_AT_PHASE[phase]
    assert record.elapsed_s > 0 or phase is Phase.INTRO


def test_stop_during_a_hold_keeps_partial_hold_seconds_but_not_the_hold() -> None:
    session = started(knee(holds=3, hold_s=20))
    advance_to(session, Phase.WORK)
    session.tick(12)
    session.stop("tired")
    item = session.record().items[0]
    assert (item.holds_done, item.hold_seconds, item.completed) == (0, 12.0, False)


def test_events_after_stop_change_nothing() -> None:
    session = started(tilt())
    session.stop(StopReason.TIRED)
    session.tick(100)
    session.ready()
    session.resume()
    session.stop(StopReason.PAIN)
    record = session.record()
    assert (record.stop_reason, record.elapsed_s, record.items) == (StopReason.TIRED, 0.0, [])


def test_stop_for_pain_gives_the_stop_for_today_message() -> None:
    session = started(tilt())
    texts(session)
    session.stop(StopReason.PAIN)
    cues = session.cue_events()
    assert [(c.kind, c.text) for c in cues] == [(CueKind.SAFETY, STOP_MESSAGE)]


# --- the pain check (clinical-spec.md §4.1) ------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "spread", "reason"),
    [
        (8, False, StopReason.PAIN),
        (10, False, StopReason.PAIN),
        (2, True, StopReason.SPREAD_DOWN_LEG),
    ],
)
def test_red_pain_check_stops_the_session(score: int, spread: bool, reason: StopReason) -> None:
    session = started(tilt(reps=1), knee(holds=1))
    advance_to(session, Phase.PAIN_CHECK)
    texts(session)

    session.pain(score, spread)

    record = session.record()
    assert (record.status, record.stop_reason) == (SessionStatus.STOPPED, reason)
    assert record.stop_note is not None and f"pain {score}/10 after Pelvic tilt" in record.stop_note
    assert [i.exercise_id for i in record.items] == ["pelvic-tilt"]
    assert (record.items[0].pain, record.items[0].spread_down_leg) == (score, spread)
    assert record.items[0].completed
    assert STOP_MESSAGE in texts(session)
    assert STOP_MESSAGE.startswith("Stop. Pain that spreads down your leg or sharp pain")


def test_new_numbness_or_weakness_stops_and_sends_to_the_safety_questions() -> None:
    """Vignette: pain 3 after pelvic tilt, no spread, but the foot now tingles (§4.1 RED)."""
    session = started(tilt(reps=1), knee(holds=1))
    advance_to(session, Phase.PAIN_CHECK)
    assert "Any new numbness, tingling or weakness in your leg or foot?" in texts(session)[-1]

    session.pain(3, False, new_numbness=True)

    record = session.record()
    assert (record.status, record.stop_reason) == (
        SessionStatus.STOPPED,
        StopReason.NEW_NUMBNESS_OR_WEAKNESS,
    )
    assert record.stop_note == "pain 3/10 after Pelvic tilt, new numbness, tingling or weakness"
    item = record.items[0]
    assert (item.pain, item.spread_down_leg, item.new_numbness_or_weakness) == (3, False, True)
    cues = session.cue_events()
    assert [(c.kind, c.text) for c in cues] == [(CueKind.SAFETY, NUMBNESS_STOP_MESSAGE)]
    assert "Answer the safety questions now" in NUMBNESS_STOP_MESSAGE


def test_numbness_is_the_stop_reason_even_when_the_pain_also_spread() -> None:
    session = started(tilt(reps=1))
    advance_to(session, Phase.PAIN_CHECK)

    session.pain(9, True, new_numbness=True)

    record = session.record()
    assert record.stop_reason is StopReason.NEW_NUMBNESS_OR_WEAKNESS
    assert record.stop_note == (
        "pain 9/10 after Pelvic tilt, spread further down the leg, "
        "new numbness, tingling or weakness"
    )


def test_the_numbness_answer_is_recorded_as_no_by_default_and_unknown_without_a_check() -> None:
    session = started(tilt(reps=1), knee(holds=1))
    advance_to(session, Phase.PAIN_CHECK)
    session.pain(2, False)
    advance_to(session, Phase.WORK)
    session.stop(StopReason.TIRED)

    items = session.record().items
    assert [i.new_numbness_or_weakness for i in items] == [False, None]


@pytest.mark.parametrize("score", [6, 7])
def test_amber_pain_goes_on_with_a_note(score: int) -> None:
    session = started(tilt(reps=1), knee(holds=1))
    advance_to(session, Phase.PAIN_CHECK)
    texts(session)

    session.pain(score, False)

    assert session.phase is Phase.INSTRUCTIONS
    assert any(c.kind is CueKind.SAFETY and f"Pain {score}" in c.text for c in session.cue_events())
    run(session)
    assert session.record().notes == [f"Pelvic tilt: pain {score}/10, above the aim of 5 or less"]


def test_pain_of_five_goes_on_without_a_note() -> None:
    session = started(tilt(reps=1))
    advance_to(session, Phase.PAIN_CHECK)
    session.pain(5, False)
    record = session.record()
    assert (record.status, record.notes) == (SessionStatus.COMPLETED, [])


@pytest.mark.parametrize("score", [-1, 11, 2.5, True])
def test_pain_score_outside_0_to_10_is_an_error_naming_the_field(score: Any) -> None:
    session = started(tilt())
    with pytest.raises(SessionError, match="pain: score"):
        session.pain(score, False)


def test_bad_arguments_are_errors_naming_the_field() -> None:
    session = started(tilt())
    with pytest.raises(SessionError, match="tick: dt"):
        session.tick(-1)
    with pytest.raises(SessionError, match="stop: reason"):
        session.stop("bored")
    with pytest.raises(SessionError, match="record"):
        session.record()
    with pytest.raises(SessionError, match="program"):
        Session([])


# --- doses and program ---------------------------------------------------------------------------


def test_dose_text_reads_as_plain_words() -> None:
    assert tilt().dose_text == "10 reps, hold 3 s at each end"
    assert knee().dose_text == "3 holds of 20 s, each side"
    assert plank().dose_text == "2 holds of 5 s, 2 sets"


def test_hold_exercise_without_a_hold_is_paced_as_reps() -> None:
    rolls = knee(holds=2).model_copy(update={"dose": Dose(sets=1, reps=2, hold_s=0, per_side=True)})
    session = started(rolls)
    advance_to(session, Phase.WORK)
    assert session.stage is PacerStage.MOVE
    session.tick(10_000)
    session.pain(0, False)
    item = session.record().items[0]
    assert (item.reps_done, item.holds_done, item.completed) == (4, 0, True)


def _exercise(exercise_id: str, kind: str, sides: str, doses: list[dict[str, Any]]) -> Exercise:
    return Exercise.model_validate(
        {
            "id": exercise_id,
            "name": exercise_id.replace("-", " ").capitalize(),
            "summary": "s",
            "position": "lying",
            "steps": ["one"],
            "cues": [],
            "stop_if": ["pain spreads"],
            "kind": kind,
            "sides": sides,
            "max_reps": 15,
            "max_hold_s": 30,
            "rest_s": 20,
            "levels": [
                {"level": n, "name": f"L{n}", "description": "d", "dose": dose}
                for n, dose in enumerate(doses, start=1)
            ],
            "animation": {
                "posture": "supine",
                "duration_s": 4,
                "keyframes": [{"t": 0, "angles": {}}, {"t": 1, "angles": {}}],
            },
        }
    )


LIBRARY = ExerciseLibrary(
    version="test",
    exercises=[
        _exercise(
            "pelvic-tilt",
            "reps",
            "none",
            [{"sets": 1, "reps": 5}, {"sets": 1, "reps": 10, "hold_s": 3}, {"sets": 2, "reps": 10}],
        ),
        _exercise(
            "knee-to-chest",
            "hold",
            "both",
            [
                {"sets": 1, "reps": 3, "hold_s": 10, "per_side": True},
                {"sets": 1, "reps": 3, "hold_s": 20, "per_side": True},
                {"sets": 1, "reps": 3, "hold_s": 20},
            ],
        ),
    ],
)


def test_build_program_defaults_to_level_two_standard_doses_in_library_order() -> None:
    program = build_program(LIBRARY)

    assert [(p.exercise_id, p.level) for p in program] == [("pelvic-tilt", 2), ("knee-to-chest", 2)]
    assert program[0].dose == Dose(sets=1, reps=10, hold_s=3)
    assert (program[0].sides, program[0].move_word, program[0].rest_s) == ((), "Tilt", 20)
    assert program[1].sides == ("right", "left")
    assert program[1].reason is None


def test_build_program_uses_given_doses_and_reasons() -> None:
    both_knees = LIBRARY.get("knee-to-chest").level(3).dose
    program = build_program(
        LIBRARY,
        {"knee-to-chest": (3, both_knees)},
        reasons={"knee-to-chest": "Tolerated well: today both knees"},
    )
    assert (program[1].level, program[1].sides) == (3, ())
    assert program[1].reason == "Tolerated well: today both knees"
    assert program[0].level == 2


def test_build_program_rejects_unknown_exercise_and_level() -> None:
    with pytest.raises(SessionError, match="unknown exercise 'plank'"):
        build_program(LIBRARY, {"plank": (2, Dose(sets=1, reps=1))})
    with pytest.raises(SessionError, match=r"doses\.pelvic-tilt: level"):
        build_program(LIBRARY, {"pelvic-tilt": (4, Dose(sets=1, reps=1))})


# --- property -----------------------------------------------------------------------------------

EVENTS = st.one_of(
    st.tuples(st.just("start")),
    st.tuples(st.just("tick"), st.floats(min_value=0, max_value=120, allow_nan=False)),
    st.tuples(st.just("rep_done")),
    st.tuples(st.just("ready")),
    st.tuples(st.just("pain"), st.integers(0, 10), st.booleans(), st.booleans()),
    st.tuples(st.just("pause")),
    st.tuples(st.just("resume")),
    st.tuples(st.just("stop"), st.sampled_from(list(StopReason))),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(EVENTS, max_size=120))
def test_any_event_sequence_never_raises_and_elapsed_sums_running_ticks(
    events: list[tuple[Any, ...]],
) -> None:
    session = Session([tilt(reps=2, hold_s=1, sets=2, rest_s=3), knee(holds=2, hold_s=2)])
    expected = 0.0
    for name, *args in events:
        if name == "tick" and session.started and not session.paused and not session.finished:
            expected += args[0]
        getattr(session, name)(*args)
        session.state()
        session.cue_events()

    assert session.elapsed_s == expected
    if session.finished:
        record = session.record()
        assert record.elapsed_s == pytest.approx(expected, abs=1e-3)
        for item, planned in zip(record.items, session.program, strict=False):
            assert item.reps_done + item.holds_done <= planned.units_planned
            assert item.hold_seconds <= planned.units_planned * planned.dose.hold_s + 1e-6
