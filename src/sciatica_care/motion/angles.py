"""Joint angles from one frame of landmarks, the same whichever way the person lies or faces.

A side view sees the body in one plane, but the person may lie with their head to the left or to
the right of the picture (the camera on their left or right side). Every angle here is measured in
the body's own frame instead of the picture's: ``u`` points from the mid-hip to the mid-shoulder
(towards the head) and ``v`` is the perpendicular on the front of the body, which the exercise's
posture tells us (the belly faces up lying on the back, down on hands and knees). Flexions then
follow the conventions of ``domain.skeleton``: 0 is a limb hanging along the trunk towards the
feet, 90 points it out of the front of the body, 180 past the head, negative behind the body.

Landmarks are image-normalised, so ``x`` is stretched by the picture's width and ``y`` by its
height; ``aspect`` (width / height) puts them back on one scale before any angle is taken.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

from sciatica_care.motion.landmarks import (
    BODY_PARTS,
    LEFT_EAR,
    NOSE,
    RIGHT_EAR,
    Frame,
    Landmark,
    Side,
)

Front = Literal["up", "down"]
"""Where the front of the body faces in the picture: up lying on the back, down on all fours."""

VISIBLE = 0.4
"""Below this visibility MediaPipe is guessing a hidden point: angles that need it are unknown."""

Vec = tuple[float, float]

if TYPE_CHECKING:
    from functools import cached_property as lazy
else:

    class lazy:
        """``functools.cached_property`` without its lock (Python 3.11 takes one on every
        read): an angle is worked out on first read and stored on the instance."""

        def __init__(self, function):
            self.function = function
            self.name = function.__name__
            self.__doc__ = function.__doc__

        def __get__(self, instance, owner=None):
            if instance is None:
                return self
            value = instance.__dict__[self.name] = self.function(instance)
            return value


def _sub(a: Vec, b: Vec) -> Vec:
    return a[0] - b[0], a[1] - b[1]


def _dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1]


def _unit(a: Vec) -> Vec | None:
    norm = math.hypot(a[0], a[1])
    return None if norm < 1e-9 else (a[0] / norm, a[1] / norm)


class _Body:
    """Points of one frame in picture units (heights, ``y`` up), with visibility checks."""

    def __init__(self, landmarks: tuple[Landmark, ...], aspect: float) -> None:
        self.points = [(p.x * aspect, -p.y) for p in landmarks]
        self.landmarks = landmarks
        self.aspect = aspect

    def visible(self, i: int) -> bool:
        return self.landmarks[i].visibility >= VISIBLE

    def point(self, part: str, side: Side) -> Vec | None:
        i = BODY_PARTS[part][0 if side == "left" else 1]
        return self.points[i] if self.visible(i) else None

    def mid(self, part: str) -> Vec | None:
        """The middle of the two sides' points, or the one visible side's point."""
        left, right = BODY_PARTS[part]
        seen = [i for i in (left, right) if self.visible(i)]
        if not seen:
            return None
        xs = [self.points[i][0] for i in seen]
        ys = [self.points[i][1] for i in seen]
        return sum(xs) / len(xs), sum(ys) / len(ys)

    def depth(self, part: str) -> float | None:
        left, right = BODY_PARTS[part]
        seen = [self.landmarks[i].z for i in (left, right) if self.visible(i)]
        return sum(seen) / len(seen) * self.aspect if seen else None


def _flexion(direction: Vec, u: Vec, v: Vec) -> float:
    """Angle from hanging along the trunk (−u) towards the front (v); −90 to 270 degrees."""
    angle = math.degrees(math.atan2(_dot(direction, v), -_dot(direction, u)))
    return angle + 360 if angle < -90 else angle


def _bend(a: Vec | None, joint: Vec | None, b: Vec | None) -> float | None:
    """Flexion at ``joint`` (0 straight): 180 minus the angle between its two segments."""
    if a is None or joint is None or b is None:
        return None
    first, second = _unit(_sub(a, joint)), _unit(_sub(b, joint))
    if first is None or second is None:
        return None
    cos = max(-1.0, min(1.0, _dot(first, second)))
    return 180.0 - math.degrees(math.acos(cos))


def _elevation(a: Vec, b: Vec) -> float:
    dx, dy = _sub(b, a)
    return math.degrees(math.atan2(dy, abs(dx)))


class SideAngles:
    """Angles of one side of the body, in degrees, each worked out when first read (a detector
    reads only the few it watches); ``None`` when a point it needs is hidden."""

    def __init__(self, body: _Body, side: Side, u: Vec, v: Vec, trunk: float) -> None:
        self._body, self._side, self._u, self._v, self._trunk = body, side, u, v, trunk

    def _point(self, part: str) -> Vec | None:
        return self._body.point(part, self._side)

    def _flexion_of(self, start: str, end: str) -> float | None:
        a, b = self._point(start), self._point(end)
        if a is None or b is None:
            return None
        d = _unit(_sub(b, a))
        return None if d is None else _flexion(d, self._u, self._v)

    @lazy
    def hip_flexion(self) -> float | None:
        return self._flexion_of("hip", "knee")

    @lazy
    def shoulder_flexion(self) -> float | None:
        return self._flexion_of("shoulder", "elbow")

    @lazy
    def knee_flexion(self) -> float | None:
        return _bend(self._point("hip"), self._point("knee"), self._point("ankle"))

    @lazy
    def elbow_flexion(self) -> float | None:
        return _bend(self._point("shoulder"), self._point("elbow"), self._point("wrist"))

    @lazy
    def knee_lift(self) -> float | None:
        """The knee's height off the hip–ankle line, towards the front, in trunk lengths."""
        hip, knee, ankle = self._point("hip"), self._point("knee"), self._point("ankle")
        if hip is None or knee is None or ankle is None:
            return None
        line = _unit(_sub(ankle, hip))
        if line is None:
            return None
        normal = (-line[1], line[0])
        if _dot(normal, self._v) < 0:
            normal = (-normal[0], -normal[1])
        return _dot(_sub(knee, hip), normal) / self._trunk

    @lazy
    def leg_elevation(self) -> float | None:
        """The hip→ankle line's angle above the horizontal of the picture."""
        hip, ankle = self._point("hip"), self._point("ankle")
        return None if hip is None or ankle is None else _elevation(hip, ankle)

    @lazy
    def arm_elevation(self) -> float | None:
        """The shoulder→wrist line's angle above the horizontal of the picture."""
        shoulder, wrist = self._point("shoulder"), self._point("wrist")
        return None if shoulder is None or wrist is None else _elevation(shoulder, wrist)


