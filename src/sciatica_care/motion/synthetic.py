"""Landmark streams made from the exercise keyframes, with the truth known: the tracker's tests.

A stream is a set of one exercise as a camera at the person's side would record it: someone walks
into the picture, sits or kneels, gets down into the start position and settles (the getting into
position phase, with movements that look like the exercise but must never count), then does its
reps or holds, moving through the content's keyframes (``domain.skeleton``) the way the player's
figure does (``skeleton.figure_motion``): into a held pose over a few seconds, a hold, back out.

Everything a real recording varies can be varied, reproducibly from a seed: the frame rate and its
steadiness, lost frames and frames with no pose, visibility dips, coordinate noise, the speed of
each movement and its range, the size of the body in the picture, the picture's shape, a slightly
tilted camera and the side the camera is on (the head to the left or to the right).

One thing the skeleton does not show a camera: in its pelvic tilt only the waist moves, a point
MediaPipe has no landmark for. A person lying with feet planted tilts the pelvis about the lower
back instead, so here the hip landmarks move by what the waist would have (the waist stays put),
which is the few centimetres a side view really sees.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from sciatica_care.content.exercises import JOINT_ANGLE_NAMES, Animation, exercise_library
from sciatica_care.domain.skeleton import (
    HEAD_RADIUS,
    HeldPose,
    Point3,
    full_angles,
    held_poses,
    joint_angles_at,
    pose3d,
    posture,
)
from sciatica_care.motion.landmarks import LANDMARK_COUNT, SIDES, Frame, Landmark, Side, other

BODY_LENGTH_M = 1.7
"""The figure's height standing (``domain.skeleton`` proportions); picture sizes refer to it."""

Angles = dict[str, float]


@dataclass(frozen=True)
class Movement:
    """One rep or hold: which held pose (0 or 1: the side, in the animation's order), how long
    the move into and out of it takes, how long it is held, the rest after it, and its range
    (1 is the content's keyframe, 0.8 a smaller movement)."""

    pose: int = 0
    move_s: float = 1.5
    hold_s: float = 5.0
    rest_s: float = 2.0
    amplitude: float = 1.0


@dataclass(frozen=True)
class Recording:
    """How the camera records: the picture, the body's size in it, the side, the flaws."""

    width: int = 640
    height: int = 480
    body_size: float = 0.7
    """The body's length (standing height) as a share of the picture's width."""
    mirrored: bool = False
    """The camera on the person's other side: the head on the right of the picture."""
    roll_deg: float = 0.0
    fps: float = 30.0
    rate_jitter: float = 0.0
    """Each frame interval varies by up to this share of 1 / fps."""
    noise_px: float = 1.0
    depth_noise: float = 0.01
    far_visibility: float = 0.85
    lost_frames: int = 0
    """Bursts of frames that never arrive (gaps in time)."""
    no_pose_bursts: int = 0
    """Bursts of frames without a pose (``"landmarks": null``)."""
    visibility_dips: int = 0
    """Bursts where one limb's landmarks drop below the visibility MediaPipe trusts."""
    burst_s: float = 0.5

    @property
    def aspect(self) -> float:
        return self.width / self.height


@dataclass(frozen=True)
class SyntheticSet:
    """A set to generate: the exercise, its movements, the recording, and the getting into
    position phase (``positioning``: walk in, sit or kneel, get down; ``settle_s`` of rest after
    it before the first movement)."""

    exercise_id: str
    movements: tuple[Movement, ...]
    recording: Recording = field(default_factory=Recording)
    positioning: bool = True
    settle_s: float = 2.5
    tail_s: float = 1.5
    seed: int = 0


@dataclass(frozen=True)
class TrueHold:
    side: Side
    start_s: float
    seconds: float


@dataclass(frozen=True)
class SyntheticStream:
    """The frames and what really happened in them."""

    spec: SyntheticSet
    frames: tuple[Frame, ...]
    reps: int
    holds: tuple[TrueHold, ...]
    in_position_s: float
    """When the getting into position phase ended: nothing may count before it."""

    @property
    def aspect(self) -> float:
        return self.spec.recording.aspect


