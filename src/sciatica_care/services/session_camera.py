"""The camera beside the guided session: it counts each exercise while the program counts too.

``sciatica session --camera 0`` (issue 11, item 5). A background thread takes frames from a
source (a live camera through MediaPipe, or a recorded landmark stream) and, while an exercise's
timed part runs, feeds them to that exercise's ``motion.detector.Detector`` and checks the picture
(``guidance.frame_warnings``). The player calls ``follow`` on each of its frames with the exercise
being done (or ``None``) and the session's clock; ``view`` is what to show now, ``counts`` what the
camera counted in each exercise done so far.

The camera only shows: it never ends a set or answers for the person, and what the session keeps
is the program's own count (clinical-spec.md §4.1: the person's answers drive the session).

A recorded stream plays against the session's own clock (``Session.elapsed_s``, the seconds of
timed phases, already multiplied by ``--speed``): a frame is released once the session has reached
its ``t``, and ``follow`` returns once the thread has handled every frame up to the session's
clock. So a recording replays in real time at speed 1 and as fast as the session at any speed,
and the same frames fall in each exercise, and the same view shows at each moment, whatever the
machine's load: tests need no waiting. A live camera runs on the wall clock. Nothing here keeps
a picture; no Rich, no printing.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from sciatica_care.motion.detector import DEFAULT_ASPECT, Detector, LiveState, TrackingResult
from sciatica_care.motion.errors import (
    LandmarkStreamError,
    MotionError,
    PoseBackendMissing,
    VideoSourceError,
)
from sciatica_care.motion.exercise_rules import rules_for
from sciatica_care.motion.guidance import CameraWarning, WarningCode, frame_warnings
from sciatica_care.motion.landmarks import Frame, read_frames
from sciatica_care.services.errors import InvalidInput, ServiceError
from sciatica_care.services.tracking import CameraFrame, steady_warnings

log = logging.getLogger(__name__)

WARNING_WINDOW_S = 1.0
"""Live warnings are those steady over the last second of frames (no flicker from one frame)."""
CATCH_UP_S = 30.0
"""Longest wait for the thread to handle a recording's frames up to the session's clock (never
reached in practice: a safety net so a stuck thread cannot hang the session)."""
JOIN_S = 5.0

Wanted = Callable[[float], bool]
"""Whether a frame taken at ``t`` would be used: a camera skips pose estimation when not."""


class FrameSource(Protocol):
    """Where frames come from: a live camera or a recorded landmark stream."""

    name: str
    aspect: float

    def time(self, session_s: float) -> float:
        """Now, on this source's clock, given the session's clock."""

    def advance_to(self, session_s: float) -> None:
        """The session's clock has reached ``session_s``."""

    def frames(self, wanted: Wanted) -> Iterator[CameraFrame]:
        """The frames, in time order, as they come (blocks between them)."""

    def caught_up(self, t: float, timeout: float) -> None:
        """Wait until every frame at or before ``t`` that will ever come has been handled."""

    def stop(self) -> None:
        """Make ``frames`` end soon (from another thread)."""

    def close(self) -> None:
        """Let go of the device (after ``frames`` has ended)."""


class LiveCamera:
    """A camera through MediaPipe Pose, on the wall clock; frames nobody wants skip the model."""

    def __init__(self, index: int) -> None:
        from sciatica_care.motion.pose import PoseEstimator, VideoSource

        if index < 0:
            raise InvalidInput("camera", f"{index} is not a camera number (0 is the first camera)")
        self.name = f"camera {index}"
        try:
            self._video = VideoSource(index)
        except PoseBackendMissing as exc:
            raise ServiceError(str(exc)) from None
        except VideoSourceError as exc:
            raise InvalidInput("camera", _no_camera(str(exc))) from None
        try:
            self._pictures = iter(self._video)
            first = next(self._pictures, None)  # a camera that opens may still send nothing
            if first is None:
                raise VideoSourceError(f"cannot read a picture from {self.name}")
            self._pose = PoseEstimator()
        except PoseBackendMissing as exc:
            self._video.close()
            raise ServiceError(str(exc)) from None
        except VideoSourceError as exc:
            self._video.close()
            raise InvalidInput("camera", _no_camera(str(exc))) from None
        self.aspect = self._video.aspect
        self._started = time.monotonic()
        self._stopped = threading.Event()

    def time(self, session_s: float) -> float:
        return time.monotonic() - self._started

    def advance_to(self, session_s: float) -> None:
        return None

    def frames(self, wanted: Wanted) -> Iterator[CameraFrame]:
        from sciatica_care.motion.pose import brightness

        for picture in self._pictures:
            if self._stopped.is_set():
                return
            t = self.time(0.0)
            if wanted(t):
                landmarks = self._pose.landmarks(picture.image)
                yield CameraFrame(Frame(t, landmarks), brightness(picture.image))

    def caught_up(self, t: float, timeout: float) -> None:
        return None  # a camera's frames after now are taken after now

    def stop(self) -> None:
        self._stopped.set()

    def close(self) -> None:
        self._pose.close()
        self._video.close()


