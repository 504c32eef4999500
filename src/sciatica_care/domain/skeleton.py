"""The stick figure behind every exercise picture, and the motion tracker's model of the body.

One skeleton, described by joint angles, serves three readers: the animated SVG (what a person
copies), the expected joint-angle curves (what the camera tracker compares against) and synthetic
landmark sequences (the tracker's tests). Keeping them on one model means the picture and the
tracker can never disagree about what "knee to chest" looks like.

Conventions
-----------
World space is metres, ``x`` to the right, ``y`` up from the floor (``y = 0``), ``z`` towards the
viewer. The body moves in the ``x``-``y`` plane (a side view); ``near`` limbs sit at ``z > 0`` (facing
the viewer), ``far`` limbs at ``z < 0``. Only the leg roll of lower trunk rotation leaves the plane.

Angles are degrees and anatomical, measured the way a camera sees them:

- ``trunk``: world direction (counter-clockwise from ``+x``) of the line from mid-hip to the base
  of the neck. Hip and shoulder angles are measured from this line, as a tracker measures
  shoulder–hip–knee from landmarks.
- ``lumbar``: extension (+) or flexion (−) of the lower back: the waist moves off the hip–neck line
  towards the front of the body (arching) or behind it (flattening); hips and shoulders stay put.
- ``neck``: flexion (chin to chest) from the trunk line.
- ``hip_*`` / ``shoulder_*``: flexion from hanging along the trunk (0) towards the front (90) and
  overhead (180); negative is extension behind the body.
- ``knee_*``: flexion, 0 = straight; ``elbow_*``: flexion, 0 = straight.
- ``ankle_*``: plantar flexion, 0 = foot at a right angle to the shin, 90 = toes pointed.
- ``leg_roll_*``: rotation of the bent leg about its hip–ankle line; + takes the knee towards the
  viewer (knees falling to the side in lower trunk rotation).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from sciatica_care.content.exercises import JOINT_ANGLE_NAMES, Animation

Point = tuple[float, float]
Point3 = tuple[float, float, float]

BONE_LENGTHS: dict[str, float] = {
    "pelvis": 0.18,
    "trunk": 0.34,
    "neck": 0.17,
    "upper_arm": 0.30,
    "forearm": 0.26,
    "thigh": 0.44,
    "shin": 0.43,
    "foot": 0.17,
}
"""Adult proportions (metres) for a figure about 1.7 m tall; ``neck`` runs to the head's centre."""

HEAD_RADIUS = 0.11
SHOULDER_HALF_WIDTH = 0.16
HIP_HALF_WIDTH = 0.10
SIDES = ("near", "far")

BONES: tuple[tuple[str, str, str], ...] = (
    ("pelvis", "hip", "waist"),
    ("trunk", "waist", "neck_base"),
    ("neck", "neck_base", "head"),
    *(
        bone
        for side in SIDES
        for bone in (
            ("upper_arm", f"shoulder_{side}", f"elbow_{side}"),
            ("forearm", f"elbow_{side}", f"hand_{side}"),
            ("thigh", f"hip_{side}", f"knee_{side}"),
            ("shin", f"knee_{side}", f"ankle_{side}"),
            ("foot", f"ankle_{side}", f"toe_{side}"),
        )
    ),
)
"""Every bone as (length name, from joint, to joint); lengths stay constant in 3-D."""


@dataclass(frozen=True)
class Posture:
    """A starting position: resting angles, which way the body faces, and what rests on the floor.

    ``facing`` is +1 when the front of the body is counter-clockwise-behind the trunk line (lying on
    the back with the head to the left, the front faces up) and −1 for the mirror (on hands and
    knees with the head to the left, the front faces down). ``supports`` maps joints that may carry
    weight to their height above the floor when they do (half the body's thickness there).
    """

    name: str
    facing: int
    rest: Mapping[str, float]
    supports: Mapping[str, float]


