"""Shared edges of the CLI: the console, JSON output and the one way a command fails (exit 2)."""

from __future__ import annotations

import json
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
