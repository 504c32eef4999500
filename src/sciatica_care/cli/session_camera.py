"""The camera in ``sciatica session``: opening it, and showing its count beside the program's.

``--camera 0`` counts with a camera on this computer (the ``motion`` extra), ``--camera-landmarks
FILE.jsonl`` plays a recorded landmark stream instead (re-analysis, tests), with ``--camera-aspect
W:H`` for the shape of the pictures it came from (a phone held upright is 9:16; the detectors
put x and y back on one scale with it, as ``sciatica track --aspect`` does). The counting and the
thread are ``services.session_camera``'s; this module opens it (one line and exit 2 when it
cannot), prints where to put the camera, renders what it sees, and sums it up at the end. The
camera only shows: the program's own flow, questions and count are unchanged, and the session
keeps the program's count (the session record has no place for the camera's).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from sciatica_care.cli.output import fail, print_prose, print_table
from sciatica_care.domain.session import Phase, Session, SessionRecord
from sciatica_care.domain.wording import plural
from sciatica_care.motion.detector import DEFAULT_ASPECT
from sciatica_care.motion.errors import MotionError
from sciatica_care.motion.exercise_rules import rules_for
from sciatica_care.motion.guidance import camera_advice
from sciatica_care.services.errors import InvalidInput, ServiceError
from sciatica_care.services.session_camera import (
    CameraCount,
    CameraView,
    SessionCamera,
    open_camera,
    open_recording,
)
from sciatica_care.services.tracking import PROBLEM_SHARE, parse_aspect

CameraOption: Any = typer.Option(
    None,
    "--camera",
    help="Count with this camera too (0 is the first); needs the motion extra. "
    "The video stays on this computer.",
)
CameraLandmarksOption: Any = typer.Option(
    None,
    "--camera-landmarks",
    help="Play a recorded landmark stream (JSON Lines) as the camera, against the session's "
    "clock (its t counts the session's timed seconds).",
)
CameraAspectOption: Any = typer.Option(
    None,
    "--camera-aspect",
    help="With --camera-landmarks: the shape (width:height) of the pictures they came from, "
    "such as 9:16 for a phone held upright. Default 4:3.",
)

OPTION_NAMES = {
    "camera": "--camera",
    "camera_landmarks": "--camera-landmarks",
    "aspect": "--camera-aspect",
}
"""The option each ``InvalidInput`` field came from."""
TIMED = (Phase.WORK, Phase.BREAK, Phase.SIDE_SWITCH)
"""An exercise's timed part: its reps or holds and the short pauses between them."""
WARNING_WORDS = {
    "no_pose": "nobody seen",
    "out_of_frame": "out of the picture",
    "too_small": "too small in the picture",
    "too_dark": "too dark",
    "wrong_side": "camera not at your side",
    "wrong_facing": "facing the wrong way",
}


def open_session_camera(
    camera: int | None, landmarks: Path | None, aspect: str | None = None
) -> SessionCamera | None:
    """The camera asked for, or ``None``; one line and exit 2 when it cannot be used.

    ``aspect`` (``W:H`` or a number, ``tracking.parse_aspect``) is only for a recording: a live
    camera's shape is read from the camera."""
    if camera is not None and landmarks is not None:
        fail("give --camera or --camera-landmarks, not both")
    if aspect is not None and landmarks is None:
        fail("--camera-aspect is only for --camera-landmarks (a camera's shape is read from it)")
    try:
        if camera is not None:
            return open_camera(camera)
        if landmarks is not None:
            shape = DEFAULT_ASPECT if aspect is None else parse_aspect(aspect)
            return open_recording(landmarks, shape)
    except InvalidInput as exc:
        fail(f"{OPTION_NAMES.get(exc.field, '--camera-landmarks')}: {exc.message}")
    except ServiceError as exc:
        fail(f"--camera: {exc}")
    return None


def _tracked(exercise_id: str) -> bool:
    try:
        rules_for(exercise_id)
    except MotionError:
        return False
    return True


def _count_words(counts: str | None, number: int) -> str:
    return plural(number, "rep" if counts == "reps" else "hold")


