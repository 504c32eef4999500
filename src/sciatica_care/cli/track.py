"""``sciatica track``: count reps and time holds from a video, a camera or a landmark recording.

``--video clip.mp4`` and ``--camera 0`` run pose estimation on this computer (the optional
``motion`` extra); ``--landmarks FILE.jsonl`` re-analyses a recorded landmark stream (issue 11's
format) without any video. The result is the reps, each hold with its side and length, the frames
without a usable pose and a confidence; ``--json`` prints the issue's JSON. A progress bar shows
while a file is processed; a camera runs until Ctrl-C (or ``--seconds``). The counting is
``services.tracking``'s; this module parses, calls it and renders.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from sciatica_care.cli.output import (
    JsonOption,
    console,
    err_console,
    fail,
    print_json,
    print_prose,
    print_table,
)
from sciatica_care.content.exercises import exercise_library
from sciatica_care.motion.detector import DEFAULT_ASPECT
from sciatica_care.motion.exercise_rules import rules_for
from sciatica_care.motion.guidance import camera_advice
from sciatica_care.services import tracking
from sciatica_care.services.errors import InvalidInput, ServiceError

OPTION_NAMES = {
    "exercise": "--exercise",
    "landmarks": "--landmarks",
    "video": "--video",
    "camera": "--camera",
    "overlay": "--overlay",
    "save_landmarks": "--save-landmarks",
    "aspect": "--aspect",
}

PROBLEM_WORDS = {
    "no_pose": "nobody was seen",
    "out_of_frame": "part of the body was out of the picture",
    "too_small": "the body looked small in the picture",
    "too_dark": "the picture was too dark",
    "wrong_side": "the camera was not at the side",
    "wrong_facing": "the person faced the wrong way",
}


def track(
    exercise: str = typer.Option(
        ...,
        "--exercise",
        help="The exercise: pelvic-tilt, knee-to-chest, lower-trunk-rotation or bird-dog.",
    ),
    video: Path | None = typer.Option(None, "--video", help="A video file to analyse."),
    camera: int | None = typer.Option(
        None, "--camera", help="Track live from this camera (0 is the first); stop with Ctrl-C."
    ),
    landmarks: Path | None = typer.Option(
        None, "--landmarks", help="A recorded landmark stream (JSON Lines) to analyse again."
    ),
    overlay: Path | None = typer.Option(
        None, "--overlay", help="Write the video with the skeleton and the count (MP4)."
    ),
    save_landmarks: Path | None = typer.Option(
        None, "--save-landmarks", help="Write the landmark stream (JSON Lines) for later."
    ),
    aspect: str | None = typer.Option(
        None,
        "--aspect",
        help="With --landmarks: the shape (width:height) of the pictures they came from. Default 4:3.",
    ),
    seconds: float | None = typer.Option(
        None, "--seconds", min=1, help="With --camera: stop after this many seconds."
    ),
    json_output: bool = JsonOption,
) -> None:
    """Count reps and time holds from a video, a camera or recorded landmarks. Private: the
    video never leaves this computer."""
    sources = [
        name
        for name, given in (("--video", video), ("--camera", camera), ("--landmarks", landmarks))
        if given is not None
    ]
    if len(sources) != 1:
        fail(
            "give one of --video, --camera or --landmarks"
            + (f" (not {' and '.join(sources)})" if sources else "")
        )
    if landmarks is not None and (overlay is not None or save_landmarks is not None):
        fail("--overlay and --save-landmarks need --video or --camera")
    if aspect is not None and landmarks is None:
        fail("--aspect is only for --landmarks (a video's shape is read from the video)")
    if seconds is not None and camera is None:
        fail("--seconds is only for --camera")
    out = err_console if json_output else console
    try:
        exercise_id = tracking.check_exercise(exercise)
        counts = rules_for(exercise_id).counts
        if camera is not None:
            _advice(out, exercise_id)  # on stderr with --json: the person still places the camera
            with (
                _stop_on_ctrl_c() as stopped,
                _progress(out, "Tracking (Ctrl-C stops)", counts) as progress,
            ):
                report = tracking.analyse_camera(
                    exercise_id,
                    camera,
                    overlay=overlay,
                    save_landmarks=save_landmarks,
                    on_progress=progress,
                    should_stop=stopped,
                    max_seconds=seconds,
                )
        elif video is not None:
            with _progress(out, f"Analysing {video.name}", counts) as progress:
                report = tracking.analyse_video(
                    exercise_id,
                    video,
                    overlay=overlay,
                    save_landmarks=save_landmarks,
                    on_progress=progress,
                )
        else:
            assert landmarks is not None
            shape = tracking.parse_aspect(aspect) if aspect is not None else DEFAULT_ASPECT
            with _progress(out, f"Analysing {landmarks.name}", counts) as progress:
                report = tracking.analyse_landmarks(
                    exercise_id, landmarks, aspect=shape, on_progress=progress
                )
    except InvalidInput as exc:
        fail(f"{OPTION_NAMES.get(exc.field, exc.field)}: {exc.message}")
    except ServiceError as exc:
        fail(str(exc))
    if json_output:
        print_json(report.result.as_json())
        return
    _render(report, overlay, save_landmarks)


LIVE_WORDS = {
    "too_dark": "too dark: more light",
    "no_pose": "nobody in the picture",
    "out_of_frame": "body out of the picture",
    "too_small": "too small: camera closer",
    "wrong_side": "put the camera at your side",
    "wrong_facing": "facing the wrong way",
}
"""The camera warning beside the bar: a few plain words, the first in ``LIVE_ORDER``."""


def live_warning(step: tracking.Progress) -> str:
    """The words for this frame's most pressing camera warning ('' when there is none)."""
    codes = {w.code for w in step.warnings}
    for code in tracking.LIVE_ORDER:
        if code in codes:
            return LIVE_WORDS[code]
    return ""


