"""The motion layer's errors: one base type, turned into one clear line at the edge (CLI exit 2)."""

from __future__ import annotations

INSTALL_HINT = "pip install 'sciatica-care[motion]'"
"""How a person adds pose estimation: the optional ``motion`` extra (MediaPipe and OpenCV)."""


class MotionError(Exception):
    """Motion tracking cannot go on; the message is safe to show to the person."""


class LandmarkStreamError(MotionError):
    """A line of a landmark stream (JSON Lines) is not a frame; ``line`` is its number (from 1)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


class PoseBackendMissing(MotionError):
    """MediaPipe or OpenCV is not installed: the rest of the app runs, pose estimation does not."""

    def __init__(self, missing: str) -> None:
        super().__init__(
            f"pose estimation needs {missing}, which is not installed: run {INSTALL_HINT}"
        )
        self.missing = missing


class VideoSourceError(MotionError):
    """A video file or a camera cannot be opened or read."""
