"""Web accounts: a patient row with an e-mail and argon2 hashes (hashing happens in ``services``).

The store never sees a password or a recovery code, only their hashes; deleting an account deletes
the patient row and the foreign-key cascades remove every row of their data (design.md "Store").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from sciatica_care.store.errors import StoreError
from sciatica_care.store.models import Patient


def create(
    session: Session,
    email: str,
    password_hash: str,
    at: datetime,
    recovery_code_hash: str | None = None,
) -> int:
    """A new account; raises StoreError when the (normalised) e-mail is already taken."""
    if find_by_email(session, email) is not None:
        raise StoreError("email already registered")
    patient = Patient(
        email=email,
        password_hash=password_hash,
        recovery_code_hash=recovery_code_hash,
        created_at=at,
        settings={},
    )
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


def set_recovery_code_hash(session: Session, patient_id: int, recovery_code_hash: str) -> None:
    """Replace the account's recovery code (the old one stops working)."""
    get(session, patient_id).recovery_code_hash = recovery_code_hash


def use_recovery_code(
    session: Session, patient_id: int, used_hash: str, replacement_hash: str
) -> bool:
    """Swap the recovery code just used for a fresh one, only if it is still the stored one.

    False when another request used (or replaced) it first: a code works once.
    """
    result = session.execute(
        update(Patient)
        .where(Patient.id == patient_id, Patient.recovery_code_hash == used_hash)
        .values(recovery_code_hash=replacement_hash)
    )
    return bool(getattr(result, "rowcount", 0))


def acknowledge_disclaimer(session: Session, patient_id: int, at: datetime) -> datetime:
    """Record the onboarding acknowledgement (clinical-spec.md §7.6); the first one is kept."""
    patient = get(session, patient_id)
    if patient.disclaimer_acknowledged_at is None:
        patient.disclaimer_acknowledged_at = at
    return patient.disclaimer_acknowledged_at


def delete_account(session: Session, patient_id: int) -> None:
    """Remove the account and, through ``ON DELETE CASCADE``, all of the patient's data."""
    session.execute(delete(Patient).where(Patient.id == patient_id))
