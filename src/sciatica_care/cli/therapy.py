"""``sciatica therapy heat|cold``: a pack timer that puts skin safety first (clinical-spec.md §5).

In order: the gap since the last pack (refused with a clear time when too soon), the
contraindication questions (in full the first time, then "has anything changed?"), the safety
texts, a skin check, the timer (a Rich progress bar; ``--speed`` runs it faster for demos and
tests), the alarm, a skin check after, and the use is logged. The rules and the timer are
``domain.therapy``; this module only drives them with a clock and a keyboard.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from sciatica_care.cli.local import local_context, machine_clock
from sciatica_care.cli.output import (
    JsonOption,
    console,
    err_console,
    fail,
    print_json,
    print_prose,
)
from sciatica_care.cli.prompts import InputEnded, ask_choice, ask_yes_no
from sciatica_care.cli.session import FRAME_S, Keyboard
from sciatica_care.domain.therapy import (
    StopReason,
    TherapyError,
    TherapyKind,
    TherapyTimer,
    TimerPhase,
    contraindication_questions,
    safety_texts,
    start_timer,
)
from sciatica_care.services import therapy as therapy_service

_STOP_CHOICES: dict[str, StopReason] = {
    "1": "skin_numb",
    "2": "skin_changed",
    "3": "pain_increased",
    "4": "other",
}
NOT_NOW = 1
"""Exit code when a pack is not advised or it is too soon (not a usage error, which is 2)."""


def therapy(
    kind: TherapyKind = typer.Argument(..., help="heat or cold."),
    minutes: float | None = typer.Option(
        None, "--minutes", help="How long (cold up to 15, heat up to 20). Default: the shortest."
    ),
    speed: float = typer.Option(
        1.0, "--speed", help="Run the timer N times faster than real time (demos, tests)."
    ),
    json_output: bool = JsonOption,
) -> None:
    """Time a heat or cold pack, with skin checks before and after."""
    if speed <= 0:
        fail(f"--speed must be more than 0, not {speed:g}")
    try:
        timer = start_timer(kind, minutes)
    except TherapyError as exc:
        fail(str(exc))
    out = err_console if json_output else console
    with local_context() as ctx:
        gap = therapy_service.gap_status(ctx.db, ctx.patient_id, kind)
        due = therapy_service.questions_due(ctx.db, ctx.patient_id, kind)
    if not gap.allowed:
        _refuse(json_output, gap.message, {"next_allowed_at": gap.next_allowed_at.isoformat()})
    try:
        _contraindications(out, kind, due, json_output)
        out.print(Text("Keep your skin safe:", style="bold"))
        for text in safety_texts(kind):
            print_prose(text, out, hang="- ")
        timer = timer.skin_checked(ask_yes_no(out, timer.prompt, unsure=False) == "yes")
    except InputEnded:
        fail("stopped before the pack went on; nothing was logged")
    if timer.phase is TimerPhase.STOPPED:
        _refuse(json_output, timer.prompt, {})
    started_at = machine_clock().now()
    timer = _run(out, timer, speed)
    out.print(Text(timer.prompt, style="bold"))
    try:
        skin_ok = ask_yes_no(out, "Is your skin fine?", unsure=False) == "yes"
    except InputEnded:
        skin_ok = False
    timer = timer.skin_checked(skin_ok)
    use = timer.use(started_at)
    detail = {
        "planned_minutes": timer.planned_s / 60,
        "skin_ok_before": True,
        "skin_ok_after": timer.skin_ok_after,
        "stop_reason": timer.stop_reason,
        "alarm": timer.alarm,
    }
    with local_context() as ctx:
        after = therapy_service.save_timed_use(ctx.db, ctx.patient_id, use, detail)
    if json_output:
        print_json(
            {
                "kind": kind.value,
                "started_at": use.started_at.isoformat(),
                "duration_s": use.duration_s,
                **detail,
                "next_allowed_at": after.next_allowed_at.isoformat(),
                "message": timer.prompt,
            }
        )
        return
    console.print(Text(timer.prompt))
    console.print(f"Next {kind.value} pack: not before {after.next_allowed_at.strftime('%H:%M')}.")


def _refuse(json_output: bool, message: str, extra: dict[str, Any]) -> NoReturn:
    """Not now: the message, and exit 1 (this is advice, not a mistake in the command)."""
    if json_output:
        print_json({"allowed": False, "message": message, **extra})
    else:
        console.print(Text(message, style="bold yellow"))
    raise typer.Exit(code=NOT_NOW)


def _contraindications(
    out: Console, kind: TherapyKind, due: therapy_service.QuestionsDue, json_output: bool
) -> None:
    """All questions the first time and after 30 days; otherwise only whether anything changed
    (clinical-spec.md §5, the same rule as the pages: ``services.therapy.questions_due``)."""
    if due.changed_question is not None and ask_yes_no(out, due.changed_question) == "no":
        return
    out.print(f"[bold]Before you use {kind.value}[/] (y = yes, n = no, u = not sure):")
    answers = {q.id: ask_yes_no(out, q.text) for q in contraindication_questions(kind)}
    with local_context() as ctx:
        advice = therapy_service.answer_questions(ctx.db, ctx.patient_id, kind, answers)
    if advice.outcome != "ok":
        _refuse(json_output, advice.message, {"advice": advice.outcome})
    print_prose(advice.message, out)


def _run(out: Console, timer: TherapyTimer, speed: float) -> TherapyTimer:
    """Tick the timer with the real clock (times ``speed``) until the alarm or a stop."""
    keyboard = Keyboard(sys.stdin)
    wants_stop = False
    if keyboard.interactive:
        out.print("[dim]Press s to take the pack off early.[/]")
    try:
        with keyboard.keys(), _bar(out, timer) as update:
            last = time.monotonic()
            while timer.phase is TimerPhase.RUNNING:
                key = keyboard.key(min(FRAME_S, timer.remaining_s / speed))
                now = time.monotonic()
                timer = timer.tick((now - last) * speed)
                last = now
                update(timer)
                if key == "s":
                    wants_stop = True
                    break
    except KeyboardInterrupt:
        return timer.stop("other")
    if wants_stop:
        out.print("Why? 1 skin numb  2 skin changed colour or blistered  3 more pain  4 other")
        try:
            reason: StopReason = ask_choice(
                out, "Choose 1-4", _STOP_CHOICES, "Please type 1, 2, 3 or 4."
            )
        except InputEnded:
            reason = "other"
        timer = timer.stop(reason)
    return timer


@contextmanager
def _bar(out: Console, timer: TherapyTimer) -> Iterator[Any]:
    """A live progress bar on a terminal; one plain line otherwise."""
    if not out.is_terminal:
        out.print(f"Timer: {timer.planned_s / 60:g} minutes. Keep a layer between pack and skin.")
        yield lambda _timer: None
        return
    progress = Progress(
        TextColumn(f"{timer.kind.value.capitalize()} pack"),
        BarColumn(),
        TimeRemainingColumn(),
        console=out,
        transient=True,
    )
    with progress:
        task = progress.add_task("", total=timer.planned_s)

        def update(current: TherapyTimer) -> None:
            progress.update(task, completed=current.elapsed_s)

        yield update


def register(app: typer.Typer) -> None:
    app.command()(therapy)
