"""``sciatica session``: the guided exercise session in a terminal, and ``sciatica history``.

The player is a thin driver of ``domain.session.Session``: it turns the real clock into ``tick``
events (multiplied by ``--speed`` so tests and demos run a whole session at once), prints the cues,
and turns the person's answers into events. Today's doses come from ``services.program`` (progression
as tolerated, clinical-spec.md §4.1–4.3), and after saving, each exercise's next dose is decided
and its reason printed. All rules (doses, pacing, the pain-check stop of §4.1) live in the domain;
nothing here decides anything clinical. A clinician's custom exercises come after the seed
exercises (``services.sessions.session_program``) and are played the same way, with the
clinician's instructions and steps in place of the content's.

Input: when stdin is a terminal, single keys work during timed phases (``s`` stop, ``p`` pause,
``n`` skip a rest); otherwise (a pipe, a test) answers are read as lines at each prompt, and
``s`` at any prompt stops.
"""

from __future__ import annotations

import os
import select
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TextColumn

from sciatica_care.cli.local import local_context, machine_clock
from sciatica_care.cli.output import (
    JsonOption,
    console,
    err_console,
    fail,
    print_json,
    print_prose,
    print_table,
)
from sciatica_care.cli.plan import show_update
from sciatica_care.cli.program_gate import ensure_program_open
from sciatica_care.cli.session_camera import (
    CameraAspectOption,
    CameraDisplay,
    CameraLandmarksOption,
    CameraOption,
    camera_json,
    open_session_camera,
)
from sciatica_care.cli.session_camera import summary as camera_summary
from sciatica_care.config import Settings, get_settings
from sciatica_care.content.errors import ContentError
from sciatica_care.content.exercises import ExerciseLibrary, exercise_library
from sciatica_care.domain.session import (
    CUSTOM_STOP_IF,
    SAFETY_STOPS,
    CueKind,
    Phase,
    Session,
    SessionRecord,
    StopReason,
)
from sciatica_care.services import program as program_service
from sciatica_care.services import sessions
from sciatica_care.services.context import PatientContext
from sciatica_care.services.session_camera import SessionCamera
from sciatica_care.store.errors import StoreError

FRAME_S = 0.1
"""Longest real-time wait between two ticks: how quickly a key press or a countdown is shown."""

STOP_CHOICES: dict[str, StopReason] = {
    "1": StopReason.PAIN,
    "pain": StopReason.PAIN,
    "2": StopReason.SPREAD_DOWN_LEG,
    "spread": StopReason.SPREAD_DOWN_LEG,
    "3": StopReason.TIRED,
    "tired": StopReason.TIRED,
    "4": StopReason.OTHER,
    "other": StopReason.OTHER,
}
YES = {"y", "yes"}
UNSURE = {"?", "unsure", "not sure", "dont know", "don't know"}
"""clinical-spec.md §1: "not sure" counts as "yes" for a safety question."""
NO = {"n", "no"}
STOP_WORDS = {"s", "stop"}


