"""The landmark stream: one frame a line of JSON, 33 MediaPipe Pose points or ``null`` (issue 11).

This format is stable: recordings, tests and the web player's server all speak it, so a clip can be
analysed again without its video, and no image ever has to travel. A line reads
``{"t": 1.25, "landmarks": [[x, y, z, visibility], ...]}``: ``t`` seconds from the start, exactly 33
landmarks in MediaPipe Pose order (odd indices are the person's left), ``x`` and ``y`` normalised to
the image (0–1, ``y`` down; a point outside the picture lies outside 0–1), ``z`` MediaPipe's
relative depth (smaller is nearer the camera) and ``visibility`` 0–1; ``"landmarks": null`` is a
frame with no pose. Frames may come at any rate, steady or not, but time never runs backwards.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from sciatica_care.motion.errors import LandmarkStreamError

LANDMARK_COUNT = 33

NOSE = 0
LEFT_EYE, RIGHT_EYE = 2, 5
LEFT_EAR, RIGHT_EAR = 7, 8

Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("left", "right")

BODY_PARTS: dict[str, tuple[int, int]] = {
    "eye_inner": (1, 4),
    "eye": (2, 5),
    "eye_outer": (3, 6),
    "ear": (7, 8),
    "mouth": (9, 10),
    "shoulder": (11, 12),
    "elbow": (13, 14),
    "wrist": (15, 16),
    "pinky": (17, 18),
    "index": (19, 20),
    "thumb": (21, 22),
    "hip": (23, 24),
    "knee": (25, 26),
    "ankle": (27, 28),
    "heel": (29, 30),
    "foot_index": (31, 32),
}
"""Each paired body part's (left, right) landmark indices in MediaPipe Pose order."""

CONNECTIONS: tuple[tuple[int, int], ...] = (
    (11, 12),
    (11, 13),
    (13, 15),
    (12, 14),
    (14, 16),
    (11, 23),
    (12, 24),
    (23, 24),
    (23, 25),
    (25, 27),
    (27, 29),
    (29, 31),
    (27, 31),
    (24, 26),
    (26, 28),
    (28, 30),
    (30, 32),
    (28, 32),
)
"""The bones an overlay draws (MediaPipe's body connections without the face and fingers)."""


def index(part: str, side: Side) -> int:
    """The landmark index of ``part`` (``"knee"``) on the person's ``side``."""
    left, right = BODY_PARTS[part]
    return left if side == "left" else right


def other(side: Side) -> Side:
    return "right" if side == "left" else "left"


class Landmark(NamedTuple):
    """One point: image-normalised ``x``, ``y`` (``y`` down), relative depth ``z``, visibility."""

    x: float
    y: float
    z: float
    visibility: float


@dataclass(frozen=True, slots=True)
class Frame:
    """What the pose estimator saw at ``t`` seconds: 33 landmarks, or ``None`` for no pose."""

    t: float
    landmarks: tuple[Landmark, ...] | None

    @property
    def has_pose(self) -> bool:
        return self.landmarks is not None


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def parse_frame(text: str, line: int = 1) -> Frame:
    """One line of the stream as a ``Frame``; anything else raises ``LandmarkStreamError``."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        detail = (
            f" (column {exc.colno}: {exc.msg})" if isinstance(exc, json.JSONDecodeError) else ""
        )
        raise LandmarkStreamError(line, f"not valid JSON{detail}") from None
    if not isinstance(data, dict):
        raise LandmarkStreamError(line, 'must be a JSON object with "t" and "landmarks"')
    unknown = sorted(set(data) - {"t", "landmarks"})
    if unknown:
        raise LandmarkStreamError(
            line, f'unknown key "{unknown[0]}" (a frame has only "t" and "landmarks")'
        )
    for key in ("t", "landmarks"):
        if key not in data:
            raise LandmarkStreamError(line, f'"{key}" is missing')
    t = data["t"]
    if not _number(t) or t < 0:
        raise LandmarkStreamError(line, '"t" must be a number of seconds, 0 or more')
    points = data["landmarks"]
    if points is None:
        return Frame(float(t), None)
    if not isinstance(points, list) or len(points) != LANDMARK_COUNT:
        count = f"{len(points)}" if isinstance(points, list) else "not a list"
        raise LandmarkStreamError(
            line, f'"landmarks" must be null or a list of {LANDMARK_COUNT} landmarks ({count})'
        )
    landmarks = []
    for i, point in enumerate(points):
        if not isinstance(point, list) or len(point) != 4 or not all(map(_number, point)):
            raise LandmarkStreamError(
                line, f"landmark {i} must be 4 numbers: [x, y, z, visibility]"
            )
        if not 0 <= point[3] <= 1:
            raise LandmarkStreamError(line, f"landmark {i}: visibility must be between 0 and 1")
        landmarks.append(Landmark(*(float(v) for v in point)))
    return Frame(float(t), tuple(landmarks))


def read_frames(lines: Iterable[str]) -> Iterator[Frame]:
    """Every frame of a stream, in order; blank lines are skipped, numbering counts them all."""
    last_t = -math.inf
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        frame = parse_frame(text, number)
        if frame.t < last_t:
            raise LandmarkStreamError(
                number, f"time runs backwards ({frame.t:g} s after {last_t:g} s)"
            )
        last_t = frame.t
        yield frame


def frame_json(frame: Frame) -> str:
    """One line of the stream for ``frame`` (no newline), rounded to what a camera can tell apart."""
    points = (
        None
        if frame.landmarks is None
        else [
            [round(p.x, 5), round(p.y, 5), round(p.z, 5), round(p.visibility, 4)]
            for p in frame.landmarks
        ]
    )
    return json.dumps({"t": round(frame.t, 4), "landmarks": points}, separators=(",", ":"))


def write_frames(frames: Iterable[Frame]) -> Iterator[str]:
    """The stream's lines for ``frames``, each ending with a newline."""
    for frame in frames:
        yield frame_json(frame) + "\n"
