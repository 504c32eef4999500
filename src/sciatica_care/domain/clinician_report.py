"""What a clinician receives from the pain diary, as plain values: the input of the PDF and FHIR.

The mission asks for "a pain diary ... with charts that show the trend, a PDF report and a FHIR
export for the clinician". ``services.report_data`` fills one ``ReportData`` per patient and period;
``reports.pdf_report`` and ``reports.fhir_bundle`` only read it. Keeping the shape here (like
``domain.progress.ProgressSeries``) lets both outputs agree on one set of numbers without the
store knowing about PDF or FHIR. Row ids are kept where a FHIR resource needs a stable identity;
they never leave the app as they are: ``reports.fhir_bundle`` hashes them inside the install's and
the patient's random ids (``install_id``, ``patient_ref``).

Times: a diary entry describes a day of the person's life (``day``), which is not always the day it
was saved (an entry written the next morning for yesterday). ``diary_time`` keeps the moment of
writing, in the person's zone, only when it falls on the day described; otherwise only the day is
known. The red-flag answers of each check-in (``DailyCheck``, §1 Q1–Q7) and every stored screen
(``ScreeningLine`` with its answers) travel too: a clinician's record must show a "yes" to a
bladder question even when nothing else in the diary changed.

Nothing here is a judgement of the person: the numbers are what they recorded, the sentences are
the §3 change wording and the §6 zone trends, and every output carries the §7.5 notice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sciatica_care.content.exercises import Dose, DoseKind
from sciatica_care.domain.diary import ZoneSignal
from sciatica_care.domain.progress import ProgressSeries

Instrument = Literal["sbi", "psfs", "grc"]
SessionStatus = Literal["completed", "stopped"]


class _Value(BaseModel):
    # Schemas are built on first use, not at import: every command imports these (start-up).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


def diary_time(
    day: dt.date, recorded_at: dt.datetime, zone: dt.tzinfo | None
) -> dt.datetime | None:
    """When an entry about ``day`` was written, in the person's ``zone`` (None: this computer's),
    or None when it was written on another day (only ``day`` is then known to be true)."""
    local = recorded_at.astimezone(zone)
    return local if local.date() == day else None


class RedFlag(_Value):
    """One screening item that raised an action (§1), with the question as it was asked."""

    item: str
    action: str
    question: str


class ScreeningLine(_Value):
    """A stored screen: the full red-flag screen, or the daily Q1–Q7 questions of a check-in."""

    day: dt.date
    kind: str
    action: str
    acknowledged: bool
    assessed: bool
    red_flags: list[RedFlag] = []
    id: int | None = None
    recorded_at: dt.datetime | None = None
    """When the screen was answered, in the person's zone (machine exports only)."""
    answers: dict[str, str] = {}
    """The yes/no/unsure answers by item (``Q1``…); numbers and the body map are left out."""


class DailyCheck(_Value):
    """The §1 daily safety questions (Q1–Q7) of one check-in and the action they raised."""

    id: int
    day: dt.date
    recorded_at: dt.datetime
    local_time: dt.datetime | None = None
    """``diary_time`` of the entry: None when it was written on a later day."""
    moment: str
    answers: dict[str, str]
    action: str | None = None
    """The §1 action of these answers (``SELF_CARE``…); None for an entry stored without it."""


class DoseLine(_Value):
    """One exercise of the current program, with the latest change and its reason (§4.1–4.2)."""

    exercise_id: str
    name: str
    kind: DoseKind
    level: int = Field(ge=1, le=3)
    variation: str
    dose: Dose
    active: bool = True
    paused_until: dt.date | None = None
    last_change_on: dt.date | None = None
    last_change: str | None = None
    reason: str | None = None


class PainReading(_Value):
    """One morning check-in: leg and back NPRS 0–10 (§3) and how far down the leg pain reaches."""

    id: int
    day: dt.date
    recorded_at: dt.datetime
    leg_pain: int = Field(ge=0, le=10)
    back_pain: int = Field(ge=0, le=10)
    furthest_pain_zone: int = Field(ge=0, le=5)
    local_time: dt.datetime | None = None
    """``diary_time`` of the entry: None when it was written on a later day."""


class ScoreReading(_Value):
    """One scored questionnaire (§3: SBI total 0–24, PSFS mean 0–10, GRC −5…+5)."""

    id: int
    instrument: Instrument
    name: str
    day: dt.date
    recorded_at: dt.datetime
    score: float
    minimum: float
    maximum: float
    answers: dict[str, int] = {}


