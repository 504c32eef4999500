"""What the camera watches in each exercise: posture, rest pose, signals, thresholds.

One class per exercise of ``content/exercises.yaml`` (clinical-spec.md §4.4). Each says which start
posture it needs (lying on the back, or on hands and knees), which angles to calibrate from the
person's own rest pose, what a plausible rest pose looks like (so a knee already held up is never
taken for rest), and how far from rest each channel is. Thresholds are distances from the
person's rest value, not fixed angles, so a stiff hip and a supple one are counted alike.

Sides follow the issue: knee to chest, the knee brought up; lower trunk rotation, the side the
knees fall to; bird dog, the leg extended back (the opposite arm reaching forward counts too).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import ClassVar, Literal

from sciatica_care.motion.angles import BodyAngles, Front
from sciatica_care.motion.errors import MotionError
from sciatica_care.motion.excursion import ChannelSettings, Excursion
from sciatica_care.motion.landmarks import SIDES, Side, other

Features = dict[str, float | None]
Signal = tuple[float | None, float | None]
"""A channel's value this frame (distance from rest past which it counts), and its aux value."""

LYING_MAX_INCLINE = 35.0
"""Degrees the shoulder–hip line may slope in the picture and still be lying or on all fours."""


class ExerciseRules:
    """The shared shape of an exercise's rules; subclasses fill in the exercise's own."""

    exercise_id: ClassVar[str]
    counts: ClassVar[Literal["reps", "holds"]]
    front: ClassVar[Front]
    channel: ClassVar[ChannelSettings]
    channels: ClassVar[tuple[str, ...]]
    tolerance: ClassVar[Mapping[str, float]]
    """How much each calibrated feature may wander while the person settles into rest."""

    def in_posture(self, a: BodyAngles) -> bool:
        """The person is in the exercise's start posture (any stage of the movement)."""
        return a.trunk_incline <= LYING_MAX_INCLINE and a.facing >= 0

    def features(self, a: BodyAngles) -> Features:
        raise NotImplementedError

    def plausible_rest(self, f: Features) -> bool:
        return True

    def signals(self, f: Features, base: Mapping[str, float]) -> dict[str, Signal]:
        raise NotImplementedError

    def side_of(self, excursion: Excursion, base: Mapping[str, float]) -> Side:
        return excursion.channel  # type: ignore[return-value]

    watched_label: ClassVar[str]

    def watched(self, f: Features, base: Mapping[str, float]) -> float | None:
        """The watched angle's value now (degrees); ``None`` before calibration or unseen."""
        raise NotImplementedError


def _hips(a: BodyAngles) -> Features:
    return {f"hip_{s}": a.side(s).hip_flexion for s in SIDES}


def _percent(value: float | None) -> float | None:
    return None if value is None else 100 * value


def _minus(value: float | None, base: float) -> float | None:
    return None if value is None else value - base


class PelvicTilt(ExerciseRules):
    """Reps: the pelvis tilting one way (arching) or the other (flattening) and coming back.

    One rep is one tilt and return. The content's rep flattens, then arches, then returns: both
    directions are channels, and the reps are those of the busier one, so a rep that flattens
    only a little, or a person who only flattens, still counts once a rep.
    """

    exercise_id = "pelvic-tilt"
    counts = "reps"
    front = "up"
    channel = ChannelSettings(enter=4.0, leave=2.0, dwell_in_s=0.25, dwell_out_s=0.25)
    channels = ("arch", "flatten")
    tolerance: ClassVar[Mapping[str, float]] = {"pelvis": 4.0}

    def features(self, a: BodyAngles) -> Features:
        return {"pelvis": a.pelvis}

    def plausible_rest(self, f: Features) -> bool:
        return f["pelvis"] is None or 10 <= f["pelvis"] <= 100

    def signals(self, f: Features, base: Mapping[str, float]) -> dict[str, Signal]:
        d = _minus(f["pelvis"], base["pelvis"])
        return {"arch": (d, None), "flatten": (None if d is None else -d, None)}

    watched_label = "pelvis tilt"

    def watched(self, f: Features, base: Mapping[str, float]) -> float | None:
        return _minus(f.get("pelvis"), base["pelvis"]) if "pelvis" in base else None


class KneeToChest(ExerciseRules):
    """Holds: one hip bending well past its rest angle (the knee coming to the chest)."""

    exercise_id = "knee-to-chest"
    counts = "holds"
    front = "up"
    channel = ChannelSettings(enter=25.0, leave=12.0)
    channels = SIDES
    tolerance: ClassVar[Mapping[str, float]] = {"hip_left": 10.0, "hip_right": 10.0}

    def features(self, a: BodyAngles) -> Features:
        return _hips(a)

    def plausible_rest(self, f: Features) -> bool:
        hips = [v for v in f.values() if v is not None]
        return bool(hips) and max(hips) < 95 and max(hips) - min(hips) < 25

    def signals(self, f: Features, base: Mapping[str, float]) -> dict[str, Signal]:
        return {s: (_minus(f[f"hip_{s}"], base[f"hip_{s}"]), None) for s in SIDES}

    watched_label = "hip flexion"

    def watched(self, f: Features, base: Mapping[str, float]) -> float | None:
        hips = [v for v in f.values() if v is not None]
        return max(hips) if hips else None


