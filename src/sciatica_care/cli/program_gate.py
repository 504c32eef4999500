"""The emergency lock before a terminal session (clinical-spec.md §1, §7.2).

An emergency screen (full or daily) locks the exercise program until the person says a doctor has
assessed them; the web app and the CLI share the rule in ``store.program_access``. Here the
emergency advice is shown again, action first, and the person can lift the lock by answering that
a doctor has checked them; otherwise the session does not start.
"""

from __future__ import annotations

from collections.abc import Callable

import typer
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from sciatica_care.cli.local import local_unit_of_work
from sciatica_care.content.triage import triage_content
from sciatica_care.domain.screening import Action, action_message
from sciatica_care.store import program_access, screenings

LOCKED_EXIT = 1
"""Not a usage error (exit 2): the program is closed for a safety reason."""


def ensure_program_open(out: Console, ask: Callable[[str], str | None] | None) -> None:
    """Return when the program may start; otherwise show why and exit with code 1.

    ``ask`` reads one answer from the person (None when nobody can answer, e.g. ``--json``).
    """
    triage = triage_content()
    with local_unit_of_work() as (session, patient_id):
        access = program_access.program_access(session, patient_id)
        locking = access.locking
        if access.access is program_access.Access.NEEDS_SCREENING:
            out.print(
                "You have not answered the safety questions yet. Please run `sciatica screen` "
                "first; it takes about three minutes.",
                soft_wrap=True,
            )
        if locking is None:
            return
        message = action_message(Action.EMERGENCY_NOW, triage)
        reasons = locking.result.get("reasons") or [{}]
        body = Text()
        body.append(message.headline + "\n", style="bold")
        body.append(f"Why: {reasons[0].get('text', '')}\n")
        body.append(triage.lock_notice)
        out.print(Panel(body, title="EMERGENCY", style="bold white on red3"))
        answer = ask("Has a doctor checked you for this since it started? y / n: ") if ask else None
        if answer is not None and answer.strip().lower() in {"y", "yes"}:
            screenings.acknowledge(session, patient_id, locking.id, assessed=True)
            out.print("Thank you. Follow the advice your doctor gave you. The program is unlocked.")
            return
    raise typer.Exit(code=LOCKED_EXIT)
