"""``sciatica progression``: what the pain response says about one exercise's next dose.

Reads one exercise's history in the §8.3 format (clinical-spec.md §8.3) and prints the decision of
``domain/progression.py``: the reason in plain words, or the §8.3 JSON with ``--json``. It changes
nothing in the database; it is the same rule the program applies after each session.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.panel import Panel
from rich.text import Text

from sciatica_care.cli.output import (
    JsonOption,
    console,
    fail,
    print_json,
    read_json_file,
)
from sciatica_care.content.errors import ContentError
from sciatica_care.content.exercises import Exercise, exercise_library
from sciatica_care.domain.progression import (
    ProgressionAction,
    ProgressionDecision,
    ProgressionError,
    decide,
    dose_text,
    read_input,
)
from sciatica_care.domain.wording import spelled_date

_HEADLINES = {
    ProgressionAction.PROGRESS: ("Step up", "bold green"),
    ProgressionAction.HOLD: ("Same dose", "bold cyan"),
    ProgressionAction.REGRESS: ("Step back", "bold yellow"),
    ProgressionAction.PAUSE: ("Pause this exercise", "bold red"),
}


def progression(
    input_file: Path = typer.Option(
        ...,
        "--input",
        help="One exercise's history as JSON (clinical-spec.md §8.3); '-' reads standard input.",
    ),
    suggest: bool = typer.Option(
        False,
        "--suggest",
        help="Automatic progression off: show the decision as a suggestion to accept.",
    ),
    json_output: bool = JsonOption,
) -> None:
    """Decide the next dose of one exercise from how your pain responded. Not a diagnosis."""
    data = read_json_file(input_file)
    where = "input" if str(input_file) == "-" else input_file.name
    try:
        request = read_input(data)
    except ProgressionError as exc:
        fail(f"{where}: {exc}")
    if suggest:
        request = request.model_copy(update={"automatic": False})
    try:
        exercise = exercise_library().get(request.exercise)
    except ContentError as exc:
        fail(f"{where}: exercise: {exc}")
    try:
        decision = decide(request, exercise)
    except ProgressionError as exc:
        fail(f"{where}: {exc}")
    if json_output:
        print_json(decision.model_dump(mode="json"))
        return
    show_decision(decision, exercise)


def show_decision(decision: ProgressionDecision, exercise: Exercise) -> None:
    """The decision as a short panel: what to do, the dose, the reason, any review advice."""
    headline, style = _HEADLINES[decision.action]
    if decision.requires_acceptance:
        headline = f"Suggested: {headline.lower()}"
    body = Text()
    level = exercise.level(decision.next_level)
    if decision.remove_exercise:
        body.append("Leave this exercise out of your program for now.\n", style="bold")
    else:
        body.append("Next: ", style="bold")
        body.append(f"{level.name} (level {level.level}), ")
        body.append(dose_text(exercise, decision.next_dose))
        if decision.resume_on:
            body.append(f", from {spelled_date(decision.resume_on)}")
        body.append("\n")
    body.append(decision.reason)
    if decision.red_flag_screen:
        body.append("\nRun `sciatica screen` to answer the safety questions.", style="bold")
    title = f"{exercise.name}: {headline}"
    console.print(Panel(body, title=title, title_align="left", border_style=style))
    if decision.requires_acceptance:
        console.print("This is a suggestion. Your dose changes only if you accept it.")


def register(app: typer.Typer) -> None:
    app.command()(progression)
