"""Passwords and tokens: argon2id hashing and random tokens, for every interface.

Passwords are hashed with argon2id (argon2-cffi defaults) and never logged or stored in clear;
a missing account still costs one argon2 run, so timing does not tell whether an e-mail exists.
Session tokens are stored only as their SHA-256, e-mails in rate limits only as theirs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password-only-for-timing")


# -- passwords and tokens -------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches. A missing hash still costs one argon2 run (no timing hint)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


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