class Keyboard:
    """The person's side of the terminal: line answers, and single keys during timed phases."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        try:
            self.interactive = stream.isatty()
        except (AttributeError, ValueError):
            self.interactive = False

    def line(self) -> str | None:
        """One answer, stripped; None when input has ended."""
        text = self.stream.readline()
        return None if text == "" else text.strip()

    @contextmanager
    def keys(self) -> Iterator[None]:
        """Single-key mode (no Enter needed) while a timed phase runs, on a real terminal only."""
        if not self.interactive:
            yield
            return
        import termios
        import tty

        fd = self.stream.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)
            yield
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    def key(self, timeout: float) -> str | None:
        """A key pressed within ``timeout`` seconds; without a terminal, just wait."""
        if not self.interactive:
            time.sleep(timeout)
            return None
        fd = self.stream.fileno()
        readable, _, _ = select.select([fd], [], [], timeout)
        if not readable:
            return None
        return os.read(fd, 1).decode(errors="ignore").lower()


class TerminalPlayer:
    """Drives one ``Session`` with a real clock and a keyboard, printing what it says."""

    def __init__(
        self,
        session: Session,
        library: ExerciseLibrary,
        out: Console,
        keyboard: Keyboard,
        speed: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        customs: Mapping[str, sessions.CustomDetails] | None = None,
        camera: CameraDisplay | None = None,
    ) -> None:
        self.session = session
        self.library = library
        self.customs = dict(customs or {})
        self.out = out
        self.keyboard = keyboard
        self.speed = speed
        self.clock = clock
        self._progress: Progress | None = None
        self.camera = camera
        self._camera_text = ""

    def run(self) -> SessionRecord:
        session = self.session
        session.start()  # cues the intro and the safety line first
        try:
            while not session.finished:
                self._show_cues()
                if session.phase is Phase.INTRO:
                    self._wait_ready("Press Enter to begin (s to stop): ")
                elif session.phase is Phase.INSTRUCTIONS:
                    self._show_instructions()
                    if self.camera is not None:
                        self.camera.instructions(session)
                    self._wait_ready("Press Enter when you are in position (s to stop): ")
                elif session.phase is Phase.PAIN_CHECK:
                    self._pain_check()
                else:
                    self._timed()
        except KeyboardInterrupt:
            session.stop(StopReason.OTHER, "interrupted with Ctrl+C")
        self._show_cues()
        if self.camera is not None:
            self.camera.finish(session)
        return session.record()

    # --- waiting phases ------------------------------------------------------------------

    def _ask(self, prompt: str, keep_case: bool = False) -> str | None:
        """One answer (lower-cased unless ``keep_case``); echoed when input is not typed live."""
        self.out.print(prompt, end="", highlight=False, markup=False)
        answer = self.keyboard.line()
        if not self.keyboard.interactive:
            self.out.print(answer if answer is not None else "", highlight=False, markup=False)
        if answer is None or keep_case:
            return answer
        return answer.lower()

    def _wait_ready(self, prompt: str) -> None:
        answer = self._ask(prompt)
        if answer is None:
            self.session.stop(StopReason.OTHER, "input ended")
        elif answer in STOP_WORDS:
            self._ask_stop()
        else:
            self.session.ready()

    def _show_custom_instructions(self, custom: sessions.CustomDetails) -> None:
        """A clinician's own exercise: their words and steps, the RED signs to stop on (§4.1)."""
        lines = [f"[bold]{escape(custom.dose_text)}[/] (as your clinician prescribed)"]
        lines += ["", escape(custom.instructions)]
        if custom.steps:
            lines += ["", *(f"{n}. {escape(step)}" for n, step in enumerate(custom.steps, 1))]
        lines += ["", "[bold red]Stop if:[/]", *(f"• {escape(s)}" for s in CUSTOM_STOP_IF)]
        title = f"{escape(custom.name)} (your clinician's exercise)"
        self.out.print(Panel("\n".join(lines), title=title, title_align="left"))

    def _show_instructions(self) -> None:
        planned = self.session.exercise
        assert planned is not None
        if planned.custom and planned.exercise_id in self.customs:
            self._show_custom_instructions(self.customs[planned.exercise_id])
            return
        exercise = self.library.get(planned.exercise_id)
        level = exercise.level(planned.level)
        lines = [
            f"[bold]{escape(planned.dose_text)}[/] (level {planned.level}: {escape(level.name)})"
        ]
        if planned.reason:
            lines.append(escape(planned.reason))
        lines += ["", escape(exercise.position), ""]
        lines += [f"{n}. {escape(step)}" for n, step in enumerate(exercise.steps, start=1)]
        if exercise.cues:
            lines += ["", *(f"• {escape(cue)}" for cue in exercise.cues)]
        lines += ["", "[bold red]Stop if:[/]", *(f"• {escape(s)}" for s in exercise.stop_if)]
        if exercise.caution:
            lines += ["", f"[yellow]{escape(exercise.caution)}[/]"]
        self.out.print(Panel("\n".join(lines), title=escape(exercise.name), title_align="left"))

    def _pain_check(self) -> None:
        score = self._ask_score()
        if score is None:
            return
        spread = self._ask_yes_no("Did the pain spread further down your leg?")
        if spread is None:
            return
        numb = self._ask_yes_no("Any new numbness, tingling or weakness in your leg or foot?")
        if numb is None:
            return
        self.session.pain(score, spread, new_numbness=numb)

    def _ask_score(self) -> int | None:
        while True:
            answer = self._ask("Pain now, from 0 (none) to 10 (worst)? (s to stop): ")
            if answer is None:
                self.session.stop(StopReason.OTHER, "input ended")
                return None
            if answer in STOP_WORDS:
                self._ask_stop()
                if self.session.finished:
                    return None
                continue
            if answer.isdigit() and 0 <= int(answer) <= 10:
                return int(answer)
            self.out.print("Please type a whole number from 0 to 10.")

    def _ask_yes_no(self, question: str) -> bool | None:
        """A safety question of the pain check: "not sure" counts as yes (clinical-spec.md §1)."""
        while True:
            answer = self._ask(f"{question} (y/n, not sure = y): ")
            if answer is None:
                self.session.stop(StopReason.OTHER, "input ended")
                return None
            if answer in YES or answer in UNSURE:
                return True
            if answer in NO:
                return False
            self.out.print("Please answer y or n.")

    def _ask_stop(self) -> None:
        """Ask why, then stop; an empty answer carries on (a stop key pressed by mistake)."""
        self.out.print(
            "Why are you stopping? 1 pain  2 pain spread down my leg  3 tired  4 other",
            highlight=False,
        )
        while True:
            answer = self._ask("Choose 1-4 (Enter to carry on): ")
            if answer == "":
                return
            if answer is None:
                self.session.stop(StopReason.OTHER, "input ended")
                return
            reason = STOP_CHOICES.get(answer)
            if reason is not None:
                break
            self.out.print("Please type 1, 2, 3 or 4.")
        note = None
        if reason is StopReason.OTHER:
            note = self._ask("In a few words (optional): ", keep_case=True)
        self.session.stop(reason, note)

    # --- timed phases --------------------------------------------------------------------

    def _timed(self) -> None:
        """Run the clock until the session waits for an answer, or a stop key is pressed."""
        session = self.session
        wants_stop = False
        with self.keyboard.keys(), self._bar():
            if self.keyboard.interactive:
                self.out.print("[dim]Keys: s stop · p pause · n skip a rest[/]")
            last = self.clock()
            self._follow_camera()
            while not session.finished and session.remaining_s is not None:
                left = session.remaining_s / self.speed
                key = self.keyboard.key(FRAME_S if session.paused else min(FRAME_S, left))
                now = self.clock()
                self._advance((now - last) * self.speed)
                last = now
                if key == "s":
                    wants_stop = True
                    break
                if key == "p" and session.paused:
                    session.resume()
                elif key == "p":
                    session.pause()
                elif key == "n":
                    session.ready()
                self._show_cues()
                self._follow_camera()
                self._update_bar()
        if wants_stop:
            session.pause()
            self._show_cues()
            self._ask_stop()
            session.resume()

    def _advance(self, seconds: float) -> None:
        """Tick through timed phases only: time left over when a prompt comes up is dropped.

        The clock keeps running while the person reads a prompt, but that is not exercise time;
        without this, a fast ``--speed`` would add a whole frame of scaled time to ``elapsed_s``.
        """
        session = self.session
        while seconds > 0 and not session.paused and session.remaining_s is not None:
            step = min(seconds, session.remaining_s)
            session.tick(step)
            seconds -= step

    def _follow_camera(self) -> None:
        """The camera's count beside the program's (it only shows; see ``cli.session_camera``)."""
        if self.camera is not None:
            self._camera_text = self.camera.follow(self.session)

    @contextmanager
    def _bar(self) -> Iterator[None]:
        """A live countdown bar on a real terminal; plain cue lines everywhere else."""
        if not self.out.is_terminal:
            yield
            return
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[camera]}"),
            console=self.out,
            transient=True,
        )
        with progress:
            self._progress = progress
            progress.add_task("", total=1.0, camera="")
            try:
                yield
            finally:
                self._progress = None

    def _update_bar(self) -> None:
        if self._progress is None:
            return
        session = self.session
        total = session.duration_s or 1.0
        done = total - (session.remaining_s or 0.0)
        self._progress.update(
            self._progress.task_ids[0],
            description=session.prompt,
            total=total,
            completed=done,
            camera=self._camera_text,
        )

    def _show_cues(self) -> None:
        for cue in self.session.cue_events():
            if cue.kind is CueKind.SAFETY:
                print_prose(cue.text, self.out, style="bold red")
            elif cue.kind is CueKind.COUNT:
                print_prose(cue.text, self.out, hang="  ")
            elif cue.phase in (Phase.SIDE_SWITCH, Phase.INSTRUCTIONS):
                print_prose(cue.text, self.out, style="bold")
            else:
                print_prose(cue.text, self.out)


