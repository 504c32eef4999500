"""Grouped reads behind a clinician's caseload (issue 10 items 4–5), for all linked patients at once.

A clinician may follow thousands of patients with a year of daily check-ins each; the dashboard
must cost the same at a year as at a week (design.md "Scale"). So every function here is one SQL
statement over the indexed tables, scoped to the clinician's active care links, reading at most
the last 28 days, and returning at most a few small tuples per patient: no per-patient Python loop
over history. The rules these numbers feed (what is RED, what is peripheralising, what is an alert)
are applied in ``services.caseload``; the two rules that must run inside SQL to stay grouped —
a RED session (clinical-spec.md §4.1, §9 rulings 6–7) and a peripheralising run of the §6 zones —
take their thresholds from ``domain``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from sciatica_care.domain.session import PAIN_STOP_AT, SAFETY_STOPS
from sciatica_care.store.models import (
    AlertSeen,
    CareLink,
    CheckIn,
    ExerciseResult,
    ExerciseSession,
    Patient,
    Screening,
)

URGENT_ACTIONS = ("EMERGENCY_NOW", "URGENT_24_48H")
"""clinical-spec.md §1 actions that open a red-flag concern until the patient is assessed."""
ZONE_SERIES = (
    ("left", "pain"),
    ("left", "numbness"),
    ("right", "pain"),
    ("right", "numbness"),
)
"""The four §6 trends: each leg, pain and numbness."""


def _linked(clinician_id: int) -> ColumnElement[bool]:
    return and_(CareLink.clinician_id == clinician_id, CareLink.ended_at.is_(None))


def _scoped(column: Any, clinician_id: int, patient_ids: Sequence[int] | None) -> Any:
    """``column`` (a patient id) limited to the clinician's linked patients (and ``patient_ids``)."""
    linked = select(CareLink.patient_id).where(_linked(clinician_id))
    condition = column.in_(linked)
    if patient_ids is not None:
        condition = and_(condition, column.in_(list(patient_ids)))
    return condition


@dataclass(frozen=True)
class LinkedPatient:
    id: int
    public_id: str
    email: str | None
    timezone: str | None
    sessions_per_week: Any
    linked_at: datetime


