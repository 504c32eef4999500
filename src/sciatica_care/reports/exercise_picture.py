"""The exercise picture: an animated (or still) SVG of the stick figure doing the exercise.

The SVG stands alone: no scripts, fonts, images or stylesheets from elsewhere, so it works inside a
page, an e-mail, a PDF or opened from disk. Motion is SMIL ``<animate>`` on each limb's ``points``,
sampled from the same skeleton the motion tracker uses (``domain.skeleton``), so the picture shows
exactly the movement the tracker expects.

What helps a person read it: a mat seen slightly from above (near and far limbs part), the parts
that move drawn in an accent colour while they are away from the start, the knees' path traced
where they move, and, in a still picture, a faint copy of the starting position behind the peak.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from xml.sax.saxutils import escape

from sciatica_care.content.exercises import Animation, Exercise
from sciatica_care.domain import skeleton
from sciatica_care.domain.skeleton import Point, Point3

WIDTH = 480
HEIGHT = 260
SCALE = 190.0
"""Pixels per metre, the same for every exercise, so the figures are the same size side by side."""
MARGIN = 8.0
MAT_MARGIN = 0.06
MAT_HALF_DEPTH = 0.36
SAMPLES_PER_MOVE = 14
ACTIVE_PX = 3.0
TRACE_MIN_PX = 20.0
TRACED_JOINTS = ("knee_far", "knee_near")

NEAR = "#1d3b66"
FAR = "#7d97bd"
NEAR_ACCENT = "#c2410c"
FAR_ACCENT = "#f29a5e"
TRACE = "#e9a677"
SKIN = "#f3d7c2"
GHOST = "#c5cdd6"
GHOST_OPACITY = 0.6
MAT_TOP = "#e3eef6"
MAT_EDGE = "#9fb7cc"
BACKGROUND = "#fbfcfd"

CHAINS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("arm-far", ("shoulder_far", "elbow_far", "hand_far"), 0.05),
    ("leg-far", ("hip_far", "knee_far", "ankle_far", "toe_far"), 0.06),
    ("shoulders", ("shoulder_far", "neck_base", "shoulder_near"), 0.05),
    ("hips", ("hip_far", "hip", "hip_near"), 0.05),
    ("trunk", ("waist", "neck_base"), 0.075),
    ("pelvis", ("hip", "waist"), 0.085),
    ("neck", ("neck_base", "head"), 0.05),
    ("head", ("head",), 0.03),
    ("leg-near", ("hip_near", "knee_near", "ankle_near", "toe_near"), 0.06),
    ("arm-near", ("shoulder_near", "elbow_near", "hand_near"), 0.05),
)
"""What is drawn, back to front: (name, joints joined in order, stroke width in metres)."""

Frame = dict[str, Point]


def sample_phases(animation: Animation) -> list[float]:
    """Phases to draw: both ends of every hold, and evenly spaced points through every movement."""
    phases: list[float] = [0.0]
    frames = animation.keyframes
    for before, after in pairwise(frames):
        a = skeleton.full_angles(animation.posture, before.angles)
        b = skeleton.full_angles(animation.posture, after.angles)
        steps = 1 if a == b else SAMPLES_PER_MOVE
        phases.extend(before.t + (after.t - before.t) * i / steps for i in range(1, steps + 1))
    return sorted(set(phases))


def peak_phase(animation: Animation) -> float:
    """The keyframe furthest from the starting pose: the moment a still picture should show."""
    start = skeleton.full_angles(animation.posture, animation.keyframes[0].angles)

    def distance(t: float) -> float:
        angles = skeleton.joint_angles_at(animation, t)
        return sum(abs(angles[n] - start[n]) for n in start)

    return max((k.t for k in animation.keyframes), key=distance)


@dataclass(frozen=True)
class Scene:
    """One exercise fitted into the picture: the view, the pixel transform and the mat."""

    animation: Animation
    scale: float
    origin: Point
    mat: Frame

    @classmethod
    def build(cls, animation: Animation) -> Scene:
        """Fit the whole range of motion and a mat under it into the picture, centred."""
        world = [skeleton.pose3d_at(animation, t) for t in sample_phases(animation)]
        xs = [x for joints in world for x, _, _ in joints.values()]
        x0 = min(xs) - skeleton.HEAD_RADIUS - MAT_MARGIN
        x1 = max(xs) + MAT_MARGIN
        corners: dict[str, Point3] = {
            "back_left": (x0, 0.0, -MAT_HALF_DEPTH),
            "back_right": (x1, 0.0, -MAT_HALF_DEPTH),
            "front_right": (x1, 0.0, MAT_HALF_DEPTH),
            "front_left": (x0, 0.0, MAT_HALF_DEPTH),
        }
        mat = skeleton.project(corners, animation.view)
        points = [p for j in world for p in skeleton.project(j, animation.view).values()]
        points += list(mat.values())
        r = skeleton.HEAD_RADIUS
        left, right = min(x for x, _ in points) - r, max(x for x, _ in points) + r
        bottom, top = min(y for _, y in points), max(y for _, y in points) + r
        scale = min(
            SCALE,
            (WIDTH - 2 * MARGIN) / (right - left),
            (HEIGHT - 2 * MARGIN) / (top - bottom),
        )
        origin = (WIDTH / 2 - (left + right) / 2 * scale, HEIGHT / 2 + (bottom + top) / 2 * scale)
        scene = cls(animation, scale, origin, {})
        return cls(animation, scale, origin, scene.to_screen(mat))

    def to_screen(self, flat: Mapping[str, Point]) -> Frame:
        """Projected metres to picture pixels (``y`` down)."""
        ox, oy = self.origin
        return {name: (ox + x * self.scale, oy - y * self.scale) for name, (x, y) in flat.items()}

    def frame(self, phase: float) -> Frame:
        """The figure at ``phase`` of the cycle, in picture pixels."""
        joints = skeleton.pose3d_at(self.animation, phase)
        return self.to_screen(skeleton.project(joints, self.animation.view))


@dataclass(frozen=True)
class Style:
    """What every shape of one picture shares: pixels per metre and the animation's timing."""

    scale: float
    duration: float
    key_times: str

    def animate(self, attribute: str, values: Sequence[str]) -> str:
        return (
            f'<animate attributeName="{attribute}" dur="{self.duration:g}s" '
            f'repeatCount="indefinite" calcMode="linear" keyTimes="{self.key_times}" '
            f'values="{";".join(values)}"/>'
        )


