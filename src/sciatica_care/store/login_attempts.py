"""Failed guesses per key hash (an e-mail's, or a throttle key's), kept in the database so every
web process sees the same count."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from sciatica_care.store.models import LoginAttempt


def record_failure(session: Session, email_hash: str, at: datetime) -> int:
    """Store one failure under a key (an e-mail's or a throttle key's hash); its row id."""
    row = LoginAttempt(email_hash=email_hash, attempted_at=at)
    session.add(row)
    session.flush()
    return row.id


def failures_before(
    session: Session, key_hash: str, before_id: int, since: datetime
) -> list[datetime]:
    """Times of the failures under ``key_hash`` recorded before row ``before_id``, oldest first:
    ids order parallel attempts as if they had come one by one."""
    query = (
        select(LoginAttempt.attempted_at)
        .where(
            LoginAttempt.email_hash == key_hash,
            LoginAttempt.id < before_id,
            LoginAttempt.attempted_at > since,
        )
        .order_by(LoginAttempt.id)
    )
    return list(session.scalars(query))


def redate(session: Session, ids: list[int], at: datetime) -> None:
    session.execute(update(LoginAttempt).where(LoginAttempt.id.in_(ids)).values(attempted_at=at))


def delete_ids(session: Session, ids: list[int]) -> None:
    session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(ids)))


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
