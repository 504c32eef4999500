"""The RED rest of a clinician's custom exercise (clinical-spec.md §4.1, §9 ruling 5).

A custom exercise is paced and pain-checked like a seed exercise (``domain.session.custom_exercise``),
so its results are read by the same §4.1 table (``progression.classify_session``): a RED result
(peak pain ≥ 8, symptoms spreading down the leg, new numbness or weakness, or the next morning
≥ baseline + 3) rests it for the same 48 h as a seed exercise (``progression.PAUSE_DAYS``: from the
session's day until the day two days later, when it comes back).

What comes after differs, and why: a seed exercise restarts one level easier (§4.1, §9 ruling 5),
but a custom exercise has a single level and a dose its clinician wrote and owns
(``custom_exercise``), so it comes back at that dose unchanged; the RED result itself reaches the
clinician on their pages, and the safety questions come before the next session as for any RED
stop (§9 ruling 5). The rest is worked out from the stored results each time, so nothing about it
is stored: no dose row, no decision. Pure: no clock, no storage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sciatica_care.domain.progression import (
    PAUSE_DAYS,
    SessionRecord,
    SessionResult,
    classify_session,
    red_cause,
)
from sciatica_care.domain.wording import spelled_date


@dataclass(frozen=True)
class CustomRest:
    """A custom exercise resting after a RED result, until ``resume_on`` (the day it is back)."""

    key: str
    name: str
    resume_on: dt.date
    reason: str

    def resting_on(self, day: dt.date) -> bool:
        """Left out of the session on ``day`` (as ``CurrentDose.resting_on`` reads a pause)."""
        return day < self.resume_on


def rest_after(key: str, name: str, session: SessionRecord, baseline: float) -> CustomRest | None:
    """The rest one result of a custom exercise calls for: None unless it is RED (§4.1)."""
    if classify_session(session, baseline) is not SessionResult.RED:
        return None
    resume_on = session.date + PAUSE_DAYS
    reason = (
        f"{red_cause(session, baseline, name)}. Rest it for 2 days; from "
        f"{spelled_date(resume_on)} do it again at the dose your clinician prescribed, and tell "
        f"them if it hurts again. Please answer the safety questions again."
    )
    return CustomRest(key=key, name=name, resume_on=resume_on, reason=reason)


def rest_on(
    key: str, name: str, results: Iterable[tuple[SessionRecord, float]], day: dt.date
) -> CustomRest | None:
    """The rest in force on ``day`` from a custom exercise's results (each with the baseline
    morning pain of its day), the one ending last when two overlap; None when it is not resting."""
    rests = [
        rest
        for session, baseline in results
        if (rest := rest_after(key, name, session, baseline)) is not None and rest.resting_on(day)
    ]
    return max(rests, key=lambda rest: rest.resume_on, default=None)
