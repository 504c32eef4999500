"""My progress: the chart, the same numbers as a table, and the change in plain words.

The chart is ``reports.charts`` SVG, inline so it needs no request of its own and works offline
once the page is cached (a wide and a phone layout, CSS shows the one that fits); it is labelled for screen readers, and a table holds every number it
draws. The sentences come from ``services.progress.progress_summary`` with the clinical-spec.md §3
thresholds, so only a change of the published size is called one that matters.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from sciatica_care.domain import diary
from sciatica_care.domain.progress import ProgressSeries
from sciatica_care.reports.charts import COMPACT, WIDE, chart_svg
from sciatica_care.services.progress import progress_series, progress_summary
from sciatica_care.store import checkins, patients
from sciatica_care.store.database import Database
from sciatica_care.web.patient_zone import local_today, patient_zone
from sciatica_care.web.security import SignedIn, current_patient, database
from sciatica_care.web.templating import render

router = APIRouter()

RANGES = (14, 30, 90)
DEFAULT_DAYS = 30
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_INNER_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
_SIZE = re.compile(r'\s(?:width|height)="[^"]*"')


@dataclass(frozen=True)
class Progress:
    today: dt.date
    days: int
    series: ProgressSeries
    summary: list[str]
    signals: list[diary.ZoneSignal]


def load_progress(db: Database, patient_id: int, days: int) -> Progress:
    """Series, summary and §6 zone trends for the ``days`` up to the patient's today."""
    with db.session() as session:
        settings = patients.get_settings(session, patient_id)
        today = local_today(settings)
        series = progress_series(session, patient_id, today, days, tz=patient_zone(settings))
        summary = progress_summary(session, patient_id)
        entries = checkins.entries(session, patient_id, until=today)
    signals = [
        s for s in diary.zone_signals(entries) if s.trend is not diary.ZoneTrend.NOT_ENOUGH_DATA
    ]
    return Progress(today, days, series, summary, signals)


def inline_svg(svg: str, labelled_by: str) -> str:
    """The chart SVG made responsive and one labelled image (its inner ARIA roles removed)."""
    opening = _SVG_OPEN.search(svg)
    if opening is None:
        return ""
    head = _SIZE.sub("", opening.group(0))
    head = head.replace(
        "<svg", f'<svg role="img" aria-labelledby="{labelled_by}" focusable="false"', 1
    )
    body = _INNER_ARIA.sub("", svg[opening.end() :])
    return head + body


def _days(days: int) -> int:
    return days if days in RANGES else DEFAULT_DAYS


@router.get("/progress")
def progress(
    request: Request,
    days: int = Query(DEFAULT_DAYS),
    caller: SignedIn = Depends(current_patient),
) -> Response:
    shown = load_progress(database(request), caller.patient_id, _days(days))
    sessions: dict[dt.date, list[str]] = {}
    for point in shown.series.sessions:
        sessions.setdefault(point.day, []).append(point.status)
    return render(
        request,
        "progress.html",
        {
            "p": shown,
            "ranges": RANGES,
            "chart": inline_svg(chart_svg(shown.series, WIDE), "chart-caption"),
            "chart_compact": inline_svg(chart_svg(shown.series, COMPACT), "chart-caption"),
            "zone_words": diary.ZONE_WORDS,
            "sessions_by_day": sessions,
        },
    )
