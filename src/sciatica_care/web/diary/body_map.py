"""The body map of the check-in: a figure seen from behind whose leg zones a thumb can tap.

The zones are those of clinical-spec.md §6 (0 none · 1 central low back · 2 one side of back or
buttock · 3 thigh · 4 knee/calf · 5 ankle/foot/toes), per leg, and a person marks separately how
far down the leg *pain* reaches and how far *numbness or pins and needles* reach. The picture is
only a shortcut: radio buttons under it carry the same answers, so the form works without
JavaScript and with a screen reader (the SVG is hidden from assistive technology).

This module holds the geometry and the words, and draws the figure itself: the check-in shows it
on every request, and its ~40 elements drawn by the template were a large share of the page's time
(issue 12, "Speed"). Everything but the zones' marks is drawn once per figure and kept; the
radio-button lists under it stay in the template (``checkin/macros.html``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, Protocol

from markupsafe import Markup, escape

from sciatica_care.domain.body_map import path_down

Side = Literal["left", "right"]
View = Literal["back", "front"]

SIDES: tuple[Side, ...] = ("left", "right")
KINDS = ("pain", "numbness")

ZONE_CHOICES: tuple[tuple[int, str], ...] = (
    (0, "Nowhere"),
    (1, "Middle of low back"),
    (2, "One side of back or buttock"),
    (3, "Thigh"),
    (4, "Knee or calf"),
    (5, "Ankle, foot or toes"),
)
"""clinical-spec.md §6 zones as short labels for the radio buttons."""

KIND_LABELS = {"pain": "pain", "numbness": "numbness or pins and needles"}

VIEW_BOX = "0 0 320 432"
"""One figure seen from behind with the level names beside it. At 360 px the drawing is about
312 px wide (a scale of about 0.97), so every zone, at least 48 units each way, is a target of
at least 44 × 44 px (WCAG 2.5.5, issue 9 item 4)."""

MID_X = 116
"""The figure's middle line: from behind, the person's left leg is on the viewer's left."""

# Zones of the person's left leg (viewer's left half, x <= MID_X) as (x, y) points; the right
# leg is the mirror image about MID_X.
_ZONES: dict[int, tuple[tuple[int, int], ...]] = {
    1: ((64, 96), (116, 96), (116, 150), (64, 150)),
    2: ((38, 96), (64, 96), (64, 150), (116, 150), (116, 206), (44, 206), (36, 176)),
    3: ((44, 206), (112, 206), (108, 284), (50, 284)),
    4: ((50, 284), (108, 284), (104, 354), (54, 354)),
    5: ((54, 354), (104, 354), (108, 392), (102, 406), (50, 406), (46, 392)),
}
_HEAD = (116, 22, 17)
_TRUNK = ((72, 40), (160, 40), (194, 56), (194, 96), (38, 96), (38, 56))
_ARM = ((40, 58), (26, 70), (14, 176), (28, 180), (38, 110))

LEVELS: tuple[tuple[int, int, str], ...] = (
    (1, 127, "Low back"),
    (2, 184, "Buttock"),
    (3, 249, "Thigh"),
    (4, 323, "Knee, calf"),
    (5, 384, "Ankle, foot"),
)
"""(zone, y, words) of the level names written beside the figure (§6 zones 1–5)."""


@dataclass(frozen=True)
class Region:
    """One tappable zone of one leg on one figure.

    ``fills_for`` lists the furthest zones that fill this one (the path down the leg of
    ``domain.body_map.path_down``), so the browser draws the path without a copy of the rule.
    """

    view: View
    side: Side
    zone: int
    points: str
    fills_for: str = ""


class Answers(Protocol):
    """What the figure reads from a form: the submitted value of a field ("" when none)."""

    def value(self, name: str) -> str: ...


@dataclass(frozen=True)
class Figure:
    view: View
    title: str
    offset_x: int
    regions: tuple[Region, ...]
    outline: tuple[str, ...]
    left_label_x: int
    right_label_x: int
    head: tuple[int, int, int] = _HEAD
    levels: tuple[tuple[int, int, str], ...] = LEVELS
    view_box: str = VIEW_BOX

    @cached_property
    def _drawing(self) -> _Drawing:
        return _Drawing.of(self)

    def svg(self, form: Answers, field: Callable[[str, str], str], *, defs: bool) -> Markup:
        """The figure with each leg's zones marked as ``form`` answers them.

        ``field(side, kind)`` names the form field of one list ("left_pain" on the check-in,
        "S1_left_pain" on the screen). The zone a list names is marked ``pain-on``/``numb-on``
        and the zones above it on its path down the leg ``pain-path``/``numb-path``; a value that
        names no zone marks nothing. ``defs`` adds the dot pattern the numbness overlay fills with
        (once per page: the first figure).
        """
        marked = {
            side: (form.value(field(side, "pain")), form.value(field(side, "numbness")))
            for side in SIDES
        }
        drawn = self._drawing
        parts = [drawn.start_with_defs if defs else drawn.start]
        for region, (zone_start, overlay_start, rest) in zip(
            self.regions, drawn.regions, strict=True
        ):
            pain, numb = marked[region.side]
            parts += (
                zone_start,
                _mark(region, pain, " pain-on", " pain-path"),
                overlay_start,
                _mark(region, numb, " numb-on", " numb-path"),
                rest,
            )
        parts.append(drawn.end)
        return Markup("".join(parts))


