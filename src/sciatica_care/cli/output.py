"""Shared edges of the CLI: the console, JSON output and the ways a command ends badly.

Bad input ends with one line and exit 2 (``fail``). Anything else that goes wrong ends with one line
and exit 1 (``report_unexpected``): the person never sees a traceback; it goes to a private log file
in the data directory, with the exception's type and code frames but not its message, which could
hold what the person typed. Ctrl-C ends with "Stopped." and exit 130.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from io import TextIOWrapper
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sciatica_care import __version__

console = Console()
err_console = Console(stderr=True)

LOG_DIR = "logs"
LOG_NAME = "sciatica.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3

JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON instead of text.")


def print_json(data: Any) -> None:
    """Write JSON to stdout untouched by Rich (no wrapping, no colour), so scripts can parse it."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def print_prose(
    text: str | Text,
    out: Console | None = None,
    *,
    style: str = "",
    markup: bool = False,
    hang: str = "",
) -> None:
    """Print sentences wrapped by Rich at spaces to the console's width, never inside a word.

    ``print(..., soft_wrap=True)`` leaves wrapping to the terminal, which cuts words in two
    ("posi / tion"); every paragraph of the CLI goes through here instead. ``text`` is printed
    as written unless ``markup`` is set (then only for the program's own words, never for what a
    person typed). ``hang`` starts the paragraph (a bullet "- ") and indents the lines after it.
    """
    target = out or console
    if isinstance(text, Text):
        body = text
    else:
        body = Text.from_markup(text, style=style) if markup else Text(text, style=style)
    if not hang:
        lines = body.wrap(target, target.width, overflow="fold")
        for line in lines:
            line.rstrip()  # no space left dangling where a line was broken
        target.print(Text("\n").join(lines), soft_wrap=True)
        return
    grid = Table.grid()
    grid.add_column(width=cell_len(hang), no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(hang, body)
    target.print(grid)


def print_table(
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    out: Console | None = None,
) -> None:
    """A table whose cells wrap at spaces and never cut a word ("Exerci…", "posi / tion").

    Each column is at least as wide as its longest word, and the room left goes to the columns
    that would otherwise wrap most; when a framed table would not fit, the frame is left out.
    """
    target = out or console
    columns = [[header, *(row[i] for row in rows)] for i, header in enumerate(headers)]
    least = [max(_longest_word(cell) for cell in cells) for cells in columns]
    most = [max(cell_len(cell) for cell in cells) for cells in columns]
    framed = sum(least) + 3 * len(least) + 1 <= target.width
    room = target.width - (3 * len(least) + 1 if framed else 2 * (len(least) - 1))
    widths = list(least)
    while sum(widths) < room and any(w < m for w, m in zip(widths, most, strict=True)):
        wider = max(range(len(widths)), key=lambda i: most[i] - widths[i])
        widths[wider] += 1
    table = Table(
        title=title,
        title_justify="left",
        box=box.HEAVY_HEAD if framed else None,
        show_edge=framed,
        pad_edge=framed,
    )
    for header, width in zip(headers, widths, strict=True):
        table.add_column(header, width=width)
    for row in rows:
        table.add_row(*row)
    target.print(table)


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


def fail(message: str) -> NoReturn:
    """One clear line on stderr and exit code 2: how every bad input ends, never a traceback."""
    print_prose(Text.assemble(("Error:", "bold red"), " ", message), err_console)
    raise typer.Exit(code=2)


def read_json_file(path: Path) -> Any:
    """Parse a JSON file named on the command line ("-" reads standard input).

    A file that cannot be read or parsed ends the command with one line naming the file and,
    for a syntax error, where it is.
    """
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"{path}: cannot read ({exc.strerror})")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")


def read_json_object(path: Path, expected: str) -> dict[str, Any]:
    """Like ``read_json_file`` for a JSON object; ``expected`` says what it should hold."""
    data = read_json_file(path)
    if not isinstance(data, dict):
        fail(f"{path.name}: must be a JSON object {expected}")
    return data


# --- the unexpected ----------------------------------------------------------------------------


def _private_handler(path: Path) -> logging.Handler:
    """A rotating log whose files only their owner can read (0600): a traceback shows where the
    program was, and the log lives beside health data. ``logging.handlers`` is imported here,
    only once something failed (every command's start-up would pay for it otherwise)."""
    from logging.handlers import RotatingFileHandler

    class PrivateRotatingFileHandler(RotatingFileHandler):
        def _open(self) -> TextIOWrapper:
            fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            return open(fd, "a", encoding=self.encoding or "utf-8", errors=self.errors)

    return PrivateRotatingFileHandler(
        path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )


def log_file() -> Path:
    """``<data dir>/logs/sciatica.log``; the folder is created private (0700)."""
    from sciatica_care.config import get_settings  # pydantic-settings: only once something failed

    folder = get_settings().data_dir / LOG_DIR
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder / LOG_NAME


def scrubbed_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` and the exceptions it came from, without their messages.

    Only types, files, lines and code are kept: a message can quote a value the person entered
    (a note, an answer), and the log must hold no personal data.
    """
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        cause = current.__cause__
        current = (
            cause if cause is not None or current.__suppress_context__ else current.__context__
        )
    parts: list[str] = []
    for item in reversed(chain):
        kind = type(item)
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_list(traceback.extract_tb(item.__traceback__)))
        parts.append(f"{kind.__module__}.{kind.__qualname__} (message not logged)\n")
    return "".join(parts)


def write_log(exc: BaseException, command: str | None) -> Path | None:
    """Append the scrubbed traceback to the log file; its path, or None if it cannot be written."""
    try:
        path = log_file()
        handler = _private_handler(path)
    except Exception:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger = logging.getLogger("sciatica_care.cli.unexpected")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.error(
            "sciatica %s (version %s): %s\n%s",
            command or "(no command)",
            __version__,
            type(exc).__name__,
            scrubbed_traceback(exc).rstrip("\n"),
        )
    finally:
        logger.removeHandler(handler)
        handler.close()
    return path


def report_unexpected(exc: BaseException, command: str | None = None) -> None:
    """One line on stderr naming the kind of problem and where the details are; logs the rest."""
    path = write_log(exc, command)
    where = f" Details are in {path}" if path is not None else ""
    print_prose(
        Text.assemble(("Something went wrong:", "bold red"), f" {type(exc).__name__}.{where}"),
        err_console,
    )


def unexpected(exc: BaseException, command: str | None = None) -> NoReturn:
    """``report_unexpected`` and exit 1."""
    report_unexpected(exc, command)
    raise typer.Exit(code=1)


STOPPED_CODE = 130
"""The shell's usual exit code after Ctrl-C."""


def report_stopped() -> None:
    """Ctrl-C: one word, no traceback."""
    err_console.print("Stopped.", highlight=False)


def stopped() -> NoReturn:
    """``report_stopped`` and exit 130."""
    report_stopped()
    raise typer.Exit(code=STOPPED_CODE)
