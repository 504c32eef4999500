"""The derived ``caseload_summaries`` rows and the raw reads that rebuild them (issue 10 item 4).

Reads run as Core statements on the session's connection (same transaction): the ORM's result
processing of plain column rows costs more than the queries. A summary is derived data (design.md
"Transactions"): ``services.caseload_summary`` computes it
from the check-ins and sessions read here and writes it after the entry is committed. The
dashboard reads every linked patient with their summary in one indexed query
(``linked_with_summaries``), so a page costs the same at a year of history as at a week.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import String, Text, and_, cast, select, type_coerce, update
from sqlalchemy.orm import Session

from sciatica_care.store.models import (
    CareLink,
    CaseloadSummary,
    CheckIn,
    ExerciseResult,
    ExerciseSession,
    Patient,
)


@dataclass(slots=True)
class StoredSummary:
    """What the dashboard reads of a summary row: its columns, and ``days`` once it is read
    (``days_of``; None until then)."""

    timezone: str
    covers_from: date
    shape: int
    has_events: bool
    stale: bool
    last_activity: date | None
    days: dict[str, Any] | None = None


@dataclass(slots=True)
class LinkedSummary:
    """A patient who links the clinician, the settings the caseload needs, and their summary's
    columns (``summary_zone`` None: never built). Plain slots, flat, made 5,000 times a page:
    the account's time and the program's start stay as stored until a row shown needs them."""

    id: int
    public_id: str
    email: str | None
    timezone: str | None
    sessions_per_week: Any
    created: Any
    started: Any
    summary_zone: str | None
    covers_from: date
    shape: int
    has_events: bool
    stale: bool
    last_activity: date | None

    @property
    def created_at(self) -> datetime | None:
        return _as_utc(self.created)

    @property
    def program_started_on(self) -> date | None:
        return _as_date(self.started)

    @property
    def summary(self) -> StoredSummary | None:
        """The summary's columns (its ``days`` not read), or None when it was never built."""
        if self.summary_zone is None:
            return None
        return StoredSummary(
            self.summary_zone,
            self.covers_from,
            self.shape,
            self.has_events,
            self.stale,
            self.last_activity,
        )


def linked_with_summaries(
    session: Session, clinician_id: int, patient_ids: Sequence[int] | None = None
) -> list[LinkedSummary]:
    """Every patient linked to the clinician now (or those of ``patient_ids``), with their
    summary's columns (not its ``days``: ``days_of``): one query over the clinician's links, the
    patients' primary keys and the summaries'."""
    linked = select(CareLink.patient_id).where(
        CareLink.clinician_id == clinician_id, CareLink.ended_at.is_(None)
    )
    settings = Patient.settings
    s = CaseloadSummary
    query = (
        select(
            Patient.id,
            Patient.public_id,
            Patient.email,
            settings["timezone"].as_string(),
            settings["sessions_per_week"].as_string(),
            # Dates and times read as text and parsed only when needed (SQLite; PostgreSQL's
            # driver gives dates and times): at 5,000 rows the generic type processing is most
            # of the page's time.
            type_coerce(Patient.created_at, String),
            type_coerce(Patient.program_started_on, String),
            s.timezone,
            type_coerce(s.covers_from, String),
            s.shape,
            s.has_events,
            s.stale,
            type_coerce(s.last_activity, String),
        )
        .outerjoin(s, s.patient_id == Patient.id)
        .where(Patient.id.in_(linked))
    )
    if patient_ids is not None:
        query = query.where(Patient.id.in_(list(patient_ids)))
    # Core execution: the ORM's result processing of 5,000 plain rows costs more than the query.
    return [
        LinkedSummary(
            pid,
            public_id,
            email,
            zone,
            per_week,
            created,
            started,
            summary_zone,
            _as_date(covers_from) or date.min,
            shape or 0,
            bool(has_events),
            bool(stale),
            _as_date(last_activity),
        )
        for (
            pid,
            public_id,
            email,
            zone,
            per_week,
            created,
            started,
            summary_zone,
            covers_from,
            shape,
            has_events,
            stale,
            last_activity,
        ) in session.connection().execute(query).all()
    ]


def days_of(session: Session, patient_ids: Sequence[int]) -> dict[int, tuple[date, dict[str, Any]]]:
    """The first day and the ``days`` document of these patients' summaries, read together so
    the day positions match even if the summary was rebuilt since its columns were read. Read
    as text and parsed by the C JSON parser (the generic JSON type processing costs more)."""
    if not patient_ids:
        return {}
    s = CaseloadSummary
    query = select(s.patient_id, type_coerce(s.covers_from, String), cast(s.days, Text)).where(
        s.patient_id.in_(list(patient_ids))
    )
    return {
        pid: (
            _as_date(covers_from) or date.min,
            days if isinstance(days, dict) else json.loads(days),
        )
        for pid, covers_from, days in session.connection().execute(query)
    }


def zone_setting(session: Session, patient_id: int) -> str | None:
    """The zone name stored in the patient's settings (None when unset or no such patient)."""
    query = select(Patient.settings["timezone"].as_string()).where(Patient.id == patient_id)
    return session.scalar(query)


@dataclass(frozen=True)
class RawCheckIn:
    patient_id: int
    id: int
    day: date
    recorded_at: datetime
    entry: dict[str, Any]
    leg_pain: int


