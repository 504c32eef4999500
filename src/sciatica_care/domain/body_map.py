"""The body map of clinical-spec.md §6: how far down each leg pain and numbness reach.

One definition for the diary (§6 trends) and the screen (item S1 of §2 and §8.1), with the one
red-flag rule on it: symptoms reaching into both legs count as Q7 (§2, §6, §9 ruling 2).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

LEG_ZONE = 3
"""§6: zones 3–5 (thigh, knee/calf, ankle/foot) are in the leg; 1–2 are the back and buttock."""
BUTTOCK_ZONE = 2
"""§6 zone 2, one side of the back or the buttock: where a path down the leg starts."""

Zone = Annotated[int, Field(strict=True, ge=0, le=5)]
"""§6 zones: 0 none · 1 central low back · 2 one side of back/buttock · 3 thigh · 4 knee/calf ·
5 ankle/foot/toes. A whole number, never a string or a bool."""
Side = Literal["left", "right"]
SIDES: tuple[Side, ...] = ("left", "right")
SymptomKind = Literal["pain", "numbness"]
KINDS: tuple[SymptomKind, ...] = ("pain", "numbness")


class LegZones(BaseModel):
    """How far down one leg pain and numbness (or pins and needles) reach (§6 zones 0–5)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pain: Zone = 0
    numbness: Zone = 0

    @property
    def furthest(self) -> int:
        return max(self.pain, self.numbness)

    @property
    def in_leg(self) -> bool:
        """Pain or numbness reaches the leg (zone 3 or further down)."""
        return self.furthest >= LEG_ZONE


class BodyMap(BaseModel):
    """Both legs' furthest zones: the diary's ``zones`` and the screen's S1 (§8.1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    left: LegZones = LegZones()
    right: LegZones = LegZones()

    def side(self, side: Side) -> LegZones:
        return self.left if side == "left" else self.right

    @property
    def both_legs(self) -> bool:
        """§2, §9 ruling 2: pain or numbness reaching zone 3 or further in *both* legs."""
        return all(self.side(side).in_leg for side in SIDES)


def path_down(zone: int) -> tuple[int, ...]:
    """The zones a symptom passes through to reach ``zone``: buttock, thigh, calf, foot.

    §6 stores only the *furthest* zone of a leg ("how far down"); a figure that fills the way
    from the buttock to it (marking the calf fills buttock → thigh → calf) reads the way people
    describe sciatica, while the number kept stays the furthest zone. Zone 1 (the middle of the
    low back) is its own place, not on the way down a leg; 0 is nowhere.
    """
    if zone < BUTTOCK_ZONE:
        return (zone,) if zone > 0 else ()
    return tuple(range(BUTTOCK_ZONE, zone + 1))


def in_both_legs(body_map: object) -> bool:
    """``BodyMap.both_legs`` of a body map or its JSON form; False for anything unreadable."""
    if body_map is None:
        return False
    if isinstance(body_map, BodyMap):
        return body_map.both_legs
    try:
        return BodyMap.model_validate(body_map).both_legs
    except ValidationError:
        return False
