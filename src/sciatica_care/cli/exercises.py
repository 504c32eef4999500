"""``sciatica exercises``: the exercise library as a person reads it, and its pictures.

``sciatica exercises`` lists the program with standard doses; ``show ID`` prints one exercise in
full; ``picture ID --out FILE`` writes its animated (or ``--static``) SVG.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from sciatica_care.cli.output import JsonOption, console, fail, print_json
from sciatica_care.content import ContentError
from sciatica_care.content.exercises import Dose, DoseKind, Exercise, exercise_library
from sciatica_care.reports.exercise_guide import dose_text
from sciatica_care.reports.exercise_picture import render_exercise_svg

STANDARD_LEVEL = 2


def _find(exercise_id: str) -> Exercise:
    try:
        return exercise_library().get(exercise_id)
    except ContentError as exc:
        fail(str(exc))


def _dose_data(dose: Dose, kind: DoseKind) -> dict[str, Any]:
    return {**dose.model_dump(), "text": dose_text(dose, kind)}


def _summary_data(exercise: Exercise) -> dict[str, Any]:
    return {
        "id": exercise.id,
        "name": exercise.name,
        "summary": exercise.summary,
        "kind": exercise.kind.value,
        "sides": exercise.sides,
        "standard_dose": _dose_data(exercise.level(STANDARD_LEVEL).dose, exercise.kind),
    }


def _detail_data(exercise: Exercise) -> dict[str, Any]:
    return {
        **_summary_data(exercise),
        "position": exercise.position,
        "steps": exercise.steps,
        "cues": exercise.cues,
        "stop_if": exercise.stop_if,
        "caution": exercise.caution,
        "side_labels": list(exercise.side_labels) if exercise.sides == "both" else [],
        "rest_s": exercise.rest_s,
        "limits": {
            "max_reps": exercise.max_reps,
            "max_hold_s": exercise.max_hold_s,
            "max_sets": exercise.max_sets,
        },
        "levels": [
            {
                "level": lv.level,
                "name": lv.name,
                "description": lv.description,
                "dose": _dose_data(lv.dose, exercise.kind),
            }
            for lv in exercise.levels
        ],
    }


def list_exercises(json_output: bool = JsonOption) -> None:
    """List the exercises of the program, in order, with their standard dose."""
    library = exercise_library()
    if json_output:
        print_json(
            {
                "version": library.version,
                "exercises": [_summary_data(e) for e in library.exercises],
            }
        )
        return
    table = Table(title=f"Exercises (content {library.version})", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("Id", style="cyan", no_wrap=True)
    table.add_column("Exercise")
    table.add_column("Standard dose")
    for number, exercise in enumerate(library.exercises, start=1):
        table.add_row(
            str(number),
            exercise.id,
            f"[bold]{exercise.name}[/]\n{exercise.summary}",
            dose_text(exercise.level(STANDARD_LEVEL).dose, exercise.kind),
        )
    console.print(table)
    console.print("Details: [cyan]sciatica exercises show ID[/]")


def show(
    exercise_id: str = typer.Argument(..., metavar="ID", help="Exercise id, e.g. knee-to-chest."),
    json_output: bool = JsonOption,
) -> None:
    """Show one exercise: position, steps, cues, dose, when to stop, easier and harder versions."""
    exercise = _find(exercise_id)
    if json_output:
        print_json(_detail_data(exercise))
        return
    console.print(f"[bold]{exercise.name}[/] ([cyan]{exercise.id}[/])")
    console.print(exercise.summary)
    console.print("\n[bold]Position[/]")
    console.print(exercise.position)
    console.print("\n[bold]Steps[/]")
    for number, step in enumerate(exercise.steps, start=1):
        console.print(f"  {number}. {step}")
    console.print("\n[bold]Tips[/]")
    for cue in exercise.cues:
        console.print(f"  - {cue}")
    standard = exercise.level(STANDARD_LEVEL)
    console.print("\n[bold]Dose[/]")
    console.print(
        f"  {dose_text(standard.dose, exercise.kind)}. Rest {exercise.rest_s} s between sets."
    )
    console.print("\n[bold red]Stop if[/]")
    for reason in exercise.stop_if:
        console.print(f"  - {reason}")
    if exercise.caution:
        console.print(f"\n[bold yellow]Caution:[/] {exercise.caution}")
    console.print("\n[bold]Easier and harder[/]")
    for lv in exercise.levels:
        console.print(
            f"  Level {lv.level}, {lv.name}: {lv.description} ({dose_text(lv.dose, exercise.kind)})"
        )


def picture(
    exercise_id: str = typer.Argument(..., metavar="ID", help="Exercise id, e.g. pelvic-tilt."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="SVG file to write (default: ID.svg; '-' for standard output)."
    ),
    static: bool = typer.Option(False, "--static", help="One still frame (for thumbnails)."),
) -> None:
    """Write the exercise's picture as a standalone SVG (animated unless --static)."""
    exercise = _find(exercise_id)
    svg = render_exercise_svg(exercise, static=static)
    if out is not None and str(out) == "-":
        typer.echo(svg, nl=False)
        return
    target = out or Path(f"{exercise.id}.svg")
    try:
        target.write_text(svg, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror}")
    console.print(f"Wrote {target}")


def register(app: typer.Typer) -> None:
    """Add the ``exercises`` group; with no subcommand it lists the exercises."""
    group = typer.Typer(help="The exercises of the program: list, details and pictures.")

    @group.callback(invoke_without_command=True)
    def exercises(ctx: typer.Context, json_output: bool = JsonOption) -> None:
        """The exercises of the program: list, details and pictures."""
        if ctx.invoked_subcommand is None:
            list_exercises(json_output)

    group.command("list")(list_exercises)
    group.command("show")(show)
    group.command("picture")(picture)
    app.add_typer(group, name="exercises")
