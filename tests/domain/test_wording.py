"""Counts and dates in sentences read as words: "1 day", "Friday 20 November" (issue 9 item 6)."""

from __future__ import annotations

import datetime as dt

from sciatica_care.domain.wording import plural, spell_iso_dates, spelled_date


def test_a_count_of_one_takes_the_singular() -> None:
    assert plural(1, "day") == "1 day"
    assert [plural(n, "session") for n in (0, 2)] == ["0 sessions", "2 sessions"]
    assert plural(2.5, "point") == "2.5 points"
    assert plural(3, "person", "people") == "3 people"


def test_dates_are_spelled_out_with_the_weekday() -> None:
    day = dt.date(2026, 11, 20)

    assert spelled_date(day) == "Friday 20 November"
    assert spelled_date(dt.date(2026, 11, 2), year=True) == "Monday 2 November 2026"
    assert spelled_date(day, weekday=False, year=True) == "20 November 2026"


def test_iso_dates_in_a_stored_sentence_are_rewritten() -> None:
    text = "Rest pelvic tilt for 2 days; from 2026-11-22 restart one level easier."

    assert spell_iso_dates(text) == (
        "Rest pelvic tilt for 2 days; from Sunday 22 November restart one level easier."
    )
    assert spell_iso_dates("code 2026-13-45") == "code 2026-13-45"