@dataclass(frozen=True)
class _Shape:
    """The figure at one moment: all joint angles, a sideways shift (metres), present or not."""

    angles: Angles
    shift_m: float = 0.0
    present: bool = True
    still: bool = False
    """The same shape for the whole segment (its clean landmarks are worked out once)."""


@dataclass(frozen=True)
class _Segment:
    duration: float
    shape: Callable[[float], _Shape]


def _mix(a: Mapping[str, float], b: Mapping[str, float], u: float) -> Angles:
    w = (1 - math.cos(math.pi * min(max(u, 0.0), 1.0))) / 2
    return {k: a[k] + (b[k] - a[k]) * w for k in JOINT_ANGLE_NAMES}


def _scaled(rest: Angles, angles: Angles, amplitude: float) -> Angles:
    return {k: rest[k] + (angles[k] - rest[k]) * amplitude for k in JOINT_ANGLE_NAMES}


def _still(angles: Angles) -> Callable[[float], _Shape]:
    shape = _Shape(angles, still=True)
    return lambda _u: shape


def _move(a: Angles, b: Angles) -> Callable[[float], _Shape]:
    return lambda u: _Shape(_mix(a, b, u))


def _phase_move(
    animation: Animation, rest: Angles, start: float, end: float, amplitude: float
) -> Callable[[float], _Shape]:
    """Through the keyframes from phase ``start`` to ``end`` (the content's own easing)."""
    return lambda u: _Shape(
        _scaled(rest, joint_angles_at(animation, start + (end - start) * u), amplitude)
    )


def _positioning(posture_name: str, rest: Angles, rng: random.Random) -> list[_Segment]:
    """Nobody, then a person walks in, sits (or kneels), does something that looks like the
    exercise, and gets down into the start position, then fidgets a little."""
    standing = full_angles(
        posture_name,
        {
            "trunk": 90,
            "lumbar": 0,
            **{f"hip_{s}": 0 for s in ("near", "far")},
            **{f"knee_{s}": 0 for s in ("near", "far")},
            **{f"ankle_{s}": 0 for s in ("near", "far")},
            **{f"shoulder_{s}": 5 for s in ("near", "far")},
            **{f"elbow_{s}": 10 for s in ("near", "far")},
        },
    )
    if posture_name == "supine":
        down = {**standing, "hip_near": 95, "hip_far": 95, "knee_near": 110, "knee_far": 110}
        lookalike = {**down, "hip_near": 130, "knee_near": 135, "shoulder_near": 40}
        lookalike["shoulder_far"] = 40
    else:
        down = {**standing, "knee_near": 90, "knee_far": 90, "ankle_near": 90, "ankle_far": 90}
        lookalike = {**down, "shoulder_far": 160, "elbow_far": 0}
    walk_s = rng.uniform(0.8, 1.4)
    fidget = {k: rest[k] + rng.uniform(-5, 5) for k in ("hip_near", "hip_far", "lumbar")}
    fidget_angles = {**rest, **fidget}
    return [
        _Segment(rng.uniform(0.2, 0.6), lambda _u: _Shape(standing, 0.0, present=False)),
        _Segment(walk_s, lambda u: _Shape(standing, -1.6 * (1 - u))),
        _Segment(rng.uniform(0.8, 1.2), _move(standing, down)),
        _Segment(rng.uniform(0.6, 1.0), _move(down, lookalike)),
        _Segment(rng.uniform(0.8, 1.5), _still(lookalike)),
        _Segment(rng.uniform(0.6, 1.0), _move(lookalike, down)),
        _Segment(rng.uniform(1.2, 2.0), _move(down, rest)),
        _Segment(rng.uniform(0.5, 0.8), _move(rest, fidget_angles)),
        _Segment(rng.uniform(0.5, 0.8), _move(fidget_angles, rest)),
    ]


