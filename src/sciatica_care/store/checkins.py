"""The pain diary: check-in entries stored per patient (clinical-spec.md §1 daily items, §6 zones).

A row keeps the whole ``domain.diary.CheckIn`` as JSON (so nothing the person wrote is lost when
the entry grows a field) next to the columns queries and charts need: the day, leg and back pain,
and the action of that day's red-flag questions. Several entries a day are allowed.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, String, bindparam, exists, func, select, type_coerce
from sqlalchemy.orm import Session

from sciatica_care.domain.body_map import BodyMap, LegZones
from sciatica_care.domain.diary import CheckIn as CheckInEntry
from sciatica_care.domain.diary import DayReading
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


def _is_morning() -> Any:
    """An entry's moment is morning (the entry's default when its JSON does not say)."""
    return func.coalesce(CheckIn.entry["moment"].as_string(), "morning") == "morning"


def has_morning_entry(session: Session, patient_id: int, day: date) -> bool:
    """Whether a morning entry exists for ``day`` (a later entry that day is then "other")."""
    query = select(
        exists().where(CheckIn.patient_id == patient_id, CheckIn.day == day, _is_morning())
    )
    return bool(session.scalar(query))


@lru_cache(maxsize=2048, typed=True)
def _body_map(left_pain: int, left_numbness: int, right_pain: int, right_numbness: int) -> BodyMap:
    """One validated body map per combination of zones (6⁴ at most), shared by readings."""
    return BodyMap(
        left=LegZones(pain=left_pain, numbness=left_numbness),
        right=LegZones(pain=right_pain, numbness=right_numbness),
    )


ZONE_PATHS = (("left", "pain"), ("left", "numbness"), ("right", "pain"), ("right", "numbness"))


@lru_cache(maxsize=1)
def _reading_columns() -> tuple[Any, ...]:
    """The few values of each entry the trends read, each as a plain column: the day as text
    (parsed by ``date.fromisoformat``, several times faster than the generic date type on a
    year of rows) and the JSON's moment, zones and activities flag picked out by the database.
    Table columns, not the mapped class's: the statements are Core ones, which the ORM runs
    without its own compile step. Built once: making the JSON path expressions costs more than
    running the query."""
    table = CheckIn.__table__
    entry = table.c.entry
    return (
        type_coerce(table.c.day, String),
        entry["moment"].as_string(),
        table.c.leg_pain,
        table.c.back_pain,
        *(entry[("zones", side, kind)].as_integer() for side, kind in ZONE_PATHS),
        entry["activities_impossible"].as_boolean(),
    )


def _table_order(descending_day: bool = False) -> tuple[Any, ...]:
    """The diary's order (``list_for``): by day, then as recorded."""
    c = CheckIn.__table__.c
    return (c.day.desc() if descending_day else c.day, c.recorded_at, c.id)


def _mine() -> Any:
    return CheckIn.__table__.c.patient_id == bindparam("patient_id")


@lru_cache(maxsize=4)
def _readings_query(since: bool, until: bool) -> Select[Any]:
    """``readings``'s statement, built once per kind of bound (bound parameters: ``since``,
    ``until``)."""
    c = CheckIn.__table__.c
    query = select(*_reading_columns()).where(_mine())
    if since:
        query = query.where(c.day >= bindparam("since"))
    if until:
        query = query.where(c.day <= bindparam("until"))
    return query.order_by(*_table_order())


@lru_cache(maxsize=2)
def _morning_query(latest: bool) -> Select[Any]:
    """The first morning entry of the diary's first (or latest) day with one: the index on
    (patient, day) is walked from that end and the walk stops at the first morning."""
    morning = func.coalesce(CheckIn.__table__.c.entry["moment"].as_string(), "morning")
    query = select(*_reading_columns()).where(_mine(), morning == "morning")
    return query.order_by(*_table_order(descending_day=latest)).limit(1)


def _reading(row: Any) -> DayReading:
    """A row of the readings statements with the entry's defaults for what its JSON leaves out."""
    day, moment, leg, back, left_pain, left_numbness, right_pain, right_numbness, impossible = row
    zones = _body_map(left_pain or 0, left_numbness or 0, right_pain or 0, right_numbness or 0)
    return DayReading(
        day if isinstance(day, date) else date.fromisoformat(day),
        moment or "morning",
        leg,
        back,
        zones,
        bool(impossible),
    )


def readings(
    session: Session,
    patient_id: int,
    since: date | None = None,
    until: date | None = None,
) -> list[DayReading]:
    """What the trend rules, charts and flare-up check read of each entry from ``since`` to
    ``until`` (inclusive), oldest first as ``entries``: one query of a few columns, no
    validation of whole entries (a year of diary costs a page a few milliseconds, not a tenth
    of a second)."""
    params: dict[str, Any] = {"patient_id": patient_id}
    if since is not None:
        params["since"] = since
    if until is not None:
        params["until"] = until
    rows = session.execute(_readings_query(since is not None, until is not None), params).all()
    return [_reading(row) for row in rows]


def first_morning(session: Session, patient_id: int) -> DayReading | None:
    """The diary's first morning entry (its earliest day, the first recorded that day)."""
    row = session.execute(_morning_query(False), {"patient_id": patient_id}).first()
    return _reading(row) if row is not None else None


def latest_morning(session: Session, patient_id: int) -> DayReading | None:
    """The first morning entry recorded on the diary's latest day with one (the day's value
    for trends, ``domain.diary.daily_entries``)."""
    row = session.execute(_morning_query(True), {"patient_id": patient_id}).first()
    return _reading(row) if row is not None else None


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