def _summary(out: Console, record: SessionRecord, names: Mapping[str, str]) -> None:
    rows = []
    for item in record.items:
        if item.reps_done:
            done = f"{item.reps_done} rep{'' if item.reps_done == 1 else 's'}"
        else:
            done = f"{item.holds_done} hold{'' if item.holds_done == 1 else 's'}"
        if item.sides_done:
            done += f" ({', '.join(item.sides_done)})"
        spread = {None: "-", True: "yes", False: "no"}[item.spread_down_leg]
        pain = "-" if item.pain is None else f"{item.pain}/10"
        rows.append(
            (
                names.get(item.exercise_id, item.exercise_id),
                done + ("" if item.completed else ", partly"),
                pain,
                spread,
            )
        )
    print_table("Today's session", ("Exercise", "Done", "Pain after", "Spread"), rows, out)
    if record.status == "stopped":
        reason = str(record.stop_reason).replace("_", " ")
        print_prose(f"Stopped ({reason}). What you did is kept.", out)
    else:
        print_prose("All done for today. Well done.", out)


# --- the use cases (the only places this module touches the database) -----------------------


def todays_session(ctx: PatientContext) -> sessions.SessionProgram:
    """Today's session: the seed exercises due today, then the clinician's custom ones."""
    return sessions.session_program(ctx)


