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
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
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
    # protobuf's notice about an API MediaPipe 0.10.14 calls inside: nothing to act on. Set once
    # for the process: ``catch_warnings`` around each call is not thread-safe, and pose lanes
    # run the model in several threads at once.
    warnings.filterwarnings("ignore", message="SymbolDatabase.GetPrototype", category=UserWarning)
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
        found = self._pose.process(rgb).pose_landmarks
        if found is None:
            return None
        points = tuple(
            Landmark(float(p.x), float(p.y), float(p.z), min(1.0, max(0.0, float(p.visibility))))
            for p in found.landmark
        )
        return points if len(points) == LANDMARK_COUNT else None


@dataclass(frozen=True)
class Seen:
    """A picture with what pose estimation found in it and its mean brightness."""

    picture: Picture
    landmarks: tuple[Landmark, ...] | None
    brightness: float


FILE_LANES = 2
"""Pose lanes for a video file on a machine with as many cores. One MediaPipe instance is
sequential (it tracks from its previous frame; its two threads take turns, one runnable at a
time), so it never passes 1 / its CPU time a frame: about 18 fps for the full model. Two lanes
can keep two cores busy, for 2 to 4 ms more CPU a frame. Measured on a shared 2-core machine
(``python -m benchmarks motion``, one lane against two in each run): a gain only when this
process could get more than one core (18.2 → 24.8 and 18.3 → 20.9 fps at load average 2), none
when it could not (8.8 → 8.8 at 7, 18.3 → 18.6 at 3). A person's own computer usually has the
core free."""


def default_lanes(is_camera: bool) -> int:
    """Pose lanes for a source: ``FILE_LANES`` for a file (never more than the cores), one for
    a camera: its frames come in real time, one at a time, so a second lane adds no frames, only
    a frame of latency."""
    if is_camera:
        return 1
    return max(1, min(FILE_LANES, os.cpu_count() or 1))


class PoseLanes:
    """Pose estimation on ``lanes`` MediaPipe instances at once, frames dealt in turn (lane A
    the even frames, lane B the odd ones) and given back in their order, so the detectors after
    it stay sequential and pure.

    MediaPipe releases the GIL while its graph runs (and OpenCV while it decodes and converts),
    so threads, one a lane, run side by side; ``lanes=1`` runs in the caller's thread, as a
    camera wants. Each lane tracks from its own previous frame, two frames back: the clearly
    seen landmarks stay within a few pixels of one lane's, and the counts and camera warnings
    are the same (tests/motion/test_pose_estimation.py).
    """

    AHEAD = 2
    """Frames in flight a lane: one in the model, the next decoded and waiting."""

    def __init__(self, lanes: int = 1) -> None:
        if lanes < 1:
            raise ValueError("lanes must be 1 or more")
        self._estimators: list[PoseEstimator] = []
        try:
            for _ in range(lanes):
                self._estimators.append(PoseEstimator())
        except BaseException:
            self.close()
            raise
        self._workers = (
            [
                ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"pose-lane-{n}")
                for n in range(lanes)
            ]
            if lanes > 1
            else []
        )

    @property
    def lanes(self) -> int:
        return len(self._estimators)

    def __enter__(self) -> PoseLanes:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Let the frames in flight finish (or drop those not started), then free the models."""
        for worker in getattr(self, "_workers", []):
            worker.shutdown(wait=True, cancel_futures=True)
        for estimator in self._estimators:
            estimator.close()

    def track(self, pictures: Iterable[Picture]) -> Iterator[Seen]:
        """What each picture shows, in the pictures' order."""
        if not self._workers:
            estimator = self._estimators[0]
            for picture in pictures:
                yield Seen(picture, estimator.landmarks(picture.image), brightness(picture.image))
            return
        pending: deque[Future[Seen]] = deque()
        limit = self.AHEAD * len(self._workers)
        for n, picture in enumerate(pictures):
            lane = n % len(self._workers)
            pending.append(self._workers[lane].submit(self._look, self._estimators[lane], picture))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    @staticmethod
    def _look(estimator: PoseEstimator, picture: Picture) -> Seen:
        return Seen(picture, estimator.landmarks(picture.image), brightness(picture.image))


def brightness(image_bgr: Any) -> float:
    """Mean brightness (0–255) of a picture, from a small copy: the "too dark" warning's input."""
    cv2 = opencv()
    small = cv2.resize(image_bgr, (64, 48), interpolation=cv2.INTER_AREA)
    return float(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).mean())