class LowerTrunkRotation(ExerciseRules):
    """Holds: both knees falling to one side, seen from the side as the knees sinking.

    Knees falling towards the camera and away from it look alike in a side view; MediaPipe's
    depth tells them apart (knees nearer than at rest fell towards the camera's side). The
    signal is how much the knees' height off the hip–ankle line dropped, in percent of rest.
    """

    exercise_id = "lower-trunk-rotation"
    counts = "holds"
    front = "up"
    channel = ChannelSettings(enter=30.0, leave=18.0)
    channels = ("roll",)
    tolerance: ClassVar[Mapping[str, float]] = {
        "lift_left": 12.0,
        "lift_right": 12.0,
        "depth": 0.5,
        "side": 0.6,
    }

    def features(self, a: BodyAngles) -> Features:
        return {
            **{f"lift_{s}": _percent(a.side(s).knee_lift) for s in SIDES},
            "depth": a.knee_depth,
            "side": a.side_depth,
        }

    def plausible_rest(self, f: Features) -> bool:
        lifts = [v for s in SIDES if (v := f[f"lift_{s}"]) is not None]
        return bool(lifts) and min(lifts) > 25

    def _drop(self, f: Features, base: Mapping[str, float]) -> float | None:
        """How much the knees sank, in percent of each knee's own rest height (the knees seen)."""
        drops = [
            1 - lift / rest
            for s in SIDES
            if (lift := f.get(f"lift_{s}")) is not None and (rest := base.get(f"lift_{s}"))
        ]
        return 100 * sum(drops) / len(drops) if drops else None

    def signals(self, f: Features, base: Mapping[str, float]) -> dict[str, Signal]:
        return {"roll": (self._drop(f, base), _minus(f["depth"], base.get("depth", 0.0)))}

    def side_of(self, excursion: Excursion, base: Mapping[str, float]) -> Side:
        near: Side = "left" if base.get("side", 0.0) < 0 else "right"
        if excursion.aux is None:
            return near
        return near if excursion.aux < 0 else other(near)

    watched_label = "knee roll"

    def watched(self, f: Features, base: Mapping[str, float]) -> float | None:
        drop = self._drop(f, base)
        if drop is None:
            return None
        return math.degrees(math.acos(max(-1.0, min(1.0, 1 - drop / 100))))


class BirdDog(ExerciseRules):
    """Holds: one leg reaching back (its hip opening from the kneeling angle) or the opposite
    arm reaching forward; the side is the leg's."""

    exercise_id = "bird-dog"
    counts = "holds"
    front = "down"
    channel = ChannelSettings(enter=40.0, leave=20.0)
    channels = SIDES
    tolerance: ClassVar[Mapping[str, float]] = {
        "hip_left": 10.0,
        "hip_right": 10.0,
        "shoulder_left": 10.0,
        "shoulder_right": 10.0,
    }

    def features(self, a: BodyAngles) -> Features:
        return {**_hips(a), **{f"shoulder_{s}": a.side(s).shoulder_flexion for s in SIDES}}

    def plausible_rest(self, f: Features) -> bool:
        hips = [f[f"hip_{s}"] for s in SIDES if f[f"hip_{s}"] is not None]
        arms = [f[f"shoulder_{s}"] for s in SIDES if f[f"shoulder_{s}"] is not None]
        return (
            bool(hips)
            and bool(arms)
            and all(40 <= v <= 130 for v in hips)  # type: ignore[operator]
            and all(30 <= v <= 130 for v in arms)  # type: ignore[operator]
        )

    def signals(self, f: Features, base: Mapping[str, float]) -> dict[str, Signal]:
        out: dict[str, Signal] = {}
        for leg in SIDES:
            arm = other(leg)
            hip, shoulder = f[f"hip_{leg}"], f[f"shoulder_{arm}"]
            values = []
            if hip is not None:
                values.append(base[f"hip_{leg}"] - hip)
            if shoulder is not None:
                values.append(shoulder - base[f"shoulder_{arm}"])
            out[leg] = (max(values) if values else None, None)
        return out

    watched_label = "hip opening"

    def watched(self, f: Features, base: Mapping[str, float]) -> float | None:
        opened = [
            base[f"hip_{s}"] - v
            for s in SIDES
            if (v := f.get(f"hip_{s}")) is not None and f"hip_{s}" in base
        ]
        return max(opened) if opened else None


RULES: dict[str, type[ExerciseRules]] = {
    rules.exercise_id: rules for rules in (PelvicTilt, KneeToChest, LowerTrunkRotation, BirdDog)
}


def rules_for(exercise_id: str) -> ExerciseRules:
    """The rules of a tracked exercise; an unknown id is bad input, named with the known ones."""
    try:
        return RULES[exercise_id]()
    except KeyError:
        known = ", ".join(RULES)
        raise MotionError(f"unknown exercise '{exercise_id}' (known: {known})") from None
