"""The progress chart's SVG is converted once per data and layout, then served from memory."""

from __future__ import annotations

from datetime import date

from sciatica_care.domain.progress import PainPoint, ProgressSeries
from sciatica_care.reports.charts import COMPACT, WIDE, SvgCache, trend_line


def _series(leg: int) -> ProgressSeries:
    return ProgressSeries(
        pain=[PainPoint(day=date(2026, 11, 1), leg_pain=leg, back_pain=2, furthest_pain_zone=3)]
    )


def test_the_same_data_is_converted_once_and_new_data_again() -> None:
    cache = SvgCache(size=4)

    first = cache.svg(_series(5), WIDE)
    again = cache.svg(_series(5), WIDE)
    cache.svg(_series(5), COMPACT)
    cache.svg(_series(4), WIDE)

    assert first == again and first.startswith("<svg")
    assert cache.conversions == 3


def test_the_least_recently_used_chart_is_dropped_first() -> None:
    cache = SvgCache(size=2)
    cache.svg(_series(1), WIDE)
    cache.svg(_series(2), WIDE)
    cache.svg(_series(1), WIDE)  # used again: now the newest
    cache.svg(_series(3), WIDE)  # drops 2

    cache.svg(_series(1), WIDE)
    assert cache.conversions == 3
    cache.svg(_series(2), WIDE)
    assert cache.conversions == 4


def test_the_trend_line_runs_across_the_box_higher_for_more_pain() -> None:
    path = trend_line([8, 2], width=100, height=40)
    start, end = path.removeprefix("M").split(" L")
    (x0, y0), (x1, y1) = (map(float, p.split()) for p in (start, end))
    assert (x0, x1) == (0.0, 100.0) and y0 < y1
    assert trend_line([]) == ""
