"""Where to put the camera, and what is wrong with the picture right now (issue 11, item 3).

Before tracking, ``camera_advice`` says where the camera goes: at the person's side, at floor
level for the three exercises done lying on the back, level with the hips for bird dog, far enough
back to see the whole body. While tracking, ``frame_warnings`` looks at each frame: nobody in the
picture, part of the body out of it, the body too small, the picture too dark (its brightness is
measured where the image is, at the edge, and passed in as a number), the camera not at the side,
or the person facing the wrong way. Pure: a frame in, warnings out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sciatica_care.motion.angles import measure
from sciatica_care.motion.exercise_rules import LYING_MAX_INCLINE, rules_for
from sciatica_care.motion.landmarks import BODY_PARTS, NOSE, Frame

WarningCode = Literal[
    "no_pose", "out_of_frame", "too_small", "too_dark", "wrong_side", "wrong_facing"
]

DARK_BELOW = 50.0
"""Mean brightness (0–255) under which the pose model starts to miss limbs."""
SMALL_BELOW = 0.3
"""The body should fill at least this share of the picture's width (or height)."""
SIDE_ON_ABOVE = 0.45
"""Left and right shoulders (or hips) this far apart, in trunk lengths: not a side view."""
KEY_POINTS = (
    NOSE,
    *(
        i
        for part in ("shoulder", "wrist", "hip", "knee", "ankle", "heel", "foot_index")
        for i in BODY_PARTS[part]
    ),
)
"""The points that must be in the picture: head, hands and feet included."""
EDGE = 0.01


@dataclass(frozen=True)
class CameraWarning:
    """One thing to fix, with the words to show."""

    code: WarningCode
    message: str


_FLOOR_LEVEL = (
    "Put the camera on the floor (or on a low step) at your side, 2 to 3 metres (7 to 10 feet) "
    "away, so it sees you from the side at floor level."
)
_HIP_LEVEL = (
    "Put the camera at your side, level with your hips (on a low table or a chair), 2 to 3 "
    "metres (7 to 10 feet) away, so it sees you from the side."
)
_WHOLE_BODY = (
    "Check that your whole body, head to feet, is in the picture with a little space around it."
)
_LIGHT = "Turn on a light or face a window. Avoid a bright window behind you."
_PRIVATE = "The video stays on this device: only the positions of 33 points of the body are used."

_EXTRA: dict[str, str] = {
    "pelvic-tilt": "Keep your knees bent and your feet flat, as in the exercise.",
    "knee-to-chest": "Either side works: the camera sees which knee comes up.",
    "lower-trunk-rotation": (
        "Keep the camera right at your side: it tells which way your knees fall by how near "
        "they come to it."
    ),
    "bird-dog": "Either side works: the camera sees which leg reaches back.",
}


def camera_advice(exercise_id: str) -> tuple[str, ...]:
    """Where to put the camera for ``exercise_id``, in plain sentences, most important first."""
    rules = rules_for(exercise_id)
    place = _HIP_LEVEL if rules.front == "down" else _FLOOR_LEVEL
    return (place, _WHOLE_BODY, _EXTRA[exercise_id], _LIGHT, _PRIVATE)


def frame_warnings(
    frame: Frame, exercise_id: str, aspect: float, brightness: float | None = None
) -> list[CameraWarning]:
    """What is wrong with this frame for tracking ``exercise_id`` (empty: nothing)."""
    rules = rules_for(exercise_id)
    warnings: list[CameraWarning] = []
    if brightness is not None and brightness < DARK_BELOW:
        warnings.append(CameraWarning("too_dark", "The picture is too dark. " + _LIGHT))
    if frame.landmarks is None:
        warnings.append(CameraWarning("no_pose", "Nobody in the picture yet. " + _WHOLE_BODY))
        return warnings
    points = [frame.landmarks[i] for i in KEY_POINTS]
    if any(not (-EDGE <= p.x <= 1 + EDGE and -EDGE <= p.y <= 1 + EDGE) for p in points):
        warnings.append(
            CameraWarning(
                "out_of_frame",
                "Part of your body is out of the picture: move the camera further away or "
                "move into the middle of the picture.",
            )
        )
    xs = [p.x for p in points]
    ys = [p.y for p in points]
    if max(max(xs) - min(xs), max(ys) - min(ys)) < SMALL_BELOW:
        warnings.append(
            CameraWarning("too_small", "You look small in the picture: move the camera closer.")
        )
    angles = measure(frame, aspect, rules.front)
    if angles is None:
        return warnings
    landmarks = frame.landmarks
    gaps = []
    for part in ("shoulder", "hip"):
        left, right = (landmarks[i] for i in BODY_PARTS[part])
        gaps.append(((left.x - right.x) * aspect) ** 2 + (left.y - right.y) ** 2)
    if max(gaps) ** 0.5 / angles.trunk_length > SIDE_ON_ABOVE:
        place = _HIP_LEVEL if rules.front == "down" else _FLOOR_LEVEL
        warnings.append(
            CameraWarning(
                "wrong_side",
                "The camera is not at your side (it sees you from your head, your feet or above). "
                + place,
            )
        )
    if angles.trunk_incline <= LYING_MAX_INCLINE and angles.facing < 0:
        words = (
            "Face the floor, on your hands and knees."
            if rules.front == "down"
            else "Lie on your back, face up."
        )
        warnings.append(CameraWarning("wrong_facing", words))
    return warnings
