"""The patient aggregate: the local CLI profile and web accounts."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sciatica_care.store.errors import StoreError
from sciatica_care.store.models import Patient


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
    return dict(get(session, patient_id).settings or {})


def update_settings(session: Session, patient_id: int, **changes: Any) -> dict[str, Any]:
    """Merge ``changes`` into the stored preferences and return the result."""
    patient = get(session, patient_id)
    merged = {**(patient.settings or {}), **changes}
    patient.settings = merged
    return merged


def program_start(session: Session, patient_id: int, today: date) -> date:
    """The day the program started (set on first use), the origin of questionnaire schedules."""
    patient = get(session, patient_id)
    if patient.program_started_on is None:
        patient.program_started_on = today
    return patient.program_started_on
