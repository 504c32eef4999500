"""Who may do what to whose data, decided in this one place (design.md "The application layer").

A patient may do everything to their own data and nothing to anyone else's. A clinician (issue
10) may read, and prescribe for, only the patients who linked them; the link check is the seam
``_linked`` below (issue 10 ``care_links``). A refusal is always ``NotFound``: nobody learns that data they may not see
exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from sciatica_care.services.errors import NotFound
from sciatica_care.store import care_links


class Role(StrEnum):
    PATIENT = "patient"
    CLINICIAN = "clinician"


class Permission(StrEnum):
    """What a use case does to a patient's data."""

    READ = "read"
    """See the diary, sessions, program, reports."""
    RECORD = "record"
    """Add what the person lives: screens, check-ins, sessions, heat/cold uses, questionnaires."""
    ADJUST = "adjust"
    """Change the program: accept a suggestion, settings of progression."""
    PRESCRIBE = "prescribe"
    """A clinician's prescription (issue 10)."""
    OWN = "own"
    """Account and data as a whole: export, import, delete, unlock after an emergency."""


PATIENT_MAY = frozenset({Permission.READ, Permission.RECORD, Permission.ADJUST, Permission.OWN})
CLINICIAN_MAY = frozenset({Permission.READ, Permission.PRESCRIBE})
"""What a linked clinician may do: never record symptoms for the patient or own their data."""


@dataclass(frozen=True)
class Actor:
    """Who is asking: a patient (``id`` is their patient id) or a clinician (their own id)."""

    role: Role
    id: int

    @classmethod
    def patient(cls, patient_id: int) -> Actor:
        return cls(Role.PATIENT, patient_id)

    @classmethod
    def clinician(cls, clinician_id: int) -> Actor:
        return cls(Role.CLINICIAN, clinician_id)


def _linked(session: Session, clinician_id: int, patient_id: int) -> bool:
    """Whether the patient links this clinician now (an ended link grants nothing)."""
    return care_links.is_linked(session, clinician_id, patient_id)


def allowed(session: Session, actor: Actor, permission: Permission, patient_id: int) -> bool:
    if actor.role is Role.PATIENT:
        return actor.id == patient_id and permission in PATIENT_MAY
    return permission in CLINICIAN_MAY and _linked(session, actor.id, patient_id)


def authorize(session: Session, actor: Actor, permission: Permission, patient_id: int) -> None:
    """Return if ``actor`` may do ``permission`` to ``patient_id``'s data; else ``NotFound``."""
    if not allowed(session, actor, permission, patient_id):
        raise NotFound("no such patient")
