"""A clinician's program changes (``ProgramChange``) read as plain values, a few at a time.

``prescriptions.history`` loads every version whole, the full prescription of each included.
Today, the guided session and progression only need the latest versions' words, the changes
of the last days and each one's version number (the count of changes up to it): one Core
statement built once gives those, counting in the database, however many versions there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from sciatica_care.store.models import ProgramChange


@dataclass(frozen=True, slots=True)
class ChangeFacts:
    """One stored version, without its whole prescription; ``version`` counts from 1."""

    version: int
    changed_at: datetime
    clinician_name: str
    changes: list[dict[str, Any]]
    reason: str | None
    note: str | None


_TABLE = ProgramChange.__table__
_NEWEST_FIRST = (_TABLE.c.changed_at.desc(), _TABLE.c.id.desc())
_RANKED = (
    select(
        _TABLE.c.changed_at,
        _TABLE.c.clinician_name,
        _TABLE.c.changes,
        _TABLE.c.reason,
        _TABLE.c.note,
        func.count().over().label("total"),
        func.row_number().over(order_by=_NEWEST_FIRST).label("newest"),
    )
    .where(_TABLE.c.patient_id == bindparam("patient_id"))
    .subquery()
)
_FACTS = (
    _RANKED.c.total - _RANKED.c.newest + 1,
    _RANKED.c.changed_at,
    _RANKED.c.clinician_name,
    _RANKED.c.changes,
    _RANKED.c.reason,
    _RANKED.c.note,
)
"""A ``ChangeFacts`` row, in its field order."""
_LATEST_AND_SINCE = (
    select(*_FACTS)
    .where(or_(_RANKED.c.newest == 1, _RANKED.c.changed_at >= bindparam("since")))
    .order_by(_RANKED.c.newest)
)
_LATEST = select(*_FACTS).where(_RANKED.c.newest <= bindparam("limit")).order_by(_RANKED.c.newest)
_LATEST_PRESCRIPTION = (
    select(_TABLE.c.prescription)
    .where(_TABLE.c.patient_id == bindparam("patient_id"))
    .order_by(*_NEWEST_FIRST)
    .limit(1)
)


def latest_and_since(session: Session, patient_id: int, since: datetime) -> list[ChangeFacts]:
    """The newest version and every one changed at ``since`` or later, newest first (the order
    of ``prescriptions.history``), each with its version number; empty before the first."""
    session.flush()
    rows = session.connection().execute(
        _LATEST_AND_SINCE, {"patient_id": patient_id, "since": since}
    )
    return _facts(rows)


def _facts(rows: Any) -> list[ChangeFacts]:
    return [
        ChangeFacts(int(version), at, name, list(changes or []), reason, note)
        for version, at, name, changes, reason, note in rows
    ]


def latest(session: Session, patient_id: int, limit: int) -> list[ChangeFacts]:
    """The ``limit`` newest versions, newest first (``prescriptions.history(limit=...)``)."""
    session.flush()
    rows = session.connection().execute(_LATEST, {"patient_id": patient_id, "limit": limit})
    return _facts(rows)


def latest_prescription(session: Session, patient_id: int) -> dict[str, Any] | None:
    """The whole prescription of the newest version (None before the first)."""
    session.flush()
    found = session.connection().execute(_LATEST_PRESCRIPTION, {"patient_id": patient_id})
    row = found.first()
    return dict(row[0]) if row is not None else None
