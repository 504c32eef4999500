"""Progress of one patient as plain values: the wins, the chart's series and the change summary.

``view_progress`` is the My progress use case (issue 9 item 5): the wins first (sessions and
minutes this program week, the leg-pain trend, PSFS activities), then what the chart draws; a
patient with no morning check-in yet gets their safety check's pain scores as a starting point
instead of empty charts.

``progress_series`` gathers what ``reports.charts`` draws (morning pain, how far down the leg it
reaches, sessions, dose changes, flare-ups); ``progress_summary`` phrases the change in each
outcome since the start with the §3 thresholds (``domain.progress.change_summary``, which the
clinician's report uses too), so a change is called one "that matters" only when it reaches the
published size.

**Cost.** A view reads, in one transaction, a bounded slice of each table and the ends of the
history, never the whole of it: the check-ins' few charted values from the zone trends' look-back
on, the diary's first morning (one row along the (patient, day) index), the final sessions' count
and first start (one aggregate row), the sessions from the window's or the program week's start,
the dose changes decided in the window (filtered by the database) and each questionnaire's first
and latest response. Every statement is built once with bound parameters (``store``), so a year
of history costs about what a month does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy.orm import Session

from sciatica_care.content.exercises import ExerciseLibrary, exercise_library
from sciatica_care.domain import diary
from sciatica_care.domain.habit import program_week, week_bounds
from sciatica_care.domain.progress import (
    SUMMARY_INSTRUMENTS,
    DoseChange,
    Flare,
    PainPoint,
    ProgressSeries,
    SessionPoint,
    change_summary,
)
from sciatica_care.domain.progression import ProgressionAction
from sciatica_care.services.clock import Clock
from sciatica_care.services.context import PatientContext
from sciatica_care.services.permissions import Permission
from sciatica_care.services.program import CHANGED
from sciatica_care.store import (
    checkins,
    doses,
    exercise_sessions,
    patients,
    questionnaire_responses,
    screenings,
)

FLARE_LOOK_BACK = timedelta(days=14)
"""Mornings before the window that a flare-up at its start is measured against (usual pain)."""
ZONE_LOOK_BACK_DAYS = 90
"""Days of check-ins My progress reads for the §6 zone trends (a trend is about recent change;
a year of diary would cost a page view a tenth of a second for nothing)."""


def _furthest_pain_zone(entry: diary.Reading) -> int:
    """How far down either leg the pain reaches (clinical-spec.md §6, max over both legs)."""
    return max(entry.zones.left.pain, entry.zones.right.pain)


def _flares(entries: Sequence[diary.Reading], first: date, last: date) -> list[Flare]:
    """Each flare-up (§4.3) seen on any day of the window, from its start to its last day.

    ``diary.flare_starts`` answers ``diary.detect_flare`` for every day of the window in one
    pass over the diary; the days that share a start are one flare-up here.
    """
    spans: dict[date, date] = {}
    for day, started in diary.flare_starts(entries, first, last).items():
        spans[started] = max(day, spans.get(started, day))
    merged: list[Flare] = []
    for start in sorted(spans):
        end = spans[start]
        if merged and start <= merged[-1].end + timedelta(days=1):
            merged[-1] = Flare(start=merged[-1].start, end=max(end, merged[-1].end))
        else:
            merged.append(Flare(start=start, end=end))
    return merged


SessionRow = exercise_sessions.SessionSummary
"""An exercise session as My progress reads it: started at, status, seconds, final."""


def _sessions_since(session: Session, patient_id: int, first: date) -> list[SessionRow]:
    """The sessions started from the day before ``first`` (UTC) on, oldest first: every zone's
    local day ``first`` starts after that."""
    since = datetime.combine(first - timedelta(days=1), time(), tzinfo=UTC)
    return exercise_sessions.summaries_since(session, patient_id, since)


def _changes_since(session: Session, patient_id: int, first: date) -> list[doses.DoseChangeRow]:
    """The decisions that changed a dose (``program.applied_changes``: applied or accepted, not
    HOLD) decided for ``first`` or later, filtered by the database."""
    return doses.changes_since(session, patient_id, first, CHANGED, ProgressionAction.HOLD.value)


def progress_series(
    session: Session,
    patient_id: int,
    today: date,
    days: int = 90,
    library: ExerciseLibrary | None = None,
    tz: tzinfo | None = None,
    entries: Sequence[diary.Reading] | None = None,
) -> ProgressSeries:
    """The chart's data for the ``days`` up to ``today``: pain from morning check-ins (the same
    moment each day, so days compare), sessions, applied dose changes and flare-ups.

    ``entries`` may be given when the caller has already read at least the check-ins from
    ``FLARE_LOOK_BACK`` before the window up to ``today``; older ones are left out here.
    """
    first = today - timedelta(days=days - 1)
    if entries is None:
        entries = checkins.readings(session, patient_id, since=first - FLARE_LOOK_BACK, until=today)
    sessions = _sessions_since(session, patient_id, first)
    changes = _changes_since(session, patient_id, first)
    return _series(today, days, library, tz, entries, sessions, changes)


def _series(
    today: date,
    days: int,
    library: ExerciseLibrary | None,
    tz: tzinfo | None,
    entries: Sequence[diary.Reading],
    session_rows: Sequence[SessionRow],
    changes: Sequence[doses.DoseChangeRow],
) -> ProgressSeries:
    """``progress_series`` from what was read: entries and sessions (at least the window's) and
    the dose changes decided in the window."""
    library = library or exercise_library()
    first = today - timedelta(days=days - 1)
    entries = [e for e in entries if first - FLARE_LOOK_BACK <= e.day <= today]
    mornings = diary.daily_entries([e for e in entries if e.moment == "morning"])
    in_window = [e for e in mornings if e.day >= first]
    pain = [
        PainPoint(
            day=e.day,
            leg_pain=e.leg_pain,
            back_pain=e.back_pain,
            furthest_pain_zone=_furthest_pain_zone(e),
        )
        for e in in_window
    ]
    sessions = [
        SessionPoint(day=day, status="completed" if status == "completed" else "stopped")
        for started, status, _, _ in session_rows
        if first <= (day := started.astimezone(tz).date()) <= today
    ]
    names = {exercise.id: exercise.name for exercise in library.exercises}
    dose_changes = [
        DoseChange(day=day, exercise=names.get(exercise_id, exercise_id), action=action)
        for exercise_id, action, day in changes
    ]
    flares = _flares(entries, first, today) if in_window else []
    return ProgressSeries(pain=pain, sessions=sessions, dose_changes=dose_changes, flares=flares)


Ends = questionnaire_responses.Ends


def _questionnaire_ends(session: Session, patient_id: int) -> Ends:
    """The first and the latest response to each summed-up questionnaire (one query)."""
    return questionnaire_responses.ends(session, patient_id, SUMMARY_INSTRUMENTS)


def _latest_morning(recent: Sequence[diary.Reading]) -> diary.Reading | None:
    """The diary's latest morning value among ``recent`` (entries from some day on, with no
    end), as ``diary.morning_pain`` picks it: the first morning entry of the latest such day."""
    mornings = diary.daily_entries([e for e in recent if e.moment == "morning"])
    return mornings[-1] if mornings else None


def progress_summary(session: Session, patient_id: int) -> list[str]:
    """Plain-language change since the start: leg and back pain, SBI, PSFS, latest GRC.

    Pain compares the first and the latest morning; each questionnaire its first and latest
    response (``domain.progress.change_summary``). Only those ends are read: a query for each
    end of the diary and one for the questionnaires.
    """
    return change_summary(
        checkins.first_morning(session, patient_id),
        checkins.latest_morning(session, patient_id),
        _questionnaire_ends(session, patient_id),
    )


# --- My progress: wins first -----------------------------------------------------------------


SMOOTH_FROM = 21
"""Mornings from which the trend line shows a 7-day mean: day-to-day ups and downs would hide
the trend a person is looking for."""


@dataclass(frozen=True)
class PainTrend:
    """Morning leg pain over the window: first and latest, and the points of the trend line
    (each morning, or the mean of the last 7 mornings once there are ``SMOOTH_FROM``)."""

    first: int
    latest: int
    days: int
    points: list[float]
    smoothed: bool

    @property
    def change(self) -> int:
        return self.latest - self.first


def pain_trend(legs: list[int]) -> PainTrend | None:
    """The wins card's leg-pain trend from each morning's score, oldest first."""
    if not legs:
        return None
    smoothed = len(legs) >= SMOOTH_FROM
    points = (
        [round(sum(legs[i - 6 : i + 1]) / 7, 2) for i in range(6, len(legs))]
        if smoothed
        else [float(v) for v in legs]
    )
    return PainTrend(legs[0], legs[-1], len(legs), points, smoothed)


@dataclass(frozen=True)
class ActivityGoal:
    """One PSFS activity (§3): 0 (unable) to 10 (as before the problem), first and latest."""

    name: str
    latest: float
    first: float | None


@dataclass(frozen=True)
class StartingPoint:
    """The safety check's pain scores (S2), shown before the first morning check-in."""

    day: date
    leg_pain: int | None
    back_pain: int | None


