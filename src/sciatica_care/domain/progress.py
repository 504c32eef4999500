"""What the progress views show, as plain values: daily pain, sessions, dose changes, flare-ups,
and the change "since the start" in words.

The store fills a ``ProgressSeries`` for one patient; charts and summaries read it. Keeping it in
the domain lets both sides agree on one shape without the store knowing about charts.

``change_summary`` is the one wording of the §3 change since the start, shared by My progress
and the clinician's report: it needs only the ends of each measure (the first and latest
morning, each questionnaire's first and latest response), so a caller can read just those.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from sciatica_care.domain.questionnaires import (
    describe_activity_change,
    describe_change,
    describe_grc,
)


class PainPoint(BaseModel):
    day: date
    leg_pain: int = Field(ge=0, le=10)
    back_pain: int = Field(ge=0, le=10)
    furthest_pain_zone: int = Field(ge=0, le=5)


class SessionPoint(BaseModel):
    day: date
    status: Literal["completed", "stopped"]


class DoseChange(BaseModel):
    day: date
    exercise: str
    action: str


class Flare(BaseModel):
    start: date
    end: date


class ProgressSeries(BaseModel):
    """Everything the chart shows, already scoped to one patient."""

    pain: list[PainPoint] = []
    sessions: list[SessionPoint] = []
    dose_changes: list[DoseChange] = []
    flares: list[Flare] = []


class Morning(Protocol):
    """A morning's pain as the summary reads it (a diary entry or a stored reading)."""

    @property
    def day(self) -> date: ...
    @property
    def leg_pain(self) -> int: ...
    @property
    def back_pain(self) -> int: ...


class Response(Protocol):
    """A scored questionnaire response as the summary reads it (a stored row)."""

    @property
    def id(self) -> int: ...
    @property
    def score(self) -> float: ...
    @property
    def answers(self) -> Mapping[str, Any]: ...


SUMMARY_INSTRUMENTS = ("sbi", "psfs", "grc")
"""The questionnaires the change summary speaks of (NPRS comes from the morning check-ins)."""


def change_summary(
    first_morning: Morning | None,
    latest_morning: Morning | None,
    ends: Mapping[str, tuple[Response, Response]],
) -> list[str]:
    """Plain-language change since the start (clinical-spec.md §3 thresholds): leg and back pain
    from the first to the latest morning (each day's first morning entry), SBI and PSFS from the
    first to the latest response with each PSFS activity rated both times, and the latest GRC.

    ``ends`` holds each questionnaire's first and latest response (the same one when answered
    once). Anything with fewer than two values is left out rather than guessed.
    """
    lines: list[str] = []
    if first_morning and latest_morning and first_morning.day != latest_morning.day:
        lines.append(
            describe_change(
                "nprs", first_morning.leg_pain, latest_morning.leg_pain, item="leg"
            ).text
        )
        lines.append(
            describe_change(
                "nprs", first_morning.back_pain, latest_morning.back_pain, item="back"
            ).text
        )
    for instrument in ("sbi", "psfs"):
        if instrument not in ends:
            continue
        first, latest = ends[instrument]
        if first.id == latest.id:
            continue
        lines.append(describe_change(instrument, first.score, latest.score).text)
        if instrument == "psfs":
            before, after = first.answers, latest.answers
            for activity in before:
                if activity in after:
                    lines.append(
                        describe_activity_change(activity, before[activity], after[activity]).text
                    )
    if "grc" in ends:
        lines.append(describe_grc(int(ends["grc"][1].score)).text)
    return lines