def save_session(
    ctx: PatientContext, record: SessionRecord, started_at: datetime
) -> program_service.ProgramUpdate | None:
    """Keep the session and let progression decide each exercise's next dose from it."""
    saved = sessions.record_session(ctx, sessions.SessionSave(record=record, started_at=started_at))
    return saved.update


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    started_at: datetime
    status: str
    stop_reason: str | None
    stop_note: str | None
    elapsed_s: float
    planned_exercises: list[str] | None
    items: list[dict[str, Any]]


def saved_sessions(ctx: PatientContext, limit: int | None) -> list[HistoryEntry]:
    """The local profile's sessions, newest first; each result with its exercise's name (a
    clinician's custom exercise is stored under its key)."""
    from sciatica_care.store import exercise_sessions

    names = sessions.exercise_names(ctx)
    return [
        HistoryEntry(
            id=row.id,
            started_at=row.started_at,
            status=row.status,
            stop_reason=row.stop_reason,
            stop_note=row.stop_note,
            elapsed_s=row.elapsed_s,
            planned_exercises=row.planned_exercises,
            items=[
                {
                    **exercise_sessions.result_json(item),
                    "name": names.get(item.exercise_id, item.exercise_id),
                }
                for item in row.items
            ],
        )
        for row in sessions.history(ctx, limit=limit)
    ]


# --- commands ---------------------------------------------------------------------------------


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"SCIATICA_{str(e['loc'][0]).upper()}: {e['msg']}" for e in exc.errors()
        )
        fail(problems)


