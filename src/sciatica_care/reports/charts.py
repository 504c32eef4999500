"""The progress chart: leg and back pain, how far down the leg it reaches, sessions, dose changes.

Built with Vega-Altair and rendered offline by vl-convert, so one specification gives the SVG
for the web page and the CLI, and a PNG for reports. It is meant to be read at a glance: leg
pain is the bold line (the measure that matters most in sciatica, clinical-spec.md §3), flare-
ups are shaded, and dose changes are marked on the same time axis as the pain they followed.
On both pain panels a lower line is better: the zone axis runs from "none" at the bottom to
"foot" at the top, so pain retreating up the leg reads as the line going down, like pain easing.

Converting a specification to SVG takes vl-convert hundreds of milliseconds, holding Python's
global lock: the web server has it done in a worker process (``Converter``), and ``chart_svg``
keeps the SVG of each recent (data, layout) pair in a small in-process LRU cache: a page shown
again with the same data, the usual case, costs a dictionary look-up (issue 9 item 5).

Altair and vl-convert are imported by the functions that draw, not by the module: what only
passes through (the PDF's module, ``trend_line``, the CLI's start) does not load them.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from sciatica_care.domain.progress import ProgressSeries

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    import altair as alt

LOWER_IS_BETTER = "Lower is better"
"""The subtitle of both pain panels: they read the same way up."""
ZONE_LABELS = ["none", "low back", "buttock", "thigh", "knee / calf", "foot"]
"""clinical-spec.md §6 body-map zones 0–5, short enough for an axis."""

PAIN, FLARES, ZONES, SESSIONS, CHANGES = "pain", "flares", "zones", "sessions", "changes"
"""The names the chart's layers read their rows under (``chart_datasets``)."""

LEG = "#b4231b"
BACK = "#2b6cb0"
FLARE = "#f6ad55"


@dataclass(frozen=True)
class Layout:
    """Sizes and wording for one screen size: the same chart fits a laptop and a phone."""

    width: int
    pain_title: str
    zone_title: str
    activity_title: str
    legend_columns: int
    date_ticks: int
    label_size: int = 12
    title_size: int = 16


WIDE = Layout(
    width=640,
    pain_title="Pain over time",
    zone_title="How far down the leg pain reaches",
    activity_title="Exercise sessions and dose changes",
    legend_columns=5,
    date_ticks=6,
    label_size=13,
)
COMPACT = Layout(
    width=230,
    pain_title="Pain over time",
    zone_title="How far down the leg",
    activity_title="Sessions, dose changes",
    legend_columns=2,
    date_ticks=3,
    label_size=15,
    title_size=17,
)
"""A phone's chart: drawn about 330 px wide and shown at 300–330 px, so 15 px labels stay at
12 px or more on a 360 px screen."""


def _day(d: date) -> str:
    return d.isoformat()


def _date_domain(series: ProgressSeries) -> list[str]:
    days = [p.day for p in series.pain] + [s.day for s in series.sessions]
    days += [c.day for c in series.dose_changes] + [f.end for f in series.flares]
    if not days:
        today = date.today()
        return [_day(today - timedelta(days=6)), _day(today)]
    first, last = min(days), max(days)
    if (last - first).days < 6:
        first = last - timedelta(days=6)
    return [_day(first - timedelta(hours=12)), _day(last + timedelta(days=1))]