def _near_side(posture_name: str) -> Side:
    """The person's side nearer a camera that sees the figure's ``near`` limbs (z > 0)."""
    spec = posture(posture_name)
    joints = pose3d(posture_name, {})
    hx, hy = joints["neck_base"][0] - joints["hip"][0], joints["neck_base"][1] - joints["hip"][1]
    # The front is the trunk line turned clockwise for facing +1; left = head x front.
    fx, fy = (hy, -hx) if spec.facing > 0 else (-hy, hx)
    return "left" if hx * fy - hy * fx > 0 else "right"


def _movements(
    spec: SyntheticSet, animation: Animation, rest: Angles, poses: list[HeldPose], start_s: float
) -> tuple[list[_Segment], int, list[TrueHold]]:
    segments: list[_Segment] = []
    holds: list[TrueHold] = []
    near = _near_side(animation.posture)
    t = start_s
    rep_exercise = exercise_library().get(spec.exercise_id).kind == "reps"
    for m in spec.movements:
        if rep_exercise:
            flat, arch = poses[0], poses[1]
            parts = [
                _Segment(
                    m.move_s, _phase_move(animation, rest, flat.start, flat.reach, m.amplitude)
                ),
                _Segment(
                    m.hold_s,
                    _still(_scaled(rest, joint_angles_at(animation, flat.reach), m.amplitude)),
                ),
                _Segment(
                    m.move_s, _phase_move(animation, rest, flat.leave, arch.reach, m.amplitude)
                ),
                _Segment(
                    m.hold_s,
                    _still(_scaled(rest, joint_angles_at(animation, arch.reach), m.amplitude)),
                ),
                _Segment(
                    m.move_s, _phase_move(animation, rest, arch.leave, arch.back, m.amplitude)
                ),
                _Segment(m.rest_s, _still(rest)),
            ]
        else:
            pose_ = poses[m.pose % len(poses)]
            held = _scaled(rest, joint_angles_at(animation, pose_.reach), m.amplitude)
            parts = [
                _Segment(
                    m.move_s, _phase_move(animation, rest, pose_.start, pose_.reach, m.amplitude)
                ),
                _Segment(m.hold_s, _still(held)),
                _Segment(
                    m.move_s, _phase_move(animation, rest, pose_.leave, pose_.back, m.amplitude)
                ),
                _Segment(m.rest_s, _still(rest)),
            ]
            side = near if m.pose % 2 == 0 else other(near)
            holds.append(TrueHold(side, t + m.move_s, m.hold_s))
        segments.extend(parts)
        t += sum(p.duration for p in parts)
    return segments, (len(spec.movements) if rep_exercise else 0), holds


_SIDE_POINTS: dict[str, str] = {
    "shoulder": "shoulder",
    "elbow": "elbow",
    "wrist": "hand",
    "pinky": "hand",
    "index": "hand",
    "thumb": "hand",
    "hip": "hip",
    "knee": "knee",
    "ankle": "ankle",
    "heel": "ankle",
    "foot_index": "toe",
}
"""MediaPipe's paired body points, in its order, and the figure's joint each sits on."""


