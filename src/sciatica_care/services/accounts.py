"""What a person does with their account, written once for the pages and the JSON API.

Each action takes already shape-checked input (see ``credentials``), does its reads and writes in one
unit of work, and raises ``AccountProblem`` with a user-facing message and an HTTP status when it
cannot be done. No e-mail address or password ever reaches a log.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sciatica_care.services.clock import ZONE_SETTING, zone_named
from sciatica_care.services.credentials import (
    email_digest,
    hash_password,
    password_needs_rehash,
    verify_password,
)
from sciatica_care.store import accounts, auth_sessions, login_attempts, patients
from sciatica_care.store.base import utcnow
from sciatica_care.store.database import Database
from sciatica_care.store.errors import StoreError

MAX_FAILED_SIGN_INS = 5
FAILED_SIGN_IN_WINDOW = timedelta(minutes=15)


@dataclass
class AccountProblem(Exception):
    """Why an account action failed: ``field`` is the form field to show it next to, if any."""

    message: str
    status_code: int
    field: str | None = None
    retry_after_s: int | None = None

    def __str__(self) -> str:
        return self.message


def sign_up(db: Database, email: str, password: str, timezone: str | None = None) -> int:
    """Create an account and return its patient id (409 when the e-mail is taken).

    ``timezone`` is the IANA zone the browser reported; it becomes the patient's clock (every
    "today" and shown time). An unknown name is ignored: the clock stays UTC until Settings.
    """
    password_hash = hash_password(password)
    taken = AccountProblem(
        "An account with this email already exists. Sign in instead.", 409, field="email"
    )
    try:
        with db.session() as session:
            if accounts.find_by_email(session, email) is not None:
                raise taken
            patient_id = accounts.create(session, email, password_hash, utcnow())
            if zone_named(timezone) is not None:
                patients.update_settings(session, patient_id, **{ZONE_SETTING: timezone})
            return patient_id
    except StoreError as exc:  # lost a race with another sign-up of the same address
        raise taken from exc


def _too_many(minutes_left: float) -> AccountProblem:
    minutes = max(1, math.ceil(minutes_left))
    return AccountProblem(
        f"Too many sign-in attempts for this email. Wait {minutes} minute"
        f"{'s' if minutes != 1 else ''} and try again, or check your password.",
        429,
        retry_after_s=int(minutes_left * 60) + 1,
    )


def sign_in(db: Database, email: str, password: str) -> int:
    """Check the credentials and return the patient id.

    After ``MAX_FAILED_SIGN_INS`` failures for one e-mail within ``FAILED_SIGN_IN_WINDOW`` every
    attempt gets 429 until the oldest failure ages out; the count lives in the database so all web
    processes share it. Unknown e-mails count too, and get the same message as a wrong password.
    """
    now = utcnow()
    since = now - FAILED_SIGN_IN_WINDOW
    key = email_digest(email)
    with db.session() as session:
        failures = login_attempts.failures_since(session, key, since)
    if len(failures) >= MAX_FAILED_SIGN_INS:
        oldest_counted = failures[-MAX_FAILED_SIGN_INS]
        left = (oldest_counted + FAILED_SIGN_IN_WINDOW - now).total_seconds() / 60
        raise _too_many(left)
    with db.session() as session:
        patient = accounts.find_by_email(session, email)
        stored_hash = patient.password_hash if patient is not None else None
        if patient is None or not verify_password(stored_hash, password):
            login_attempts.purge_before(session, since)
            login_attempts.record_failure(session, key, now)
            wrong = True
        else:
            wrong = False
            login_attempts.clear(session, key)
            if stored_hash and password_needs_rehash(stored_hash):
                accounts.set_password_hash(session, patient.id, hash_password(password))
            patient_id = patient.id
    if wrong:
        raise AccountProblem("That email and password do not match an account.", 401)
    return patient_id


def change_password(
    db: Database, patient_id: int, current_password: str, new_password: str, keep_session_id: int
) -> None:
    """Set a new password after checking the current one; other signed-in browsers are signed out."""
    new_hash = hash_password(new_password)
    with db.session() as session:
        patient = accounts.get(session, patient_id)
        if not verify_password(patient.password_hash, current_password):
            raise AccountProblem(
                "That is not your current password.", 400, field="current_password"
            )
        accounts.set_password_hash(session, patient_id, new_hash)
        auth_sessions.end_others(session, patient_id, keep_session_id)


def delete_account(db: Database, patient_id: int, password: str) -> None:
    """Delete the account and all its data, after the password confirms it is really them."""
    with db.session() as session:
        patient = accounts.get(session, patient_id)
        if not verify_password(patient.password_hash, password):
            raise AccountProblem("That is not your password.", 400, field="password")
        accounts.delete_account(session, patient_id)


def acknowledge_disclaimer(db: Database, patient_id: int) -> None:
    """Record the onboarding acknowledgement (clinical-spec.md §7.6)."""
    with db.session() as session:
        accounts.acknowledge_disclaimer(session, patient_id, utcnow())