CORE = (*BODY_PARTS["shoulder"], *BODY_PARTS["hip"])


class BodyAngles:
    """Everything the detectors and the positioning checks read from one frame.

    ``trunk_incline`` is the shoulder–hip line's angle from the picture's horizontal (0 lying or
    on all fours, 90 upright). ``pelvis`` is the flexion of the mid-thigh against the trunk line:
    lying with the feet planted, a pelvic tilt moves the hips off the shoulder–knee line, and this
    bend is what a side view sees of it. ``head_right`` says which way the head points in the
    picture. ``facing`` is +1 when the nose is on the expected front of the body (face up lying on
    the back), −1 when it is behind (face down), 0 when unknown. Depths are MediaPipe ``z``
    differences in trunk lengths (negative is nearer the camera): ``side_depth`` left minus right
    at the shoulders and hips, ``knee_depth`` the knees against the hips. Values are worked out
    when first read.
    """

    def __init__(self, t: float, body: _Body, hips: Vec, u: Vec, v: Vec, trunk: float) -> None:
        self.t = t
        self.trunk_length = trunk
        self._body, self._hips, self._u, self._v = body, hips, u, v
        self.left = SideAngles(body, "left", u, v, trunk)
        self.right = SideAngles(body, "right", u, v, trunk)

    def side(self, side: Side) -> SideAngles:
        return self.left if side == "left" else self.right

    @lazy
    def trunk_incline(self) -> float:
        return math.degrees(math.atan2(abs(self._u[1]), abs(self._u[0])))

    @property
    def head_right(self) -> bool:
        return self._u[0] > 0

    @lazy
    def pelvis(self) -> float | None:
        knees = self._body.mid("knee")
        thigh = None if knees is None else _unit(_sub(knees, self._hips))
        return None if thigh is None else _flexion(thigh, self._u, self._v)

    @lazy
    def facing(self) -> int:
        body = self._body
        ears = [body.points[i] for i in (LEFT_EAR, RIGHT_EAR) if body.visible(i)]
        if not ears or not body.visible(NOSE):
            return 0
        ear = (sum(p[0] for p in ears) / len(ears), sum(p[1] for p in ears) / len(ears))
        ahead = _dot(_sub(body.points[NOSE], ear), self._v) / self.trunk_length
        return 1 if ahead > 0.03 else -1 if ahead < -0.03 else 0

    @lazy
    def side_depth(self) -> float | None:
        body = self._body
        left = [body.landmarks[i].z for i in (11, 23) if body.visible(i)]
        right = [body.landmarks[i].z for i in (12, 24) if body.visible(i)]
        if not left or not right:
            return None
        difference = sum(left) / len(left) - sum(right) / len(right)
        return difference * body.aspect / self.trunk_length

    @property
    def near_side(self) -> Side | None:
        """The side nearer the camera by MediaPipe's depth, when it can tell."""
        depth = self.side_depth
        if depth is None or abs(depth) < 0.05:
            return None
        return "left" if depth < 0 else "right"

    @lazy
    def knee_depth(self) -> float | None:
        knee_z, hip_z = self._body.depth("knee"), self._body.depth("hip")
        return None if knee_z is None or hip_z is None else (knee_z - hip_z) / self.trunk_length

    @lazy
    def core_visibility(self) -> float:
        landmarks = self._body.landmarks
        return sum(landmarks[i].visibility for i in CORE) / len(CORE)


def measure(frame: Frame, aspect: float, front: Front) -> BodyAngles | None:
    """The frame's angles, or ``None`` without a usable pose (no pose, or no shoulder or hip)."""
    if frame.landmarks is None:
        return None
    body = _Body(frame.landmarks, aspect)
    shoulders, hips = body.mid("shoulder"), body.mid("hip")
    if shoulders is None or hips is None:
        return None
    trunk_vec = _sub(shoulders, hips)
    trunk = math.hypot(*trunk_vec)
    u = _unit(trunk_vec)
    if u is None or trunk < 1e-3:
        return None
    expected: Vec = (0.0, 1.0) if front == "up" else (0.0, -1.0)
    v: Vec = (-u[1], u[0])
    if _dot(v, expected) < 0:
        v = (u[1], -u[0])
    return BodyAngles(frame.t, body, hips, u, v, trunk)
