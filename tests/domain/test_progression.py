"""Progression after each session (clinical-spec.md §4.1–4.3, §6, §8.3): vignettes and properties."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sciatica_care.content.exercises import Exercise
from sciatica_care.domain.progression import (
    ProgressionAction,
    ProgressionDose,
    ProgressionError,
    ProgressionInput,
    SessionRecord,
    SessionResult,
    baseline_from_mornings,
    classify_session,
    complete_dose,
    decide,
    read_input,
    step_down,
    step_up,
)

DAY = dt.date(2025, 3, 1)
SPEC_KEYS = {
    "exercise",
    "last_result",
    "action",
    "next_level",
    "next_dose",
    "resume_on",
    "escalation",
    "reason",
}


def build_exercise(
    *,
    exercise_id: str = "pelvic-tilt",
    name: str = "Pelvic tilt",
    kind: str = "reps",
    max_reps: int = 15,
    max_hold_s: int = 10,
    max_sets: int = 3,
    doses: list[dict[str, Any]] | None = None,
) -> Exercise:
    """An exercise built directly (no YAML), with three levels' starting doses."""
    if doses is None:
        doses = [
            {"sets": 1, "reps": 5, "hold_s": 3},
            {"sets": 1, "reps": 10, "hold_s": 3},
            {"sets": 1, "reps": 10, "hold_s": 10},
        ]
    names = ["Small and easy", "Standard", "Harder"]
    return Exercise.model_validate(
        {
            "id": exercise_id,
            "name": name,
            "summary": "A gentle movement.",
            "position": "Lying on your back.",
            "steps": ["Move gently."],
            "cues": [],
            "stop_if": ["Pain spreads down your leg."],
            "kind": kind,
            "sides": "both" if kind == "hold" else "none",
            "max_reps": max_reps,
            "max_hold_s": max_hold_s,
            "max_sets": max_sets,
            "rest_s": 30,
            "levels": [
                {"level": i + 1, "name": names[i], "description": "A variation.", "dose": dose}
                for i, dose in enumerate(doses)
            ],
            "animation": {
                "posture": "supine",
                "duration_s": 4,
                "keyframes": [{"t": 0, "angles": {}}, {"t": 1, "angles": {}}],
            },
        }
    )


PELVIC_TILT = build_exercise()
KNEE_TO_CHEST = build_exercise(
    exercise_id="knee-to-chest",
    name="Knee to chest",
    kind="hold",
    max_hold_s=30,
    doses=[
        {"sets": 1, "reps": 3, "hold_s": 10, "per_side": True},
        {"sets": 1, "reps": 3, "hold_s": 20, "per_side": True},
        {"sets": 1, "reps": 3, "hold_s": 20, "per_side": False},
    ],
)


def session(
    day: int,
    peak: int = 2,
    morning: int | None = 3,
    *,
    spread: bool = False,
    numb: bool = False,
) -> dict[str, Any]:
    return {
        "date": (DAY + dt.timedelta(days=day)).isoformat(),
        "peak_pain": peak,
        "spread_down_leg": spread,
        "new_numbness_or_weakness": numb,
        "next_morning_pain": morning,
    }


def request(sessions: list[dict[str, Any]], **changes: Any) -> ProgressionInput:
    data: dict[str, Any] = {
        "exercise": "pelvic-tilt",
        "level": 2,
        "dose": {"sets": 1, "reps": 10},
        "baseline_morning_pain": 3,
        "sessions": sessions,
    }
    data.update(changes)
    return ProgressionInput.model_validate(data)