@dataclass(frozen=True)
class Wins:
    """What went well, shown before the charts: this program week's sessions and minutes,
    every session so far, the leg-pain trend and the PSFS activities."""

    week: int
    sessions_this_week: int
    minutes_this_week: int
    sessions_total: int
    pain: PainTrend | None
    goals: list[ActivityGoal]


@dataclass(frozen=True)
class ProgressView:
    """Everything My progress and ``/api/progress`` show for the ``days`` up to today."""

    today: date
    days: int
    series: ProgressSeries
    summary: list[str]
    signals: list[diary.ZoneSignal]
    wins: Wins
    starting_point: StartingPoint | None
    """The safety check's pain, read for a first day (the only view that shows it), else None."""

    @property
    def first_day(self) -> bool:
        """Nothing to chart yet: no morning check-in or session in the window and no session or
        change to speak of ever (a person back after a break still sees their charts)."""
        quiet = not self.series.pain and not self.series.sessions
        return quiet and self.wins.sessions_total == 0 and not self.summary


def _program_week(
    session: Session, patient_id: int, clock: Clock, today: date
) -> tuple[date, tuple[date, date], int]:
    """(program start, this program week's first and last day, final sessions ever)."""
    total, earliest = exercise_sessions.final_totals(session, patient_id)
    start = patients.program_start(session, patient_id, today)
    if earliest is not None:
        start = min(start, clock.day_of(earliest))
    return start, week_bounds(start, today), total