class CameraDisplay:
    """Drives a ``SessionCamera`` from the player and prints what it sees.

    On a terminal the count sits in the countdown bar, beside the program's prompt; elsewhere
    (a pipe, a test) a line is printed when the count changes. Camera problems are printed in
    plain words when they start, and what the camera counted when each exercise's timed part
    ends.
    """

    def __init__(self, camera: SessionCamera, out: Console) -> None:
        self.camera = camera
        self.out = out
        self._place: str | None = None
        self._shown: tuple[str, int] | None = None
        self._warned: tuple[str, ...] = ()
        self._ended_said = False

    def advise(self, session: Session) -> None:
        """Before the first exercise: where to put the camera, for the first it can count."""
        tracked = [ex.exercise_id for ex in session.program if _tracked(ex.exercise_id)]
        if not tracked:
            print_prose("The camera cannot count today's exercises; the program counts.", self.out)
            return
        self.out.print(f"Camera ({escape(self.camera.name)}): before you start", style="bold")
        advice = camera_advice(tracked[0])
        self._place = advice[0]
        for sentence in advice:
            print_prose(sentence, self.out, hang="- ")
        print_prose(
            "The camera's count shows beside the program's. The program's count is what is kept.",
            self.out,
        )

    def instructions(self, session: Session) -> None:
        """At an exercise's instructions: the camera's place again if this one needs another."""
        planned = session.exercise
        if planned is None or not _tracked(planned.exercise_id):
            return
        place = camera_advice(planned.exercise_id)[0]
        if self._place is not None and place != self._place:
            print_prose(f"Camera: {place}", self.out, style="bold")
        self._place = place

    def follow(self, session: Session) -> str:
        """On each player frame: tell the camera what runs now, print what changed, and return
        the text for the countdown bar."""
        planned = session.exercise
        watching = (
            planned.exercise_id
            if planned is not None and session.phase in TIMED and not session.finished
            else None
        )
        done = self.camera.follow(watching, session.elapsed_s)
        if done is not None:
            self._say_done(done)
        view = self.camera.view()
        self._say_warnings(view)
        if view.ended and not self._ended_said and view.exercise_id is not None:
            self._ended_said = True
            print_prose(f"Camera: {view.ended}; the program goes on counting.", self.out)
        text = self._live_text(view)
        if not self.out.is_terminal and view.live is not None and view.counts is not None:
            number = view.live.reps if view.counts == "reps" else view.live.holds
            shown = (view.exercise_id or "", number)
            if number and shown != self._shown:
                self.out.print(f"  {text}", highlight=False)
            self._shown = shown
        return text

    def finish(self, session: Session) -> None:
        """After the session: close the exercise still watched (a stop in its timed part)."""
        done = self.camera.finish(session.elapsed_s)
        if done is not None:
            self._say_done(done)

    def _live_text(self, view: CameraView) -> str:
        if view.exercise_id is None:
            return ""
        if view.counts is None:
            return "Camera: not for this exercise"
        live = view.live
        if live is None:
            return "Camera: waiting for a picture"
        number = live.reps if view.counts == "reps" else live.holds
        text = f"Camera: {_count_words(view.counts, number)}"
        if not live.has_pose:
            return text + ", nobody seen"
        if live.phase == "positioning":
            return text + ", getting into position"
        if view.counts == "holds" and live.holding is not None and live.hold_seconds is not None:
            text += f", holding {live.holding} {live.hold_seconds:.0f} s"
        return text

    def _say_warnings(self, view: CameraView) -> None:
        codes = tuple(w.code for w in view.warnings)
        for warning in view.warnings:
            if warning.code not in self._warned:
                print_prose(f"Camera: {warning.message}", self.out, style="yellow")
        self._warned = codes

    def _say_done(self, done: CameraCount) -> None:
        said = f"Camera counted {_count_words(done.counts, done.number)}"
        if done.counts == "holds" and done.result.holds:
            held = ", ".join(f"{h.side} {h.seconds:.0f} s" for h in done.result.holds)
            said += f" ({held})"
        if done.result.confidence == 0:
            said += "; it never saw the start position"
        print_prose(said + ".", self.out)
        self._shown = None
        self._warned = ()


def summary(
    out: Console, record: SessionRecord, counts: list[CameraCount], names: Mapping[str, str]
) -> None:
    """The end summary's camera part: the program's count and the camera's, side by side."""
    by_id = {count.exercise_id: count for count in counts}
    rows = []
    for item in record.items:
        count = by_id.get(item.exercise_id)
        if count is not None:
            counted = item.reps_done if count.counts == "reps" else item.holds_done
            program = _count_words(count.counts, counted)
        elif item.reps_done:
            program = _count_words("reps", item.reps_done)
        else:
            program = _count_words("holds", item.holds_done)
        if count is None:
            camera = "-"
        else:
            camera = _count_words(count.counts, count.number)
            frames = max(1, count.result.frames)
            problems = [
                WARNING_WORDS[code]
                for code, n in count.warnings.items()
                if n / frames >= PROBLEM_SHARE
            ]
            if problems:
                camera += f" ({', '.join(problems[:2])})"
        rows.append((names.get(item.exercise_id, item.exercise_id), program, camera))
    if rows:
        print_table(
            "Camera and program", ("Exercise", "Program counted", "Camera counted"), rows, out
        )


def camera_json(camera: SessionCamera) -> dict[str, Any]:
    """The ``camera`` part of ``sciatica session --json``: each exercise's tracking result."""
    return {"source": camera.name, "items": [count.as_json() for count in camera.counts()]}