def _no_camera(message: str) -> str:
    return f"{message}: check that it is plugged in and no other program is using it"


class RecordedStream:
    """A landmark stream (issue 11's JSON Lines) released frame by frame as the session's clock
    reaches each frame's ``t``. The whole file is read and checked when opened, so a bad file
    is refused before the session starts."""

    def __init__(self, path: Path, aspect: float = DEFAULT_ASPECT) -> None:
        self.name = path.name
        self.aspect = aspect
        try:
            with path.open(encoding="utf-8") as handle:
                self._frames = tuple(read_frames(handle))
        except LandmarkStreamError as exc:
            raise InvalidInput("camera_landmarks", f"{path.name} {exc}") from None
        except UnicodeDecodeError:
            raise InvalidInput("camera_landmarks", f"{path.name}: not a text file") from None
        except OSError as exc:
            raise InvalidInput(
                "camera_landmarks", f"{path}: cannot read ({exc.strerror})"
            ) from None
        self._changed = threading.Condition()
        self._now = -math.inf
        self._next_t = -math.inf
        """The ``t`` of the frame the thread waits for (every earlier one is handled)."""
        self._stopped = False

    def time(self, session_s: float) -> float:
        return session_s

    def advance_to(self, session_s: float) -> None:
        with self._changed:
            if session_s > self._now:
                self._now = session_s
                if session_s >= self._next_t:  # wake the thread only for a frame now due
                    self._changed.notify_all()

    def frames(self, wanted: Wanted) -> Iterator[CameraFrame]:
        for frame in self._frames:
            with self._changed:
                self._next_t = frame.t
                self._changed.notify_all()
                self._changed.wait_for(self._due)
                if self._stopped:
                    return
            yield CameraFrame(frame)
        with self._changed:
            self._next_t = math.inf
            self._changed.notify_all()

    def _due(self) -> bool:
        return self._stopped or self._now >= self._next_t

    def caught_up(self, t: float, timeout: float) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._stopped or self._next_t > t, timeout)

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._next_t = math.inf
            self._changed.notify_all()

    def close(self) -> None:
        return None


@dataclass(frozen=True)
class CameraCount:
    """What the camera counted during one exercise's timed part."""

    exercise_id: str
    counts: Literal["reps", "holds"]
    result: TrackingResult
    warnings: dict[WarningCode, int] = field(default_factory=dict)
    """Frames with each camera warning."""

    @property
    def number(self) -> int:
        """Reps for pelvic tilt, holds for the other three."""
        return self.result.reps if self.counts == "reps" else len(self.result.holds)

    @property
    def hold_seconds(self) -> float:
        return sum((hold.seconds for hold in self.result.holds), 0.0)

    def as_json(self) -> dict[str, Any]:
        """The issue's tracking result for this exercise, keyed by ``exercise_id`` like the
        session record's items, with what is counted and the seconds held in all."""
        result = self.result.as_json()
        del result["exercise"]
        return {
            "exercise_id": self.exercise_id,
            "counts": self.counts,
            **result,
            "hold_seconds": round(self.hold_seconds, 1),
        }


@dataclass(frozen=True)
class CameraView:
    """What to show now: the exercise watched (``None`` between timed parts), what it counts
    (``None`` for an exercise the camera cannot count), the detector's live state (``None``
    before a frame came), the camera problems to fix now, and why the camera stopped, if it did."""

    exercise_id: str | None
    counts: Literal["reps", "holds"] | None
    live: LiveState | None
    warnings: tuple[CameraWarning, ...]
    ended: str | None


class _Watch:
    """One exercise's timed part: frames from ``start`` (inclusive) to ``end`` (exclusive)."""

    def __init__(self, exercise_id: str, start: float, aspect: float) -> None:
        self.exercise_id = exercise_id
        self.start = start
        self.end = math.inf
        try:
            self.detector: Detector | None = Detector(rules_for(exercise_id).exercise_id, aspect)
        except MotionError:
            self.detector = None  # a clinician's own exercise: the camera has no rules for it
        self.aspect = aspect
        self.live: LiveState | None = None
        self.recent: deque[tuple[float, list[CameraWarning]]] = deque()
        self.tally: Counter[WarningCode] = Counter()

    def takes(self, t: float) -> bool:
        return self.detector is not None and self.start <= t < self.end

    def feed(self, seen: CameraFrame) -> None:
        assert self.detector is not None
        t = seen.frame.t
        self.live = self.detector.feed(seen.frame)
        warnings = frame_warnings(seen.frame, self.exercise_id, self.aspect, seen.brightness)
        self.tally.update(w.code for w in warnings)
        self.recent.append((t, warnings))
        while self.recent and self.recent[0][0] < t - WARNING_WINDOW_S:
            self.recent.popleft()

    def count(self) -> CameraCount | None:
        if self.detector is None:
            return None
        return CameraCount(
            self.exercise_id, self.detector.rules.counts, self.detector.result(), dict(self.tally)
        )


