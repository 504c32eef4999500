"""How numbers and dates read in a sentence a patient or clinician sees (clinical-spec.md §7.5).

One place for "1 day" / "2 days" and for dates written out ("Friday 20 November"), so no page,
PDF or message shows "1 days" or an ISO date such as 2026-11-20 in the middle of a sentence.
"""

from __future__ import annotations

import datetime as dt
import re

ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def plural(count: float, one: str, many: str | None = None) -> str:
    """``count`` with its noun: "1 day", "2 days", "0 times"; ``many`` for irregular nouns."""
    number = f"{count:g}" if isinstance(count, float) else str(count)
    word = one if count == 1 else (many if many is not None else one + "s")
    return f"{number} {word}"


def spelled_date(day: dt.date, *, weekday: bool = True, year: bool = False) -> str:
    """A date nobody can misread, in words: "Friday 20 November" (or "20 November 2026")."""
    text = f"{day.day} {day:%B}"
    if weekday:
        text = f"{day:%A} {text}"
    return f"{text} {day.year}" if year else text


def spell_iso_dates(text: str, *, year: bool = False) -> str:
    """``text`` with every ISO date written out: for sentences stored before they were worded so."""

    def words(match: re.Match[str]) -> str:
        try:
            day = dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            return match.group(0)
        return spelled_date(day, year=year)

    return ISO_DATE.sub(words, text)