_LIMB_REST = {"leg_roll_near": 0.0, "leg_roll_far": 0.0, "lumbar": 6.0, "neck": 0.0}

POSTURES: dict[str, Posture] = {
    "supine": Posture(
        name="supine",
        facing=1,
        rest={
            **_LIMB_REST,
            "trunk": 180.0,
            **{f"shoulder_{s}": -8.0 for s in SIDES},
            **{f"elbow_{s}": 0.0 for s in SIDES},
            **{f"hip_{s}": 48.0 for s in SIDES},
            **{f"knee_{s}": 104.0 for s in SIDES},
            **{f"ankle_{s}": 34.0 for s in SIDES},
        },
        supports={"hip": HEAD_RADIUS, "neck_base": HEAD_RADIUS},
    ),
    "all_fours": Posture(
        name="all_fours",
        facing=-1,
        rest={
            **_LIMB_REST,
            "lumbar": 0.0,
            "neck": 15.0,
            "trunk": 169.0,
            **{f"shoulder_{s}": 79.0 for s in SIDES},
            **{f"elbow_{s}": 0.0 for s in SIDES},
            **{f"hip_{s}": 79.0 for s in SIDES},
            **{f"knee_{s}": 90.0 for s in SIDES},
            **{f"ankle_{s}": 90.0 for s in SIDES},
        },
        supports={
            "knee_near": 0.05,
            "knee_far": 0.05,
            "hand_near": 0.03,
            "hand_far": 0.03,
        },
    ),
    "seated": Posture(
        name="seated",
        facing=1,
        rest={
            **_LIMB_REST,
            "trunk": 90.0,
            **{f"shoulder_{s}": 30.0 for s in SIDES},
            **{f"elbow_{s}": 60.0 for s in SIDES},
            **{f"hip_{s}": 90.0 for s in SIDES},
            **{f"knee_{s}": 90.0 for s in SIDES},
            **{f"ankle_{s}": 0.0 for s in SIDES},
        },
        supports={"toe_near": 0.02, "toe_far": 0.02, "ankle_near": 0.07, "ankle_far": 0.07},
    ),
}
"""The postures an animation can start from (``Animation.posture``)."""


def posture(name: str) -> Posture:
    """The named posture; an unknown name is a programming error, not user input."""
    return POSTURES[name]


def _direction(degrees: float) -> Point:
    radians = math.radians(degrees)
    return math.cos(radians), math.sin(radians)


def _add(origin: Point3, degrees: float, length: float) -> Point3:
    dx, dy = _direction(degrees)
    return origin[0] + dx * length, origin[1] + dy * length, origin[2]


def _sub(a: Point3, b: Point3) -> Point3:
    return a[0] - b[0], a[1] - b[1], a[2] - b[2]


def _rotate_about(point: Point3, start: Point3, end: Point3, degrees: float) -> Point3:
    """Rotate ``point`` about the line ``start``→``end`` (Rodrigues), keeping distances to both."""
    axis = _sub(end, start)
    norm = math.sqrt(sum(c * c for c in axis))
    if norm == 0 or degrees == 0:
        return point
    kx, ky, kz = (c / norm for c in axis)
    vx, vy, vz = _sub(point, start)
    cos_a, sin_a = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    cross = (ky * vz - kz * vy, kz * vx - kx * vz, kx * vy - ky * vx)
    dot = kx * vx + ky * vy + kz * vz
    rotated = (
        vx * cos_a + cross[0] * sin_a + kx * dot * (1 - cos_a),
        vy * cos_a + cross[1] * sin_a + ky * dot * (1 - cos_a),
        vz * cos_a + cross[2] * sin_a + kz * dot * (1 - cos_a),
    )
    return start[0] + rotated[0], start[1] + rotated[1], start[2] + rotated[2]


