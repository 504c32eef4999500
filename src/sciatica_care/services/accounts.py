"""What a person does with their account, written once for the pages and the JSON API.

Each action takes already shape-checked input (see ``credentials``), does its reads and writes in one
unit of work, and raises ``AccountProblem`` with a user-facing message and an HTTP status when it
cannot be done. No e-mail address, password or recovery code ever reaches a log.

The app sends no e-mail, so a forgotten password is recovered with a **recovery code**: shown once
(at sign-up, after each use, or when made anew in Settings), stored only as its argon2 hash, and
replaced each time it is used.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass

from sciatica_care.services import throttle
from sciatica_care.services.clock import ZONE_SETTING, zone_named
from sciatica_care.services.credentials import (
    email_digest,
    hash_password,
    password_needs_rehash,
    verify_password,
)
from sciatica_care.services.emergency import COUNTRY_SETTING, known_country
from sciatica_care.services.permissions import Actor
from sciatica_care.store import accounts, auth_sessions, clinicians, patients
from sciatica_care.store.base import utcnow
from sciatica_care.store.database import Database
from sciatica_care.store.errors import StorageFull, StoreError

RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""No 0/O, 1/I/L: nothing to misread when copied by hand (31 symbols, 16 of them: ~79 bits)."""
RECOVERY_GROUPS = 4
RECOVERY_GROUP_LENGTH = 4
RECOVERY_CODE_LENGTH = RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH
WRONG_RECOVERY = "That email and recovery code do not match an account."


@dataclass
class AccountProblem(Exception):
    """Why an account action failed: ``field`` is the form field to show it next to, if any."""

    message: str
    status_code: int
    field: str | None = None
    retry_after_s: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Access:
    """An account just created or recovered, and its recovery code: show it once, never store it."""

    patient_id: int
    recovery_code: str


# -- recovery codes -------------------------------------------------------------------------------


def new_recovery_code() -> str:
    """A random code like ``K7QM-8XPD-2HVR-9TWC`` (see ``RECOVERY_ALPHABET``)."""
    symbols = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return _grouped(symbols)


def _grouped(symbols: str) -> str:
    size = RECOVERY_GROUP_LENGTH
    return "-".join(symbols[i : i + size] for i in range(0, len(symbols), size))


def normalise_recovery_code(raw: str) -> str:
    """Upper case, without dashes or spaces: ``k7qm 8xpd-2hvr9twc`` reads as ``K7QM8XPD2HVR9TWC``."""
    return "".join(raw.upper().replace("-", "").split())


def recovery_code_problem(raw: str) -> str | None:
    """Why ``raw`` cannot be a recovery code (whatever the account), or None when it could be."""
    code = normalise_recovery_code(raw)
    if not code:
        return "Enter your recovery code."
    if len(code) != RECOVERY_CODE_LENGTH or any(c not in RECOVERY_ALPHABET for c in code):
        return "Enter the 16 letters and numbers of your recovery code, like K7QM-8XPD-2HVR-9TWC."
    return None


def _hash_code(code: str) -> str:
    return hash_password(normalise_recovery_code(code))


def recovery_code_matches(stored_hash: str | None, raw: str) -> bool:
    """True when ``raw`` is the stored code. A missing hash still costs one argon2 run."""
    return verify_password(stored_hash, normalise_recovery_code(raw))


# -- sign up, sign in -----------------------------------------------------------------------------


NOT_CREATED = (
    "We could not create an account with these details. "
    "If you already have one, sign in or use your recovery code."
)
"""Sign-up's answer for an e-mail that has an account (a patient's or a clinician's): it does not
say "this e-mail is taken" (see ``sign_up_or_in``)."""


def sign_up(
    db: Database,
    email: str,
    password: str,
    timezone: str | None = None,
    country: str | None = None,
) -> Access:
    """Create an account; return its patient id and its first recovery code (409 when the e-mail
    has an account, with the same words as the pages; never a sign-in).

    ``timezone`` is the IANA zone the browser reported; it becomes the patient's clock (every
    "today" and shown time). An unknown name is ignored: the clock stays UTC until Settings.
    ``country`` (from the browser's locale) chooses the emergency numbers shown (§9 ruling 10);
    an unknown one is ignored, and then the common numbers are shown until Settings.

    Not throttled: for trusted callers (the tests, a script); people sign up through
    ``sign_up_or_in``.
    """
    result = _create_or_match(db, email, password, timezone, country)
    if isinstance(result, Access):
        return result
    raise AccountProblem(NOT_CREATED, 409, field="email")