def session_command(
    speed: float | None = typer.Option(
        None,
        "--speed",
        help="Run N times faster than real time (demos, tests). Default: SCIATICA_SPEED or 1.",
    ),
    camera: int | None = CameraOption,
    camera_landmarks: Path | None = CameraLandmarksOption,
    camera_aspect: str | None = CameraAspectOption,
    json_output: bool = JsonOption,
) -> None:
    """Do today's exercises with guidance: steps, a rep pacer, hold timers and a pain check."""
    settings = _settings()
    speed = settings.speed if speed is None else speed
    if speed <= 0:
        fail(f"--speed must be more than 0, not {speed:g}")
    out = err_console if json_output else console
    keyboard = Keyboard(sys.stdin)

    def ask(question: str) -> str | None:
        out.print(question, end="")
        return keyboard.line()

    # a camera that cannot be used is refused here, before anything starts
    eye = open_session_camera(camera, camera_landmarks, camera_aspect)
    with eye if eye is not None else nullcontext():
        ensure_program_open(out, None if json_output else ask)
        with local_context() as ctx:
            try:
                library = exercise_library()
                today = todays_session(ctx)
            except (ContentError, StoreError) as exc:
                fail(str(exc))
            _run(ctx, today, library, out, keyboard, speed, json_output, eye)


def _run(
    ctx: PatientContext,
    today: sessions.SessionProgram,
    library: ExerciseLibrary,
    out: Console,
    keyboard: Keyboard,
    speed: float,
    json_output: bool,
    camera: SessionCamera | None = None,
) -> None:
    """Play today's program, save it, and say what changed."""
    program = today.planned
    for item in today.todays.resting:
        until = item.current.paused_until
        when = f"until {until.isoformat()}" if until and item.current.active else "for now"
        print_prose(
            f"[bold]{escape(item.exercise.name)}[/] rests {when}: {escape(item.current.reason or '')}",
            out,
            markup=True,
        )
    if not program:
        out.print("No exercises today. Keep gently active, and see `sciatica plan`.")
        if json_output:
            print_json({"status": "rest_day", "items": [], "progression": None})
        return
    session = Session(program)
    display = CameraDisplay(camera, out) if camera is not None else None
    if display is not None:
        display.advise(session)
    player = TerminalPlayer(
        session, library, out, keyboard, speed=speed, customs=today.customs, camera=display
    )
    started_at = ctx.clock.now_fn()
    record = player.run()
    names = {exercise.id: exercise.name for exercise in library.exercises}
    names |= {key: custom.name for key, custom in today.customs.items()}
    _summary(out, record, names)
    seen = {"camera": camera_json(camera)} if camera is not None else {}
    if camera is not None:
        camera_summary(out, record, camera.counts(), names)
    try:
        update = save_session(ctx, record, started_at)
    except StoreError as exc:
        if json_output:
            print_json({**record.model_dump(mode="json"), **seen})
        fail(f"the session could not be saved: {exc}")
    if update is not None:
        show_update(out, update)
    if record.stop_reason in SAFETY_STOPS and not (update and update.red_flag_screen):
        print_prose(
            "Before your next session, answer the safety questions: sciatica screen --recheck",
            out,
            style="bold",
        )
    if json_output:
        progression = update.to_json() if update is not None else None
        print_json({**record.model_dump(mode="json"), "progression": progression, **seen})


def history_command(
    limit: int = typer.Option(20, "--limit", min=1, help="How many sessions to show."),
    json_output: bool = JsonOption,
) -> None:
    """List your past sessions, newest first."""
    with local_context() as ctx:
        entries = saved_sessions(ctx, limit)
    if json_output:
        print_json(
            [{**asdict(entry), "started_at": entry.started_at.isoformat()} for entry in entries]
        )
        return
    if not entries:
        console.print("No sessions yet. Start one with: sciatica session")
        return
    rows = []
    for entry in entries:
        done = sum(1 for item in entry.items if item["completed"])
        planned = len(entry.planned_exercises or []) or len(entry.items)
        pains = [item["pain"] for item in entry.items if item["pain"] is not None]
        status = entry.status
        if entry.stop_reason:
            status += f" ({entry.stop_reason.replace('_', ' ')})"
        rows.append(
            (
                machine_clock().local(entry.started_at).strftime("%Y-%m-%d %H:%M"),
                status,
                f"{done} of {planned}",
                f"{max(pains)}/10" if pains else "-",
            )
        )
    print_table("Your sessions", ("Date", "Status", "Exercises done", "Highest pain"), rows)


def register(app: typer.Typer) -> None:
    app.command("session")(session_command)
    app.command("history")(history_command)