# --- §4.1 classification ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peak", "morning", "expected"),
    [
        (0, 3, SessionResult.GREEN),
        (5, 4, SessionResult.GREEN),  # peak 3-5 acceptable, morning baseline + 1
        (6, 3, SessionResult.AMBER),
        (7, None, SessionResult.AMBER),
        (2, 5, SessionResult.AMBER),  # morning = baseline + 2
        (8, 3, SessionResult.RED),
        (2, 6, SessionResult.RED),  # morning = baseline + 3
    ],
)
def test_session_traffic_light_follows_peak_and_next_morning(
    peak: int, morning: int | None, expected: SessionResult
) -> None:
    record = SessionRecord.model_validate(session(0, peak, morning))

    assert classify_session(record, 3) is expected


def test_spread_down_the_leg_or_new_numbness_is_red_even_with_low_pain() -> None:
    spread = SessionRecord.model_validate(session(0, 1, 3, spread=True))
    numb = SessionRecord.model_validate(session(0, 1, 3, numb=True))

    assert classify_session(spread, 3) is SessionResult.RED
    assert classify_session(numb, 3) is SessionResult.RED


def test_baseline_is_the_median_of_the_last_seven_mornings() -> None:
    mornings = [9, 9, 9, 2, 3, 3, 4, 5, 3, 2]

    assert baseline_from_mornings(mornings) == 3
    assert baseline_from_mornings([4, 5]) == 4.5
    assert baseline_from_mornings([]) is None


# --- §4.2 steps up ----------------------------------------------------------------------------


def test_two_green_sessions_add_two_reps_with_a_reason_naming_the_numbers() -> None:
    decision = decide(request([session(0), session(1)]), PELVIC_TILT)

    assert decision.action is ProgressionAction.PROGRESS
    assert decision.next_level == 2
    assert decision.next_dose.model_dump() == {"sets": 1, "reps": 12}
    assert decision.reason == "You managed 10 pelvic tilt reps with little pain twice: today 12."
    assert decision.escalation is None
    assert decision.resume_on is None


def test_one_green_session_holds_the_dose() -> None:
    decision = decide(request([session(0)]), PELVIC_TILT)

    assert decision.action is ProgressionAction.HOLD
    assert decision.next_dose.model_dump() == {"sets": 1, "reps": 10}
    assert "One more session like this" in decision.reason


def test_green_amber_green_is_not_two_green_in_a_row() -> None:
    decision = decide(request([session(0), session(1, peak=6), session(2)]), PELVIC_TILT)

    assert decision.action is ProgressionAction.HOLD


def test_reps_stop_at_fifteen_then_a_set_is_added_then_the_harder_variation() -> None:
    at_14 = decide(request([session(0), session(1)], dose={"sets": 1, "reps": 14}), PELVIC_TILT)
    at_15 = decide(request([session(0), session(1)], dose={"sets": 1, "reps": 15}), PELVIC_TILT)
    full = decide(request([session(0), session(1)], dose={"sets": 3, "reps": 15}), PELVIC_TILT)

    assert at_14.next_dose.model_dump() == {"sets": 1, "reps": 15}
    assert at_15.next_dose.model_dump() == {"sets": 2, "reps": 15}
    assert "add a set" in at_15.reason
    assert (full.next_level, full.next_dose.model_dump()) == (3, {"sets": 1, "reps": 10})
    assert "harder version, Harder" in full.reason


def test_top_dose_of_the_hardest_level_holds() -> None:
    decision = decide(
        request([session(0), session(1)], level=3, dose={"sets": 3, "reps": 15}), PELVIC_TILT
    )

    assert decision.action is ProgressionAction.HOLD
    assert "top dose" in decision.reason


def test_hold_exercise_adds_five_seconds_up_to_its_maximum_and_keeps_the_input_shape() -> None:
    data = {"exercise": "knee-to-chest", "dose": {"sets": 1, "hold_s": 20, "per_side": True}}
    first = decide(request([session(0), session(1)], **data), KNEE_TO_CHEST)
    capped = decide(
        request(
            [session(0), session(1)],
            exercise="knee-to-chest",
            dose={"sets": 1, "hold_s": 28, "per_side": True},
        ),
        KNEE_TO_CHEST,
    )

    assert first.next_dose.model_dump() == {"sets": 1, "reps": 3, "hold_s": 25, "per_side": True}
    assert first.reason == (
        "You held knee to chest for 20 s with little pain twice: today hold for 25 s."
    )
    assert capped.next_dose.hold_s == 30


