"""The ``sciatica`` console script: a kept output when one fits, else the full program.

Why a separate entry point: ``cli/main.py`` imports Typer and Rich, and a command's module
brings pydantic and SQLAlchemy; a help text or an unchanged plan needs none of them
(``kept_output``). This module imports only the standard library and ``kept_output`` until it
knows the full program must run.
"""

from __future__ import annotations

import sys


def run() -> None:
    """Show the kept output of ``sciatica <args>`` if it still holds, else run the command (and
    keep its output when it may be kept)."""
    from sciatica_care.cli import kept_output

    try:
        request = kept_output.request_for(sys.argv[1:])
        text = request.kept_text() if request is not None else None
    except Exception:  # keeping only saves time: any doubt runs the full command
        request, text = None, None
    if text is not None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from sciatica_care.cli.main import run as run_in_full

    if request is None:
        run_in_full()
        return
    with request.recording():
        run_in_full()