def _points(frame: Mapping[str, Point], names: Sequence[str]) -> str:
    return " ".join(f"{frame[n][0]:.1f},{frame[n][1]:.1f}" for n in names)


def _active(frames: Sequence[Frame], rest: Frame, joints: Sequence[str]) -> list[bool]:
    """Per frame, whether this part is away from where it started (and so drawn in the accent)."""
    return [max(math.dist(frame[j], rest[j]) for j in joints) > ACTIVE_PX for frame in frames]


def _head(frames: Sequence[Frame], style: Style, width: float, ghost: bool) -> str:
    x, y = frames[0]["head"]
    motion = ""
    if len(frames) > 1:
        motion = style.animate("cx", [f"{f['head'][0]:.1f}" for f in frames]) + style.animate(
            "cy", [f"{f['head'][1]:.1f}" for f in frames]
        )
    return (
        f'<circle class="head" cx="{x:.1f}" cy="{y:.1f}" '
        f'r="{skeleton.HEAD_RADIUS * style.scale:.1f}" fill="{GHOST if ghost else SKIN}" '
        f'stroke="{GHOST if ghost else NEAR}" stroke-width="{width * style.scale:.1f}">'
        f"{motion}</circle>"
    )


def _figure(
    frames: Sequence[Frame],
    rest: Frame,
    style: Style,
    *,
    ghost: bool = False,
) -> list[str]:
    """One figure; with several frames each shape carries an ``<animate>`` through them.

    A part that is moving, or held away from where it started, is drawn in the accent colour, so
    the eye goes to the part of the body that does the exercise (the lower back in a pelvic tilt).
    """
    animated = len(frames) > 1
    group = [f'<g class="ghost" opacity="{GHOST_OPACITY:g}">' if ghost else '<g class="figure">']
    for name, joints, width in CHAINS:
        if name == "head":
            group.append(_head(frames, style, width, ghost))
            continue
        if ghost:
            colours = [GHOST] * len(frames)
        else:
            base, accent = (FAR, FAR_ACCENT) if name.endswith("-far") else (NEAR, NEAR_ACCENT)
            colours = [accent if a else base for a in _active(frames, rest, joints)]
        motion = ""
        if animated:
            motion = style.animate("points", [_points(f, joints) for f in frames])
            if len(set(colours)) > 1:
                motion += style.animate("stroke", colours)
        group.append(
            f'<polyline class="{name}" points="{_points(frames[0], joints)}" fill="none" '
            f'stroke="{colours[0]}" stroke-width="{width * style.scale:.1f}" stroke-linecap="round" '
            f'stroke-linejoin="round">{motion}</polyline>'
        )
    group.append("</g>")
    return group


def _traces(frames: Sequence[Frame]) -> list[str]:
    """Dotted paths of the knees over the cycle, where they move.

    They show where a knee goes (to the chest; to one side and the other), which a single frame,
    or a glance at a moving figure, can miss.
    """
    parts = []
    for joint in TRACED_JOINTS:
        path = [frame[joint] for frame in frames]
        if max(math.dist(p, path[0]) for p in path) < TRACE_MIN_PX:
            continue
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in path)
        parts.append(
            f'<polyline class="trace" points="{points}" fill="none" stroke="{TRACE}" '
            f'stroke-width="2.5" stroke-dasharray="2 7" stroke-linecap="round"/>'
        )
    return parts