def _landmark_points(
    joints: Mapping[str, Point3], facing: int, near: Side
) -> list[tuple[Point3, Side | None]]:
    """World points (x, y, z) of the 33 landmarks, each with the person's side (None: nose)."""
    hx, hy, _ = joints["head"]
    nx, ny, _ = joints["neck_base"]
    dx, dy = hx - nx, hy - ny
    norm = math.hypot(dx, dy) or 1.0
    dx, dy = dx / norm, dy / norm
    fx, fy = (dy, -dx) if facing > 0 else (-dy, dx)
    r = HEAD_RADIUS

    def head_point(front: float, up: float, across: float) -> Point3:
        return (hx + fx * front * r + dx * up * r, hy + fy * front * r + dy * up * r, across * r)

    def z_of(side: Side, depth: float) -> float:
        return depth if side == near else -depth

    points: list[tuple[Point3, Side | None]] = [(head_point(1.0, 0.0, 0.0), None)]
    for side in SIDES:
        for front, up, across in ((0.8, 0.3, 0.25), (0.8, 0.3, 0.4), (0.75, 0.3, 0.55)):
            points.append((head_point(front, up, z_of(side, across)), side))
    for side in SIDES:
        points.append((head_point(-0.1, 0.2, z_of(side, 1.0)), side))
    for side in SIDES:
        points.append((head_point(0.8, -0.5, z_of(side, 0.3)), side))
    for part in _SIDE_POINTS:
        for side in SIDES:
            limb = "near" if side == near else "far"
            x, y, z = joints[f"{_SIDE_POINTS[part]}_{limb}"]
            if part in ("pinky", "index", "thumb"):
                ex, ey, _ = joints[f"elbow_{limb}"]
                x, y = x + (x - ex) * 0.25, y + (y - ey) * 0.25
            elif part == "heel":
                tx, ty, _ = joints[f"toe_{limb}"]
                x, y = x - (tx - x) * 0.35, y - (ty - y) * 0.35
            points.append(((x, y, z), side))
    assert len(points) == LANDMARK_COUNT
    return points


def _pelvis_turn(joints: Mapping[str, Point3]) -> float:
    """The pelvis's direction against the trunk line (hip to neck), in radians."""
    hip, waist, neck = joints["hip"], joints["waist"], joints["neck_base"]
    pelvis = math.atan2(waist[1] - hip[1], waist[0] - hip[0])
    trunk = math.atan2(neck[1] - hip[1], neck[0] - hip[0])
    return pelvis - trunk


def _pelvis_shift(joints: Mapping[str, Point3], rest_turn: float) -> tuple[float, float]:
    """How far the hips move when the pelvis turns about the waist instead of about the hips:
    the waist stays where the resting pelvis would put it, the hips take up the turn."""
    hip, waist, neck = joints["hip"], joints["waist"], joints["neck_base"]
    trunk = math.atan2(neck[1] - hip[1], neck[0] - hip[0])
    length = math.hypot(waist[0] - hip[0], waist[1] - hip[1])
    resting = (length * math.cos(trunk + rest_turn), length * math.sin(trunk + rest_turn))
    return resting[0] - (waist[0] - hip[0]), resting[1] - (waist[1] - hip[1])


@dataclass(frozen=True)
class _Camera:
    """Where world metres land in the picture: the body centred, the floor near the bottom,
    mirrored for the camera on the other side, rolled by a slightly tilted phone."""

    recording: Recording
    centre_m: float

    def project(self, points: list[Point3], shift_m: float) -> list[Point3]:
        """Picture-normalised (x, y) and MediaPipe depth (smaller is nearer) of world points."""
        rec = self.recording
        mirror = -1.0 if rec.mirrored else 1.0
        roll = math.radians(rec.roll_deg)
        cos_r, sin_r = math.cos(roll), math.sin(roll)
        px_per_m = rec.body_size * rec.width / BODY_LENGTH_M
        sx, sy = px_per_m / rec.width, px_per_m / rec.height
        x0 = (shift_m - self.centre_m) * mirror
        ux, uy, u0 = mirror * cos_r * sx, -sin_r * sx, 0.5 + x0 * cos_r * sx
        vx, vy, v0 = -mirror * sin_r * sy, -cos_r * sy, FLOOR_AT - x0 * sin_r * sy
        zs = -mirror * sx
        return [(u0 + x * ux + y * uy, v0 + x * vx + y * vy, z * zs) for x, y, z in points]


FLOOR_AT = 0.82
"""The floor's height in the picture (share of the height from the top)."""


