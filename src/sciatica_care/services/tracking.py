"""Camera tracking use cases: count an exercise from a landmark file, a video or a camera.

Written once for every interface (the CLI, the guided session and the web player). Each use case
feeds frames to a ``motion.detector.Detector`` and reports the issue's result, the camera problems
seen (how many frames had each warning, with the positioning advice), and, on request, writes the
recorded landmark stream and an overlay video. Nothing here keeps a picture: frames go from the
camera to the pose model to the detector, and only landmarks are written.

``track_batch`` is the web player's live counting: the pose model runs in the browser and the
landmarks come in batches. The server keeps nothing between batches (any process of a clinic
install may take the next one): the detector's state goes back to the client with each answer and
returns with the next batch. Because it comes back from the client it is sealed, an HMAC over the
patient, the exercise and the detector's JSON, keyed from the app's secret key, so a state this
server did not make for this person and exercise is refused.

Bad input becomes ``InvalidInput`` naming the option at fault (``exercise``, ``landmarks``,
``video``, ``camera``, ``overlay``, ``save_landmarks``, ``aspect``, ``snapshot``,
``frames.N.t``); pose estimation without its packages becomes a ``ServiceError`` that says how to
install them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, get_args

from sciatica_care.motion.detector import DEFAULT_ASPECT, Detector, LiveState, TrackingResult
from sciatica_care.motion.errors import (
    LandmarkStreamError,
    MotionError,
    PoseBackendMissing,
    VideoSourceError,
)
from sciatica_care.motion.exercise_rules import rules_for
from sciatica_care.motion.guidance import (
    CameraWarning,
    WarningCode,
    camera_advice,
    frame_warnings,
)
from sciatica_care.motion.landmarks import Frame, frame_json, read_frames
from sciatica_care.services import program
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import InvalidInput, ProgramClosed, ServiceError

PROBLEM_SHARE = 0.2
"""A camera problem seen in at least this share of the frames is worth telling the person."""


@dataclass(frozen=True)
class Progress:
    """After each frame: how many are done, how many there are (``None`` from a camera), what
    the detector shows now and what is wrong with the camera in this frame."""

    done: int
    total: int | None
    live: LiveState
    warnings: tuple[CameraWarning, ...] = ()
    """What is wrong with this frame for tracking (``motion.guidance.frame_warnings``)."""


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class TrackingReport:
    """The result, and what to tell the person about the camera."""

    result: TrackingResult
    counts: str
    """``reps`` (pelvic tilt) or ``holds`` (the other three)."""
    warnings: dict[WarningCode, int] = field(default_factory=dict)
    """Frames with each camera warning."""
    advice: tuple[str, ...] = ()

    def problems(self) -> list[WarningCode]:
        """The warnings seen often enough to mention, most frequent first."""
        frames = max(1, self.result.frames)
        often = [(n, code) for code, n in self.warnings.items() if n / frames >= PROBLEM_SHARE]
        return [code for _, code in sorted(often, reverse=True)]


def check_exercise(exercise_id: str) -> str:
    """The tracked exercise's id, or ``InvalidInput`` naming the known ones."""
    try:
        return rules_for(exercise_id).exercise_id
    except MotionError as exc:
        raise InvalidInput("exercise", str(exc)) from None


def parse_aspect(text: str) -> float:
    """A picture shape written ``W:H`` (``16:9``) or as a number (``1.78``)."""
    try:
        if ":" in text:
            width, height = (float(part) for part in text.split(":", 1))
            value = width / height
        else:
            value = float(text)
    except (ValueError, ZeroDivisionError):
        raise InvalidInput("aspect", f"'{text}' is not a picture shape such as 16:9") from None
    if not 0.2 <= value <= 5:
        raise InvalidInput("aspect", f"'{text}' is not a picture shape such as 16:9")
    return value


class _Run:
    """One tracking run: the detector, the warning tally, the optional landmark file."""

    def __init__(
        self,
        exercise_id: str,
        aspect: float,
        on_progress: ProgressCallback | None,
        total: int | None,
        save_to: IO[str] | None,
    ) -> None:
        self.exercise_id = exercise_id
        self.aspect = aspect
        self.detector = Detector(exercise_id, aspect)
        self.tally: Counter[WarningCode] = Counter()
        self.on_progress = on_progress
        self.total = total
        self.save_to = save_to
        self.done = 0
        self.warnings: list[CameraWarning] = []

    def feed(self, frame: Frame, brightness: float | None = None) -> LiveState:
        live = self.detector.feed(frame)
        self.warnings = frame_warnings(frame, self.exercise_id, self.aspect, brightness)
        self.tally.update(w.code for w in self.warnings)
        if self.save_to is not None:
            self.save_to.write(frame_json(frame) + "\n")
        self.done += 1
        if self.on_progress is not None:
            self.on_progress(Progress(self.done, self.total, live, tuple(self.warnings)))
        return live

    def report(self) -> TrackingReport:
        return TrackingReport(
            result=self.detector.result(),
            counts=self.detector.rules.counts,
            warnings=dict(self.tally),
            advice=camera_advice(self.exercise_id),
        )


