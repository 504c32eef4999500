"""Failed sign-ins per e-mail hash, kept in the database so every web process sees the same count."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sciatica_care.store.models import LoginAttempt


def record_failure(session: Session, email_hash: str, at: datetime) -> None:
    session.add(LoginAttempt(email_hash=email_hash, attempted_at=at))
    session.flush()


def failures_since(session: Session, email_hash: str, since: datetime) -> list[datetime]:
    """Times of this e-mail's failed sign-ins after ``since``, oldest first."""
    query = (
        select(LoginAttempt.attempted_at)
        .where(LoginAttempt.email_hash == email_hash, LoginAttempt.attempted_at > since)
        .order_by(LoginAttempt.attempted_at)
    )
    return list(session.scalars(query))


def clear(session: Session, email_hash: str) -> None:
    """Forget the failures of an e-mail (after a successful sign-in)."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.email_hash == email_hash))


def purge_before(session: Session, before: datetime) -> None:
    """Drop failures too old to count, so the table stays small."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at <= before))