def sign_up_or_in(
    db: Database,
    email: str,
    password: str,
    timezone: str | None = None,
    country: str | None = None,
    client: str | None = None,
) -> Access | Actor:
    """Sign-up as the pages and the API do it: a new account (``Access``), or, when the e-mail
    already has an account and this is its password, that account signed in (``Actor``: what the
    person wanted). Any other e-mail with an account gets 409 with ``NOT_CREATED``.

    What can be hidden is (issue 12 item 4): the message does not say the e-mail is taken; both
    paths do the same argon2 work (two hashes and one check, whatever the outcome), so timing does
    not tell; and sign-ups are throttled like sign-ins (``services.throttle``, purpose "sign-up":
    by address, by e-mail and by the pair), every attempt counting whether it created an account
    or not, so trying many e-mails from one address slows to one every 15 minutes.

    What cannot be hidden: a new e-mail gets an account and a taken one does not. Hiding even that
    needs e-mail verification: answer "check your inbox" in both cases and send either a link that
    finishes the sign-up or a note that an account exists. A local install has no mail server
    (recovery is by recovery code for the same reason), so the difference stays, slowed down.
    """
    attempt = _guarded(db, "sign-up", email_digest(email), client, "sign-up")
    result = _create_or_match(db, email, password, timezone, country)
    if isinstance(result, Actor):
        attempt.succeeded()
        return result
    attempt.failed()  # a created account counts too: every sign-up from an address is limited
    if result is None:
        raise AccountProblem(NOT_CREATED, 409, field="email")
    return result


def _create_or_match(
    db: Database, email: str, password: str, timezone: str | None, country: str | None
) -> Access | Actor | None:
    """A new account; the existing account when ``password`` is its own; None otherwise.

    Every path costs two argon2 hashes (the password and a recovery code) and one check (against
    the account's hash, or a dummy one when there is none), so the answer's timing tells nothing.
    """
    password_hash = hash_password(password)
    recovery_code = new_recovery_code()
    code_hash = _hash_code(recovery_code)
    try:
        with db.session() as session:
            patient = accounts.find_by_email(session, email)
            clinician = clinicians.find_by_email(session, email) if patient is None else None
            account = patient or clinician
            stored = account.password_hash if account is not None else None
            matches = verify_password(stored, password)  # always one check: no timing hint
            rehash = matches and stored is not None and password_needs_rehash(stored)
            if patient is not None:
                if not matches:
                    return None
                if rehash:
                    accounts.set_password_hash(session, patient.id, password_hash)
                return Actor.patient(patient.id)
            if clinician is not None:
                if not matches:
                    return None
                if rehash:
                    clinicians.set_password_hash(session, clinician.id, password_hash)
                return Actor.clinician(clinician.id)
            patient_id = accounts.create(session, email, password_hash, utcnow(), code_hash)
            if zone_named(timezone) is not None:
                patients.update_settings(session, patient_id, **{ZONE_SETTING: timezone})
            if known_country(country) is not None:
                patients.update_settings(
                    session, patient_id, **{COUNTRY_SETTING: known_country(country)}
                )
            return Access(patient_id, recovery_code)
    except StorageFull:
        raise
    except StoreError:  # lost a race with another sign-up of the same address
        return None


def _guarded(
    db: Database, purpose: str, account: str, client: str | None, what: str
) -> throttle.Attempt:
    """Begin a throttled check of a secret (``services.throttle``): 429 with the wait when a key
    still asks for one (``what`` names the attempts in the message)."""
    try:
        return throttle.begin(db, purpose, account, client, utcnow())
    except throttle.Throttled as exc:
        wait = exc.retry_after_s
        amount = f"{wait} second{'s' if wait != 1 else ''}"
        if wait >= 90:
            minutes = math.ceil(wait / 60)
            amount = f"{minutes} minutes"
        raise AccountProblem(
            f"Too many {what} attempts. Wait {amount} and try again.", 429, retry_after_s=wait
        ) from None


def sign_in(db: Database, email: str, password: str, client: str | None = None) -> Actor:
    """Check the credentials and return who signed in: a patient or a clinician (issue 10).

    Wrong guesses slow down by account, by client address and by the pair (``services.throttle``;
    counts live in the database, shared by every web process). Unknown e-mails cost the same argon2
    run and get the same message as a wrong password.
    """
    attempt = _guarded(db, "sign-in", email_digest(email), client, "sign-in")
    with db.session() as session:
        patient = accounts.find_by_email(session, email)
        clinician = clinicians.find_by_email(session, email) if patient is None else None
        account = patient or clinician
        stored_hash = account.password_hash if account is not None else None
        matches = verify_password(stored_hash, password)  # always one argon2 run: no timing hint
        if account is None or not matches:
            wrong = True
        else:
            wrong = False
            rehash = bool(stored_hash and password_needs_rehash(stored_hash))
            if patient is not None:
                actor = Actor.patient(patient.id)
                if rehash:
                    accounts.set_password_hash(session, patient.id, hash_password(password))
            else:
                assert clinician is not None
                actor = Actor.clinician(clinician.id)
                if rehash:
                    clinicians.set_password_hash(session, clinician.id, hash_password(password))
    if wrong:
        attempt.failed()
        raise AccountProblem("That email and password do not match an account.", 401)
    attempt.succeeded()
    return actor


