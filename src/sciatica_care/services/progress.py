"""Progress of one patient as plain values: the chart's series and the change summary.

``progress_series`` gathers what ``reports.charts`` draws (morning pain, how far down the leg it
reaches, sessions, dose changes, flare-ups); ``progress_summary`` phrases the change in each
outcome since the start with the §3 thresholds (``domain.questionnaires.describe_change``), so a
change is called one "that matters" only when it reaches the published size.
"""

from __future__ import annotations

from datetime import date, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from sciatica_care.content.exercises import ExerciseLibrary, exercise_library
from sciatica_care.domain import diary
from sciatica_care.domain.progress import DoseChange, Flare, PainPoint, ProgressSeries, SessionPoint
from sciatica_care.domain.questionnaires import (
    describe_activity_change,
    describe_change,
    describe_grc,
)
from sciatica_care.services.program import applied_changes
from sciatica_care.store import checkins, questionnaire_responses
from sciatica_care.store.models import ExerciseSession

FLARE_LOOK_BACK = timedelta(days=14)
"""Mornings before the window that a flare-up at its start is measured against (usual pain)."""


def _furthest_pain_zone(entry: diary.CheckIn) -> int:
    """How far down either leg the pain reaches (clinical-spec.md §6, max over both legs)."""
    return max(entry.zones.left.pain, entry.zones.right.pain)


def _flares(entries: list[diary.CheckIn], first: date, last: date) -> list[Flare]:
    """Each flare-up (§4.3) seen on any day of the window, from its start to its last day."""
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
    return merged


def progress_series(
    session: Session,
    patient_id: int,
    today: date,
    days: int = 90,
    library: ExerciseLibrary | None = None,
    tz: tzinfo | None = None,
) -> ProgressSeries:
    """The chart's data for the ``days`` up to ``today``: pain from morning check-ins (the same
    moment each day, so days compare), sessions, applied dose changes and flare-ups."""
    library = library or exercise_library()
    first = today - timedelta(days=days - 1)
    entries = checkins.entries(session, patient_id, since=first - FLARE_LOOK_BACK, until=today)
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
    rows = session.scalars(
        select(ExerciseSession)
        .where(ExerciseSession.patient_id == patient_id)
        .order_by(ExerciseSession.started_at, ExerciseSession.id)
    )
    sessions = [
        SessionPoint(day=day, status="completed" if row.status == "completed" else "stopped")
        for row in rows
        if first <= (day := row.started_at.astimezone(tz).date()) <= today
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


def progress_summary(session: Session, patient_id: int) -> list[str]:
    """Plain-language change since the start: leg and back pain, SBI, PSFS, latest GRC.

    Pain compares the first and the latest morning; each questionnaire its first and latest
    response. Anything with fewer than two values is left out rather than guessed.
    """
    lines: list[str] = []
    entries = checkins.entries(session, patient_id)
    for measure in ("leg", "back"):
        mornings = diary.morning_pain(entries, measure)
        if len(mornings) >= 2:
            lines.append(
                describe_change("nprs", mornings[0][1], mornings[-1][1], item=measure).text
            )
    for instrument in ("sbi", "psfs"):
        rows = questionnaire_responses.list_for(session, patient_id, instrument)
        if len(rows) >= 2:
            lines.append(describe_change(instrument, rows[0].score, rows[-1].score).text)
        if instrument == "psfs" and len(rows) >= 2:
            before, after = rows[0].answers, rows[-1].answers
            for activity in before:
                if activity in after:
                    lines.append(
                        describe_activity_change(activity, before[activity], after[activity]).text
                    )
    grc = questionnaire_responses.list_for(session, patient_id, "grc")
    if grc:
        lines.append(describe_grc(int(grc[-1].score)).text)
    return lines
