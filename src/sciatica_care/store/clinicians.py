"""Clinician accounts (issue 10). The store sees only hashes of passwords and set-up tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sciatica_care.store.errors import StoreError
from sciatica_care.store.models import Clinician


def create(
    session: Session,
    email: str,
    display_name: str,
    at: datetime,
    password_hash: str | None = None,
    setup_token_hash: str | None = None,
    setup_expires_at: datetime | None = None,
) -> Clinician:
    """A new clinician; StoreError when the (normalised) e-mail is taken."""
    if find_by_email(session, email) is not None:
        raise StoreError("email already registered")
    row = Clinician(
        email=email,
        display_name=display_name,
        password_hash=password_hash,
        setup_token_hash=setup_token_hash,
        setup_expires_at=setup_expires_at,
        created_at=at,
    )
    session.add(row)
    session.flush()
    return row


def find_by_email(session: Session, email: str) -> Clinician | None:
    return session.scalars(select(Clinician).where(Clinician.email == email)).first()


def get(session: Session, clinician_id: int) -> Clinician:
    row = session.get(Clinician, clinician_id)
    if row is None:
        raise StoreError(f"no clinician {clinician_id}")
    return row


def find_by_setup_token(session: Session, token_hash: str, now: datetime) -> Clinician | None:
    """The clinician whose one-time set-up link this is, while it is valid."""
    row = session.scalars(select(Clinician).where(Clinician.setup_token_hash == token_hash)).first()
    if row is None or row.setup_expires_at is None or row.setup_expires_at <= now:
        return None
    return row


def set_password_hash(session: Session, clinician_id: int, password_hash: str) -> None:
    """Set the password and spend any set-up link (it works once)."""
    row = get(session, clinician_id)
    row.password_hash = password_hash
    row.setup_token_hash = None
    row.setup_expires_at = None


def all_clinicians(session: Session) -> list[Clinician]:
    return list(session.scalars(select(Clinician).order_by(Clinician.id)))
