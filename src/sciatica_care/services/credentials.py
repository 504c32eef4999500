"""Passwords and tokens: argon2id hashing and random tokens, for every interface.

Passwords are hashed with argon2id (argon2-cffi defaults) and never logged or stored in clear;
a missing account still costs one argon2 run, so timing does not tell whether an e-mail exists.
Session tokens are stored only as their SHA-256, e-mails in rate limits only as theirs.

Each argon2 run takes 64 MiB and a CPU core for a tenth of a second or more, so at most
``MAX_PARALLEL_ARGON2`` run at once in a process, whoever calls (issue 12 item 2: 60 parallel
sign-ins once took the server from 335 MB to 1.26 GB). The rest wait their turn in their worker
thread; web routes call these from the thread pool, never on the event loop.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_DUMMY_HASH: str | None = None
"""What a missing account's password is checked against: made on first need (``_dummy_hash``),
not at import, where it cost every CLI command an argon2 run."""
_dummy_made = threading.Lock()

MAX_PARALLEL_ARGON2 = 4
"""argon2 runs at once per process: 4 × 64 MiB at most, and the cores stay shared with the rest."""
_argon2_turns = threading.BoundedSemaphore(MAX_PARALLEL_ARGON2)


# -- passwords and tokens -------------------------------------------------------------------------


def hash_password(password: str) -> str:
    with _argon2_turns:
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches. A missing hash still costs one argon2 run (no timing hint)."""
    checked = password_hash or _dummy_hash()
    try:
        with _argon2_turns:
            matches = _hasher.verify(checked, password)
    except (VerificationError, InvalidHashError):
        return False
    return matches and bool(password_hash)


def _dummy_hash() -> str:
    """The dummy hash, made once per process by the first thread that needs it (the others wait
    for that one), with today's parameters and in an argon2 turn like any other run."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        with _dummy_made:
            if _DUMMY_HASH is None:
                with _argon2_turns:
                    _DUMMY_HASH = _hasher.hash("not-a-real-password-only-for-timing")
    return _DUMMY_HASH


def password_needs_rehash(password_hash: str) -> bool:
    """True when the stored hash used weaker parameters than today's (upgrade it at sign-in)."""
    return _hasher.check_needs_rehash(password_hash)


def new_token() -> str:
    """256 random bits, URL-safe: for session cookies and CSRF tokens."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """SHA-256 hex of a session token (what the database stores)."""
    return hashlib.sha256(token.encode()).hexdigest()


def email_digest(email: str) -> str:
    """SHA-256 hex of a normalised e-mail: the rate limit counts per address without storing it."""
    return hashlib.sha256(email.encode()).hexdigest()


def tokens_match(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
