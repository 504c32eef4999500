"""The ``sciatica`` application: finds each command lazily, and is where no error gets past.

Every command pays for the start-up of the program, so nothing heavy is imported here: a command's
module (and whatever it needs: the web app, charts, PDF, the camera) is imported only when that
command runs or shows its own help. ``sciatica --help`` lists the commands from ``COMMANDS``, a
static table of names and one-line help that ``tests/cli/test_cli_startup.py`` keeps equal to what
the modules register.

Commands turn bad input into one line and exit 2 themselves (``output.fail``). Whatever escapes a
command is caught here: usage errors and explicit exits keep their codes, Ctrl-C prints "Stopped."
(exit 130), a full database says so in one line (exit 2, like every refusal), and any other
exception prints one line naming its type and the log file that holds the traceback (exit 1). No
traceback ever reaches the person using the program.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

import typer
from typer.core import TyperCommand, TyperGroup

from sciatica_care.cli.output import (
    STOPPED_CODE,
    fail,
    report_stopped,
    report_unexpected,
    stopped,
    unexpected,
)
from sciatica_care.store.errors import StorageFull


class CommandEntry(NamedTuple):
    """One top-level command: its name, the ``sciatica_care.cli`` module whose ``register(app)``
    adds it, and the first paragraph of its help as ``sciatica --help`` lists it."""

    name: str
    module: str
    help: str


COMMANDS: tuple[CommandEntry, ...] = (
    CommandEntry("serve", "serve", "Start the web app and print its address."),
    CommandEntry(
        "export",
        "data",
        "Export everything you have recorded (JSON restores with `sciatica import`).",
    ),
    CommandEntry(
        "import",
        "data",
        "Restore your data from an export. It replaces what is stored now, all or nothing.",
    ),
    CommandEntry(
        "session",
        "session",
        "Do today's exercises with guidance: steps, a rep pacer, hold timers and a pain check.",
    ),
    CommandEntry("history", "session", "List your past sessions, newest first."),
    CommandEntry(
        "screen",
        "screen",
        "Answer the safety questions and see what to do next. Not a diagnosis.",
    ),
    CommandEntry(
        "learn",
        "learn",
        "Read about sciatica: what it is, causes, what helps, warning signs.",
    ),
    CommandEntry(
        "progression",
        "progression",
        "Decide the next dose of one exercise from how your pain responded. Not a diagnosis.",
    ),
    CommandEntry(
        "checkin",
        "checkin",
        "Record today's pain, where it reaches, the daily safety questions and a few notes.",
    ),
    CommandEntry(
        "questionnaire",
        "questionnaire",
        "Answer a questionnaire that tracks your progress, or see which are due.",
    ),
    CommandEntry(
        "therapy",
        "therapy",
        "Time a heat or cold pack, with skin checks before and after.",
    ),
    CommandEntry(
        "chart",
        "chart",
        "Draw leg and back pain over time, how far down the leg it reaches, and your sessions.",
    ),
    CommandEntry("settings", "preferences", "Show or change your preferences."),
    CommandEntry(
        "report",
        "report",
        "Write a PDF report of your diary to share with your clinician. Not a diagnosis.",
    ),
    CommandEntry(
        "track",
        "track",
        "Count reps and time holds from a video, a camera or recorded landmarks. Private: the\n"
        "video never leaves this computer.",
    ),
    CommandEntry(
        "exercises",
        "exercises",
        "The exercises of the program: list, details and pictures.",
    ),
    CommandEntry("plan", "plan", "Today's doses, why they changed, and suggestions to accept."),
    CommandEntry(
        "admin",
        "admin",
        "For the operator of a shared (clinic) install: migrate, back up, restore, clinicians.",
    ),
)
"""In the order ``sciatica --help`` lists them (Typer's: single commands first, then groups)."""

_ENTRIES = {entry.name: entry for entry in COMMANDS}
_LISTING = "sciatica.listing"
"""Set in ``ctx.meta`` while the top-level help is written: commands are then their table rows."""


def module_commands(module: str) -> dict[str, Any]:
    """The commands ``sciatica_care.cli.<module>`` registers, built as Typer builds them."""
    registering = typer.Typer()
    importlib.import_module(f"sciatica_care.cli.{module}").register(registering)
    return dict(typer.main.get_group(registering).commands)


class SciaticaGroup(TyperGroup):
    """The top-level command group: lazy commands, each wrapped in the error handling above.

    Typer's Click is its own (``typer._click``), hence ``Any`` for its context and formatter.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        return [entry.name for entry in COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = _ENTRIES.get(cmd_name)
        if entry is None:
            return None
        if ctx.meta.get(_LISTING):
            return TyperCommand(entry.name, help=entry.help)
        return module_commands(entry.module).get(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        ctx.meta[_LISTING] = True
        try:
            super().format_help(ctx, formatter)
        finally:
            del ctx.meta[_LISTING]

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """Typer suggests close names from the commands it holds; ours come from the table."""
        try:
            return super().resolve_command(ctx, args)
        except typer.TyperException as error:  # Click's UsageError, as Typer vendors it
            from difflib import get_close_matches  # only for a mistyped command

            matches = get_close_matches(args[0], list(_ENTRIES)) if args else []
            if matches and "Did you mean" not in error.message:
                suggestions = ", ".join(f"{match!r}" for match in matches)
                error.message = f"{error.message.rstrip('.')}. Did you mean {suggestions}?"
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException, EOFError):
            raise
        except KeyboardInterrupt:
            stopped()
        except StorageFull as exc:
            fail(str(exc))
        except Exception as exc:
            unexpected(exc, ctx.invoked_subcommand)


def _no_options() -> None:
    """``sciatica`` itself takes no options; a callback makes Typer build a group of no commands
    registered up front (``SciaticaGroup`` finds them)."""


app = typer.Typer(
    name="sciatica",
    help="Sciatica Care: screening, a guided exercise program, a pain diary. Not a diagnosis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=SciaticaGroup,
    callback=_no_options,
)


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
