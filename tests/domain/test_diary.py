"""The pain diary (clinical-spec.md §4.1 baseline and weekly means, §4.3 flare, §6 zones)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from sciatica_care.domain.diary import (
    CheckIn,
    ZoneTrend,
    baseline_morning_pain,
    daily_entries,
    daily_flags,
    detect_flare,
    symptoms_in_both_legs,
    weekly_leg_pain,
    weekly_mean,
    zone_signal,
    zone_signals,
)

START = dt.date(2025, 3, 1)


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def entry(n: int, leg: int = 3, back: int = 2, **fields: Any) -> CheckIn:
    return CheckIn.model_validate({"day": day(n), "leg_pain": leg, "back_pain": back, **fields})


def left_leg(n: int, pain: int, numbness: int = 0) -> CheckIn:
    return entry(n, zones={"left": {"pain": pain, "numbness": numbness}})


# --- the entry ----------------------------------------------------------------------------------


def test_a_full_check_in_keeps_every_answer() -> None:
    check_in = CheckIn.model_validate(
        {
            "day": "2025-03-01",
            "moment": "morning",
            "leg_pain": 6,
            "back_pain": 3,
            "zones": {"left": {"pain": 4, "numbness": 5}, "right": {"pain": 0, "numbness": 0}},
            "red_flags": {"Q1": "no", "Q7": "unsure"},
            "sleep_quality": "poor",
            "medication": "what the pharmacist suggested",
            "heat_or_cold": "heat",
            "note": "Long drive yesterday.",
        }
    )

    assert check_in.zones.left.numbness == 5
    assert daily_flags(check_in) == ["Q7"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"leg_pain": 11}, "leg_pain"),
        ({"zones": {"left": {"pain": 6}}}, "zones.left.pain"),
        ({"red_flags": {"Q9": "no"}}, "red_flags.Q9"),
        ({"red_flags": {"Q1": "maybe"}}, "red_flags.Q1"),
        ({"sleep_quality": "great"}, "sleep_quality"),
        ({"dose_advice": "x"}, "dose_advice"),
    ],
)
def test_bad_entries_name_the_field(change: dict[str, Any], field: str) -> None:
    data = {"day": "2025-03-01", "leg_pain": 3, "back_pain": 2, **change}

    with pytest.raises(ValidationError) as error:
        CheckIn.model_validate(data)

    locations = [".".join(str(p) for p in e["loc"]) for e in error.value.errors()]
    assert any(location.startswith(field) for location in locations)


def test_several_entries_a_day_reduce_to_the_morning_one() -> None:
    evening = entry(0, leg=7, moment="other")
    morning = entry(0, leg=4, moment="morning")
    later = entry(1, leg=5, moment="after_session")

    days = daily_entries([evening, morning, later])

    assert [e.leg_pain for e in days] == [4, 5]


# --- baseline and weekly means (§4.1) -----------------------------------------------------------


def test_baseline_is_the_median_of_the_last_seven_mornings_before_the_day() -> None:
    entries = [entry(n, leg) for n, leg in enumerate([9, 9, 2, 3, 3, 4, 5, 3, 2, 8])]
    entries.append(entry(8, leg=10, moment="after_session"))  # not a morning

    assert baseline_morning_pain(entries, before=day(9)) == 3
    assert baseline_morning_pain(entries, before=day(0)) is None
    assert baseline_morning_pain(entries, before=day(9), measure="back") == 2


def test_weekly_mean_covers_seven_days_ending_on_the_day() -> None:
    entries = [entry(n, leg=2) for n in range(7)] + [entry(n, leg=5) for n in range(7, 14)]

    assert weekly_mean(entries, day(13)) == 5
    assert weekly_mean(entries, day(6)) == 2
    assert weekly_mean(entries, day(30)) is None
    weekly = weekly_leg_pain(entries, day(13))
    assert (weekly.this_week, weekly.last_week, weekly.rise) == (5, 2, 3)


# --- centralisation and peripheralisation (§6) --------------------------------------------------


def test_pain_retreating_towards_the_spine_for_two_days_is_centralising() -> None:
    signal = zone_signal([left_leg(0, 4), left_leg(1, 3), left_leg(2, 3)], "left", "pain")

    assert signal.trend is ZoneTrend.CENTRALISING
    assert (signal.from_zone, signal.to_zone, signal.days) == (4, 3, 2)
    assert "usually a good sign" in signal.message
    assert signal.escalation is None


def test_one_better_day_is_not_yet_centralising() -> None:
    signal = zone_signal([left_leg(0, 4), left_leg(1, 4), left_leg(2, 3)], "left", "pain")

    assert signal.trend is ZoneTrend.STABLE


def test_pain_spreading_further_down_is_peripheralising_at_once() -> None:
    signal = zone_signal([left_leg(0, 3), left_leg(1, 3), left_leg(2, 4)], "left", "pain")

    assert signal.trend is ZoneTrend.PERIPHERALISING
    assert signal.message.startswith("Your left leg pain now reaches your knee or calf")
    assert signal.escalation is None


def test_peripheralisation_persisting_three_days_asks_for_review() -> None:
    entries = [left_leg(0, 3), left_leg(1, 4), left_leg(2, 4), left_leg(4, 5)]

    signal = zone_signal(entries, "left", "pain")

    assert signal.trend is ZoneTrend.PERIPHERALISING
    assert signal.days == 3
    assert signal.escalation == "ROUTINE"
    assert "next 1–2 weeks" in signal.message


def test_numbness_is_followed_separately_from_pain() -> None:
    entries = [left_leg(0, 4, numbness=3), left_leg(1, 4, numbness=5)]

    signals = {(s.side, s.kind): s for s in zone_signals(entries)}

    assert signals[("left", "numbness")].trend is ZoneTrend.PERIPHERALISING
    assert signals[("left", "pain")].trend is ZoneTrend.STABLE
    assert signals[("right", "pain")].trend is ZoneTrend.STABLE


def test_one_day_is_not_enough_for_a_trend() -> None:
    assert zone_signal([left_leg(0, 4)], "left", "pain").trend is ZoneTrend.NOT_ENOUGH_DATA


def test_symptoms_reaching_both_legs_signal_q7() -> None:
    one_leg = entry(0, zones={"left": {"pain": 5}, "right": {"pain": 2}})
    both = entry(0, zones={"left": {"pain": 5}, "right": {"numbness": 3}})

    assert symptoms_in_both_legs(one_leg) is False
    assert symptoms_in_both_legs(both) is True


# --- flare-up (§4.3) ----------------------------------------------------------------------------


def usual_week() -> list[CheckIn]:
    return [entry(n, leg) for n, leg in enumerate([3, 3, 4, 3, 2, 3, 3])]


def test_pain_two_above_usual_for_two_days_is_a_flare() -> None:
    entries = [*usual_week(), entry(7, leg=5), entry(8, leg=6)]

    flare = detect_flare(entries, today=day(8))

    assert flare is not None
    assert (flare.started_on, flare.days, flare.usual, flare.latest) == (day(7), 2, 3.0, 6)
    assert "flare-up" in flare.message
    assert "pharmacist or doctor" in flare.message


def test_one_bad_day_is_not_a_flare() -> None:
    entries = [*usual_week(), entry(7, leg=8)]

    assert detect_flare(entries, today=day(7)) is None


def test_a_flare_that_ended_is_not_current() -> None:
    entries = [*usual_week(), entry(7, leg=6), entry(8, leg=6), entry(9, leg=3)]

    assert detect_flare(entries, today=day(9)) is None
    assert detect_flare(entries[:-1], today=day(20)) is None


def test_usual_activities_impossible_two_days_running_is_a_flare() -> None:
    entries = [entry(0, leg=4, activities_impossible=True), entry(1, activities_impossible=True)]

    flare = detect_flare(entries, today=day(1))

    assert flare is not None
    assert flare.usual is None
    assert flare.message.startswith("Your usual activities have not been possible")


def test_a_gap_day_breaks_the_flare() -> None:
    entries = [*usual_week(), entry(7, leg=6), entry(9, leg=6)]

    assert detect_flare(entries, today=day(9)) is None
