"""What counts as a usable e-mail and password, shared by the sign-up form, the JSON API and the CLI.

The e-mail check is a deliberately simple shape test (something@something.tld): the app sends no
mail, so the address is only a sign-in name, and ``email-validator`` is not a dependency.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 hashes any length; a cap keeps one request cheap
MAX_EMAIL_LENGTH = 320
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def normalise_email(raw: str) -> str:
    """Trimmed and lower-cased, so ``Ann@Example.org `` and ``ann@example.org`` are one account."""
    return raw.strip().lower()


def email_problem(email: str) -> str | None:
    """Why ``email`` (already normalised) cannot be used, or None when it is fine."""
    if not email:
        return "Enter your email address."
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL_PATTERN.match(email):
        return "Enter an email address like name@example.org."
    return None


def new_password_problem(password: str) -> str | None:
    """Why ``password`` is not acceptable as a new password, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    if not password.strip():
        return "A password cannot be only spaces."
    return None


def _check_email(value: str) -> str:
    problem = email_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _check_new_password(value: str) -> str:
    problem = new_password_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _normalise_if_text(value: object) -> object:
    return normalise_email(value) if isinstance(value, str) else value


EmailAddress = Annotated[str, BeforeValidator(_normalise_if_text), AfterValidator(_check_email)]
"""A pydantic field type: normalised, shape-checked e-mail (422 names the field on failure)."""

NewPassword = Annotated[str, AfterValidator(_check_new_password)]
"""A pydantic field type for a password being set (length rules above)."""