def _pain_panel(x: alt.X, layout: Layout, flares: bool) -> alt.LayerChart | alt.FacetChart:
    import altair as alt

    colour = alt.Color(
        "measure:N",
        scale=alt.Scale(domain=["Leg pain", "Back pain"], range=[LEG, BACK]),
        legend=alt.Legend(
            title=None, orient="top", labelFontSize=layout.label_size, symbolStrokeWidth=3
        ),
    )
    dash = alt.StrokeDash(
        "measure:N",
        scale=alt.Scale(domain=["Leg pain", "Back pain"], range=[[1, 0], [6, 4]]),
        legend=None,
    )
    y = alt.Y(
        "mean(score):Q",
        title="Pain (0–10)",
        scale=alt.Scale(domain=[0, 10]),
        axis=alt.Axis(
            values=[0, 2, 4, 6, 8, 10],
            titleFontSize=layout.label_size,
            labelFontSize=layout.label_size,
        ),
    )
    lines = (
        alt.Chart(alt.Data(name=PAIN))
        .mark_line(point=True, strokeWidth=3, interpolate="linear")
        .encode(x=x, y=y, color=colour, strokeDash=dash)
    )
    layers: list[alt.Chart] = []
    if flares:
        shaded = alt.Chart(alt.Data(name=FLARES))
        layers.append(
            shaded.mark_rect(color=FLARE, opacity=0.25).encode(x=alt.X("start:T"), x2="end:T")
        )
        layers.append(
            shaded.mark_text(
                align="left", dx=4, y=10, color="#9c4221", fontSize=layout.label_size
            ).encode(x=alt.X("start:T"), text="label:N")
        )
    layers.append(lines)
    return alt.layer(*layers).properties(
        width=layout.width,
        height=220,
        title=alt.Title(
            layout.pain_title,
            subtitle=LOWER_IS_BETTER,
            anchor="start",
            fontSize=layout.title_size,
            subtitleFontSize=layout.label_size,
        ),
    )


def _zone_panel(x: alt.X, layout: Layout) -> alt.Chart:
    import altair as alt

    label_expr = "[" + ",".join(f"'{z}'" for z in ZONE_LABELS) + "][datum.value]"
    return (
        alt.Chart(alt.Data(name=ZONES))
        .mark_line(
            interpolate="step-after", color=LEG, strokeWidth=3, point=alt.OverlayMarkDef(color=LEG)
        )
        .encode(
            x=x,
            y=alt.Y(
                "max(zone):Q",
                title="Pain reaches",
                scale=alt.Scale(domain=[0, 5]),
                axis=alt.Axis(
                    values=list(range(6)),
                    labelExpr=label_expr,
                    titleFontSize=layout.label_size,
                    labelFontSize=layout.label_size,
                ),
            ),
        )
        .properties(
            width=layout.width,
            height=140,
            title=alt.Title(
                layout.zone_title,
                subtitle=LOWER_IS_BETTER,
                anchor="start",
                fontSize=layout.title_size,
                subtitleFontSize=layout.label_size,
            ),
        )
    )


CHANGE_KINDS = {"PROGRESS": "dose up", "REGRESS": "dose down", "PAUSE": "paused"}
ACTIVITY_COLOURS = {
    "completed": "#2f855a",
    "stopped": "#c05621",
    "dose up": "#2b6cb0",
    "dose down": "#975a16",
    "paused": "#b4231b",
}
ACTIVITY_SHAPES = {"dose up": "triangle-up", "dose down": "triangle-down", "paused": "square"}