def generate(spec: SyntheticSet) -> SyntheticStream:
    """The frames of ``spec`` and its truth; the same spec always gives the same stream."""
    rng = random.Random(spec.seed)
    animation = exercise_library().get(spec.exercise_id).animation
    posture_name = animation.posture
    facing = posture(posture_name).facing
    rest = full_angles(posture_name, {})
    near = _near_side(posture_name)

    segments = _positioning(posture_name, rest, rng) if spec.positioning else []
    segments.append(_Segment(spec.settle_s, _still(rest)))
    in_position_s = sum(s.duration for s in segments[:-1])
    moves, reps, holds = _movements(
        spec, animation, rest, held_poses(animation), in_position_s + spec.settle_s
    )
    segments.extend(moves)
    segments.append(_Segment(spec.tail_s, _still(rest)))
    total = sum(s.duration for s in segments)

    rec = spec.recording
    rest_joints = pose3d(posture_name, rest)
    rest_turn = _pelvis_turn(rest_joints)
    xs = [p[0] for p in rest_joints.values()]
    camera = _Camera(rec, (min(xs) + max(xs)) / 2)

    times = _frame_times(rec, total, rng)
    no_pose = _bursts(rng, rec.no_pose_bursts, rec.burst_s, total)
    dips = [
        (a, b, rng.choice(SIDES), rng.choice(("arm", "leg")))
        for a, b in _bursts(rng, rec.visibility_dips, rec.burst_s * 1.6, total)
    ]
    sides = [side for _, side in _landmark_points(rest_joints, facing, near)]
    visibility = [
        (rng.uniform(0.93, 0.985) if i in _FACE else rng.uniform(0.9, 0.98))
        * (rec.far_visibility if side is not None and side != near else 1.0)
        for i, side in enumerate(sides)
    ]
    rand = rng.random
    table = [rng.gauss(0.0, 1.0) for _ in range(_TABLE + 4 * LANDMARK_COUNT)]
    new_landmark = tuple.__new__
    kx, ky, kz = rec.noise_px / rec.width, rec.noise_px / rec.height, rec.depth_noise
    n = LANDMARK_COUNT

    frames: list[Frame] = []
    still_points: dict[int, list[Point3]] = {}  # picture coordinates of still shapes
    seg_index, seg_start = 0, 0.0
    for t in times:
        while seg_index < len(segments) - 1 and t >= seg_start + segments[seg_index].duration:
            seg_start += segments[seg_index].duration
            seg_index += 1
        segment = segments[seg_index]
        shape = segment.shape(
            min(1.0, (t - seg_start) / segment.duration) if segment.duration else 1.0
        )
        if not shape.present or any(a <= t < b for a, b in no_pose):
            frames.append(Frame(round(t, 4), None))
            continue
        base = still_points.get(seg_index) if shape.still else None
        if base is None:
            clean = _clean_points(posture_name, shape, facing, near, rest_turn)
            base = camera.project(clean, shape.shift_m)
            if shape.still:
                still_points[seg_index] = base
        # Gaussian noise read from a table at a random place each frame (132 draws a frame
        # from random.gauss would cost more than everything else)
        o = int(rand() * _TABLE)
        landmarks = [
            new_landmark(Landmark, (u + a * kx, v + b * ky, d + c * kz, vis + 0.005 * e))
            for (u, v, d), a, b, c, e, vis in zip(
                base,
                table[o : o + n],
                table[o + n : o + 2 * n],
                table[o + 2 * n : o + 3 * n],
                table[o + 3 * n : o + 4 * n],
                visibility,
                strict=True,
            )
        ]
        for a, b, side, limb in dips:
            if a <= t < b:
                for i in _LIMB[limb]:
                    if sides[i] == side:
                        p = landmarks[i]
                        landmarks[i] = Landmark(
                            p.x + _noise(rng, 15 / rec.width),
                            p.y + _noise(rng, 15 / rec.height),
                            p.z,
                            0.05 + 0.25 * rand(),
                        )
        frames.append(Frame(round(t, 4), tuple(landmarks)))
    return SyntheticStream(spec, tuple(frames), reps, tuple(holds), in_position_s)