def test_moving_to_the_harder_hold_variation_restarts_at_its_starting_dose() -> None:
    decision = decide(
        request(
            [session(0), session(1)],
            exercise="knee-to-chest",
            dose={"sets": 3, "hold_s": 30, "per_side": True},
        ),
        KNEE_TO_CHEST,
    )

    assert decision.next_level == 3
    assert decision.next_dose.model_dump() == {
        "sets": 1,
        "reps": 3,
        "hold_s": 20,
        "per_side": False,
    }


def test_next_step_waits_48_hours_after_the_last_change() -> None:
    twice_a_day = [session(0), session(1), session(1)]
    changed_on = session(0)["date"]
    too_soon = decide(request(twice_a_day, last_step_on=changed_on), PELVIC_TILT)
    in_time = decide(request([*twice_a_day, session(2)], last_step_on=changed_on), PELVIC_TILT)

    assert too_soon.action is ProgressionAction.HOLD
    assert "no sooner than Monday 3 March" in too_soon.reason
    assert in_time.action is ProgressionAction.PROGRESS


def test_sessions_before_the_last_change_do_not_count_towards_two_green() -> None:
    decision = decide(
        request([session(0), session(1), session(4)], last_step_on=session(1)["date"]),
        PELVIC_TILT,
    )

    assert decision.action is ProgressionAction.HOLD


def test_step_up_waits_for_the_next_morning_score() -> None:
    decision = decide(request([session(0), session(1, morning=None)]), PELVIC_TILT)

    assert decision.action is ProgressionAction.HOLD
    assert decision.last_result is SessionResult.GREEN
    assert "tomorrow morning" in decision.reason


# --- §4.1 AMBER and RED -----------------------------------------------------------------------


def test_one_amber_repeats_the_same_dose() -> None:
    decision = decide(request([session(0), session(1, peak=7)]), PELVIC_TILT)

    assert decision.action is ProgressionAction.HOLD
    assert decision.next_dose.model_dump() == {"sets": 1, "reps": 10}
    assert decision.reason.startswith("Your pain reached 7 out of 10. Repeat the same dose")


def test_two_amber_in_a_row_regress_one_step_undoing_the_last_kind_of_step() -> None:
    two_sets = decide(
        request([session(0, peak=6), session(1, peak=6)], dose={"sets": 2, "reps": 15}),
        PELVIC_TILT,
    )
    more_reps = decide(
        request([session(0, peak=6), session(1, morning=5)], dose={"sets": 1, "reps": 14}),
        PELVIC_TILT,
    )
    at_start = decide(request([session(0, peak=6), session(1, peak=6)]), PELVIC_TILT)

    assert two_sets.action is ProgressionAction.REGRESS
    assert two_sets.next_dose.model_dump() == {"sets": 1, "reps": 15}
    assert more_reps.next_dose.model_dump() == {"sets": 1, "reps": 12}
    assert (at_start.next_level, at_start.next_dose.model_dump()) == (1, {"sets": 1, "reps": 5})


def test_red_pauses_for_two_days_and_restarts_one_level_easier() -> None:
    decision = decide(
        request([session(0), session(1, peak=8, morning=None)], dose={"sets": 2, "reps": 14}),
        PELVIC_TILT,
    )

    assert decision.action is ProgressionAction.PAUSE
    assert decision.last_result is SessionResult.RED
    assert decision.resume_on == dt.date(2025, 3, 4)
    assert (decision.next_level, decision.next_dose.model_dump()) == (1, {"sets": 1, "reps": 5})
    assert decision.red_flag_screen is True
    assert decision.reason.startswith("Your pain reached 8 out of 10 during pelvic tilt.")
    assert "from Tuesday 4 March restart" in decision.reason
    assert "safety questions" in decision.reason