class SessionLine(_Value):
    """One guided exercise session: finished or stopped, how many exercises were done, and why
    it stopped early in the person's own choice of reason and words (§4.1 stop rules)."""

    id: int
    day: dt.date
    """The person's calendar day of ``started_at`` (two sessions may share one)."""
    started_at: dt.datetime
    status: SessionStatus
    exercises_completed: int = Field(ge=0)
    exercises_total: int = Field(ge=0)
    """The exercises the session set out to do (or, for an older record, the ones it reached)."""
    elapsed_s: float = Field(ge=0)
    stop_reason: str | None = None
    """``domain.session.StopReason`` value (``pain``, ``tired``…) the person chose."""
    stop_note: str | None = None
    """The words given with the stop: typed by the person, or the player's note of the pain
    check that stopped it ("pain 8/10 after Bird dog"). Never the app's own bookkeeping."""
    finished: bool = True
    """False when the app saved the session part-way and it never reached its end (closed tab,
    lost connection): stopped without the person choosing a reason."""
    local_time: dt.datetime | None = None
    """``started_at`` in the person's zone, for the time of day in the report."""


class WeekAdherence(_Value):
    """Sessions in one week (Monday to Sunday) that were completed or stopped early."""

    week_start: dt.date
    completed: int = Field(ge=0)
    stopped: int = Field(ge=0)

    @property
    def total(self) -> int:
        return self.completed + self.stopped


class ReportData(_Value):
    """Everything the clinician report and the FHIR bundle show for one patient and period.

    ``first_pain``/``latest_pain`` and ``change_summary`` span all of the diary (the §3 change
    "since the start"); ``mornings``, ``scores``, ``sessions``, ``adherence``, heat and cold and
    the chart ``series`` cover ``period_start``…``period_end``.
    """

    patient_ref: str
    """The patient's random public id, their identifier in machine exports (the FHIR bundle);
    never printed in the PDF."""
    install_id: str = ""
    """This install's random id, the namespace of ``patient_ref``; FHIR refuses to do without."""
    period_start: dt.date
    period_end: dt.date
    notice: str
    screening: ScreeningLine | None = None
    daily_warnings: list[ScreeningLine] = []
    automatic_progression: bool = True
    doses: list[DoseLine] = []
    sessions: list[SessionLine] = []
    adherence: list[WeekAdherence] = []
    mornings: list[PainReading] = []
    first_pain: PainReading | None = None
    latest_pain: PainReading | None = None
    change_summary: list[str] = []
    scores: list[ScoreReading] = []
    zone_signals: list[ZoneSignal] = []
    heat_uses: int = 0
    cold_uses: int = 0
    series: ProgressSeries = ProgressSeries()
    checks: list[DailyCheck] = []
    """Every check-in's daily safety answers in the period (morning or not), oldest first."""
    screens: list[ScreeningLine] = []
    """Every stored screen in the period (full, re-check, daily), oldest first."""
    generated_at: dt.datetime | None = None
    """When the report was made, in the person's zone (printed on it: a report is a snapshot)."""
    app_version: str = ""
    """The version of Sciatica Care that made it (rules and wording change between versions)."""

    @property
    def days(self) -> int:
        return (self.period_end - self.period_start).days + 1


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week (ISO weeks, as clinic calendars count them)."""
    return day - dt.timedelta(days=day.weekday())


def sessions_by_day(sessions: Sequence[SessionLine]) -> dict[dt.date, list[SessionLine]]:
    """Each day's sessions in the order they started: a day with two sessions keeps both, so
    the report draws and lists two (a daily view must not fold them into one mark)."""
    days: dict[dt.date, list[SessionLine]] = {}
    for line in sorted(sessions, key=lambda line: (line.started_at, line.id)):
        days.setdefault(line.day, []).append(line)
    return days


def weekly_adherence(
    sessions: Sequence[SessionLine], first: dt.date, last: dt.date
) -> list[WeekAdherence]:
    """Completed and stopped sessions per week from ``first``'s week to ``last``'s, oldest first.

    Weeks without a session are listed with zeros: a gap is part of adherence, not missing data.
    """
    if last < first:
        return []
    counts: dict[dt.date, list[int]] = {}
    monday = week_start(first)
    while monday <= last:
        counts[monday] = [0, 0]
        monday += dt.timedelta(days=7)
    for line in sessions:
        if first <= line.day <= last:
            counts[week_start(line.day)][0 if line.status == "completed" else 1] += 1
    return [
        WeekAdherence(week_start=monday, completed=done, stopped=stopped)
        for monday, (done, stopped) in counts.items()
    ]
