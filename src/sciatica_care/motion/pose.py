"""Pose estimation at the edge: pictures from a video file or a camera, landmarks out.

MediaPipe Pose (``mediapipe==0.10.14``, ``mp.solutions.pose``) runs on the CPU with
``model_complexity=1``: the full landmark model and the pose detector both ship inside the wheel,
so nothing is ever downloaded (the lite and heavy models would be fetched from the internet at
first use; this module refuses to ask for them). OpenCV reads the frames. Both come with the
optional ``motion`` extra and are imported only when a picture is to be read, so the rest of the
app, and the detectors, run without them; without them a clear ``PoseBackendMissing`` says how to
add them.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from sciatica_care.motion.errors import PoseBackendMissing, VideoSourceError
from sciatica_care.motion.landmarks import LANDMARK_COUNT, Landmark

MODEL_COMPLEXITY = 1
"""The full landmark model: the one MediaPipe's wheel bundles (0 and 2 would be downloaded)."""
BUNDLED_MODEL = "modules/pose_landmark/pose_landmark_full.tflite"


def opencv() -> ModuleType:
    """The ``cv2`` module, or a clear error naming the extra to install. OpenCV's own log lines
    (a missing camera prints several) are silenced: our error says it once, in plain words."""
    os.environ.setdefault("OPENCV_LOG_LEVEL", "OFF")
    try:
        import cv2
    except ImportError:
        raise PoseBackendMissing("OpenCV (opencv-contrib-python)") from None
    return cv2


def mediapipe() -> ModuleType:
    """The ``mediapipe`` module with its bundled full pose model, or a clear error. Its native
    start-up chatter (TensorFlow Lite delegates, glog warnings) is kept off the terminal."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        import mediapipe as mp
    except ImportError:
        raise PoseBackendMissing("MediaPipe (mediapipe)") from None
    package = Path(mp.__file__).parent
    if not (package / BUNDLED_MODEL).is_file():
        raise PoseBackendMissing(f"MediaPipe's bundled pose model ({BUNDLED_MODEL})")
    return mp


def pose_available() -> bool:
    """Whether pose estimation can run here (both packages importable)."""
    try:
        opencv()
        mediapipe()
    except PoseBackendMissing:
        return False
    return True


@dataclass(frozen=True)
class Picture:
    """One frame of video: seconds from the start, its index, the image (BGR, as OpenCV reads)."""

    t: float
    index: int
    image: Any


class VideoSource:
    """Frames from a video file (times from its frame rate) or a camera (times as they come).

    Use as a context manager. ``total`` is the file's frame count (``None`` for a camera);
    ``aspect`` its picture's width / height; ``max_seconds`` stops a camera.
    """

    def __init__(self, source: Path | int, max_seconds: float | None = None) -> None:
        cv2 = opencv()
        self._cv2 = cv2
        self.is_camera = isinstance(source, int)
        self.name = f"camera {source}" if self.is_camera else str(source)
        if isinstance(source, Path) and not source.is_file():
            raise VideoSourceError(f"{source}: no such video file")
        self._capture = cv2.VideoCapture(source if isinstance(source, int) else str(source))
        if not self._capture.isOpened():
            raise VideoSourceError(f"cannot open {self.name}")
        self.max_seconds = max_seconds
        fps = float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self.fps = fps if 1.0 <= fps <= 240.0 else 30.0
        self.width = int(self._capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        self.height = int(self._capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        count = int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        self.total: int | None = None if self.is_camera or count <= 0 else count

    @property
    def aspect(self) -> float:
        return self.width / self.height if self.width > 0 and self.height > 0 else 4 / 3

    def __enter__(self) -> VideoSource:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._capture.release()

    def __iter__(self) -> Iterator[Picture]:
        started = time.monotonic()
        index = 0
        while True:
            ok, image = self._capture.read()
            if not ok or image is None:
                if index == 0:
                    raise VideoSourceError(f"cannot read a picture from {self.name}")
                return
            t = time.monotonic() - started if self.is_camera else index / self.fps
            if self.max_seconds is not None and t > self.max_seconds:
                return
            if index == 0:
                self.height, self.width = image.shape[:2]
            yield Picture(t, index, image)
            index += 1


class PoseEstimator:
    """MediaPipe Pose on one picture after another (video mode tracks the person between
    frames; ``still_images`` treats each picture on its own, as for a photo)."""

    def __init__(self, still_images: bool = False) -> None:
        self._cv2 = opencv()
        mp = mediapipe()
        self._pose = mp.solutions.pose.Pose(
            static_image_mode=still_images,
            model_complexity=MODEL_COMPLEXITY,
            smooth_landmarks=True,
            enable_segmentation=False,
            min_detection_confidence=0.5,
            min_tracking_confidence=0.5,
        )

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._pose.close()

    def landmarks(self, image_bgr: Any) -> tuple[Landmark, ...] | None:
        """The 33 landmarks of the person in the picture, or ``None`` when there is nobody."""
        rgb = self._cv2.cvtColor(image_bgr, self._cv2.COLOR_BGR2RGB)
        with warnings.catch_warnings():
            # protobuf's notice about an API MediaPipe 0.10.14 calls inside: nothing to act on
            warnings.filterwarnings("ignore", message="SymbolDatabase.GetPrototype")
            found = self._pose.process(rgb).pose_landmarks
        if found is None:
            return None
        points = tuple(
            Landmark(float(p.x), float(p.y), float(p.z), min(1.0, max(0.0, float(p.visibility))))
            for p in found.landmark
        )
        return points if len(points) == LANDMARK_COUNT else None


def brightness(image_bgr: Any) -> float:
    """Mean brightness (0–255) of a picture, from a small copy: the "too dark" warning's input."""
    cv2 = opencv()
    small = cv2.resize(image_bgr, (64, 48), interpolation=cv2.INTER_AREA)
    return float(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).mean())