def test_red_at_level_one_restarts_at_level_one() -> None:
    decision = decide(
        request([session(0, spread=True)], level=1, dose={"sets": 1, "reps": 9}), PELVIC_TILT
    )

    assert decision.action is ProgressionAction.PAUSE
    assert (decision.next_level, decision.next_dose.model_dump()) == (1, {"sets": 1, "reps": 5})
    assert decision.remove_exercise is False


def test_two_red_sessions_within_seven_days_ask_for_a_routine_review() -> None:
    within = decide(request([session(0, peak=9), session(6, numb=True)]), PELVIC_TILT)
    apart = decide(request([session(0, peak=9), session(7, numb=True)]), PELVIC_TILT)

    assert within.escalation == "ROUTINE"
    assert "Pain flared in 2 sessions in the last 7 days." in within.reason
    assert "clinician in the next 1–2 weeks" in within.reason
    assert apart.escalation is None


def test_next_morning_three_above_baseline_is_red() -> None:
    decision = decide(request([session(0, morning=6)]), PELVIC_TILT)

    assert decision.action is ProgressionAction.PAUSE
    assert "next morning was 6, well above your usual 3" in decision.reason


# --- §6 per-exercise learning, §4.1 weekly rule, §4.3 flare-up --------------------------------


def test_leg_symptoms_spreading_twice_at_level_one_remove_the_exercise() -> None:
    decision = decide(
        request(
            [session(0, spread=True), session(4), session(5, spread=True)],
            level=1,
            dose={"sets": 1, "reps": 5},
        ),
        PELVIC_TILT,
    )

    assert decision.action is ProgressionAction.PAUSE
    assert decision.remove_exercise is True
    assert "leave it out of your program" in decision.reason


def test_leg_symptoms_spreading_twice_above_level_one_regress_a_level() -> None:
    decision = decide(
        request([session(0, spread=True), session(5, spread=True)], level=3), PELVIC_TILT
    )

    assert decision.remove_exercise is False
    assert decision.next_level == 2


def test_weekly_leg_pain_rise_of_two_regresses_and_asks_for_review() -> None:
    decision = decide(
        request(
            [session(0), session(1)],
            dose={"sets": 1, "reps": 14},
            leg_pain_mean_this_week=5.5,
            leg_pain_mean_last_week=3.5,
        ),
        PELVIC_TILT,
    )

    assert decision.action is ProgressionAction.REGRESS
    assert decision.next_dose.model_dump() == {"sets": 1, "reps": 12}
    assert decision.escalation == "ROUTINE"
    assert decision.reason.startswith("Your average leg pain this week is 5.5, up 2 from last week")


def test_weekly_rise_below_two_changes_nothing() -> None:
    decision = decide(
        request([session(0), session(1)], leg_pain_mean_this_week=5, leg_pain_mean_last_week=3.5),
        PELVIC_TILT,
    )

    assert decision.action is ProgressionAction.PROGRESS
    assert decision.escalation is None


def test_flare_up_drops_to_level_one_at_half_volume() -> None:
    decision = decide(
        request([session(0), session(1)], level=3, flare_started_on="2025-03-02"), PELVIC_TILT
    )

    assert decision.action is ProgressionAction.REGRESS
    assert (decision.next_level, decision.next_dose.model_dump()) == (1, {"sets": 1, "reps": 3})
    assert "flare-up" in decision.reason
    assert "after 2 good sessions" in decision.reason


def test_after_the_flare_drop_progression_resumes_after_two_green_sessions() -> None:
    flare = {"level": 1, "dose": {"sets": 1, "reps": 3}, "flare_started_on": "2025-03-02"}
    one = decide(request([session(1), session(3)], last_step_on="2025-03-02", **flare), PELVIC_TILT)
    two = decide(
        request([session(1), session(3), session(4)], last_step_on="2025-03-02", **flare),
        PELVIC_TILT,
    )

    assert one.action is ProgressionAction.HOLD
    assert two.action is ProgressionAction.PROGRESS
    assert two.next_dose.model_dump() == {"sets": 1, "reps": 5}