def _spine_split(lumbar: float) -> tuple[float, float]:
    """Split a lumbar bend between pelvis and trunk so the neck stays on the hip–neck line.

    Solves ``pelvis·sin(a) = trunk·sin(b)`` with ``a + b = lumbar``: the waist moves sideways off
    the line, the hips and shoulders do not, as in a pelvic tilt lying down.
    """
    bend = math.radians(lumbar)
    pelvis, trunk = BONE_LENGTHS["pelvis"], BONE_LENGTHS["trunk"]
    a = math.atan2(trunk * math.sin(bend), pelvis + trunk * math.cos(bend))
    return math.degrees(a), lumbar - math.degrees(a)


def full_angles(posture_name: str, angles: Mapping[str, float]) -> dict[str, float]:
    """The posture's resting angles overridden by ``angles``: every joint angle, always."""
    rest = posture(posture_name).rest
    return {name: float(angles.get(name, rest[name])) for name in JOINT_ANGLE_NAMES}


def pose3d(posture_name: str, angles: Mapping[str, float]) -> dict[str, Point3]:
    """Forward kinematics: joint positions (x, y, z) of the figure, resting on the floor.

    The figure is built from the mid-hip outwards, then moved up or down so that its lowest
    supporting joint (hips and neck lying down, knees and hands on all fours, feet seated) sits on
    the floor. Horizontally the mid-hip stays at ``x = 0``.
    """
    spec = posture(posture_name)
    a = full_angles(posture_name, angles)
    s = spec.facing
    trunk = a["trunk"]
    pelvis_turn, trunk_turn = _spine_split(a["lumbar"])

    joints: dict[str, Point3] = {"hip": (0.0, 0.0, 0.0)}
    joints["waist"] = _add(joints["hip"], trunk - s * pelvis_turn, BONE_LENGTHS["pelvis"])
    joints["neck_base"] = _add(joints["waist"], trunk + s * trunk_turn, BONE_LENGTHS["trunk"])
    joints["head"] = _add(joints["neck_base"], trunk - s * a["neck"], BONE_LENGTHS["neck"])

    for side, z_sign in (("near", 1.0), ("far", -1.0)):
        nx, ny, _ = joints["neck_base"]
        shoulder = (nx, ny, z_sign * SHOULDER_HALF_WIDTH)
        arm_dir = trunk + 180 + s * a[f"shoulder_{side}"]
        elbow = _add(shoulder, arm_dir, BONE_LENGTHS["upper_arm"])
        hand = _add(elbow, arm_dir + s * a[f"elbow_{side}"], BONE_LENGTHS["forearm"])

        hip = (0.0, 0.0, z_sign * HIP_HALF_WIDTH)
        thigh_dir = trunk + 180 + s * a[f"hip_{side}"]
        knee = _add(hip, thigh_dir, BONE_LENGTHS["thigh"])
        shin_dir = thigh_dir - s * a[f"knee_{side}"]
        ankle = _add(knee, shin_dir, BONE_LENGTHS["shin"])
        toe = _add(ankle, shin_dir + s * (90 - a[f"ankle_{side}"]), BONE_LENGTHS["foot"])
        roll = a[f"leg_roll_{side}"]
        knee = _rotate_about(knee, hip, ankle, roll)
        toe = _rotate_about(toe, hip, ankle, roll)

        joints.update(
            {
                f"shoulder_{side}": shoulder,
                f"elbow_{side}": elbow,
                f"hand_{side}": hand,
                f"hip_{side}": hip,
                f"knee_{side}": knee,
                f"ankle_{side}": ankle,
                f"toe_{side}": toe,
            }
        )

    lift = min(joints[name][1] - height for name, height in spec.supports.items())
    return {name: (x, y - lift, z) for name, (x, y, z) in joints.items()}


def pose(posture_name: str, angles: Mapping[str, float]) -> dict[str, Point]:
    """Joint positions as a side-on camera sees them: (x, y), depth dropped."""
    return {name: (x, y) for name, (x, y, _) in pose3d(posture_name, angles).items()}