def linked_patients(session: Session, clinician_id: int) -> list[LinkedPatient]:
    """Every patient who links the clinician now, with the two settings the caseload needs."""
    settings = Patient.settings
    query = (
        select(
            Patient.id,
            Patient.public_id,
            Patient.email,
            settings["timezone"].as_string(),
            settings["sessions_per_week"].as_string(),
            func.min(CareLink.linked_at),
        )
        .join(CareLink, CareLink.patient_id == Patient.id)
        .where(_linked(clinician_id))
        .group_by(Patient.id, Patient.public_id, Patient.email)
    )
    return [LinkedPatient(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class OpenRedFlag:
    patient_id: int
    screening_id: int
    action: str
    created_at: datetime


def open_red_flags(
    session: Session, clinician_id: int, patient_ids: Sequence[int] | None = None
) -> list[OpenRedFlag]:
    """Screens (full, daily, re-check) whose action is EMERGENCY_NOW or URGENT_24_48H and that the
    patient has not yet recorded as assessed (the program gate's lock and hold), oldest first."""
    query = (
        select(Screening.patient_id, Screening.id, Screening.action, Screening.created_at)
        .where(
            _scoped(Screening.patient_id, clinician_id, patient_ids),
            Screening.assessed_at.is_(None),
            Screening.action.in_(URGENT_ACTIONS),
        )
        .order_by(Screening.created_at, Screening.id)
    )
    return [OpenRedFlag(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class CheckInSummary:
    patient_id: int
    last_day: date | None
    days_7: int
    leg_recent: float | None
    """Mean morning leg pain (NPRS) of the last 7 days."""
    leg_earlier: float | None
    """Mean morning leg pain of the first 7 days of the 28-day window."""


def checkin_summaries(
    session: Session,
    clinician_id: int,
    first_day: date,
    week_first_day: date,
    earlier_last_day: date,
    patient_ids: Sequence[int] | None = None,
) -> list[CheckInSummary]:
    """Per patient, over the diary days ``first_day``… (the patients' own days): the last day
    with an entry, the days with an entry in the last week, and mean morning leg pain of the
    last week and of the window's first week (§3: the NPRS compared across four weeks)."""
    morning = CheckIn.entry["moment"].as_string() == "morning"
    recent = and_(morning, CheckIn.day >= week_first_day)
    earlier = and_(morning, CheckIn.day <= earlier_last_day)
    query = (
        select(
            CheckIn.patient_id,
            func.max(CheckIn.day),
            func.count(func.distinct(case((CheckIn.day >= week_first_day, CheckIn.day)))),
            func.avg(case((recent, CheckIn.leg_pain))),
            func.avg(case((earlier, CheckIn.leg_pain))),
        )
        .where(
            _scoped(CheckIn.patient_id, clinician_id, patient_ids),
            CheckIn.day >= first_day,
        )
        .group_by(CheckIn.patient_id)
    )
    return [
        CheckInSummary(
            pid,
            last,
            int(days or 0),
            float(leg_recent) if leg_recent is not None else None,
            float(leg_earlier) if leg_earlier is not None else None,
        )
        for pid, last, days, leg_recent, leg_earlier in session.execute(query)
    ]


def _day_index(moment: Any, day_starts: Sequence[datetime]) -> Any:
    """The index of the patient's day a UTC time falls on, given the UTC start of each day
    (oldest first; one more bound than days): a CASE over the bounds, so local days are exact
    across a daylight-saving change on SQLite too, which has no time zones."""
    whens = [
        (moment >= start, literal(index, Integer))
        for index, start in reversed(list(enumerate(day_starts[:-1])))
    ]
    return case(*whens, else_=None)


def _done() -> ColumnElement[bool]:
    """A session that counts for adherence: final, with at least one exercise completed (the
    days the habit ring counts, ``services.program.habit_of``)."""
    completed = exists().where(
        ExerciseResult.session_id == ExerciseSession.id, ExerciseResult.completed.is_(True)
    )
    return and_(ExerciseSession.final.is_(True), completed)


@dataclass(frozen=True)
class SessionSummary:
    patient_id: int
    days_done_7: int
    days_done_28: int
    last_started_at: datetime | None


def session_summaries(
    session: Session,
    clinician_id: int,
    day_starts: Sequence[datetime],
    patient_ids: Sequence[int] | None = None,
) -> list[SessionSummary]:
    """Per patient: the days with a done session in the last 7 and in all the days of
    ``day_starts`` (a second session the same day counts once, clinical-spec.md §4.2), and the
    newest session started in the window."""
    days = len(day_starts) - 1
    index = _day_index(ExerciseSession.started_at, day_starts)
    done = _done()
    query = (
        select(
            ExerciseSession.patient_id,
            func.count(func.distinct(case((and_(done, index >= days - 7), index)))),
            func.count(func.distinct(case((done, index)))),
            func.max(ExerciseSession.started_at),
        )
        .where(
            _scoped(ExerciseSession.patient_id, clinician_id, patient_ids),
            ExerciseSession.started_at >= day_starts[0],
            ExerciseSession.started_at < day_starts[-1],
        )
        .group_by(ExerciseSession.patient_id)
    )
    rows = session.execute(query).all()
    return [
        SessionSummary(pid, int(week or 0), int(month or 0), _aware(last))
        for pid, week, month, last in rows
    ]


def _aware(moment: datetime | None) -> datetime | None:
    """Aggregates skip the column type: SQLite returns naive UTC (or a string)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _red() -> ColumnElement[bool]:
    """A session that ended RED (``domain.session.red_stop``): stopped for a symptom, or any
    pain check at pain ≥ 8, spread down the leg or new numbness (§4.1, §9 rulings 5–7)."""
    red_item = exists().where(
        ExerciseResult.session_id == ExerciseSession.id,
        or_(
            ExerciseResult.pain >= PAIN_STOP_AT,
            ExerciseResult.spread_down_leg.is_(True),
            ExerciseResult.new_numbness_or_weakness.is_(True),
        ),
    )
    stops = sorted(reason.value for reason in SAFETY_STOPS)
    return or_(ExerciseSession.stop_reason.in_(stops), red_item)


@dataclass(frozen=True)
class RedSession:
    patient_id: int
    session_id: int
    started_at: datetime
    stop_reason: str | None


def red_sessions(
    session: Session,
    clinician_id: int,
    since: datetime,
    until: datetime,
    patient_ids: Sequence[int] | None = None,
) -> list[RedSession]:
    """Final sessions that ended RED, started in [since, until), oldest first (§9 ruling 6)."""
    query = (
        select(
            ExerciseSession.patient_id,
            ExerciseSession.id,
            ExerciseSession.started_at,
            ExerciseSession.stop_reason,
        )
        .where(
            _scoped(ExerciseSession.patient_id, clinician_id, patient_ids),
            ExerciseSession.started_at >= since,
            ExerciseSession.started_at < until,
            ExerciseSession.final.is_(True),
            _red(),
        )
        .order_by(ExerciseSession.started_at, ExerciseSession.id)
    )
    return [RedSession(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class ZoneRun:
    """The longest run of days, ending at the patient's latest diary day, on which one leg's
    pain or numbness reached at least one zone further down than the day before the run."""

    patient_id: int
    days: int
    started_on: date
    latest_day: date


def peripheralising_runs(
    session: Session,
    clinician_id: int,
    first_day: date,
    patient_ids: Sequence[int] | None = None,
) -> list[ZoneRun]:
    """Per patient, the longest peripheralising run over the four §6 series in the window (only
    patients with a run of at least one day), as ``domain.diary.zone_signal`` reads it.

    ``zone_signal`` takes each day's morning entry (else its first) and looks for the longest
    ``k`` with every one of the last ``k`` values ≥ the value just before them + 1. In SQL: each
    day's value, then over the days after it (a window frame) their minimum and count; a day
    whose followers' minimum is above it starts a run as long as their count.
    """
    daily_rank = func.row_number().over(
        partition_by=(CheckIn.patient_id, CheckIn.day),
        order_by=(
            case((CheckIn.entry["moment"].as_string() == "morning", 0), else_=1),
            CheckIn.recorded_at,
            CheckIn.id,
        ),
    )
    zones = [
        CheckIn.entry[("zones", side, kind)].as_integer().label(f"z{n}")
        for n, (side, kind) in enumerate(ZONE_SERIES)
    ]
    entries = (
        select(CheckIn.patient_id, CheckIn.day, daily_rank.label("rank"), *zones)
        .where(
            _scoped(CheckIn.patient_id, clinician_id, patient_ids),
            CheckIn.day >= first_day,
        )
        .subquery()
    )
    days = select(entries).where(entries.c.rank == 1).subquery()
    after: dict[str, Any] = {
        "partition_by": days.c.patient_id,
        "order_by": days.c.day,
        "rows": (1, None),
    }
    columns: list[Any] = [days.c.patient_id, days.c.day]
    columns.append(func.lead(days.c.day).over(partition_by=days.c.patient_id, order_by=days.c.day))
    columns.append(func.max(days.c.day).over(partition_by=days.c.patient_id))
    for n in range(len(ZONE_SERIES)):
        value = func.coalesce(days.c[f"z{n}"], 0)
        columns.append(value)
        columns.append(func.min(func.coalesce(days.c[f"z{n}"], 0)).over(**after))
    columns.append(func.count().over(**after))
    framed = select(*columns).subquery()
    c = list(framed.c)
    pid, next_day, latest, count_after = c[0], c[2], c[3], c[-1]
    starts = or_(*(c[4 + 2 * n + 1] > c[4 + 2 * n] for n in range(len(ZONE_SERIES))))
    query = (
        select(pid, func.max(count_after), func.min(next_day), func.max(latest))
        .where(starts, count_after > 0)
        .group_by(pid)
    )
    runs = []
    for patient_id, length, started, last in session.execute(query):
        runs.append(ZoneRun(patient_id, int(length), _as_date(started), _as_date(last)))
    return runs


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def last_activity_before(
    session: Session, patient_ids: Sequence[int]
) -> dict[int, tuple[date | None, datetime | None]]:
    """The newest check-in day and session start of each of ``patient_ids`` over all time (for
    the few patients quiet in the window): index seeks, one per patient."""
    if not patient_ids:
        return {}
    last_day = (
        select(func.max(CheckIn.day)).where(CheckIn.patient_id == Patient.id).scalar_subquery()
    )
    last_session = (
        select(func.max(ExerciseSession.started_at))
        .where(ExerciseSession.patient_id == Patient.id)
        .scalar_subquery()
    )
    query = select(Patient.id, last_day, last_session).where(Patient.id.in_(list(patient_ids)))
    return {
        pid: (_as_date(day) if day is not None else None, _aware(started))
        for pid, day, started in session.execute(query)
    }


def seen_alerts(
    session: Session, clinician_id: int, patient_ids: Sequence[int] | None = None
) -> set[tuple[int, str]]:
    """(patient id, alert key) of every alert this clinician marked seen."""
    query = select(AlertSeen.patient_id, AlertSeen.alert_key).where(
        AlertSeen.clinician_id == clinician_id
    )
    if patient_ids is not None:
        query = query.where(AlertSeen.patient_id.in_(list(patient_ids)))
    return {(pid, key) for pid, key in session.execute(query)}


def mark_seen(
    session: Session, clinician_id: int, patient_id: int, alert_key: str, at: datetime
) -> bool:
    """Record the alert as seen; False when it already was."""
    query = select(AlertSeen.id).where(
        AlertSeen.clinician_id == clinician_id,
        AlertSeen.patient_id == patient_id,
        AlertSeen.alert_key == alert_key,
    )
    if session.scalar(query) is not None:
        return False
    session.add(
        AlertSeen(clinician_id=clinician_id, patient_id=patient_id, alert_key=alert_key, seen_at=at)
    )
    session.flush()
    return True