def _floor(posture: str, mat: Frame, hip: Point) -> list[str]:
    """The exercise mat seen slightly from above, its front edge the floor line; a seat if sitting."""
    (fx0, fy0), (fx1, fy1) = mat["front_left"], mat["front_right"]
    parts = [
        f'<polygon class="mat" points="{_points(mat, list(mat))}" fill="{MAT_TOP}" '
        f'stroke="{MAT_TOP}" stroke-width="6" stroke-linejoin="round"/>',
        f'<line class="floor" x1="{fx0:.1f}" y1="{fy0:.1f}" x2="{fx1:.1f}" y2="{fy1:.1f}" '
        f'stroke="{MAT_EDGE}" stroke-width="4" stroke-linecap="round"/>',
    ]
    if posture == "seated":
        hip_x, hip_y = hip
        top, floor = hip_y + 14, (fy0 + fy1) / 2
        parts.append(
            f'<path class="seat" d="M{hip_x - 45:.1f},{top:.1f} h90 M{hip_x - 35:.1f},{top:.1f} '
            f'V{floor:.1f} M{hip_x + 35:.1f},{top:.1f} V{floor:.1f}" stroke="{MAT_EDGE}" '
            f'stroke-width="6" fill="none"/>'
        )
    return parts


def render_exercise_svg(
    exercise: Exercise, *, static: bool = False, phase: float | None = None
) -> str:
    """The exercise as a standalone SVG document.

    Animated (default): the figure loops through the keyframes every ``duration_s``. ``static``:
    one still frame at ``phase`` (default: the peak of the movement) over a faint copy of the
    starting position, so a thumbnail still shows what moves.
    """
    animation = exercise.animation
    scene = Scene.build(animation)
    phases = sample_phases(animation)
    frames = [scene.frame(t) for t in phases]
    rest = frames[0]
    duration = animation.duration_s
    key_times = ";".join(f"{t:.4f}" for t in phases)
    title_id, desc_id = f"{exercise.id}-title", f"{exercise.id}-desc"
    description = animation.description or exercise.summary
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(exercise.name)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{BACKGROUND}"/>',
        *_floor(animation.posture, scene.mat, rest["hip"]),
        *_traces(frames),
    ]
    style = Style(scene.scale, duration, key_times)
    if static:
        still = scene.frame(peak_phase(animation) if phase is None else phase)
        parts += _figure([rest], rest, style, ghost=True)
        parts += _figure([still], rest, style)
    else:
        parts += _figure(frames, rest, style)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def figure_model(exercise: Exercise) -> dict[str, object]:
    """The exercise's figure as data for the player's live demonstration (static/figure.js).

    The same scene, colours and frames as the animated SVG, but as numbers, and cropped to the
    figure's whole range of motion (``view_box``) so it fills the player: the browser draws the
    pose at whatever cycle phase the player's state asks for (``domain.skeleton.figure_motion``),
    interpolating linearly between these frames (dense through every movement, both ends of every
    hold), so the figure holds, moves and pauses with the timer instead of looping on its own.
    """
    animation = exercise.animation
    scene = Scene.build(animation)
    phases = sample_phases(animation)
    frames = [scene.frame(t) for t in phases]
    joints = sorted({joint for _, names, _ in CHAINS for joint in names})
    chains = []
    for name, names, width in CHAINS:
        base, accent = (FAR, FAR_ACCENT) if name.endswith("-far") else (NEAR, NEAR_ACCENT)
        chains.append(
            {
                "name": name,
                "joints": list(names),
                "width": round(width * scene.scale, 1),
                "colour": base,
                "accent": accent,
            }
        )
    (fx0, fy0), (fx1, fy1) = scene.mat["front_left"], scene.mat["front_right"]
    pad = skeleton.HEAD_RADIUS * scene.scale + 2 * MARGIN
    points = [p for frame in frames for p in frame.values()] + list(scene.mat.values())
    left, top = min(x for x, _ in points) - pad, min(y for _, y in points) - pad
    right, bottom = max(x for x, _ in points) + pad, max(y for _, y in points) + MARGIN
    return {
        "id": exercise.id,
        "name": exercise.name,
        "description": animation.description or exercise.summary,
        "width": WIDTH,
        "height": HEIGHT,
        "view_box": [round(v, 1) for v in (left, top, right - left, bottom - top)],
        "background": BACKGROUND,
        "mat": _points(scene.mat, list(scene.mat)),
        "mat_colour": MAT_TOP,
        "floor": [round(v, 1) for v in (fx0, fy0, fx1, fy1)],
        "floor_colour": MAT_EDGE,
        "head_radius": round(skeleton.HEAD_RADIUS * scene.scale, 1),
        "skin": SKIN,
        "active_px": ACTIVE_PX,
        "phases": [round(t, 4) for t in phases],
        "joints": joints,
        "frames": [[round(c, 1) for j in joints for c in frame[j]] for frame in frames],
        "chains": chains,
    }
