"""The patient aggregate: the local CLI profile and web accounts.

Every request reads the patient's settings (the clock's zone, the program's mode) and often the
day the program started. When the row is not already in the session, those two columns are read
by one Core statement built once, not by loading the whole ORM row (a few times cheaper); a row
the session holds is read as it stands, unflushed changes included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from sciatica_care.store.errors import StoreError
from sciatica_care.store.models import Patient

_FACTS = select(Patient.settings, Patient.program_started_on).where(
    Patient.id == bindparam("patient_id")
)


@dataclass(frozen=True, slots=True)
class PatientFacts:
    """What the program's reads need of the patient row: preferences and the program's start."""

    settings: dict[str, Any]
    program_started_on: date | None


def facts(session: Session, patient_id: int) -> PatientFacts:
    """The patient's settings (a copy) and program start, as ``get_settings`` and
    ``program_start`` read them, without writing anything."""
    held = session.identity_map.get(identity_key(Patient, patient_id))
    if held is not None:
        return PatientFacts(dict(held.settings or {}), held.program_started_on)
    row = session.connection().execute(_FACTS, {"patient_id": patient_id}).first()
    if row is None:
        raise StoreError(f"no patient {patient_id}")
    return PatientFacts(dict(row[0] or {}), row[1])


def local_patient_id(session: Session) -> int:
    """The id of the one local profile the CLI acts as, created on first use."""
    patient = session.scalars(select(Patient).where(Patient.is_local.is_(True))).first()
    if patient is None:
        patient = Patient(is_local=True, settings={})
        session.add(patient)
        session.flush()
    return patient.id


def get(session: Session, patient_id: int) -> Patient:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise StoreError(f"no patient {patient_id}")
    return patient


def find_by_public_id(session: Session, public_id: str) -> Patient | None:
    """The patient with this random public identifier (what leaves the database), or None."""
    return session.scalar(select(Patient).where(Patient.public_id == public_id))


def get_settings(session: Session, patient_id: int) -> dict[str, Any]:
    """The patient's preferences (e.g. ``auto_progression``), empty when none were set."""
    return facts(session, patient_id).settings


def update_settings(session: Session, patient_id: int, **changes: Any) -> dict[str, Any]:
    """Merge ``changes`` into the stored preferences and return the result."""
    patient = get(session, patient_id)
    merged = {**(patient.settings or {}), **changes}
    patient.settings = merged
    return merged


def program_start(session: Session, patient_id: int, today: date) -> date:
    """The day the program started (set on first use), the origin of questionnaire schedules."""
    started = facts(session, patient_id).program_started_on
    if started is not None:
        return started
    patient = get(session, patient_id)
    if patient.program_started_on is None:
        patient.program_started_on = today
    return patient.program_started_on
