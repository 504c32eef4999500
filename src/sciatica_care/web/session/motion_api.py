"""Camera counting for the web player (issue 11, items 3 and 4): landmarks in, live counts out.

The browser runs the pose model itself; only the 33 landmarks of each frame, and one number for
the picture's brightness, reach this server, batched: ``POST /api/motion/track`` parses them and
calls ``services.tracking.track_batch`` (the same detectors as the CLI, and the sealed detector
state that travels with the client, so no process keeps anything between batches). The answer
is the live state, the camera warnings to show now (``motion.guidance.frame_warnings``: nobody
in the picture, out of it, too small, too dark, not at the side, facing the wrong way), each
with a short ``title`` the player shows beside the count while the person exercises (a phone's
screen has room for a line, not for the whole advice), and the sealed state for the next batch. A state this server did not make for this person (edited,
another person's, from before a restart without ``SCIATICA_SECRET_KEY``) is a 422 on
``snapshot``, never a 500; the player then starts counting again.

``GET /api/motion/setup`` says whether the browser's pose model is installed and, for each tracked
exercise, where to put the camera (``motion.guidance.camera_advice``). ``assets_router`` serves the
npm package ``@mediapipe/pose`` under ``/static/pose/``: a fixed list of its file names, each with
its content type, from ``Settings.pose_assets_dir`` (default: the repository's ``node_modules``).
It must be included before the ``/static`` mount, which would otherwise answer those paths first.
Both are behind the program gate, like the rest of the guided session (clinical-spec.md §1, §7.2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt
from starlette.exceptions import HTTPException

from sciatica_care.motion.detector import DEFAULT_ASPECT
from sciatica_care.motion.exercise_rules import RULES, rules_for
from sciatica_care.motion.guidance import CameraWarning, WarningCode, camera_advice
from sciatica_care.motion.landmarks import LANDMARK_COUNT, Frame, Landmark
from sciatica_care.services import program, tracking
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import ProgramClosed
from sciatica_care.web.context import current_context

router = APIRouter(prefix="/api/motion", tags=["motion"])
assets_router = APIRouter(include_in_schema=False)

MAX_FRAMES = 90
"""Frames a batch: the player posts every ~300 ms, 3 s of a 30 fps camera is plenty."""
POSE_URL = "/static/pose/"
REPO_ROOT = Path(__file__).resolve().parents[4]
DEFAULT_POSE_DIR = REPO_ROOT / "node_modules" / "@mediapipe" / "pose"
HOW_TO_ADD = (
    "Counting with the camera needs the browser pose model: run `npm install` in the app's folder "
    "(it adds @mediapipe/pose), or set SCIATICA_POSE_ASSETS_DIR to where its files are."
)

_JS = "text/javascript; charset=utf-8"
_BINARY = "application/octet-stream"
POSE_FILES: dict[str, str] = {
    "pose.js": _JS,
    "pose_solution_packed_assets_loader.js": _JS,
    "pose_solution_simd_wasm_bin.js": _JS,
    "pose_solution_wasm_bin.js": _JS,
    "pose_solution_simd_wasm_bin.wasm": "application/wasm",
    "pose_solution_wasm_bin.wasm": "application/wasm",
    "pose_solution_packed_assets.data": _BINARY,
    "pose_solution_simd_wasm_bin.data": _BINARY,
    "pose_web.binarypb": _BINARY,
    "pose_landmark_lite.tflite": _BINARY,
    "pose_landmark_full.tflite": _BINARY,
    "pose_landmark_heavy.tflite": _BINARY,
}
"""Every file of @mediapipe/pose 0.5.1675469404 the page may load, with its content type."""

Finite = Annotated[StrictFloat | StrictInt, Field(allow_inf_nan=False)]
Visibility = Annotated[StrictFloat | StrictInt, Field(ge=0, le=1, allow_inf_nan=False)]
Point = tuple[Finite, Finite, Finite, Visibility]
"""``[x, y, z, visibility]`` as in the landmark stream (``motion.landmarks``)."""


class TrackedFrame(BaseModel):
    model_config = ConfigDict(extra="forbid")

    t: Annotated[StrictFloat | StrictInt, Field(ge=0, le=86_400, allow_inf_nan=False)]
    landmarks: (
        Annotated[list[Point], Field(min_length=LANDMARK_COUNT, max_length=LANDMARK_COUNT)] | None
    )
    brightness: (
        Annotated[StrictFloat | StrictInt, Field(ge=0, le=255, allow_inf_nan=False)] | None
    ) = None
    """The picture's mean luma (0–255), worked out in the browser: for the "too dark" warning."""


