"""The emergency lock before a terminal session (clinical-spec.md §1, §7.2, §9 ruling 1).

An emergency screen (full, partial, daily or re-check) locks the exercise program
(``services.gate``). Here the emergency advice is shown again, action first, and the person can
lift the lock only by answering yes to the §9 ruling 1 question ("Has a doctor checked you for this
since it started, and is it no worse and no different since?"), so a symptom that is worse or
different is never unlocked by a bare "a doctor checked me". The other closed states of the gate
(no screen yet, the safety questions after a RED stop) are refused by the session use case itself.
"""

from __future__ import annotations

from collections.abc import Callable

import typer
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from sciatica_care.cli.local import CLOSED_EXIT, local_context
from sciatica_care.content.triage import triage_content
from sciatica_care.domain.screening import Action, action_message, unlock_question
from sciatica_care.services import screening
from sciatica_care.services.gate import GateState

LOCKED_EXIT = CLOSED_EXIT
"""Not a usage error (exit 2): the program is closed for a safety reason."""
YES = frozenset({"y", "yes"})


def ensure_program_open(out: Console, ask: Callable[[str], str | None] | None) -> None:
    """Return unless an emergency locks the program; then show it and exit 1 unless the person
    answers yes to the unlock question.

    ``ask`` reads one answer from the person (None when nobody can answer, e.g. ``--json``).
    """
    triage = triage_content()
    with local_context() as ctx:
        gate = screening.gate(ctx)
        while gate.state is GateState.LOCKED and gate.locking is not None:
            locking = gate.locking
            message = action_message(Action.EMERGENCY_NOW, triage)
            reasons = locking.result.get("reasons") or [{}]
            body = Text()
            body.append(message.headline + "\n", style="bold")
            body.append(f"Why: {reasons[0].get('text', '')}\n")
            body.append(triage.lock_notice)
            out.print(Panel(body, title="EMERGENCY", style="bold white on red3"))
            answer = ask(f"{unlock_question(triage)} y / n: ") if ask else None
            if answer is None or answer.strip().lower() not in YES:
                raise typer.Exit(code=LOCKED_EXIT)
            screening.acknowledge(ctx, locking.id, got_help=True, assessed_no_worse=True)
            gate = screening.gate(ctx)
            if gate.state is not GateState.LOCKED:
                out.print(
                    "Thank you. Follow the advice your doctor gave you. The program is unlocked."
                )