def _clean_points(
    posture_name: str, shape: _Shape, facing: int, near: Side, rest_turn: float
) -> list[Point3]:
    """The 33 landmarks in world metres for a shape, hips moved with the pelvis, on the floor."""
    joints = pose3d(posture_name, shape.angles)
    shift = _pelvis_shift(joints, rest_turn)
    lift = max(0.0, -min(p[1] for p in joints.values()))
    points = []
    for i, ((x, y, z), _side) in enumerate(_landmark_points(joints, facing, near)):
        if i in (23, 24):
            x, y = x + shift[0], y + shift[1]
        points.append((x, y + lift, z))
    return points


_SPREAD = math.sqrt(6)
"""Scales a difference of two uniforms (0–1) to a standard deviation of 1."""
_TABLE = 8192


def _noise(rng: random.Random, sigma: float) -> float:
    """Noise of standard deviation ``sigma``: a difference of two uniforms, bell-shaped enough."""
    return (rng.random() - rng.random()) * _SPREAD * sigma


_FACE = frozenset(range(11))
_LIMB: dict[str, frozenset[int]] = {
    "arm": frozenset((11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22)),
    "leg": frozenset((25, 26, 27, 28, 29, 30, 31, 32)),
}


def _frame_times(rec: Recording, total: float, rng: random.Random) -> list[float]:
    step = 1.0 / rec.fps
    lost = _bursts(rng, rec.lost_frames, rec.burst_s, total)
    times, t = [], 0.0
    while t < total:
        if not any(a <= t < b for a, b in lost):
            times.append(t)
        t += step * (1 + rng.uniform(-rec.rate_jitter, rec.rate_jitter))
    return times


def _bursts(
    rng: random.Random, count: int, longest: float, total: float
) -> list[tuple[float, float]]:
    starts = [rng.uniform(0, total) for _ in range(count)]
    return [(s, s + rng.uniform(0.1, longest)) for s in starts]


def random_set(exercise_id: str, seed: int) -> SyntheticSet:
    """A varied but realistic set for the test suite: every flaw a home recording has."""
    rng = random.Random(seed)
    width, height = rng.choice(((640, 480), (1280, 720), (480, 640)))
    recording = Recording(
        width=width,
        height=height,
        body_size=rng.uniform(0.45, 0.9) * (1.0 if width > height else 1.2),
        mirrored=rng.random() < 0.5,
        roll_deg=rng.uniform(-4, 4),
        fps=rng.choice((10.0, 15.0, 24.0, 30.0)),
        rate_jitter=rng.uniform(0, 0.3),
        noise_px=rng.uniform(0.3, 2.5) * width / 640,
        depth_noise=rng.uniform(0.003, 0.02),
        far_visibility=rng.uniform(0.6, 0.95),
        lost_frames=rng.randint(0, 2),
        no_pose_bursts=rng.randint(0, 3),
        visibility_dips=rng.randint(0, 3),
        burst_s=0.5,
    )
    kind = exercise_library().get(exercise_id).kind
    movements: list[Movement] = []
    if kind == "reps":
        for _ in range(rng.randint(3, 5)):
            movements.append(
                Movement(
                    move_s=rng.uniform(0.6, 1.8),
                    hold_s=rng.uniform(0.5, 2.0),
                    rest_s=rng.uniform(0.5, 2.0),
                    amplitude=rng.uniform(0.75, 1.25),
                )
            )
    else:
        first = rng.randint(0, 1)
        for i in range(2 * rng.randint(1, 2)):
            movements.append(
                Movement(
                    pose=(first + i) % 2,
                    move_s=rng.uniform(0.8, 2.5),
                    hold_s=rng.uniform(2.0, 8.0),
                    rest_s=rng.uniform(1.0, 3.0),
                    amplitude=rng.uniform(0.75, 1.2),
                )
            )
    return SyntheticSet(exercise_id, tuple(movements), recording, seed=seed)


def quiet(spec: SyntheticSet) -> SyntheticSet:
    """The same set recorded perfectly (steady rate, no noise, nothing lost)."""
    return replace(
        spec,
        recording=replace(
            spec.recording,
            rate_jitter=0.0,
            noise_px=0.0,
            depth_noise=0.0,
            lost_frames=0,
            no_pose_bursts=0,
            visibility_dips=0,
        ),
    )
