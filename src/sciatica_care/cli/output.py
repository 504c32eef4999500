"""Shared edges of the CLI: the console, JSON output and the one way a command fails (exit 2)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console

console = Console()
err_console = Console(stderr=True)

JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON instead of text.")


def print_json(data: Any) -> None:
    """Write JSON to stdout untouched by Rich (no wrapping, no colour), so scripts can parse it."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def fail(message: str) -> NoReturn:
    """One clear line on stderr and exit code 2: how every bad input ends, never a traceback."""
    err_console.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
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