def _open_for_writing(path: Path | None, field_name: str, stack: ExitStack) -> IO[str] | None:
    if path is None:
        return None
    try:
        return stack.enter_context(path.open("w", encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(field_name, f"{path}: cannot write ({exc.strerror})") from None


def _lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as handle:
        yield from handle


def analyse_landmarks(
    exercise_id: str,
    path: Path,
    *,
    aspect: float = DEFAULT_ASPECT,
    on_progress: ProgressCallback | None = None,
) -> TrackingReport:
    """Count ``exercise_id`` in a recorded landmark stream (JSON Lines, issue 11's format).

    ``aspect`` is the width / height of the pictures the landmarks came from (a 640×480 webcam,
    4:3, when not known).
    """
    exercise_id = check_exercise(exercise_id)
    try:
        with path.open("rb") as handle:
            total = sum(1 for line in handle if line.strip())
        run = _Run(exercise_id, aspect, on_progress, total, None)
        for frame in read_frames(_lines(path)):
            run.feed(frame)
    except LandmarkStreamError as exc:
        raise InvalidInput("landmarks", f"{path.name} {exc}") from None
    except UnicodeDecodeError:
        raise InvalidInput("landmarks", f"{path.name}: not a text file") from None
    except OSError as exc:
        raise InvalidInput("landmarks", f"{path}: cannot read ({exc.strerror})") from None
    return run.report()


def analyse_video(
    exercise_id: str,
    path: Path,
    *,
    overlay: Path | None = None,
    save_landmarks: Path | None = None,
    on_progress: ProgressCallback | None = None,
    lanes: int | None = None,
) -> TrackingReport:
    """Run pose estimation on a video file, count ``exercise_id``, and optionally write the
    landmark stream and an overlay video.

    ``lanes`` MediaPipe instances share the frames (``motion.pose.PoseLanes``); by default
    two on a machine with two cores or more (``motion.pose.FILE_LANES`` says why).
    """
    if lanes is not None and lanes < 1:
        raise InvalidInput("lanes", f"{lanes} is not a number of pose lanes (1 or more)")
    return _analyse_pictures(
        exercise_id, path, "video", overlay, save_landmarks, on_progress, None, None, lanes
    )


def analyse_camera(
    exercise_id: str,
    index: int,
    *,
    overlay: Path | None = None,
    save_landmarks: Path | None = None,
    on_progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    max_seconds: float | None = None,
) -> TrackingReport:
    """Count ``exercise_id`` live from camera ``index`` until ``should_stop()`` says so (the
    CLI's Ctrl-C) or ``max_seconds`` have passed."""
    if index < 0:
        raise InvalidInput("camera", f"{index} is not a camera number (0 is the first camera)")
    return _analyse_pictures(
        exercise_id,
        index,
        "camera",
        overlay,
        save_landmarks,
        on_progress,
        should_stop,
        max_seconds,
        lanes=1,
    )


def _analyse_pictures(
    exercise_id: str,
    source_ref: Path | int,
    source_field: str,
    overlay: Path | None,
    save_landmarks: Path | None,
    on_progress: ProgressCallback | None,
    should_stop: Callable[[], bool] | None,
    max_seconds: float | None,
    lanes: int | None,
) -> TrackingReport:
    from sciatica_care.motion.overlay import OverlayWriter
    from sciatica_care.motion.pose import PoseLanes, VideoSource, default_lanes

    exercise_id = check_exercise(exercise_id)
    counts = rules_for(exercise_id).counts
    try:
        with ExitStack() as stack:
            source = stack.enter_context(VideoSource(source_ref, max_seconds))
            estimator = stack.enter_context(
                PoseLanes(lanes if lanes is not None else default_lanes(source.is_camera))
            )
            writer = None
            if overlay is not None:
                try:
                    writer = stack.enter_context(
                        OverlayWriter(overlay, source.fps, source.width, source.height)
                    )
                except VideoSourceError as exc:
                    raise InvalidInput("overlay", str(exc)) from None
            save_to = _open_for_writing(save_landmarks, "save_landmarks", stack)
            run = _Run(exercise_id, source.aspect, on_progress, source.total, save_to)
            for seen in estimator.track(source):
                frame = Frame(seen.picture.t, seen.landmarks)
                live = run.feed(frame, seen.brightness)
                if writer is not None:
                    writer.write(seen.picture.image, frame, live, counts, run.warnings)
                if should_stop is not None and should_stop():
                    break
            return run.report()
    except PoseBackendMissing as exc:
        raise ServiceError(str(exc)) from None
    except VideoSourceError as exc:
        raise InvalidInput(source_field, str(exc)) from None


STEADY_SHARE = 0.5
"""A warning in at least this share of a batch's frames is shown live: one odd frame is not."""
_SEAL_SALT = b"sciatica-care motion snapshot\0"


@dataclass(frozen=True)
class SealedSnapshot:
    """A detector's state as this server wrote it (its JSON), and the seal over it."""

    detector: str
    seal: str


@dataclass(frozen=True)
class CameraFrame:
    """One frame from the browser: its landmarks and, when measured, the picture's mean
    brightness (0–255, one number worked out on the device; never the picture)."""

    frame: Frame
    brightness: float | None = None


@dataclass(frozen=True)
class BatchResult:
    """After a batch: the live count (``None`` for a batch without frames), the camera
    problems to show now, and the state to send with the next batch."""

    live: LiveState | None
    warnings: tuple[CameraWarning, ...]
    snapshot: SealedSnapshot


def _seal(secret: str, patient_id: int, exercise_id: str, detector: str) -> str:
    key = hashlib.sha256(_SEAL_SALT + secret.encode()).digest()
    message = f"{patient_id}\0{exercise_id}\0".encode() + detector.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _restore(
    ctx: PatientContext,
    exercise_id: str,
    aspect: float,
    snapshot: SealedSnapshot | None,
    secret: str,
) -> Detector:
    if snapshot is None:
        return Detector(exercise_id, aspect)
    expected = _seal(secret, ctx.patient_id, exercise_id, snapshot.detector)
    # Bytes: compare_digest refuses str with non-ASCII characters (a TypeError, once a 500).
    if not hmac.compare_digest(expected.encode(), snapshot.seal.encode()):
        raise InvalidInput(
            "snapshot", "not a counting state this server made for this exercise; start again"
        )
    try:
        return Detector.restore(json.loads(snapshot.detector))
    except (MotionError, ValueError, TypeError, KeyError, AttributeError):
        raise InvalidInput("snapshot", "not a counting state; start again") from None


LIVE_ORDER: tuple[WarningCode, ...] = (
    "too_dark",
    "no_pose",
    "out_of_frame",
    "too_small",
    "wrong_side",
    "wrong_facing",
)
"""Light first: a dark picture is often why nobody is found."""
_NEEDS_POSE = frozenset(get_args(WarningCode)) - {"too_dark", "no_pose"}


def steady_warnings(per_frame: Sequence[Sequence[CameraWarning]]) -> tuple[CameraWarning, ...]:
    """The warnings seen in at least ``STEADY_SHARE`` of the frames, in ``LIVE_ORDER``, each with
    its latest words: what to tell the person now, without flicker. "Nobody in the picture"
    wins over the warnings about where the body is, which would contradict it."""
    if not per_frame:
        return ()
    seen: Counter[WarningCode] = Counter(w.code for warnings in per_frame for w in warnings)
    latest = {w.code: w for warnings in per_frame for w in warnings}
    steady = [code for code in LIVE_ORDER if seen[code] >= STEADY_SHARE * len(per_frame)]
    if "no_pose" in steady:
        steady = [code for code in steady if code not in _NEEDS_POSE]
    return tuple(latest[code] for code in steady)


def track_batch(
    ctx: PatientContext,
    exercise_id: str,
    aspect: float,
    snapshot: SealedSnapshot | None,
    frames: Sequence[CameraFrame],
    secret: str,
) -> BatchResult:
    """Feed one batch of the web player's frames to the detector restored from ``snapshot``
    (a new one when ``None``), behind the program gate like the rest of the guided session
    (clinical-spec.md §1, §7.2).

    ``secret`` is the app's secret key: the seal of a snapshot made by one process is good in
    every process of the install that shares it. ``ProgramClosed`` while the gate is shut;
    ``InvalidInput`` on ``snapshot`` for a state this server did not make for this patient and
    exercise, on ``frames.N.t`` for a frame earlier than the one before it.
    """
    exercise_id = check_exercise(exercise_id)
    gate = program.current_gate(ctx)
    if not gate.open:
        raise ProgramClosed(gate)
    detector = _restore(ctx, exercise_id, aspect, snapshot, secret)
    live = None
    per_frame: list[list[CameraWarning]] = []
    for i, seen in enumerate(frames):
        try:
            live = detector.feed(seen.frame)
        except MotionError as exc:
            raise InvalidInput(f"frames.{i}.t", str(exc)) from None
        per_frame.append(frame_warnings(seen.frame, exercise_id, aspect, seen.brightness))
    text = json.dumps(detector.snapshot(), separators=(",", ":"))
    return BatchResult(
        live=live,
        warnings=steady_warnings(per_frame),
        snapshot=SealedSnapshot(text, _seal(secret, ctx.patient_id, exercise_id, text)),
    )
