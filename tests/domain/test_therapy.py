"""Heat and cold packs (clinical-spec.md §5): contraindications, spacing, timer and safety texts."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sciatica_care.domain.therapy import (
    ABSOLUTE_MAX_MINUTES,
    TherapyError,
    TherapyKind,
    TherapyUse,
    TimerPhase,
    answers_still_valid,
    changed_question,
    check_contraindications,
    contraindication_questions,
    next_allowed_at,
    safety_texts,
    start_timer,
)

COLD, HEAT = TherapyKind.COLD, TherapyKind.HEAT
MORNING = dt.datetime(2025, 3, 1, 9, 0)


def all_no(kind: TherapyKind) -> dict[str, str]:
    return {q.id: "no" for q in contraindication_questions(kind)}


# --- contraindications ------------------------------------------------------------------------


def test_each_kind_asks_the_shared_questions_and_its_own() -> None:
    cold = {q.id for q in contraindication_questions(COLD)}
    heat = {q.id for q in contraindication_questions(HEAT)}

    shared = {"reduced_sensation", "poor_circulation", "broken_skin", "cannot_feel_or_remove"}
    assert shared <= cold & heat
    assert {"raynauds", "cold_urticaria", "cryoglobulinaemia"} <= cold - heat
    assert {"fresh_swelling", "bleeding_disorder", "tumour_or_clot", "pregnancy"} <= heat - cold


def test_no_contraindication_gives_the_durations() -> None:
    advice = check_contraindications(COLD, all_no(COLD))

    assert advice.outcome == "ok"
    assert "10–15 minutes" in advice.message
    assert "never more than 20" in advice.message


def test_numb_skin_means_cold_is_not_advised_with_a_clear_message() -> None:
    advice = check_contraindications(COLD, {**all_no(COLD), "reduced_sensation": "yes"})

    assert advice.outcome == "not_advised"
    assert advice.reasons == ["reduced_sensation"]
    assert advice.message.startswith("Cold packs not advised: you told us about reduced feeling")


def test_unsure_counts_as_yes() -> None:
    advice = check_contraindications(HEAT, {**all_no(HEAT), "bleeding_disorder": "unsure"})

    assert advice.outcome == "not_advised"


def test_pregnancy_asks_for_a_clinician_before_heat_but_a_block_wins() -> None:
    pregnant = {**all_no(HEAT), "pregnancy": "yes"}

    assert check_contraindications(HEAT, pregnant).outcome == "ask_clinician"
    blocked = check_contraindications(HEAT, {**pregnant, "broken_skin": "yes"})
    assert blocked.outcome == "not_advised"
    assert blocked.reasons == ["broken_skin"]


def test_missing_or_unknown_answers_name_the_question() -> None:
    answers = all_no(COLD)
    del answers["raynauds"]

    with pytest.raises(TherapyError, match=r"^answers\.raynauds: missing"):
        check_contraindications(COLD, answers)
    with pytest.raises(TherapyError, match=r"^answers\.pregnancy: not a cold question"):
        check_contraindications(COLD, {**all_no(COLD), "pregnancy": "no"})


# --- spacing ----------------------------------------------------------------------------------


def test_answers_stand_for_thirty_days_then_are_asked_again() -> None:
    answered = dt.date(2025, 3, 1)

    assert answers_still_valid(answered, answered)
    assert answers_still_valid(answered, answered + dt.timedelta(days=29))
    assert not answers_still_valid(answered, answered + dt.timedelta(days=30))
    assert not answers_still_valid(answered, answered + dt.timedelta(days=400))


def test_answers_dated_in_the_future_do_not_stand() -> None:
    assert not answers_still_valid(dt.date(2025, 3, 2), dt.date(2025, 3, 1))


def test_the_changed_question_spells_out_the_day() -> None:
    assert changed_question(dt.date(2025, 3, 1)) == (
        "Has anything changed in your health, skin or medicines since 1 March 2025?"
    )


def test_first_use_is_allowed_now() -> None:
    check = next_allowed_at([], HEAT, MORNING)

    assert check.allowed is True
    assert check.next_allowed_at == MORNING


def test_skin_needs_an_hour_after_any_pack_comes_off() -> None:
    cold = TherapyUse(kind=COLD, started_at=MORNING, duration_s=15 * 60)

    check = next_allowed_at([cold], HEAT, MORNING + dt.timedelta(minutes=30))

    assert check.allowed is False
    assert check.next_allowed_at == MORNING + dt.timedelta(minutes=75)
    assert check.message == (
        "Please wait until 10:15: your skin needs at least 1 hour between packs to return to normal."
    )


def test_cold_at_most_every_two_hours() -> None:
    cold = TherapyUse(kind=COLD, started_at=MORNING, duration_s=10 * 60)

    early = next_allowed_at([cold], COLD, MORNING + dt.timedelta(minutes=90))
    later = next_allowed_at([cold], COLD, MORNING + dt.timedelta(hours=2))

    assert early.allowed is False
    assert early.next_allowed_at == MORNING + dt.timedelta(hours=2)
    assert "every 2 hours" in early.message
    assert later.allowed is True


def test_heat_up_to_three_times_a_day() -> None:
    uses = [
        TherapyUse(kind=HEAT, started_at=MORNING + dt.timedelta(hours=h), duration_s=20 * 60)
        for h in (0, 3, 6)
    ]

    check = next_allowed_at(uses, HEAT, MORNING + dt.timedelta(hours=10))

    assert check.allowed is False
    assert check.next_allowed_at == dt.datetime(2025, 3, 2, 0, 0)
    assert check.message == "Please wait until tomorrow: heat is best used up to 3 times a day."
    assert next_allowed_at(uses[:2], HEAT, MORNING + dt.timedelta(hours=10)).allowed is True


def test_uses_after_now_are_ignored() -> None:
    later = TherapyUse(kind=COLD, started_at=MORNING + dt.timedelta(hours=1), duration_s=600)

    assert next_allowed_at([later], COLD, MORNING).allowed is True


@given(
    st.lists(
        st.tuples(st.sampled_from([COLD, HEAT]), st.integers(0, 600), st.integers(0, 1200)),
        max_size=6,
    ),
    st.sampled_from([COLD, HEAT]),
    st.integers(0, 700),
)
def test_next_allowed_time_is_never_within_an_hour_of_a_pack_coming_off(
    raw: list[tuple[TherapyKind, int, int]], kind: TherapyKind, now_min: int
) -> None:
    uses = [
        TherapyUse(kind=k, started_at=MORNING + dt.timedelta(minutes=m), duration_s=s)
        for k, m, s in raw
    ]
    now = MORNING + dt.timedelta(minutes=now_min)

    check = next_allowed_at(uses, kind, now)

    assert check.next_allowed_at >= now
    assert check.allowed == (check.next_allowed_at == now)
    for use in uses:
        if use.started_at <= now:
            assert check.next_allowed_at >= use.ended_at + dt.timedelta(hours=1)


# --- timer ------------------------------------------------------------------------------------


def test_timer_runs_from_skin_check_to_alarm_to_skin_check() -> None:
    timer = start_timer(COLD)
    assert timer.phase is TimerPhase.SKIN_CHECK_BEFORE
    assert timer.planned_s == 600

    timer = timer.skin_checked(ok=True).tick(300)
    assert (timer.phase, timer.remaining_s) == (TimerPhase.RUNNING, 300)
    assert timer.prompt.startswith("5:00 left.")

    timer = timer.tick(400)
    assert timer.phase is TimerPhase.SKIN_CHECK_AFTER
    assert timer.alarm is True
    assert timer.elapsed_s == 600
    assert timer.prompt.startswith("Time is up: take the pack off now.")

    timer = timer.skin_checked(ok=True)
    assert timer.phase is TimerPhase.DONE
    assert timer.use(MORNING).duration_s == 600


def test_failed_first_skin_check_stops_before_the_pack_goes_on() -> None:
    timer = start_timer(HEAT).skin_checked(ok=False)

    assert timer.phase is TimerPhase.STOPPED
    assert timer.tick(60).elapsed_s == 0
    assert "Do not use heat on this area today" in timer.prompt


def test_pause_holds_the_time_and_stop_asks_for_a_skin_check() -> None:
    timer = start_timer(HEAT, minutes=20).skin_checked(ok=True).tick(60).pause().tick(500)
    assert (timer.phase, timer.elapsed_s) == (TimerPhase.PAUSED, 60)

    timer = timer.resume().tick(30).stop("skin_numb")
    assert timer.phase is TimerPhase.SKIN_CHECK_AFTER
    assert timer.prompt.startswith("Take the pack off now: numb skin is the sign to stop.")

    done = timer.skin_checked(ok=False)
    assert done.skin_ok_after is False
    assert "cool running water for 20 minutes" in done.prompt


def test_events_out_of_place_are_ignored_and_negative_time_is_refused() -> None:
    timer = start_timer(COLD)

    assert timer.pause() == timer
    assert timer.stop() == timer
    with pytest.raises(TherapyError, match=r"^dt:"):
        timer.tick(-1)


def test_planned_time_cannot_pass_the_kinds_maximum() -> None:
    assert start_timer(HEAT, minutes=20).planned_s == ABSOLUTE_MAX_MINUTES * 60
    with pytest.raises(TherapyError, match=r"^minutes: cold is used for at most 15 minutes"):
        start_timer(COLD, minutes=20)
    with pytest.raises(TherapyError, match=r"^minutes:"):
        start_timer(HEAT, minutes=0)


@given(st.sampled_from([COLD, HEAT]), st.lists(st.floats(0, 400), max_size=30))
def test_a_pack_never_stays_on_past_twenty_minutes(kind: TherapyKind, ticks: list[float]) -> None:
    timer = start_timer(kind).skin_checked(ok=True)
    for seconds in ticks:
        timer = timer.tick(seconds)

    assert timer.elapsed_s <= ABSOLUTE_MAX_MINUTES * 60
    assert timer.elapsed_s <= timer.planned_s
    if timer.elapsed_s == timer.planned_s:
        assert timer.phase is TimerPhase.SKIN_CHECK_AFTER


# --- safety texts -----------------------------------------------------------------------------


def test_safety_texts_cover_barrier_sleep_numb_areas_and_burns() -> None:
    heat = " ".join(safety_texts(HEAT))
    cold = " ".join(safety_texts(COLD))

    assert "layer between the pack and your skin" in heat
    assert "Never fall asleep" in heat
    assert "not put it on numb areas" in heat and "not put it on numb areas" in cold
    assert "cool running water for 20 minutes" in heat
    assert "erythema ab igne" in heat
    assert "goes numb" in cold
    assert "fall asleep" not in cold
