"""The context every use case takes: the database, the actor, whose data, and their clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sciatica_care.services.audit import note_access
from sciatica_care.services.clock import Clock, patient_clock, utcnow
from sciatica_care.services.permissions import Actor, Permission, authorize
from sciatica_care.store import patients
from sciatica_care.store.database import Database


@dataclass(frozen=True)
class PatientContext:
    """One actor working on one patient's data, with that patient's clock."""

    db: Database
    actor: Actor
    patient_id: int
    clock: Clock
    revision: int | None = None
    """The patient's data revision when the context was made (``store.models.PatientRevision``),
    read no later than anything this context reads: a view built under it is at least as new.
    None: unknown, and nothing is remembered (``services.view_cache``)."""

    @contextmanager
    def unit(self, permission: Permission, what: str | None = None) -> Iterator[Session]:
        """A transaction in which ``actor`` may do ``permission`` (checked first, every time).

        A clinician's unit is written to the patient's audit log (``what`` says what they saw or
        changed, in the patient's words), in the same transaction as the access itself, at the
        time of this context's clock (the request's "now").
        """
        with self.db.session() as session:
            authorize(session, self.actor, permission, self.patient_id)
            note_access(session, self.actor, permission, self.patient_id, what, self.clock.now_fn())
            yield session


def patient_context(
    db: Database,
    actor: Actor,
    patient_id: int,
    now_fn: Callable[[], datetime] = utcnow,
    clock: Clock | None = None,
) -> PatientContext:
    """The context for ``actor`` on ``patient_id``; ``NotFound`` when they may not see them.

    The clock is the patient's own zone from their settings unless one is given (the CLI passes
    the computer's zone).
    """
    with db.session() as session:
        authorize(session, actor, Permission.READ, patient_id)
        if clock is None:
            clock = patient_clock(patients.get_settings(session, patient_id), now_fn)
    return PatientContext(db, actor, patient_id, clock)


def own_context(
    db: Database,
    patient_id: int,
    settings: Mapping[str, Any],
    now_fn: Callable[[], datetime] = utcnow,
    revision: int | None = None,
) -> PatientContext:
    """A patient acting on their own data, with the settings and revision read along with their
    sign-in: no read here, and no check to make (``permissions.PATIENT_MAY``: a patient may do
    everything to their own data; every unit still authorizes)."""
    clock = patient_clock(settings, now_fn)
    return PatientContext(db, Actor.patient(patient_id), patient_id, clock, revision)
