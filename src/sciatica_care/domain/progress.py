"""What the progress views show, as plain values: daily pain, sessions, dose changes, flare-ups.

The store fills a ``ProgressSeries`` for one patient; charts and summaries read it. Keeping it in
the domain lets both sides agree on one shape without the store knowing about charts.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field


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
