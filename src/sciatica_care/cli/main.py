"""The ``sciatica`` application: registers each command group, and is where no error gets past.

Commands turn bad input into one line and exit 2 themselves (``output.fail``). Whatever escapes a
command is caught here: usage errors and explicit exits keep their codes, Ctrl-C prints "Stopped."
(exit 130), and any other exception prints one line naming its type and the log file that holds
the traceback (exit 1). No traceback ever reaches the person using the program.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from sciatica_care.cli import (
    admin,
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
    track,
)
from sciatica_care.cli.output import (
    STOPPED_CODE,
    report_stopped,
    report_unexpected,
    stopped,
    unexpected,
)


class SciaticaGroup(TyperGroup):
    """The top-level command group, wrapping every command in the error handling of this module."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException, EOFError):
            raise
        except KeyboardInterrupt:
            stopped()
        except Exception as exc:
            unexpected(exc, ctx.invoked_subcommand)


app = typer.Typer(
    name="sciatica",
    help="Sciatica Care: screening, a guided exercise program, a pain diary. Not a diagnosis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=SciaticaGroup,
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
admin.register(app)
track.register(app)


def run() -> None:
    """Entry point of the console script; the last guard for anything raised outside a command."""
    try:
        app()
    except KeyboardInterrupt:
        report_stopped()
        raise SystemExit(STOPPED_CODE) from None
    except Exception as exc:
        report_unexpected(exc)
        raise SystemExit(1) from None
