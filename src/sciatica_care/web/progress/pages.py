"""My progress: the wins first, then the chart, the same numbers as a table, and the change in words.

The wins (issue 9 item 5) come first: sessions and minutes this program week, the morning leg-pain
trend as a small line, and the PSFS activities the person wants back (clinical-spec.md §3). A new
patient with no morning check-in yet sees their safety check's pain scores as a starting point,
not empty charts. The chart is ``reports.charts`` SVG, inline so it needs no request of its own
and works offline once the page is cached (a wide and a phone layout, CSS shows the one that
fits; each SVG is cached per data version, so a page shown again does not convert again); it is
labelled for screen readers, and a table holds every number it draws. The sentences come from
``services.progress.progress_summary`` with the §3 thresholds, so only a change of the published
size is called one that matters.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from fastapi import APIRouter, Depends, Query, Request
from markupsafe import Markup
from starlette.responses import Response

from sciatica_care.domain import diary
from sciatica_care.reports.charts import COMPACT, WIDE, chart_svg, trend_line
from sciatica_care.services import view_cache
from sciatica_care.services.context import PatientContext
from sciatica_care.services.progress import view_progress
from sciatica_care.web.context import current_context
from sciatica_care.web.templating import render, templates

router = APIRouter()

RANGES = (14, 30, 90)
DEFAULT_DAYS = 30
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_INNER_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
_SIZE = re.compile(r'\s(?:width|height)="[^"]*"')


@lru_cache(maxsize=32)
def inline_svg(svg: str, labelled_by: str) -> str:
    """The chart SVG made responsive and one labelled image (its inner ARIA roles removed).

    Kept per SVG like the chart itself: the regular expressions over a 90-day chart cost more
    than the rest of the page.
    """
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
    ctx: PatientContext = Depends(current_context),
) -> Response:
    shown = _days(days)
    page = view_cache.remember(ctx, "progress-page", lambda: _page(ctx, shown), shown)
    return render(request, "progress.html", page)


def _page(ctx: PatientContext, days: int) -> dict[str, object]:
    """The page's body, rendered once and kept until the patient's data changes: a year of
    charts and tables is most of the page's cost, and nothing in it depends on the request."""
    shown = view_progress(ctx, days)
    sessions: dict[dt.date, list[str]] = {}
    for point in shown.series.sessions:
        sessions.setdefault(point.day, []).append(point.status)
    charts = not shown.first_day
    body = {
        "p": shown,
        "ranges": RANGES,
        "chart": inline_svg(chart_svg(shown.series, WIDE), "chart-caption") if charts else "",
        "chart_compact": (
            inline_svg(chart_svg(shown.series, COMPACT), "chart-caption") if charts else ""
        ),
        "trend_path": trend_line(shown.wins.pain.points) if shown.wins.pain else "",
        "zone_words": diary.ZONE_WORDS,
        "sessions_by_day": sessions,
    }
    return {"main_html": Markup(templates.get_template("progress_main.html").render(body))}