class SessionCamera:
    """The thread that feeds a source's frames to the exercise being done. Use as a context
    manager: entering starts the thread, leaving stops it and lets go of the camera."""

    def __init__(self, source: FrameSource) -> None:
        self.source = source
        self._lock = threading.Lock()
        self._watches: list[_Watch] = []
        """The exercise being done last; before it, any whose last frames are still coming."""
        self._counts: list[CameraCount] = []
        self._ended: str | None = None
        self._thread = threading.Thread(target=self._feed, name="session-camera", daemon=True)

    @property
    def name(self) -> str:
        return self.source.name

    def __enter__(self) -> SessionCamera:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.source.stop()
        if self._thread.is_alive():
            self._thread.join(JOIN_S)
        if not self._thread.is_alive():
            self.source.close()

    # --- the player's side ----------------------------------------------------------------

    def follow(self, exercise_id: str | None, session_s: float) -> CameraCount | None:
        """Called on each of the player's frames: ``exercise_id`` is the exercise whose timed
        part runs now (``None`` between them), ``session_s`` the session's clock. When an
        exercise's timed part has just ended, returns what the camera counted in it."""
        t = self.source.time(session_s)
        closing = None
        with self._lock:
            current = self._watches[-1] if self._watches else None
            if current is not None and current.end == math.inf:
                if current.exercise_id == exercise_id:
                    current = None  # still the same exercise: nothing to change
                else:
                    current.end = t
                    closing = current
            if exercise_id is not None and (closing is not None or not self._open()):
                self._watches.append(_Watch(exercise_id, t, self.source.aspect))
        self.source.advance_to(session_s)
        self.source.caught_up(t, CATCH_UP_S)
        return None if closing is None else self._close(closing)

    def finish(self, session_s: float) -> CameraCount | None:
        """The session is over (or stopped inside a timed part): close the exercise watched."""
        return self.follow(None, session_s)

    def view(self) -> CameraView:
        with self._lock:
            watch = self._watches[-1] if self._open() else None
            if watch is None:
                return CameraView(None, None, None, (), self._ended)
            counts = watch.detector.rules.counts if watch.detector is not None else None
            warnings = steady_warnings([w for _, w in watch.recent])
            return CameraView(watch.exercise_id, counts, watch.live, warnings, self._ended)

    def counts(self) -> list[CameraCount]:
        """What the camera counted in each exercise whose timed part has ended, in order."""
        with self._lock:
            return list(self._counts)

    # --- inside ----------------------------------------------------------------------------

    def _open(self) -> bool:
        return bool(self._watches) and self._watches[-1].end == math.inf

    def _close(self, watch: _Watch) -> CameraCount | None:
        with self._lock:
            self._watches.remove(watch)
            count = watch.count()
            if count is not None:
                self._counts.append(count)
        return count

    def _wanted(self, t: float) -> bool:
        with self._lock:
            return any(watch.takes(t) for watch in self._watches)

    def _feed(self) -> None:
        try:
            for seen in self.source.frames(self._wanted):
                with self._lock:
                    for watch in self._watches:
                        if watch.takes(seen.frame.t):
                            watch.feed(seen)
            ended = "the recording has ended" if isinstance(self.source, RecordedStream) else None
            ended = ended or f"{self.source.name} stopped sending pictures"
        except MotionError as exc:
            ended = str(exc)
        except Exception as exc:  # the session must go on without the camera
            log.exception("the session camera stopped")
            ended = f"the camera stopped ({type(exc).__name__})"
        with self._lock:
            self._ended = ended


def open_camera(index: int) -> SessionCamera:
    """Camera ``index`` ready for the session: ``ServiceError`` saying how to add pose
    estimation when its packages are missing, ``InvalidInput`` on ``camera`` when the camera
    cannot be opened or sends no picture."""
    return SessionCamera(LiveCamera(index))


def open_recording(path: Path, aspect: float = DEFAULT_ASPECT) -> SessionCamera:
    """A recorded landmark stream played as the session's camera (``InvalidInput`` on
    ``camera_landmarks`` for a file that cannot be read or is not a stream)."""
    return SessionCamera(RecordedStream(path, aspect))