def ease(u: float) -> float:
    """Cosine easing on 0–1: starts and ends at rest, as a person moves slowly into a position."""
    return (1 - math.cos(math.pi * min(max(u, 0.0), 1.0))) / 2


def joint_angles_at(animation: Animation, t: float) -> dict[str, float]:
    """Every joint angle at phase ``t`` of the cycle (0–1, wrapping), eased between keyframes.

    At a keyframe's own time the result equals that keyframe exactly; between two keyframes with
    the same angles (a hold) it stays still.
    """
    phase = t % 1.0 if t != 1.0 else 1.0
    frames = animation.keyframes
    for before, after in pairwise(frames):
        if before.t <= phase <= after.t:
            span = after.t - before.t
            u = ease((phase - before.t) / span) if span > 0 else 1.0
            a = full_angles(animation.posture, before.angles)
            b = full_angles(animation.posture, after.angles)
            return {name: a[name] + (b[name] - a[name]) * u for name in JOINT_ANGLE_NAMES}
    return full_angles(animation.posture, frames[-1].angles)


def pose3d_at(animation: Animation, t: float) -> dict[str, Point3]:
    """Joint positions (x, y, z) at phase ``t`` of the cycle."""
    return pose3d(animation.posture, joint_angles_at(animation, t))


def pose_at(animation: Animation, t: float) -> dict[str, Point]:
    """Joint positions (x, y) at phase ``t`` as a side-on camera sees them."""
    return pose(animation.posture, joint_angles_at(animation, t))


def angle_curve(animation: Animation, name: str, samples: int = 100) -> list[tuple[float, float]]:
    """The expected curve of one joint angle over a cycle: ``samples`` + 1 (phase, degrees) pairs."""
    if name not in JOINT_ANGLE_NAMES:
        raise KeyError(name)
    return [
        (i / samples, joint_angles_at(animation, i / samples)[name]) for i in range(samples + 1)
    ]


def moving_angles(animation: Animation, threshold: float = 1.0) -> set[str]:
    """The joint angles that change by more than ``threshold`` degrees during the cycle."""
    frames = [full_angles(animation.posture, k.angles) for k in animation.keyframes]
    return {
        name
        for name in JOINT_ANGLE_NAMES
        if max(f[name] for f in frames) - min(f[name] for f in frames) > threshold
    }


VIEWS = ("side", "three_quarter")
"""How a picture looks at the figure: from the side (slanted depth), or from above the feet."""


def oblique(
    joints: Mapping[str, Point3], depth_angle: float = 40.0, depth_scale: float = 0.6
) -> dict[str, Point]:
    """Side view with depth (``z``) drawn on a slant, as on a sketched mat; the floor stays level.

    A pure side view hides which leg moves. Here a point nearer the viewer is drawn
    ``depth_scale`` of its depth down and to the left along ``depth_angle`` degrees, so near and
    far limbs part.
    """
    dx = depth_scale * math.cos(math.radians(depth_angle))
    dy = depth_scale * math.sin(math.radians(depth_angle))
    return {name: (x - z * dx, y - z * dy) for name, (x, y, z) in joints.items()}


def camera(
    joints: Mapping[str, Point3], yaw: float = 45.0, elevation: float = 30.0
) -> dict[str, Point]:
    """Orthographic view from ``yaw`` degrees round towards the feet and ``elevation`` above.

    Knees falling towards or away from a side-on viewer look alike from the side; seen from above
    the feet they fall clearly to one side of the body or the other (lower trunk rotation).
    """
    cos_y, sin_y = math.cos(math.radians(yaw)), math.sin(math.radians(yaw))
    cos_e, sin_e = math.cos(math.radians(elevation)), math.sin(math.radians(elevation))
    return {
        name: (x * cos_y - z * sin_y, y * cos_e - (x * sin_y + z * cos_y) * sin_e)
        for name, (x, y, z) in joints.items()
    }