def test_red_during_a_flare_pauses_at_the_flare_dose() -> None:
    decision = decide(request([session(1, peak=8)], flare_started_on="2025-03-01"), PELVIC_TILT)

    assert decision.action is ProgressionAction.PAUSE
    assert (decision.next_level, decision.next_dose.model_dump()) == (1, {"sets": 1, "reps": 3})


# --- automatic progression off (§7) -----------------------------------------------------------


def test_with_automatic_progression_off_the_decision_is_a_suggestion() -> None:
    decision = decide(request([session(0), session(1)], automatic=False), PELVIC_TILT)

    assert decision.requires_acceptance is True
    assert decision.reason.startswith("You managed 10 pelvic tilt reps")
    assert decision.action is ProgressionAction.PROGRESS


def test_with_automatic_progression_off_a_pause_for_pain_still_applies_at_once() -> None:
    decision = decide(request([session(0), session(1, spread=True)], automatic=False), PELVIC_TILT)

    assert decision.action is ProgressionAction.PAUSE
    assert decision.requires_acceptance is False
    assert not decision.reason.startswith("Suggestion")


# --- §8.3 format and errors -------------------------------------------------------------------


def test_output_has_the_spec_keys_and_json_values() -> None:
    data = decide(request([session(0), session(1, peak=9)]), PELVIC_TILT).model_dump(mode="json")

    assert set(data) >= SPEC_KEYS
    assert data["last_result"] == "RED"
    assert data["action"] == "PAUSE"
    assert data["resume_on"] == "2025-03-04"
    assert data["next_dose"] == {"sets": 1, "reps": 5}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"level": 4}, "level"),
        ({"baseline_morning_pain": 11}, "baseline_morning_pain"),
        ({"dose": {"sets": 0, "reps": 10}}, "dose.sets"),
        ({"dose": {"sets": 1, "reps": 10, "weight": 2}}, "dose.weight"),
        ({"sessions": []}, "sessions"),
        ({"sessions": [session(0, peak=11)]}, "sessions.0.peak_pain"),
        ({"sessions": [session(2), session(1)]}, "sessions"),
        ({"sessions": [{**session(0), "date": "yesterday"}]}, "sessions.0.date"),
    ],
)
def test_bad_input_names_the_field(change: dict[str, Any], field: str) -> None:
    data = {
        "exercise": "pelvic-tilt",
        "level": 2,
        "dose": {"sets": 1, "reps": 10},
        "baseline_morning_pain": 3,
        "sessions": [session(0)],
        **change,
    }

    with pytest.raises(ProgressionError) as error:
        read_input(data)

    assert str(error.value).startswith(f"{field}:")


@pytest.mark.parametrize(
    ("changes", "exercise", "field"),
    [
        ({"exercise": "bird-dog"}, PELVIC_TILT, "exercise"),
        ({"dose": {"sets": 1, "hold_s": 10}}, PELVIC_TILT, "dose.reps"),
        (
            {"exercise": "knee-to-chest", "dose": {"sets": 1, "reps": 3}},
            KNEE_TO_CHEST,
            "dose.hold_s",
        ),
        (
            {"exercise": "knee-to-chest", "dose": {"sets": 1, "hold_s": 40}},
            KNEE_TO_CHEST,
            "dose.hold_s",
        ),
        ({"dose": {"sets": 1, "reps": 10, "per_side": True}}, PELVIC_TILT, "dose.per_side"),
    ],
)
def test_input_that_does_not_fit_the_exercise_names_the_field(
    changes: dict[str, Any], exercise: Exercise, field: str
) -> None:
    with pytest.raises(ProgressionError) as error:
        decide(request([session(0)], **changes), exercise)

    assert str(error.value).startswith(f"{field}:")


