"""``sciatica plan``: today's doses and why, and ``sciatica plan accept`` for a waiting suggestion.

The doses come from ``services.program`` (clinical-spec.md §4.1–4.3 decisions applied after each
session and morning), behind the program gate (``services.gate``): while it is closed the command
says why and exits 1; while step-ups are held (§9 ruling 4) it says so, and
``sciatica plan clinician-seen`` records that a clinician has seen the person. With automatic progression off, decisions wait here as suggestions until
the person accepts them. ``show_update`` prints what changed after a session or a check-in; the
session and check-in commands use it too, so a decision reads the same everywhere.

A clinician's prescription (issue 10 item 3) shows as on Today: their note, their changes of the
last 14 days ("Sam Lee, PT changed your program on Tuesday 1 December: ...") and their own
exercises with instructions, steps and dose; ``--json`` carries ``prescribed_by``, ``note``,
``changes`` and ``custom_exercises``.
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text

from sciatica_care.cli.local import local_context
from sciatica_care.cli.output import JsonOption, console, print_json, print_prose
from sciatica_care.content.exercises import exercise_library
from sciatica_care.domain.progression import ProgressionAction
from sciatica_care.domain.session import build_program
from sciatica_care.domain.wording import spelled_date
from sciatica_care.services import prescribing, program
from sciatica_care.services.errors import ProgramClosed
from sciatica_care.services.gate import HOLD_MESSAGE

_STYLES = {
    ProgressionAction.PROGRESS: "green",
    ProgressionAction.HOLD: "cyan",
    ProgressionAction.REGRESS: "yellow",
    ProgressionAction.PAUSE: "bold red",
}

plan_app = typer.Typer(
    help="Today's doses, why they changed, and suggestions to accept.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def show_update(out: Console, update: program.ProgramUpdate) -> None:
    """Each decision's reason, then what it asks of the person (review, safety questions)."""
    if not update.decisions and not update.notes:
        return
    out.print("[bold]Your program[/]")
    for outcome in update.decisions:
        style = _STYLES[outcome.decision.action]
        line = f"[{style}]{escape(outcome.exercise_name)}:[/] {escape(outcome.decision.reason)}"
        print_prose(line, out, markup=True)
        if outcome.status == program.SUGGESTED:
            print_prose("This is a suggestion: it waits for you.", out, hang="  ")
            print_prose(f"To accept: sciatica plan accept {outcome.exercise_id}", out, hang="  ")
    for note in update.notes:
        print_prose(note, out)
    if update.red_flag_screen:
        print_prose(
            "Run `sciatica screen --recheck` to answer the safety questions again.",
            out,
            style="bold",
        )


def show_prescription(prescribed: prescribing.PatientPrescription) -> None:
    """The clinician's note and their recent changes, as Today shows them."""
    if prescribed.note:
        console.print()
        print_prose(
            f"[bold]Note from {escape(prescribed.prescribed_by or 'your clinician')}:[/] "
            f"{escape(prescribed.note)}",
            markup=True,
        )
    for change in prescribed.changes:
        sentences = "; ".join(change.sentences)
        print_prose(
            f"{change.clinician} changed your program on {spelled_date(change.day)}: {sentences}."
        )
        if change.reason:
            print_prose(f"Why: {change.reason}", hang="  ")


def show_custom(prescribed: prescribing.PatientPrescription) -> None:
    """Exercises the clinician wrote: done on your own, outside the guided session."""
    for custom in prescribed.custom_exercises:
        console.print()
        done = " (done today)" if custom.done_today else ""
        print_prose(
            f"[bold]{escape(custom.name)}[/]: {escape(custom.dose_text)}{done}", markup=True
        )
        print_prose(custom.instructions, hang="  ")
        for number, step in enumerate(custom.steps, 1):
            print_prose(f"  {number}. {step}", hang="     ")
    if prescribed.custom_exercises:
        print_prose(
            "Do these on your own, at the dose shown: they are not part of `sciatica session`.",
            style="dim",
        )


@plan_app.callback()
def plan(ctx: typer.Context, json_output: bool = JsonOption) -> None:
    """Show today's doses with the reason for each, and suggestions waiting for you."""
    if ctx.invoked_subcommand is not None:
        return
    with local_context() as patient:
        view = program.view_today(patient)
        if view.program is None:
            if json_output:
                print_json({"gate": view.gate.to_json()})
            raise ProgramClosed(view.gate)
        prescribed = prescribing.recent_changes_for_patient(patient)
    todays = view.program
    today = todays.day
    if json_output:
        print_json({**todays.to_json(), **prescribed.to_json(), "gate": view.gate.to_json()})
        return
    library = exercise_library()
    planned = {
        p.exercise_id: p
        for p in build_program(
            library,
            {item.exercise.id: (item.current.level, item.current.dose) for item in todays.items},
        )
    }
    console.print(f"[bold]Your program for {today.isoformat()}[/]")
    show_prescription(prescribed)
    for item in todays.items:
        level = item.exercise.level(item.current.level)
        dose = f"{planned[item.exercise.id].dose_text} ({escape(level.name)}, level {level.level})"
        if not item.current.active:
            dose = "left out: ask your clinician before doing it again"
        elif item.resting and item.current.paused_until:
            dose = f"resting until {item.current.paused_until.isoformat()}, then {dose}"
        console.print()
        print_prose(f"[bold]{escape(item.exercise.name)}[/]: {dose}", markup=True)
        reason = Text(item.current.reason or "Starting dose.", style="dim")
        console.print(Padding(reason, (0, 0, 0, 2)))
    show_custom(prescribed)
    console.print()
    if view.gate.hold_step_ups:
        print_prose(HOLD_MESSAGE, style="bold")
        print_prose("When a clinician has seen you: sciatica plan clinician-seen")
    mode = "on" if todays.automatic else "off (changes wait for you to accept them)"
    print_prose(f"Automatic progression: {mode}. Change it with: sciatica settings")
    for suggestion in todays.suggestions:
        print_prose(
            f"[bold]Suggested for {escape(suggestion.exercise_name)}:[/] "
            f"{escape(suggestion.decision.reason)}",
            markup=True,
        )
        print_prose(f"To accept: sciatica plan accept {suggestion.exercise_id}", hang="  ")


@plan_app.command("accept")
def accept(
    exercise: str = typer.Argument(..., help="The exercise id, e.g. pelvic-tilt."),
    json_output: bool = JsonOption,
) -> None:
    """Accept the suggested dose change for one exercise."""
    with local_context() as ctx:
        outcome = program.accept(ctx, exercise)
    if json_output:
        print_json(outcome.to_json())
        return
    reason = outcome.decision.reason
    print_prose(
        f"[green]Accepted for {escape(outcome.exercise_name)}:[/] {escape(reason)}", markup=True
    )


@plan_app.command("clinician-seen")
def clinician_seen(json_output: bool = JsonOption) -> None:
    """Record that a clinician has seen you: held step-ups may go ahead again."""
    with local_context() as ctx:
        ended = program.confirm_clinician_seen(ctx)
        gate = program.current_gate(ctx)
    if json_output:
        print_json({"holds_ended": ended, "gate": gate.to_json()})
        return
    console.print("Thank you. Your program can step up again when you are ready.")


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")
