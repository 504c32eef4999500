"""The overlay video: each frame with the skeleton, the angle watched and the live count.

Written as MP4 (``mp4v``) with OpenCV, next to the person's own video, on their own device.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sciatica_care.motion.detector import LiveState
from sciatica_care.motion.errors import VideoSourceError
from sciatica_care.motion.guidance import CameraWarning
from sciatica_care.motion.landmarks import CONNECTIONS, Frame
from sciatica_care.motion.pose import opencv

BONE = (80, 220, 80)
JOINT = (255, 255, 255)
TEXT = (255, 255, 255)
WARN = (60, 60, 255)
SHOWN_VISIBILITY = 0.4


def status_lines(live: LiveState, counts: str) -> list[str]:
    """The words drawn on a frame: the count, the hold, the angle, or what to do first."""
    if live.phase == "positioning":
        return ["Getting into position", "Hold still in the start position"]
    lines = [f"Holds: {live.holds}" if counts == "holds" else f"Reps: {live.reps}"]
    if live.holding is not None and counts == "holds" and live.hold_seconds is not None:
        lines.append(f"Holding ({live.holding}): {live.hold_seconds:.0f} s")
    if live.angle is not None:
        lines.append(f"{live.watched}: {live.angle:.0f} deg")
    return lines


class OverlayWriter:
    """Writes annotated frames to an MP4 file; use as a context manager."""

    def __init__(self, path: Path, fps: float, width: int, height: int) -> None:
        cv2 = opencv()
        self._cv2 = cv2
        self.path = path
        self._writer = cv2.VideoWriter(
            str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height)
        )
        if not self._writer.isOpened():
            raise VideoSourceError(f"{path}: cannot write a video there")
        self.frames = 0

    def __enter__(self) -> OverlayWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._writer.release()

    def write(
        self,
        image_bgr: Any,
        frame: Frame,
        live: LiveState,
        counts: str,
        warnings: list[CameraWarning],
    ) -> None:
        cv2 = self._cv2
        canvas = image_bgr.copy()
        height, width = canvas.shape[:2]
        if frame.landmarks is not None:
            points = [(int(p.x * width), int(p.y * height)) for p in frame.landmarks]
            seen = [p.visibility >= SHOWN_VISIBILITY for p in frame.landmarks]
            for a, b in CONNECTIONS:
                if seen[a] and seen[b]:
                    cv2.line(canvas, points[a], points[b], BONE, 3, cv2.LINE_AA)
            for i, point in enumerate(points):
                if seen[i] and i >= 11:
                    cv2.circle(canvas, point, 4, JOINT, -1, cv2.LINE_AA)
        scale = max(0.5, min(1.2, width / 900))
        y = 4
        for line in status_lines(live, counts):
            y = self._text(canvas, line, y, scale, TEXT)
        if warnings:
            first = warnings[0].message.split(":")[0].split(". ")[0]
            line_height = self._line_height(first, scale * 0.7)
            self._text(canvas, first, height - line_height - 4, scale * 0.7, WARN)
        self._writer.write(canvas)
        self.frames += 1

    def _line_height(self, text: str, scale: float) -> int:
        (_, height), base = self._cv2.getTextSize(text, self._cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
        return int(height + base + 12)

    def _text(
        self, canvas: Any, text: str, top: int, scale: float, colour: tuple[int, int, int]
    ) -> int:
        """Text on a dark band from ``top``, so it reads on any picture; the next line's top."""
        cv2 = self._cv2
        font = cv2.FONT_HERSHEY_SIMPLEX
        (width, height), _ = cv2.getTextSize(text, font, scale, 1)
        bottom = top + self._line_height(text, scale)
        cv2.rectangle(canvas, (4, top), (16 + width, bottom - 2), (0, 0, 0), -1)
        cv2.putText(canvas, text, (10, top + 6 + height), font, scale, colour, 1, cv2.LINE_AA)
        return bottom