def _wins(
    clock: Clock,
    today: date,
    week: tuple[date, tuple[date, date], int],
    session_rows: Sequence[SessionRow],
    series: ProgressSeries,
    ends: Ends,
) -> Wins:
    """Session count and minutes in this program week (as Today's ring), and the trends.

    ``session_rows`` holds at least the sessions from the day before the week's first day."""
    start, (first, last), total = week
    this_week = [
        elapsed
        for started, _, elapsed, final in session_rows
        if final and first <= clock.day_of(started) <= last
    ]
    pain = pain_trend([p.leg_pain for p in series.pain])
    goals = []
    if "psfs" in ends:
        psfs_first, psfs_latest = ends["psfs"]
        before, now = psfs_first.answers, psfs_latest.answers
        again = psfs_first.id != psfs_latest.id
        goals = [
            ActivityGoal(
                name=str(name),
                latest=float(score),
                first=float(before[name]) if again and name in before else None,
            )
            for name, score in now.items()
        ]
    return Wins(
        week=program_week(start, today),
        sessions_this_week=len(this_week),
        minutes_this_week=round(sum(this_week) / 60),
        sessions_total=total,
        pain=pain,
        goals=goals,
    )


def _starting_point(session: Session, patient_id: int, clock: Clock) -> StartingPoint | None:
    """The latest full safety check's leg and back pain (S2), if it asked them."""
    row = screenings.latest(session, patient_id)
    if row is None:
        return None
    leg, back = row.answers.get("S2_leg"), row.answers.get("S2_back")
    if not isinstance(leg, int) and not isinstance(back, int):
        return None
    return StartingPoint(
        day=clock.day_of(row.created_at),
        leg_pain=leg if isinstance(leg, int) else None,
        back_pain=back if isinstance(back, int) else None,
    )


def view_progress(ctx: PatientContext, days: int) -> ProgressView:
    """My progress for the ``days`` up to the patient's today, in their own zone.

    One transaction, and one bounded read of each table (see the module's "Cost"): the same
    statements at a month of history as at a year. The safety check is read only for a first
    day, the one view that shows its starting point.
    """
    today = ctx.clock.today()
    first = today - timedelta(days=days - 1)
    since = today - timedelta(days=max(days, ZONE_LOOK_BACK_DAYS) - 1) - FLARE_LOOK_BACK
    patient_id = ctx.patient_id
    with ctx.unit(Permission.READ) as session:
        # No end: the summary's latest morning may be dated after today (a check-in for tomorrow).
        recent = checkins.readings(session, patient_id, since=since)
        latest = _latest_morning(recent) or checkins.latest_morning(session, patient_id)
        first_morning = checkins.first_morning(session, patient_id)
        week = _program_week(session, patient_id, ctx.clock, today)
        session_rows = _sessions_since(session, patient_id, min(first, week[1][0]))
        changes = _changes_since(session, patient_id, first)
        ends = _questionnaire_ends(session, patient_id)
        entries = [e for e in recent if e.day <= today]
        series = _series(today, days, None, ctx.clock.zone, entries, session_rows, changes)
        summary = change_summary(first_morning, latest, ends)
        wins = _wins(ctx.clock, today, week, session_rows, series, ends)
        signals = [
            s for s in diary.zone_signals(entries) if s.trend is not diary.ZoneTrend.NOT_ENOUGH_DATA
        ]
        view = ProgressView(today, days, series, summary, signals, wins, None)
        if view.first_day:
            view = replace(view, starting_point=_starting_point(session, patient_id, ctx.clock))
    return view
