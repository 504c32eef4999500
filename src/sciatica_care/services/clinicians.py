"""Clinician accounts (issue 10 item 1): made by the operator, signed in on the same web app.

``sciatica admin create-clinician EMAIL`` makes one with a password read from standard input, or
with a one-time set-up link (valid ``SETUP_LINK_LIFETIME``) the operator hands over; the clinician
opens it and chooses a password. Sign-in itself is ``accounts.sign_in``, shared with patients: one
form, and the account found decides the role. Each use case takes "now" from its caller (the
request's clock; ``now_fn``), so a link's expiry is computed from the time the caller sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sciatica_care.services.clock import utcnow
from sciatica_care.services.credentials import hash_password, new_token, token_digest
from sciatica_care.services.errors import Conflict, InvalidInput, NotFound
from sciatica_care.store import accounts, auth_sessions, clinicians
from sciatica_care.store.database import Database
from sciatica_care.store.errors import StoreError

SETUP_LINK_LIFETIME = timedelta(days=3)
SETUP_PATH = "/clinic/setup"
MAX_NAME = 120
MAX_TOKEN = 100
"""Set-up tokens are 43 characters; a longer one is not worth hashing."""


@dataclass(frozen=True)
class ClinicianAccount:
    """A clinician as the operator and the clinician see it (never a password or a hash)."""

    id: int
    public_id: str
    email: str
    display_name: str
    setup_token: str | None = None
    """Only right after creation without a password: the one-time link's token."""

    def setup_path(self) -> str | None:
        return f"{SETUP_PATH}/{self.setup_token}" if self.setup_token else None


def _clean_name(display_name: str) -> str:
    name = " ".join(display_name.split())
    if not name:
        raise InvalidInput("name", "Enter the name patients will see.")
    if len(name) > MAX_NAME or not name.isprintable():
        raise InvalidInput("name", f"Use at most {MAX_NAME} printable characters.")
    return name


def create_clinician(
    db: Database,
    email: str,
    display_name: str,
    password: str | None = None,
    now_fn: Callable[[], datetime] = utcnow,
) -> ClinicianAccount:
    """A new clinician account; without a password, a one-time set-up link instead.

    ``Conflict`` when any account (patient or clinician) has the e-mail: one address, one role.
    """
    name = _clean_name(display_name)
    password_hash = hash_password(password) if password else None
    token = None if password else new_token()
    now = now_fn()
    try:
        with db.session() as session:
            if accounts.find_by_email(session, email) is not None:
                raise Conflict("an account with this email already exists")
            row = clinicians.create(
                session,
                email,
                name,
                now,
                password_hash=password_hash,
                setup_token_hash=token_digest(token) if token else None,
                setup_expires_at=now + SETUP_LINK_LIFETIME if token else None,
            )
            return ClinicianAccount(row.id, row.public_id, row.email, row.display_name, token)
    except StoreError as exc:
        raise Conflict("an account with this email already exists") from exc


def setup_link_valid(db: Database, token: str, now_fn: Callable[[], datetime] = utcnow) -> bool:
    return setup_account(db, token, now_fn) is not None


def setup_account(
    db: Database, token: str, now_fn: Callable[[], datetime] = utcnow
) -> ClinicianAccount | None:
    """The account a set-up link is for, while the link is unused and in date; else None (the
    set-up page names the e-mail, so the browser's password manager files the new password)."""
    if not token or len(token) > MAX_TOKEN:
        return None
    with db.session() as session:
        row = clinicians.find_by_setup_token(session, token_digest(token), now_fn())
        if row is None:
            return None
        return ClinicianAccount(row.id, row.public_id, row.email, row.display_name)


def finish_setup(
    db: Database, token: str, password: str, now_fn: Callable[[], datetime] = utcnow
) -> int:
    """Set the password from a set-up link (once); the clinician id. ``NotFound`` when the link is
    used, expired or wrong."""
    new_hash = hash_password(password)
    with db.session() as session:
        row = clinicians.find_by_setup_token(session, token_digest(token), now_fn())
        if row is None:
            raise NotFound("This set-up link was used or has expired. Ask for a new one.")
        clinicians.set_password_hash(session, row.id, new_hash)
        auth_sessions.end_all_of_clinician(session, row.id)
        return row.id


def get_account(db: Database, clinician_id: int) -> ClinicianAccount:
    with db.session() as session:
        try:
            row = clinicians.get(session, clinician_id)
        except StoreError as exc:
            raise NotFound("no such clinician") from exc
        return ClinicianAccount(row.id, row.public_id, row.email, row.display_name)


def list_accounts(db: Database) -> list[ClinicianAccount]:
    with db.session() as session:
        return [
            ClinicianAccount(row.id, row.public_id, row.email, row.display_name)
            for row in clinicians.all_clinicians(session)
        ]
