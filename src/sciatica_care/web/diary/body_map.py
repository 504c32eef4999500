"""The body map of the check-in: a front and back figure whose leg zones a thumb can tap.

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

FIGURE_WIDTH = 160
"""Each figure is drawn for the viewer's left leg in a 160-wide box and mirrored for the other."""

# Outlines drawn on the viewer's left half of a figure (x < 80), as (x, y) points.
_BACK_ZONES: dict[int, tuple[tuple[int, int], ...]] = {
    1: ((71, 150), (80, 150), (80, 192), (71, 192)),
    2: ((46, 150), (71, 150), (71, 192), (80, 192), (80, 236), (41, 236), (40, 196)),
    3: ((41, 236), (79, 236), (77, 318), (45, 318)),
    4: ((45, 318), (77, 318), (75, 372), (50, 372)),
    5: ((50, 372), (75, 372), (77, 402), (46, 402), (48, 386)),
}
_FRONT_ZONES: dict[int, tuple[tuple[int, int], ...]] = {
    3: ((41, 236), (79, 236), (77, 318), (45, 318)),
    4: ((45, 318), (77, 318), (75, 372), (50, 372)),
    5: ((50, 372), (75, 372), (78, 392), (77, 404), (38, 404), (40, 394), (48, 382)),
}
_TRUNK = ((40, 62), (120, 62), (113, 150), (47, 150))
_FRONT_PELVIS = ((47, 150), (113, 150), (120, 196), (119, 236), (41, 236), (40, 196))
_ARM = ((40, 64), (27, 72), (19, 190), (31, 193), (45, 112))


@dataclass(frozen=True)
class Region:
    """One tappable zone of one leg on one figure."""

    view: View
    side: Side
    zone: int
    points: str


@dataclass(frozen=True)
class Figure:
    view: View
    title: str
    offset_x: int
    regions: tuple[Region, ...]
    outline: tuple[str, ...]
    left_label_x: int
    right_label_x: int


def _points(shape: tuple[tuple[int, int], ...], mirror: bool) -> str:
    return " ".join(f"{FIGURE_WIDTH - x if mirror else x},{y}" for x, y in shape)


def _figure(view: View, offset_x: int) -> Figure:
    """From behind, the person's left leg is on the viewer's left; from the front, on the right."""
    zones = _BACK_ZONES if view == "back" else _FRONT_ZONES
    regions = tuple(
        Region(
            view=view,
            side=side,
            zone=zone,
            points=_points(shape, mirror=(side == "right") == (view == "back")),
        )
        for side in SIDES
        for zone, shape in zones.items()
    )
    outline = [_points(_TRUNK, False), _points(_ARM, False), _points(_ARM, True)]
    if view == "front":
        outline.append(_points(_FRONT_PELVIS, False))
    left_x, right_x = (54, 106) if view == "back" else (106, 54)
    return Figure(
        view=view,
        title="Back" if view == "back" else "Front",
        offset_x=offset_x,
        regions=regions,
        outline=tuple(outline),
        left_label_x=left_x,
        right_label_x=right_x,
    )


FIGURES: tuple[Figure, ...] = (_figure("back", 0), _figure("front", 180))
"""The two figures side by side in a 340 × 420 drawing."""


def zone_label(zone: int) -> str:
    return dict(ZONE_CHOICES).get(zone, "Nowhere")
