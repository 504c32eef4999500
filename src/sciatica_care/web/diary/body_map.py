"""The body map of the check-in: a figure seen from behind whose leg zones a thumb can tap.

The zones are those of clinical-spec.md §6 (0 none · 1 central low back · 2 one side of back or
buttock · 3 thigh · 4 knee/calf · 5 ankle/foot/toes), per leg, and a person marks separately how
far down the leg *pain* reaches and how far *numbness or pins and needles* reach. The picture is
only a shortcut: radio buttons under it carry the same answers, so the form works without
JavaScript and with a screen reader (the SVG is hidden from assistive technology).

This module holds the geometry and the words; the template draws them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
