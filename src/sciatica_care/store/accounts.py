"""Web accounts: a patient row with an e-mail and an argon2 hash (hashing happens in ``web``).

The store never sees a password, only its hash; deleting an account deletes the patient row and the
foreign-key cascades remove every row of their data (design.md "Store").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sciatica_care.store.errors import StoreError
from sciatica_care.store.models import Patient


def create(session: Session, email: str, password_hash: str, at: datetime) -> int:
    """A new account; raises StoreError when the (normalised) e-mail is already taken."""
    if find_by_email(session, email) is not None:
        raise StoreError("email already registered")
    patient = Patient(email=email, password_hash=password_hash, created_at=at, settings={})
    session.add(patient)
    session.flush()
    return patient.id


def find_by_email(session: Session, email: str) -> Patient | None:
    """The account with this exact (already normalised) e-mail, if any."""
    return session.scalars(select(Patient).where(Patient.email == email)).first()


def get(session: Session, patient_id: int) -> Patient:
    """The account row; raises StoreError when it is gone (e.g. deleted in another tab)."""
    patient = session.get(Patient, patient_id)
    if patient is None or patient.email is None:
        raise StoreError(f"no account {patient_id}")
    return patient


def set_password_hash(session: Session, patient_id: int, password_hash: str) -> None:
    get(session, patient_id).password_hash = password_hash


def acknowledge_disclaimer(session: Session, patient_id: int, at: datetime) -> datetime:
    """Record the onboarding acknowledgement (clinical-spec.md §7.6); the first one is kept."""
    patient = get(session, patient_id)
    if patient.disclaimer_acknowledged_at is None:
        patient.disclaimer_acknowledged_at = at
    return patient.disclaimer_acknowledged_at


def delete_account(session: Session, patient_id: int) -> None:
    """Remove the account and, through ``ON DELETE CASCADE``, all of the patient's data."""
    session.execute(delete(Patient).where(Patient.id == patient_id))