def _mark(region: Region, value: str, on: str, path: str) -> str:
    """``on`` when ``value`` names this zone, ``path`` when it names a zone further down."""
    if value == str(region.zone):
        return on
    return path if value in region.fills_for.split() else ""


@dataclass(frozen=True)
class _Drawing:
    """A figure's SVG text with a gap for the class of each zone's two polygons (escaped once).

    ``regions`` holds, per region, the text before the zone polygon's mark, between it and the
    overlay polygon's mark, and after that."""

    start: str
    start_with_defs: str
    regions: tuple[tuple[str, str, str], ...]
    end: str

    @classmethod
    def of(cls, figure: Figure) -> _Drawing:
        e = escape
        start = f'<svg class="bodymap-figure" viewBox="{e(figure.view_box)}" aria-hidden="true" focusable="false">'
        body = "".join(
            (
                f'\n    <g transform="translate({e(figure.offset_x)},0)">',
                '\n      <circle class="body-outline" cx="{}" cy="{}" r="{}"/>'.format(
                    *(e(n) for n in figure.head)
                ),
                *(
                    f'\n      <polygon class="body-outline" points="{e(points)}"/>'
                    for points in figure.outline
                ),
            )
        )
        regions = []
        for r in figure.regions:
            data = (
                f'" data-side="{e(r.side)}" data-zone="{e(r.zone)}" '
                f'data-fills="{e(r.fills_for)}" points="{e(r.points)}"/>'
            )
            regions.append(
                (
                    '\n      <polygon class="zone',
                    f'{data}\n      <polygon class="numb-overlay',
                    data,
                )
            )
        end = "".join(
            (
                *(
                    f'\n      <text class="level-label" x="232" y="{e(y)}">{e(words)}</text>'
                    for _, y, words in figure.levels
                ),
                f'\n      <text class="fig-title" x="318" y="26" text-anchor="end">{e(figure.title)}</text>',
                f'\n      <text class="side-label" x="{e(figure.left_label_x)}" y="426" text-anchor="middle">Left</text>',
                f'\n      <text class="side-label" x="{e(figure.right_label_x)}" y="426" text-anchor="middle">Right</text>',
                "\n    </g>\n  </svg>",
            )
        )
        return cls(
            start=start + body,
            start_with_defs=start + _DEFS + body,
            regions=tuple(regions),
            end=end,
        )


_DEFS = """
    <defs>
      <pattern id="numb-dots" width="7" height="7" patternUnits="userSpaceOnUse">
        <circle cx="3.5" cy="3.5" r="2" fill="#12306b"/>
      </pattern>
    </defs>"""
"""The dot pattern of the numbness overlay (``fill: url(#numb-dots)`` in diary.css)."""


def _points(shape: tuple[tuple[int, int], ...], mirror: bool) -> str:
    return " ".join(f"{2 * MID_X - x if mirror else x},{y}" for x, y in shape)


def fills_for(zone: int) -> str:
    """The furthest zones (space-separated) whose path down the leg passes through ``zone``."""
    return " ".join(str(far) for far in range(1, 6) if zone in path_down(far))


def _figure() -> Figure:
    regions = tuple(
        Region(
            view="back",
            side=side,
            zone=zone,
            points=_points(shape, mirror=side == "right"),
            fills_for=fills_for(zone),
        )
        for side in SIDES
        for zone, shape in _ZONES.items()
    )
    outline = (_points(_TRUNK, False), _points(_ARM, False), _points(_ARM, True))
    return Figure(
        view="back",
        title="From behind",
        offset_x=0,
        regions=regions,
        outline=outline,
        left_label_x=80,
        right_label_x=2 * MID_X - 80,
    )


FIGURES: tuple[Figure, ...] = (_figure(),)
"""The figure of the check-in (and of any page that imports the body-map macro)."""


def zone_label(zone: int) -> str:
    return dict(ZONE_CHOICES).get(zone, "Nowhere")