def change_password(
    db: Database,
    patient_id: int,
    current_password: str,
    new_password: str,
    keep_session_id: int,
    client: str | None = None,
) -> None:
    """Set a new password after checking the current one; other signed-in browsers are signed out.

    Wrong current passwords are throttled like sign-ins (a stolen session cannot guess it fast)."""
    attempt = _guarded(db, "password", f"patient:{patient_id}", client, "password")
    new_hash = hash_password(new_password)
    with db.session() as session:
        patient = accounts.get(session, patient_id)
        if not verify_password(patient.password_hash, current_password):
            attempt.failed()
            raise AccountProblem(
                "That is not your current password.", 400, field="current_password"
            )
        accounts.set_password_hash(session, patient_id, new_hash)
        auth_sessions.end_others(session, patient_id, keep_session_id)
    attempt.succeeded()


# -- recovery ------------------------------------------------------------------------------------


def recover_account(
    db: Database, email: str, recovery_code: str, new_password: str, client: str | None = None
) -> Access:
    """Set a new password with the recovery code; return the fresh code that replaces it.

    Every signed-in browser of the account is signed out. A wrong code and an unknown e-mail get
    the same 401 and cost the same work (two argon2 hashes and one check); guesses are throttled
    like sign-ins (``services.throttle``), so codes cannot be guessed faster than passwords.
    """
    attempt = _guarded(db, "recovery", email_digest(email), client, "recovery")
    new_hash = hash_password(new_password)
    fresh_code = new_recovery_code()
    fresh_hash = _hash_code(fresh_code)
    with db.session() as session:
        patient = accounts.find_by_email(session, email)
        stored = patient.recovery_code_hash if patient is not None else None
        used = (
            recovery_code_matches(stored, recovery_code)
            and patient is not None
            and stored is not None
            and accounts.use_recovery_code(session, patient.id, stored, fresh_hash)
        )
        if not used or patient is None:
            patient_id = None
        else:
            patient_id = patient.id
            accounts.set_password_hash(session, patient_id, new_hash)
            auth_sessions.end_all(session, patient_id)
    if patient_id is None:
        attempt.failed()
        raise AccountProblem(WRONG_RECOVERY, 401, field="recovery_code")
    attempt.succeeded()
    return Access(patient_id, fresh_code)


def make_recovery_code(
    db: Database, patient_id: int, password: str, client: str | None = None
) -> str:
    """Replace the recovery code after the password confirms it is them; return the new one."""
    attempt = _guarded(db, "password", f"patient:{patient_id}", client, "password")
    fresh_code = new_recovery_code()
    fresh_hash = _hash_code(fresh_code)
    with db.session() as session:
        patient = accounts.get(session, patient_id)
        if not verify_password(patient.password_hash, password):
            attempt.failed()
            raise AccountProblem("That is not your password.", 400, field="password")
        accounts.set_recovery_code_hash(session, patient_id, fresh_hash)
    attempt.succeeded()
    return fresh_code


def recovery_code_is_current(db: Database, patient_id: int, recovery_code: str) -> bool:
    """Whether ``recovery_code`` is still this account's code (not used or replaced since)."""
    with db.session() as session:
        stored = accounts.get(session, patient_id).recovery_code_hash
    return recovery_code_matches(stored, recovery_code)


def delete_account(db: Database, patient_id: int, password: str, client: str | None = None) -> None:
    """Delete the account and all its data, after the password confirms it is really them."""
    attempt = _guarded(db, "password", f"patient:{patient_id}", client, "password")
    with db.session() as session:
        patient = accounts.get(session, patient_id)
        if not verify_password(patient.password_hash, password):
            attempt.failed()
            raise AccountProblem("That is not your password.", 400, field="password")
        accounts.delete_account(session, patient_id)
    attempt.succeeded()


def acknowledge_disclaimer(db: Database, patient_id: int) -> None:
    """Record the onboarding acknowledgement (clinical-spec.md §7.6)."""
    with db.session() as session:
        accounts.acknowledge_disclaimer(session, patient_id, utcnow())
