"""The CLI acts for one local person: open their database, find their profile, map refusals.

``local_context`` gives the use cases of ``services`` their context: the local patient acting on
their own data, on this computer's clock (``TZ`` when set). What a use case refuses ends the
command here, once for every command: bad input or an unknown id exits 2 with one line; a closed
program gate exits 1 with the reason and the way forward.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.orm import Session

from sciatica_care.cli.output import err_console, fail
from sciatica_care.services.clock import ZONE_SETTING, Clock, machine_zone
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import ProgramClosed, ServiceError
from sciatica_care.services.gate import GateState
from sciatica_care.services.permissions import Actor
from sciatica_care.store import StoreError, patients
from sciatica_care.store.database import open_database

CLOSED_EXIT = 1
"""Not a usage error (exit 2): the program is closed for a safety reason."""
GATE_HINTS = {
    GateState.NEEDS_SCREENING: "Run `sciatica screen` first; it takes about three minutes.",
    GateState.SAFETY_RECHECK: "Run `sciatica screen --recheck` to answer them.",
    GateState.LOCKED: "Run `sciatica session` to see the emergency advice again.",
}


def machine_clock() -> Clock:
    return Clock(machine_zone())


def _follow_machine_zone(session: Session, patient_id: int, clock: Clock) -> None:
    """The local profile's stored zone follows this computer's, so every use case that reads the
    patient's clock from their settings sees the same days as the terminal."""
    name = getattr(clock.zone, "key", None)
    if name and patients.get_settings(session, patient_id).get(ZONE_SETTING) != name:
        patients.update_settings(session, patient_id, **{ZONE_SETTING: name})


def program_closed(exc: ProgramClosed) -> typer.Exit:
    """Say why the program is closed and what to do; the exit to raise."""
    err_console.print(f"[bold]{exc.gate.message}[/]", soft_wrap=True)
    hint = GATE_HINTS.get(exc.gate.state)
    if hint:
        err_console.print(hint, soft_wrap=True)
    return typer.Exit(code=CLOSED_EXIT)


@contextmanager
def local_context() -> Iterator[PatientContext]:
    """The local patient's context for a use case; refusals end the command (see module doc)."""
    try:
        database = open_database()
    except StoreError as exc:
        fail(str(exc))
    try:
        clock = machine_clock()
        with database.session() as session:
            patient_id = patients.local_patient_id(session)
            _follow_machine_zone(session, patient_id, clock)
        yield PatientContext(database, Actor.patient(patient_id), patient_id, clock)
    except ProgramClosed as exc:
        raise program_closed(exc) from None
    except (ServiceError, StoreError) as exc:
        fail(str(exc))
    finally:
        database.dispose()


@contextmanager
def local_unit_of_work() -> Iterator[tuple[Session, int]]:
    """One transaction on the local person's data, for commands with no use case of their own."""
    with local_context() as ctx, ctx.db.session() as session:
        yield session, ctx.patient_id
