"""Whether the exercise program is open to a patient, and why not (clinical-spec.md §1, §7.2).

The program (Today, the guided player, ``/api/program/today``) needs a safety screen first, and an
emergency screen locks it: the emergency screen comes back at every visit until the person has
acknowledged it *and* told us that a doctor has assessed them (``store.screenings.acknowledge``
with ``assessed=True``). A newer, calmer screen does not lift the lock by itself, so an emergency
answer cannot be cleared by answering again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from sciatica_care.content.triage import Action
from sciatica_care.domain.screening import locks_program
from sciatica_care.store import screenings
from sciatica_care.store.models import Screening


class Access(StrEnum):
    OPEN = "open"
    NEEDS_SCREENING = "needs_screening"
    LOCKED = "locked"


@dataclass(frozen=True)
class ProgramAccess:
    """``locking`` is the emergency screen to show again when the program is locked."""

    access: Access
    locking: Screening | None = None
    latest: Screening | None = None

    @property
    def open(self) -> bool:
        return self.access is Access.OPEN


def locking_screening(session: Session, patient_id: int) -> Screening | None:
    """The newest emergency screen of any kind (full or daily) not yet followed by an assessment."""
    for row in reversed(screenings.list_for(session, patient_id)):
        if locks_program(Action(row.action)) and row.assessed_at is None:
            return row
    return None


def program_access(session: Session, patient_id: int) -> ProgramAccess:
    """Open, locked by an emergency screen, or waiting for the first full safety screen."""
    locking = locking_screening(session, patient_id)
    latest = screenings.latest(session, patient_id)
    if locking is not None:
        return ProgramAccess(Access.LOCKED, locking=locking, latest=latest)
    if latest is None:
        return ProgramAccess(Access.NEEDS_SCREENING)
    return ProgramAccess(Access.OPEN, latest=latest)
