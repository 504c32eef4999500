"""Progress of one patient as plain values: the wins, the chart's series and the change summary.

``view_progress`` is the My progress use case (issue 9 item 5): the wins first (sessions and
minutes this program week, the leg-pain trend, PSFS activities), then what the chart draws; a
patient with no morning check-in yet gets their safety check's pain scores as a starting point
instead of empty charts.

``progress_series`` gathers what ``reports.charts`` draws (morning pain, how far down the leg it
reaches, sessions, dose changes, flare-ups); ``progress_summary`` phrases the change in each
outcome since the start with the §3 thresholds (``domain.questionnaires.describe_change``), so a
change is called one "that matters" only when it reaches the published size.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sciatica_care.content.exercises import ExerciseLibrary, exercise_library
from sciatica_care.domain import diary
from sciatica_care.domain.habit import program_week, week_bounds
from sciatica_care.domain.progress import DoseChange, Flare, PainPoint, ProgressSeries, SessionPoint
from sciatica_care.domain.questionnaires import (
    describe_activity_change,
    describe_change,
    describe_grc,
)
from sciatica_care.services.clock import Clock
from sciatica_care.services.context import PatientContext
from sciatica_care.services.permissions import Permission
from sciatica_care.services.program import applied_changes
from sciatica_care.store import checkins, patients, screenings
from sciatica_care.store.models import CheckIn as CheckInRow
from sciatica_care.store.models import ExerciseSession, QuestionnaireResponse

FLARE_LOOK_BACK = timedelta(days=14)
"""Mornings before the window that a flare-up at its start is measured against (usual pain)."""
ZONE_LOOK_BACK_DAYS = 90
"""Days of check-ins My progress reads for the §6 zone trends (a trend is about recent change;
a year of diary would cost a page view a tenth of a second for nothing)."""


def _furthest_pain_zone(entry: diary.CheckIn) -> int:
    """How far down either leg the pain reaches (clinical-spec.md §6, max over both legs)."""
    return max(entry.zones.left.pain, entry.zones.right.pain)


FlareKey = tuple[tuple[date, str, int, bool], ...]
_FLARE_MEMO: OrderedDict[tuple[FlareKey, date, date], list[Flare]] = OrderedDict()
_FLARE_MEMO_SIZE = 128
_memo_lock = threading.Lock()


def _flares(entries: list[diary.CheckIn], first: date, last: date) -> list[Flare]:
    """Each flare-up (§4.3) seen on any day of the window, from its start to its last day.

    ``diary.detect_flare`` is asked about every day of the window, which grows with the square
    of the diary's length; the answer is kept per exact input (each entry's day, moment, leg
    pain and whether usual activities were impossible: all the rule reads), so a page shown
    again with the same diary does not work it out again.
    """
    key = (
        tuple((e.day, e.moment, e.leg_pain, bool(e.activities_impossible)) for e in entries),
        first,
        last,
    )
    with _memo_lock:
        if key in _FLARE_MEMO:
            _FLARE_MEMO.move_to_end(key)
            return list(_FLARE_MEMO[key])
    spans: dict[date, date] = {}
    day = first
    while day <= last:
        flare = diary.detect_flare([e for e in entries if e.day <= day], day)
        if flare is not None:
            spans[flare.started_on] = max(day, spans.get(flare.started_on, day))
        day += timedelta(days=1)
    merged: list[Flare] = []
    for start in sorted(spans):
        end = spans[start]
        if merged and start <= merged[-1].end + timedelta(days=1):
            merged[-1] = Flare(start=merged[-1].start, end=max(end, merged[-1].end))
        else:
            merged.append(Flare(start=start, end=end))
    with _memo_lock:
        _FLARE_MEMO[key] = list(merged)
        while len(_FLARE_MEMO) > _FLARE_MEMO_SIZE:
            _FLARE_MEMO.popitem(last=False)
    return merged


def progress_series(
    session: Session,
    patient_id: int,
    today: date,
    days: int = 90,
    library: ExerciseLibrary | None = None,
    tz: tzinfo | None = None,
    entries: list[diary.CheckIn] | None = None,
) -> ProgressSeries:
    """The chart's data for the ``days`` up to ``today``: pain from morning check-ins (the same
    moment each day, so days compare), sessions, applied dose changes and flare-ups.

    ``entries`` may be given when the caller has already read at least the check-ins from
    ``FLARE_LOOK_BACK`` before the window up to ``today``; older ones are left out here.
    """
    library = library or exercise_library()
    first = today - timedelta(days=days - 1)
    if entries is None:
        entries = checkins.entries(session, patient_id, since=first - FLARE_LOOK_BACK, until=today)
    else:
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
    rows = session.execute(
        select(ExerciseSession.started_at, ExerciseSession.status)
        .where(
            ExerciseSession.patient_id == patient_id,
            ExerciseSession.started_at
            >= datetime.combine(first - timedelta(days=1), time(), tzinfo=UTC),
        )
        .order_by(ExerciseSession.started_at, ExerciseSession.id)
    )
    sessions = [
        SessionPoint(day=day, status="completed" if status == "completed" else "stopped")
        for started, status in rows
        if first <= (day := started.astimezone(tz).date()) <= today
    ]
    names = {exercise.id: exercise.name for exercise in library.exercises}
    changes = [
        DoseChange(
            day=date.fromisoformat(str(row.decision["decided_on"])),
            exercise=names.get(row.exercise_id, row.exercise_id),
            action=row.action,
        )
        for row in applied_changes(session, patient_id, since=first)
    ]
    flares = _flares(entries, first, today) if in_window else []
    return ProgressSeries(pain=pain, sessions=sessions, dose_changes=changes, flares=flares)


SUMMARY_EDGE = timedelta(days=7)
"""Days read at each end of the diary to find its first and its latest morning."""


def _first_and_latest_mornings(session: Session, patient_id: int) -> list[diary.CheckIn]:
    """The entries of the diary's first and last week: enough for its first and latest
    morning, without reading a year of check-ins (the whole diary when an end has no morning)."""
    low, high = session.execute(
        select(func.min(CheckInRow.day), func.max(CheckInRow.day)).where(
            CheckInRow.patient_id == patient_id
        )
    ).one()
    if low is None or high is None:
        return []
    if high - low <= 2 * SUMMARY_EDGE:
        return checkins.entries(session, patient_id)
    head = checkins.entries(session, patient_id, until=low + SUMMARY_EDGE)
    tail = checkins.entries(session, patient_id, since=high - SUMMARY_EDGE)
    if not any(e.moment == "morning" for e in head) or not any(e.moment == "morning" for e in tail):
        return checkins.entries(session, patient_id)
    return head + tail


def _first_and_latest(
    session: Session, patient_id: int, instrument: str
) -> tuple[QuestionnaireResponse | None, QuestionnaireResponse | None]:
    """The first and the latest response to one questionnaire (the same row when only one),
    in ``questionnaire_responses.list_for`` order, without reading the ones between."""
    query = select(QuestionnaireResponse).where(
        QuestionnaireResponse.patient_id == patient_id,
        QuestionnaireResponse.instrument == instrument,
    )
    order = (QuestionnaireResponse.day, QuestionnaireResponse.recorded_at, QuestionnaireResponse.id)
    first = session.scalars(query.order_by(*order).limit(1)).first()
    latest = session.scalars(query.order_by(*(o.desc() for o in order)).limit(1)).first()
    return first, latest


def progress_summary(session: Session, patient_id: int) -> list[str]:
    """Plain-language change since the start: leg and back pain, SBI, PSFS, latest GRC.

    Pain compares the first and the latest morning; each questionnaire its first and latest
    response. Anything with fewer than two values is left out rather than guessed.
    """
    lines: list[str] = []
    ends = _first_and_latest_mornings(session, patient_id)
    for measure in ("leg", "back"):
        mornings = diary.morning_pain(ends, measure)
        if len(mornings) >= 2:
            lines.append(
                describe_change("nprs", mornings[0][1], mornings[-1][1], item=measure).text
            )
    for instrument in ("sbi", "psfs"):
        first, latest = _first_and_latest(session, patient_id, instrument)
        if first is None or latest is None or first.id == latest.id:
            continue
        lines.append(describe_change(instrument, first.score, latest.score).text)
        if instrument == "psfs":
            before, after = first.answers, latest.answers
            for activity in before:
                if activity in after:
                    lines.append(
                        describe_activity_change(activity, before[activity], after[activity]).text
                    )
    _, grc = _first_and_latest(session, patient_id, "grc")
    if grc is not None:
        lines.append(describe_grc(int(grc.score)).text)
    return lines


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

    @property
    def first_day(self) -> bool:
        """Nothing to chart yet: no morning check-in or session in the window and no session or
        change to speak of ever (a person back after a break still sees their charts)."""
        quiet = not self.series.pain and not self.series.sessions
        return quiet and self.wins.sessions_total == 0 and not self.summary


def _wins(
    session: Session, patient_id: int, clock: Clock, today: date, series: ProgressSeries
) -> Wins:
    """Session count and minutes in this program week (as Today's ring), and the trends."""
    mine = (ExerciseSession.patient_id == patient_id, ExerciseSession.final.is_(True))
    total, earliest = session.execute(
        select(func.count(ExerciseSession.id), func.min(ExerciseSession.started_at)).where(*mine)
    ).one()
    start = patients.program_start(session, patient_id, today)
    if earliest is not None:
        start = min(start, clock.day_of(earliest))
    first, last = week_bounds(start, today)
    since = datetime.combine(first - timedelta(days=1), time(), tzinfo=UTC)
    recent = session.execute(
        select(ExerciseSession.started_at, ExerciseSession.elapsed_s).where(
            *mine, ExerciseSession.started_at >= since
        )
    ).all()
    this_week = [elapsed for started, elapsed in recent if first <= clock.day_of(started) <= last]
    pain = pain_trend([p.leg_pain for p in series.pain])
    psfs_first, psfs_latest = _first_and_latest(session, patient_id, "psfs")
    goals = []
    if psfs_first is not None and psfs_latest is not None:
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
        sessions_total=int(total),
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
    """My progress for the ``days`` up to the patient's today, in their own zone."""
    today = ctx.clock.today()
    since = today - timedelta(days=max(days, ZONE_LOOK_BACK_DAYS) - 1) - FLARE_LOOK_BACK
    with ctx.unit(Permission.READ) as session:
        entries = checkins.entries(session, ctx.patient_id, since=since, until=today)
        series = progress_series(
            session, ctx.patient_id, today, days, tz=ctx.clock.zone, entries=entries
        )
        summary = progress_summary(session, ctx.patient_id)
        wins = _wins(session, ctx.patient_id, ctx.clock, today, series)
        starting = _starting_point(session, ctx.patient_id, ctx.clock)
    signals = [
        s for s in diary.zone_signals(entries) if s.trend is not diary.ZoneTrend.NOT_ENOUGH_DATA
    ]
    return ProgressView(today, days, series, summary, signals, wins, starting)