# --- properties -------------------------------------------------------------------------------


@st.composite
def exercises(draw: st.DrawFn) -> Exercise:
    kind = draw(st.sampled_from(["reps", "hold"]))
    max_reps = draw(st.integers(5, 15))
    max_hold = draw(st.integers(5, 30))
    max_sets = draw(st.integers(1, 3))
    doses = [
        {
            "sets": draw(st.integers(1, max_sets)),
            "reps": draw(st.integers(1, max_reps)),
            "hold_s": draw(st.sampled_from([0, max_hold]) | st.integers(0, max_hold)),
            "per_side": kind == "hold",
        }
        for _ in range(3)
    ]
    return build_exercise(
        kind=kind, max_reps=max_reps, max_hold_s=max_hold, max_sets=max_sets, doses=doses
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[ProgressionInput, Exercise]:
    exercise = draw(exercises())
    level = draw(st.integers(1, 3))
    dose: dict[str, Any] = {"sets": draw(st.integers(1, exercise.max_sets))}
    if exercise.kind == "reps":
        dose["reps"] = draw(st.integers(1, exercise.max_reps))
    else:
        dose["hold_s"] = draw(st.integers(0, exercise.max_hold_s))
        dose["per_side"] = True
    gaps = draw(st.lists(st.integers(0, 3), min_size=1, max_size=6))
    rarely = st.integers(0, 7).map(lambda n: n == 0)
    sessions, day = [], 0
    for gap in gaps:
        day += gap
        sessions.append(
            session(
                day,
                draw(st.integers(0, 5) | st.integers(0, 10)),
                draw(st.none() | st.integers(0, 4) | st.integers(0, 10)),
                spread=draw(rarely),
                numb=draw(rarely),
            )
        )
    optional_day = st.none() | st.integers(-2, day).map(
        lambda d: (DAY + dt.timedelta(days=d)).isoformat()
    )
    data = {
        "exercise": exercise.id,
        "level": level,
        "dose": dose,
        "baseline_morning_pain": draw(st.integers(0, 20)) / 2,
        "sessions": sessions,
        "last_step_on": draw(optional_day),
        "flare_started_on": draw(optional_day),
        "leg_pain_mean_this_week": draw(st.none() | st.floats(0, 10)),
        "leg_pain_mean_last_week": draw(st.none() | st.floats(0, 10)),
        "automatic": draw(st.booleans()),
    }
    return ProgressionInput.model_validate(data), exercise


@settings(max_examples=300, deadline=None)
@given(cases())
def test_a_red_session_never_progresses_and_always_pauses(
    case: tuple[ProgressionInput, Exercise],
) -> None:
    data, exercise = case
    decision = decide(data, exercise)

    if decision.last_result is SessionResult.RED:
        assert decision.action is ProgressionAction.PAUSE
        assert decision.resume_on == data.sessions[-1].date + dt.timedelta(days=2)
    else:
        assert decision.action is not ProgressionAction.PAUSE


@settings(max_examples=300, deadline=None)
@given(cases())
def test_doses_never_exceed_the_exercise_maxima(case: tuple[ProgressionInput, Exercise]) -> None:
    data, exercise = case
    dose = decide(data, exercise).next_dose

    assert 1 <= dose.sets <= exercise.max_sets
    assert dose.reps is None or 1 <= dose.reps <= min(15, exercise.max_reps)
    assert dose.hold_s is None or 0 <= dose.hold_s <= exercise.max_hold_s


@settings(max_examples=300, deadline=None)
@given(cases())
def test_pause_restarts_one_level_easier_or_stays_at_one(
    case: tuple[ProgressionInput, Exercise],
) -> None:
    data, exercise = case
    decision = decide(data, exercise)

    if decision.action is ProgressionAction.PAUSE:
        assert decision.next_level in (max(1, data.level - 1), 1)
        assert decision.next_level <= max(1, data.level - 1)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_any_step_up_needs_two_green_sessions_since_the_last_change_and_48_hours(
    case: tuple[ProgressionInput, Exercise],
) -> None:
    data, exercise = case
    decision = decide(data, exercise)

    if decision.action is ProgressionAction.PROGRESS:
        last_two = data.sessions[-2:]
        assert len(last_two) == 2
        assert all(
            classify_session(s, data.baseline_morning_pain) is SessionResult.GREEN
            and s.next_morning_pain is not None
            for s in last_two
        )
        if data.last_step_on is not None:
            assert all(s.date > data.last_step_on for s in last_two)
            assert decision.decided_on >= data.last_step_on + dt.timedelta(days=2)


@settings(max_examples=200, deadline=None)
@given(exercises(), st.integers(1, 3), st.integers(1, 3), st.integers(1, 15), st.integers(0, 30))
def test_a_step_changes_one_thing_and_a_step_down_stays_within_the_level(
    exercise: Exercise, level: int, sets: int, reps: int, hold: int
) -> None:
    first = exercise.level(level).dose  # doses on the ladder start at the level's first dose
    sets = max(first.sets, min(sets, exercise.max_sets))
    reps = max(first.reps, min(reps, exercise.max_reps))
    hold = max(first.hold_s, min(hold, exercise.max_hold_s))
    start = ProgressionDose(sets=sets, reps=reps, hold_s=hold, per_side=True)
    up = step_up(exercise, level, start)
    if up is None:
        return
    new_level, new = up
    changed = [k for k in ("sets", "reps", "hold_s") if getattr(new, k) != getattr(start, k)]
    if new_level == level:
        assert len(changed) == 1
        down = step_down(exercise, new_level, new)
        assert down is not None
        assert down[0] == level
    else:
        assert new_level == level + 1
        assert new == ProgressionDose.model_validate(exercise.level(new_level).dose.model_dump())


@st.composite
def green_histories(draw: st.DrawFn) -> tuple[ProgressionInput, Exercise]:
    """Only comfortable sessions, so the 2-GREEN and 48 h rules alone decide."""
    exercise = draw(exercises())
    level = draw(st.integers(1, 3))
    first = exercise.level(level).dose
    dose: dict[str, Any] = {"sets": first.sets}
    if exercise.kind == "reps":
        dose["reps"] = first.reps
    else:
        dose["hold_s"] = first.hold_s
    days = sorted(draw(st.lists(st.integers(0, 6), min_size=1, max_size=5)))
    changed = draw(st.none() | st.integers(-1, 6))
    data = {
        "exercise": exercise.id,
        "level": level,
        "dose": dose,
        "baseline_morning_pain": 3,
        "sessions": [session(d, draw(st.integers(0, 5)), draw(st.integers(0, 4))) for d in days],
        "last_step_on": None if changed is None else (DAY + dt.timedelta(days=changed)).isoformat(),
    }
    return ProgressionInput.model_validate(data), exercise


@settings(max_examples=300, deadline=None)
@given(green_histories())
def test_green_sessions_progress_exactly_when_two_follow_the_last_change_48_hours_later(
    case: tuple[ProgressionInput, Exercise],
) -> None:
    data, exercise = case
    decision = decide(data, exercise)
    after = [s for s in data.sessions if data.last_step_on is None or s.date > data.last_step_on]
    today = data.sessions[-1].date
    allowed = len(after) >= 2 and (
        data.last_step_on is None or today >= data.last_step_on + dt.timedelta(days=2)
    )
    dose = complete_dose(exercise, data.level, data.dose)
    can_go_up = step_up(exercise, data.level, dose) is not None

    assert decision.last_result is SessionResult.GREEN
    assert (decision.action is ProgressionAction.PROGRESS) == (allowed and can_go_up)
