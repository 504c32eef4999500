"""The 48-hour RED rest of a clinician's custom exercise (clinical-spec.md §4.1, §9 ruling 5)."""

from __future__ import annotations

from datetime import date

from sciatica_care.domain.progression import SessionRecord
from sciatica_care.domain.progression_custom import rest_after, rest_on

DAY = date(2026, 3, 2)
KEY = "custom-0123456789abcdef"
NAME = "Sciatic nerve glide"


def record(day: date = DAY, pain: int = 2, **signs: object) -> SessionRecord:
    data = {"spread_down_leg": False, "new_numbness_or_weakness": False, **signs}
    return SessionRecord.model_validate({"date": day, "peak_pain": pain, **data})


def test_a_red_pain_check_rests_it_until_two_days_later() -> None:
    rest = rest_after(KEY, NAME, record(pain=8), baseline=3)

    assert rest is not None and rest.resume_on == date(2026, 3, 4)
    assert [rest.resting_on(DAY), rest.resting_on(date(2026, 3, 3))] == [True, True]
    assert not rest.resting_on(date(2026, 3, 4))
    assert rest.reason.startswith(f"Your pain reached 8 out of 10 during {NAME}. Rest it for 2")
    assert "from Wednesday 4 March do it again at the dose your clinician prescribed" in rest.reason


def test_spread_numbness_and_a_bad_next_morning_are_red_too_amber_is_not() -> None:
    assert rest_after(KEY, NAME, record(spread_down_leg=True), 3) is not None
    assert rest_after(KEY, NAME, record(new_numbness_or_weakness=True), 3) is not None
    assert rest_after(KEY, NAME, record(next_morning_pain=6), 3) is not None  # baseline + 3
    assert rest_after(KEY, NAME, record(pain=7, next_morning_pain=5), 3) is None  # AMBER


def test_the_rest_in_force_is_the_one_ending_last() -> None:
    older = (record(date(2026, 3, 1), pain=9), 3.0)
    newer = (record(DAY, pain=9), 3.0)
    calm = (record(DAY, pain=1), 3.0)

    assert rest_on(KEY, NAME, [older, newer, calm], DAY) == rest_after(KEY, NAME, newer[0], 3)
    assert rest_on(KEY, NAME, [older, calm], date(2026, 3, 3)) is None
    assert rest_on(KEY, NAME, [calm], DAY) is None