class SealedSnapshot(BaseModel):
    """The detector's state as the server wrote it, and the server's seal over it."""

    model_config = ConfigDict(extra="forbid")

    detector: Annotated[str, Field(max_length=200_000)]
    seal: Annotated[str, Field(min_length=64, max_length=64)]


class TrackBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exercise: Literal["pelvic-tilt", "knee-to-chest", "lower-trunk-rotation", "bird-dog"]
    aspect: Annotated[float, Field(ge=0.2, le=5, allow_inf_nan=False)] = DEFAULT_ASPECT
    snapshot: SealedSnapshot | None = None
    frames: Annotated[list[TrackedFrame], Field(max_length=MAX_FRAMES)]


WARNING_TITLES: dict[WarningCode, str | None] = {
    "no_pose": "Nobody in the picture yet",
    "out_of_frame": "Part of you is out of the picture",
    "too_small": "Too small: move the camera closer",
    "too_dark": "Too dark: turn on a light",
    "wrong_side": "Put the camera at your side",
    "wrong_facing": None,
}
"""One line for each warning, what to do first; ``None``: the message is that short already."""


class FrameWarning(BaseModel):
    code: WarningCode
    message: str
    """The whole advice (``motion.guidance``), for the camera panel and screen readers."""
    title: str
    """The same in one short line, for beside the count."""

    @classmethod
    def of(cls, warning: CameraWarning) -> FrameWarning:
        title = WARNING_TITLES[warning.code] or warning.message
        return cls(code=warning.code, message=warning.message, title=title)


class TrackAnswer(BaseModel):
    state: dict[str, Any] | None
    """``LiveState.as_json()`` after the last frame (``None`` for a batch without frames)."""
    warnings: list[FrameWarning]
    """What is wrong with the picture now (seen in at least half the batch's frames)."""
    snapshot: SealedSnapshot


def _camera_frame(frame: TrackedFrame) -> tracking.CameraFrame:
    points = None
    if frame.landmarks is not None:
        points = tuple(Landmark(*(float(v) for v in p)) for p in frame.landmarks)
    brightness = None if frame.brightness is None else float(frame.brightness)
    return tracking.CameraFrame(Frame(float(frame.t), points), brightness)


def _open_gate(ctx: PatientContext) -> None:
    gate = program.current_gate(ctx)
    if not gate.open:
        raise ProgramClosed(gate)


@router.post("/track")
def track(
    batch: TrackBatch, request: Request, ctx: PatientContext = Depends(current_context)
) -> TrackAnswer:
    """Feed one batch of landmark frames; the live count, the camera warnings and the state to
    send with the next."""
    sealed = None
    if batch.snapshot is not None:
        sealed = tracking.SealedSnapshot(batch.snapshot.detector, batch.snapshot.seal)
    result = tracking.track_batch(
        ctx,
        batch.exercise,
        batch.aspect,
        sealed,
        [_camera_frame(frame) for frame in batch.frames],
        str(request.app.state.secret_key),
    )
    return TrackAnswer(
        state=None if result.live is None else result.live.as_json(),
        warnings=[FrameWarning.of(w) for w in result.warnings],
        snapshot=SealedSnapshot(detector=result.snapshot.detector, seal=result.snapshot.seal),
    )


def pose_dir(request: Request) -> Path | None:
    """Where the browser pose model's files are, or None when it is not installed."""
    configured = getattr(request.app.state.settings, "pose_assets_dir", None)
    folder = Path(configured) if configured else DEFAULT_POSE_DIR
    return folder if (folder / "pose.js").is_file() else None


@router.get("/setup")
def setup(request: Request, ctx: PatientContext = Depends(current_context)) -> dict[str, Any]:
    """Whether the page can count with the camera, and where to put it for each exercise."""
    _open_gate(ctx)
    available = pose_dir(request) is not None
    return {
        "available": available,
        "how_to_add": None if available else HOW_TO_ADD,
        "pose_url": POSE_URL,
        "max_frames": MAX_FRAMES,
        "advice": {exercise: list(camera_advice(exercise)) for exercise in RULES},
        "counts": {exercise: rules_for(exercise).counts for exercise in RULES},
    }


@assets_router.get(POSE_URL + "{name}")
def pose_asset(
    name: str, request: Request, ctx: PatientContext = Depends(current_context)
) -> FileResponse:
    """One whitelisted file of @mediapipe/pose (signed-in patients only; no directory listing)."""
    media_type = POSE_FILES.get(name)
    folder = pose_dir(request)
    if media_type is None or folder is None or not (folder / name).is_file():
        raise HTTPException(404)
    return FileResponse(
        folder / name,
        media_type=media_type,
        headers={"Cache-Control": "private, max-age=86400"},
    )