def checkins_since(
    session: Session, patient_ids: Sequence[int], first_day: date
) -> list[RawCheckIn]:
    """The patients' check-ins on diary days ``first_day``… in the order they were recorded."""
    query = (
        select(
            CheckIn.patient_id,
            CheckIn.id,
            CheckIn.day,
            CheckIn.recorded_at,
            CheckIn.entry,
            CheckIn.leg_pain,
        )
        .where(CheckIn.patient_id.in_(list(patient_ids)), CheckIn.day >= first_day)
        .order_by(CheckIn.patient_id, CheckIn.recorded_at, CheckIn.id)
    )
    return [RawCheckIn(*row) for row in session.connection().execute(query)]


@dataclass(frozen=True)
class RawSession:
    patient_id: int
    id: int
    started_at: datetime
    final: bool
    stop_reason: str | None
    items: list[tuple[int | None, bool | None, bool | None, bool]]
    """(pain, spread down the leg, new numbness or weakness, completed) of each exercise."""


def sessions_since(
    session: Session, patient_ids: Sequence[int], since: datetime
) -> list[RawSession]:
    """The patients' sessions started at ``since`` or later, oldest first, with their items."""
    ids = list(patient_ids)
    query = (
        select(
            ExerciseSession.patient_id,
            ExerciseSession.id,
            ExerciseSession.started_at,
            ExerciseSession.final,
            ExerciseSession.stop_reason,
        )
        .where(ExerciseSession.patient_id.in_(ids), ExerciseSession.started_at >= since)
        .order_by(ExerciseSession.patient_id, ExerciseSession.started_at, ExerciseSession.id)
    )
    rows = session.connection().execute(query).all()
    items: dict[int, list[tuple[int | None, bool | None, bool | None, bool]]] = {}
    if rows:
        results = (
            select(
                ExerciseResult.session_id,
                ExerciseResult.pain,
                ExerciseResult.spread_down_leg,
                ExerciseResult.new_numbness_or_weakness,
                ExerciseResult.completed,
            )
            .join(ExerciseSession, ExerciseSession.id == ExerciseResult.session_id)
            .where(and_(ExerciseSession.patient_id.in_(ids), ExerciseSession.started_at >= since))
        )
        for sid, pain, spread, numb, completed in session.connection().execute(results):
            items.setdefault(sid, []).append((pain, spread, numb, bool(completed)))
    return [
        RawSession(pid, sid, _aware(started), bool(final), reason, items.get(sid, []))
        for pid, sid, started, final, reason in rows
    ]


def last_entries(
    session: Session, patient_ids: Sequence[int]
) -> dict[int, tuple[date | None, datetime | None]]:
    """The newest check-in day and session start of each patient over all time: two index seeks
    per patient (``ix_checkins_patient_day``, ``ix_exercise_sessions_patient_started``)."""
    if not patient_ids:
        return {}
    last_day = (
        select(CheckIn.day)
        .where(CheckIn.patient_id == Patient.id)
        .order_by(CheckIn.day.desc())
        .limit(1)
        .scalar_subquery()
    )
    last_started = (
        select(ExerciseSession.started_at)
        .where(ExerciseSession.patient_id == Patient.id)
        .order_by(ExerciseSession.started_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    query = select(Patient.id, last_day, last_started).where(Patient.id.in_(list(patient_ids)))
    return {
        pid: (_as_date(day), _aware(started) if started is not None else None)
        for pid, day, started in session.connection().execute(query)
    }


def _aware(moment: Any) -> datetime:
    """Scalar subqueries skip the column type: SQLite returns naive UTC (or a string)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    assert isinstance(moment, datetime)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _as_utc(value: Any) -> datetime | None:
    """A stored time read as text (SQLite: naive UTC) or as a datetime (PostgreSQL), made aware."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return _day(str(value))


@lru_cache(maxsize=4096)
def _day(text: str) -> date:
    """A stored day parsed once: a clinic's 5,000 summaries share a few dozen dates."""
    return date.fromisoformat(text)


def mark_stale(session: Session, patient_id: int) -> None:
    """Flag the patient's summary as out of date (no row yet: nothing to flag, it is missing)."""
    session.execute(
        update(CaseloadSummary).where(CaseloadSummary.patient_id == patient_id).values(stale=True)
    )


@dataclass(frozen=True)
class NewSummary:
    patient_id: int
    timezone: str
    covers_from: date
    days: dict[str, Any]
    last_checkin_day: date | None
    last_session_at: datetime | None
    shape: int
    has_events: bool
    last_activity: date | None


def save(session: Session, summaries: Iterable[NewSummary], at: datetime) -> None:
    """Write each summary over the stored one (or as a new row), clearing ``stale``."""
    wanted = {s.patient_id: s for s in summaries}
    if not wanted:
        return
    stored = {
        row.patient_id: row
        for row in session.scalars(
            select(CaseloadSummary).where(CaseloadSummary.patient_id.in_(list(wanted)))
        )
    }
    for pid, new in wanted.items():
        row = stored.get(pid)
        if row is None:
            row = CaseloadSummary(patient_id=pid)
            session.add(row)
        row.timezone = new.timezone
        row.covers_from = new.covers_from
        row.days = new.days
        row.last_checkin_day = new.last_checkin_day
        row.last_session_at = new.last_session_at
        row.shape = new.shape
        row.has_events = new.has_events
        row.last_activity = new.last_activity
        row.stale = False
        row.updated_at = at
    session.flush()