def _advice(out: Console, exercise_id: str) -> None:
    """Where to put the camera (issue 11, item 3), before a live camera starts counting."""
    out.print("Before you start:", style="bold")
    for sentence in camera_advice(exercise_id):
        print_prose(sentence, out, hang="- ")


@contextmanager
def _progress(out: Console, label: str, counts: str) -> Iterator[tracking.ProgressCallback]:
    """A progress bar (a running count from a camera) fed by the use case's callback, with the
    count so far and what is wrong with the camera now (issue 11, item 3: live warnings)."""
    bar = Progress(
        TextColumn(label),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[count]}"),
        TextColumn("[yellow]{task.fields[warning]}"),
        console=out,
        transient=True,
        disable=not out.is_terminal,
    )
    task = bar.add_task(label, total=None, count="", warning="")

    def update(step: tracking.Progress) -> None:
        live = step.live
        count = (
            "getting into position"
            if live.phase == "positioning"
            else (
                f"{live.holds} holds"
                if live.holding is None and live.holds
                else f"{live.reps} reps"
            )
        )
        bar.update(
            task, completed=step.done, total=step.total, count=count, warning=live_warning(step)
        )

    with bar:
        yield update


@contextmanager
def _stop_on_ctrl_c() -> Iterator[Callable[[], bool]]:
    """Ctrl-C ends the camera run and still prints what was counted."""
    pressed = False

    def handler(_signum: int, _frame: FrameType | None) -> None:
        nonlocal pressed
        pressed = True

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: pressed
    finally:
        signal.signal(signal.SIGINT, previous)


def _clock(seconds: float) -> str:
    minutes, rest = divmod(max(0.0, seconds), 60)
    return f"{int(minutes)}:{rest:04.1f}"


def _render(report: tracking.TrackingReport, overlay: Path | None, saved: Path | None) -> None:
    result = report.result
    name = exercise_library().get(result.exercise).name
    if report.counts == "reps":
        console.print(
            f"{name}: {result.reps} rep{'s' if result.reps != 1 else ''} counted.", highlight=False
        )
    else:
        console.print(
            f"{name}: {len(result.holds)} hold{'s' if len(result.holds) != 1 else ''}.",
            highlight=False,
        )
        if result.holds:
            print_table(
                "Holds",
                ["Side", "Reached at", "Held for"],
                [[h.side, _clock(h.start_s), f"{h.seconds:.1f} s"] for h in result.holds],
            )
    console.print(
        f"Frames: {result.frames}, {result.frames_without_pose} without a usable pose. "
        f"Confidence: {result.confidence:.2f}.",
        highlight=False,
    )
    if result.confidence == 0:
        print_prose("The start position was never seen, so nothing was counted.", style="yellow")
    problems = report.problems()
    if problems or result.confidence < 0.5:
        if problems:
            said = "; ".join(PROBLEM_WORDS[code] for code in problems)
            print_prose(f"Camera: in many frames {said}.", style="yellow")
        console.print("Next time:", style="bold")
        for sentence in report.advice[:3]:
            print_prose(sentence, hang="- ")
    if overlay is not None:
        console.print(f"Wrote the overlay video to {overlay}", highlight=False)
    if saved is not None:
        console.print(f"Wrote the landmarks to {saved}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(track)