def project(joints: Mapping[str, Point3], view: str = "side") -> dict[str, Point]:
    """Flatten 3-D joints for a picture: ``side`` (oblique) or ``three_quarter`` (camera)."""
    if view == "three_quarter":
        return camera(joints)
    return oblique(joints)


def segment_angle(a: Point, b: Point) -> float:
    """Direction (degrees, −180–180, counter-clockwise from +x) of the segment from ``a`` to ``b``."""
    return math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))


# --- the player's demonstration figure -----------------------------------------------------------

FIGURE_MOVE_S = 2.0
"""Seconds the demonstration figure takes to move into a hold or back out of it."""


@dataclass(frozen=True)
class HeldPose:
    """One pose of the cycle held away from the start: when the figure leaves the start pose
    (``start``), arrives (``reach``), leaves the held pose (``leave``) and is back at rest (``back``).
    """

    start: float
    reach: float
    leave: float
    back: float


def held_poses(animation: Animation) -> list[HeldPose]:
    """The poses of the cycle held away from the start, in order (one per side for a sided one).

    Content writes a hold as two keyframes with the same angles; a pose reached and left at once
    is a hold of no length. ``back`` is the next keyframe at the starting pose (or the cycle's end),
    so for pelvic tilt the first pose (back flat) returns through the arch.
    """
    frames = [(k.t, full_angles(animation.posture, k.angles)) for k in animation.keyframes]
    rest = frames[0][1]
    poses: list[HeldPose] = []
    i = 1
    while i < len(frames):
        t, angles = frames[i]
        if angles == rest:
            i += 1
            continue
        j = i
        while j + 1 < len(frames) and frames[j + 1][1] == angles:
            j += 1
        back = next((ft for ft, fa in frames[j + 1 :] if fa == rest), 1.0)
        poses.append(HeldPose(start=frames[i - 1][0], reach=t, leave=frames[j][0], back=back))
        i = j + 1
    return poses


@dataclass(frozen=True)
class FigureMotion:
    """Where the demonstration figure is during one step of the player: its cycle phase goes from
    ``t_from`` to ``t_to`` (phases of ``joint_angles_at``) over the first ``move_s`` seconds of the
    step, then stays at ``t_to``. ``move_s`` 0 is a still pose.
    """

    t_from: float
    t_to: float
    move_s: float


STILL = FigureMotion(0.0, 0.0, 0.0)

FigureCue = Literal["still", "hold", "move", "peak", "relax", "return"]
"""What the player is doing, as the figure needs it: a still pose (instructions, rests, side
switches, pain checks), a timed hold, the three stages of a paced rep, the break after a hold."""


def figure_motion(
    poses: Sequence[HeldPose], cue: FigureCue, side_index: int, duration_s: float | None
) -> FigureMotion:
    """The figure's motion for one player step, so it is in step with the timer (issue 9, item 2).

    A hold moves into the side's held pose over the first ``FIGURE_MOVE_S`` seconds (at most a third
    of the hold) and keeps it while the count runs down; the break after it comes back to the start.
    A paced rep moves in during "move", keeps the pose during "hold" and goes back during "relax"
    (for a one-sided cycle such as pelvic tilt the relax runs through the rest of the cycle: the
    arch at the other end). Everything else shows the start pose. ``poses`` are the animation's
    ``held_poses`` (worked out once per exercise by the caller).
    """
    if cue == "still" or not poses:
        return STILL
    pose_ = poses[side_index % len(poses)]
    length = duration_s or FIGURE_MOVE_S
    if cue == "hold":
        return FigureMotion(pose_.start, pose_.reach, min(FIGURE_MOVE_S, length / 3))
    if cue == "return":
        return FigureMotion(pose_.leave, pose_.back, min(FIGURE_MOVE_S, length / 2))
    if cue == "move":
        return FigureMotion(pose_.start, pose_.reach, length)
    if cue == "peak":
        return FigureMotion(pose_.reach, pose_.reach, 0.0)
    return FigureMotion(pose_.leave, pose_.back, length)
