"""The ``sciatica`` application: registers each command group and turns layer errors into exit 2."""

from __future__ import annotations

import typer

from sciatica_care.cli import (
    chart,
    checkin,
    data,
    exercises,
    learn,
    plan,
    preferences,
    progression,
    questionnaire,
    report,
    screen,
    serve,
    session,
    therapy,
)

app = typer.Typer(
    name="sciatica",
    help="Sciatica Care: screening, a guided exercise program, a pain diary. Not a diagnosis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Command groups register themselves here: app.add_typer(...) or app.command()(...)
exercises.register(app)
serve.register(app)
data.register(app)
session.register(app)
screen.register(app)
learn.register(app)
progression.register(app)
checkin.register(app)
questionnaire.register(app)
therapy.register(app)
chart.register(app)
plan.register(app)
preferences.register(app)
report.register(app)


def run() -> None:
    """Entry point of the console script."""
    app()
