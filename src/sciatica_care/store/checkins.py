"""The pain diary: check-in entries stored per patient (clinical-spec.md §1 daily items, §6 zones).

A row keeps the whole ``domain.diary.CheckIn`` as JSON (so nothing the person wrote is lost when
the entry grows a field) next to the columns queries and charts need: the day, leg and back pain,
and the action of that day's red-flag questions. Several entries a day are allowed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sciatica_care.domain.diary import CheckIn as CheckInEntry
from sciatica_care.store.base import utcnow
from sciatica_care.store.models import CheckIn


def save(
    session: Session,
    patient_id: int,
    entry: CheckInEntry,
    daily_action: str | None = None,
    *,
    at: datetime | None = None,
    client_id: str | None = None,
) -> int:
    """Store one entry; with a ``client_id`` a re-sent entry replaces its earlier copy."""
    row: CheckIn | None = None
    if client_id is not None:
        row = session.scalars(
            select(CheckIn).where(CheckIn.patient_id == patient_id, CheckIn.client_id == client_id)
        ).first()
    if row is None:
        row = CheckIn(patient_id=patient_id, client_id=client_id)
        session.add(row)
    row.recorded_at = at or utcnow()
    row.day = entry.day
    row.entry = entry.model_dump(mode="json")
    row.leg_pain = entry.leg_pain
    row.back_pain = entry.back_pain
    row.daily_action = daily_action
    session.flush()
    return row.id


def list_for(
    session: Session,
    patient_id: int,
    since: date | None = None,
    until: date | None = None,
) -> list[CheckIn]:
    """This patient's entries from ``since`` to ``until`` (inclusive), oldest first."""
    query = select(CheckIn).where(CheckIn.patient_id == patient_id)
    if since is not None:
        query = query.where(CheckIn.day >= since)
    if until is not None:
        query = query.where(CheckIn.day <= until)
    return list(session.scalars(query.order_by(CheckIn.day, CheckIn.recorded_at, CheckIn.id)))


def to_entry(row: CheckIn) -> CheckInEntry:
    """The domain entry of a row (the columns win over the JSON copy if they ever disagree)."""
    data = {**row.entry, "day": row.day, "leg_pain": row.leg_pain, "back_pain": row.back_pain}
    return CheckInEntry.model_validate(data)


def entries(
    session: Session,
    patient_id: int,
    since: date | None = None,
    until: date | None = None,
) -> list[CheckInEntry]:
    """This patient's entries as domain objects, oldest first: the input of ``domain.diary``."""
    return [to_entry(row) for row in list_for(session, patient_id, since, until)]


def has_morning_entry(session: Session, patient_id: int, day: date) -> bool:
    """Whether a morning entry exists for ``day`` (a later entry that day is then "other")."""
    return any(entry.moment == "morning" for entry in entries(session, patient_id, day, day))


def awaiting_progression(session: Session, patient_id: int) -> list[CheckIn]:
    """Entries progression has not used yet, oldest first."""
    query = select(CheckIn).where(CheckIn.patient_id == patient_id, CheckIn.progressed_at.is_(None))
    return list(session.scalars(query.order_by(CheckIn.recorded_at, CheckIn.id)))


def by_client_id(session: Session, patient_id: int, client_id: str) -> CheckIn | None:
    """The entry an offline browser saved under ``client_id``, if any."""
    query = select(CheckIn).where(CheckIn.patient_id == patient_id, CheckIn.client_id == client_id)
    return session.scalars(query).first()


def get(session: Session, patient_id: int, checkin_id: int) -> CheckIn | None:
    """One entry of this patient (None for another patient's id)."""
    row = session.get(CheckIn, checkin_id)
    return row if row is not None and row.patient_id == patient_id else None