def _activity_rows(series: ProgressSeries) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Sessions and dose changes on two rows: one mark per day and kind, however many exercises.

    Many dose changes can fall on one day (four exercises); grouping them per day and direction
    keeps the strip readable, and the tooltip names the exercises.
    """
    rows: list[dict[str, Any]] = [
        {"day": _day(s.day), "row": "Sessions", "kind": s.status, "detail": s.status}
        for s in series.sessions
    ]
    grouped: dict[tuple[str, str], list[str]] = {}
    for change in series.dose_changes:
        kind = CHANGE_KINDS.get(change.action.upper())
        if kind is not None:
            grouped.setdefault((_day(change.day), kind), []).append(change.exercise)
    changes = [
        {"day": day, "row": "Dose changes", "kind": kind, "detail": ", ".join(names)}
        for (day, kind), names in grouped.items()
    ]
    return rows, changes


def _activity_panel(x: alt.X, layout: Layout) -> alt.LayerChart | alt.FacetChart:
    import altair as alt

    y = alt.Y(
        "row:N",
        title=None,
        scale=alt.Scale(domain=["Sessions", "Dose changes"]),
        axis=alt.Axis(labelFontSize=layout.label_size, ticks=False, domain=False),
    )
    colour = alt.Color(
        "kind:N",
        scale=alt.Scale(domain=list(ACTIVITY_COLOURS), range=list(ACTIVITY_COLOURS.values())),
        legend=alt.Legend(
            title=None,
            orient="top",
            labelFontSize=layout.label_size,
            columns=layout.legend_columns,
        ),
    )
    ticks = (
        alt.Chart(alt.Data(name=SESSIONS))
        .mark_tick(thickness=6, size=22)
        .encode(x=x, y=y, color=colour, tooltip=["day:T", "detail:N"])
    )
    marks = (
        alt.Chart(alt.Data(name=CHANGES))
        .mark_point(filled=True, size=150, opacity=1)
        .encode(
            x=x,
            y=y,
            color=colour,
            shape=alt.Shape(
                "kind:N",
                scale=alt.Scale(domain=list(ACTIVITY_SHAPES), range=list(ACTIVITY_SHAPES.values())),
                legend=None,
            ),
            tooltip=["day:T", "kind:N", "detail:N"],
        )
    )
    return alt.layer(ticks, marks).properties(
        width=layout.width,
        height=70,
        title=alt.Title(layout.activity_title, anchor="start", fontSize=layout.title_size),
    )


def chart_datasets(series: ProgressSeries) -> dict[str, list[dict[str, Any]]]:
    """The rows each panel draws, by the name its layers read them under."""
    pain: list[dict[str, Any]] = []
    for p in series.pain:
        pain.append({"day": _day(p.day), "measure": "Leg pain", "score": p.leg_pain})
        pain.append({"day": _day(p.day), "measure": "Back pain", "score": p.back_pain})
    sessions, changes = _activity_rows(series)
    return {
        PAIN: pain,
        FLARES: [
            {"start": _day(f.start), "end": _day(f.end + timedelta(days=1)), "label": "flare-up"}
            for f in series.flares
        ],
        ZONES: [{"day": _day(p.day), "zone": p.furthest_pain_zone} for p in series.pain],
        SESSIONS: sessions,
        CHANGES: changes,
    }


@lru_cache(maxsize=32)
def _skeleton(layout: Layout, domain: tuple[str, ...], flares: bool) -> str:
    """The chart's Vega-Lite specification without its rows, as JSON (validated by Altair once
    per layout, date span and "has flare-ups")."""
    import altair as alt

    scale = alt.Scale(domain=list(domain))
    axis = alt.Axis(
        format="%d %b",
        title=None,
        labelFontSize=layout.label_size,
        grid=False,
        tickCount=layout.date_ticks,
    )
    x = alt.X("day:T", scale=scale, axis=axis)
    chart = alt.vconcat(
        _pain_panel(x, layout, flares),
        _zone_panel(x, layout),
        _activity_panel(x, layout),
        spacing=28,
    )
    chart = chart.resolve_scale(color="independent", strokeDash="independent").resolve_legend(
        color="independent"
    )
    chart = chart.configure(font="DejaVu Sans, Arial, sans-serif").configure_view(stroke=None)
    return json.dumps(chart.to_dict())


def chart_spec(series: ProgressSeries, layout: Layout = WIDE) -> dict[str, Any]:
    """The whole progress chart as a Vega-Lite specification: three panels on one time axis.

    The layers read their rows by name from the specification's ``datasets``. Handing the rows
    to Altair instead would have it validate every row against the Vega-Lite schema, which took
    longer than drawing the chart (0.3 s for a month, 1.2 s for a year): the rows are plain
    values we build ourselves, and the skeleton around them is validated once.
    """
    spec: dict[str, Any] = json.loads(
        _skeleton(layout, tuple(_date_domain(series)), bool(series.flares))
    )
    spec["datasets"] = chart_datasets(series)
    return spec


CACHE_SIZE = 64
"""Charts kept: a few layouts and ranges for each of the people using this server lately."""


class SvgCache:
    """An in-process LRU of chart SVGs keyed by a hash of the data and layout they draw.

    The key covers everything the chart depends on (the series, the layout, and the date span,
    which for an empty series follows today's date), so new data is a new key and a stale chart
    is never shown; ``conversions`` counts calls to vl-convert (tests assert on it, not on time).
    """

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self.conversions = 0
        self._items: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(series: ProgressSeries, layout: Layout) -> str:
        data = "|".join((series.model_dump_json(), repr(layout), repr(_date_domain(series))))
        return hashlib.sha256(data.encode()).hexdigest()

    def svg(self, series: ProgressSeries, layout: Layout) -> str:
        key = self.key(series, layout)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        svg = converter.svg(chart_spec(series, layout))
        with self._lock:
            self.conversions += 1
            self._items[key] = svg
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return svg

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _svg_here(spec: dict[str, Any]) -> tuple[int, str]:
    """Convert in the calling process; with the process id, so a caller can tell where it ran."""
    import vl_convert

    return os.getpid(), str(vl_convert.vegalite_to_svg(spec))


def _png_here(spec: dict[str, Any], scale: float) -> tuple[int, bytes]:
    import vl_convert

    return os.getpid(), bytes(vl_convert.vegalite_to_png(spec, scale=scale))


Made = TypeVar("Made", str, bytes)


class Converter:
    """Turns a specification into SVG or PNG: in this process, or in a worker process of its own.

    Why a worker: vl-convert holds Python's global interpreter lock for the whole conversion, a
    quarter to most of a second of CPU for this chart. In the web server's process every other
    request, on every thread, would wait for it (issue 12 item 2: no request stalls another).
    In a process of its own it holds only that process's lock, and one worker keeps charts to
    one core whatever the traffic. The web app asks for the worker (``use_worker``); the CLI,
    which draws a chart or two and exits, converts where it is. The worker starts with the first
    chart and ends with the server's process; if it dies, the next chart starts another.
    """

    WAIT_S = 120.0

    def __init__(self) -> None:
        self._wanted = False
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self.in_worker = 0
        """Conversions the worker made (tests check where charts are drawn, not how fast)."""

    def use_worker(self, wanted: bool = True) -> None:
        self._wanted = wanted

    def svg(self, spec: dict[str, Any]) -> str:
        return self._run(_svg_here, spec)

    def png(self, spec: dict[str, Any], scale: float) -> bytes:
        return self._run(_png_here, spec, scale)

    def _run(self, convert: Callable[..., tuple[int, Made]], *args: Any) -> Made:
        if not self._wanted:
            return convert(*args)[1]
        from concurrent.futures.process import BrokenProcessPool

        for attempt in range(2):
            pool = self._worker()
            try:
                pid, made = pool.submit(convert, *args).result(timeout=self.WAIT_S)
            except BrokenProcessPool:
                with self._lock:
                    if self._pool is pool:
                        self._pool = None
                if attempt:
                    raise
                continue
            if pid != os.getpid():
                with self._lock:
                    self.in_worker += 1
            return made
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _worker(self) -> ProcessPoolExecutor:
        import atexit
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with self._lock:
            if self._pool is None:
                # spawn, not fork: the server's process has threads, and a forked copy of a
                # lock another thread held would never be released
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn")
                )
                atexit.register(self.close)
            return self._pool

    def close(self) -> None:
        """End the worker, if one runs (at exit: before the interpreter takes its modules down)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


converter = Converter()
svg_cache = SvgCache()


def chart_svg(series: ProgressSeries, layout: Layout = WIDE) -> str:
    """The chart as a standalone SVG document (``COMPACT`` for a phone screen), cached."""
    return svg_cache.svg(series, layout)


def trend_line(points: list[float], width: int = 120, height: int = 36, top: int = 10) -> str:
    """A small leg-pain line for the wins card: an SVG path (no Vega, drawn in microseconds).

    ``points`` are 0–``top`` scores oldest first; higher pain is higher on the line, like the
    big chart. The path is returned alone so the page decides the labels around it.
    """
    if not points:
        return ""
    step = width / max(1, len(points) - 1)
    coords = [
        (round(i * step, 1), round(height - 2 - (min(top, p) / top) * (height - 4), 1))
        for i, p in enumerate(points)
    ]
    if len(coords) == 1:
        coords.append((float(width), coords[0][1]))
    return "M" + " L".join(f"{x} {y}" for x, y in coords)


def chart_png(series: ProgressSeries, scale: float = 2.0, layout: Layout = WIDE) -> bytes:
    """The chart as PNG bytes (for the PDF report and for people who prefer an image)."""
    return converter.png(chart_spec(series, layout), scale)
