"""Saved guided sessions and their per-exercise results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import (
    CompoundSelect,
    Select,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from sciatica_care.store.models import ExerciseResult, ExerciseSession


class RecordLike(Protocol):
    """What the store needs of a domain ``SessionRecord``: its JSON form."""

    def model_dump(self, *, mode: str = ...) -> dict[str, Any]: ...


def save(
    session: Session,
    patient_id: int,
    record: RecordLike,
    started_at: datetime,
    client_id: str | None = None,
    *,
    final: bool = True,
    version: int = 0,
    planned_exercises: list[str] | None = None,
    existing: ExerciseSession | None = None,
    looked_up: bool = False,
) -> int:
    """Store a session with its results in one transaction.

    With a ``client_id`` a re-sent session (offline browser syncing twice) replaces the earlier copy
    instead of duplicating it, so saving after each exercise and again at the end is safe; a caller
    that already read that copy (``by_client_id``) passes it as ``existing``, or ``looked_up``
    when it found none (so it is not looked for again). A new row holds its start in UTC, as it
    reads back from the database.
    """
    data = record.model_dump(mode="json")
    row: ExerciseSession | None = existing
    if row is None and client_id is not None and not looked_up:
        row = session.scalars(
            select(ExerciseSession).where(
                ExerciseSession.patient_id == patient_id, ExerciseSession.client_id == client_id
            )
        ).first()
    if row is None:
        row = ExerciseSession(
            patient_id=patient_id, client_id=client_id, started_at=started_at.astimezone(UTC)
        )
        session.add(row)
    row.status = data["status"]
    row.stop_reason = data.get("stop_reason")
    row.stop_note = data.get("stop_note")
    row.elapsed_s = float(data.get("elapsed_s", 0.0))
    row.final = final
    row.version = version
    row.planned_exercises = planned_exercises
    row.progressed_at = None
    row.items = [
        ExerciseResult(
            patient_id=patient_id,
            position=position,
            exercise_id=item["exercise_id"],
            level=item["level"],
            dose=item["dose"],
            sides_done=list(item.get("sides_done", [])),
            reps_done=item.get("reps_done", 0),
            holds_done=item.get("holds_done", 0),
            hold_seconds=float(item.get("hold_seconds", 0.0)),
            pain=item.get("pain"),
            spread_down_leg=item.get("spread_down_leg"),
            new_numbness_or_weakness=item.get("new_numbness_or_weakness"),
            asked_easier=bool(item.get("asked_easier", False)),
            completed=bool(item.get("completed", False)),
        )
        for position, item in enumerate(data.get("items", []))
    ]
    session.flush()
    return row.id


RESULT_FIELDS = (
    "exercise_id",
    "level",
    "dose",
    "sides_done",
    "reps_done",
    "holds_done",
    "hold_seconds",
    "pain",
    "spread_down_leg",
    "new_numbness_or_weakness",
    "completed",
)


def result_json(item: ExerciseResult) -> dict[str, Any]:
    """One stored result in the shape of ``domain.session.ExerciseResult`` (for APIs and --json)."""
    return {name: getattr(item, name) for name in RESULT_FIELDS}


def by_client_id(session: Session, patient_id: int, client_id: str) -> ExerciseSession | None:
    """The session an offline player saved under ``client_id``, if any."""
    return session.scalars(
        select(ExerciseSession).where(
            ExerciseSession.patient_id == patient_id, ExerciseSession.client_id == client_id
        )
    ).first()


def get(session: Session, patient_id: int, session_id: int) -> ExerciseSession | None:
    row = session.get(ExerciseSession, session_id)
    return row if row is not None and row.patient_id == patient_id else None


def list_since(session: Session, patient_id: int, since: datetime | None) -> list[ExerciseSession]:
    """Sessions started after ``since`` (all when None), newest first."""
    query = select(ExerciseSession).where(ExerciseSession.patient_id == patient_id)
    if since is not None:
        query = query.where(ExerciseSession.started_at > since)
    order = (ExerciseSession.started_at.desc(), ExerciseSession.id.desc())
    return list(session.scalars(query.order_by(*order)))


def awaiting_progression(session: Session, patient_id: int) -> list[ExerciseSession]:
    """Final sessions progression has not used yet, oldest first."""
    query = select(ExerciseSession).where(
        ExerciseSession.patient_id == patient_id,
        ExerciseSession.final.is_(True),
        ExerciseSession.progressed_at.is_(None),
    )
    return list(session.scalars(query.order_by(ExerciseSession.started_at, ExerciseSession.id)))


def list_for(session: Session, patient_id: int, limit: int | None = None) -> list[ExerciseSession]:
    """This patient's sessions, newest first."""
    query = (
        select(ExerciseSession)
        .where(ExerciseSession.patient_id == patient_id)
        .order_by(ExerciseSession.started_at.desc(), ExerciseSession.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def results_for(session: Session, patient_id: int, exercise_id: str) -> list[ExerciseResult]:
    """Every result of one exercise for this patient, oldest first (input to progression)."""
    query = (
        select(ExerciseResult)
        .join(ExerciseSession)
        .where(ExerciseResult.patient_id == patient_id, ExerciseResult.exercise_id == exercise_id)
        .order_by(ExerciseSession.started_at, ExerciseResult.position)
    )
    return list(session.scalars(query))


# --- narrow reads: the few columns the rules read, for a bounded time range ---------------------


@dataclass(frozen=True, slots=True)
class ResultFacts:
    """What progression, the gate and the habit read of one stored result (no dose JSON)."""

    position: int
    exercise_id: str
    pain: int | None
    spread_down_leg: bool | None
    new_numbness_or_weakness: bool | None
    asked_easier: bool
    completed: bool


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """One stored session as the rules read it: plain values, safe after the transaction.

    ``size`` is how many results the session holds; ``items`` are those the query asked for
    (all of them, unless a narrower read says otherwise), by position.
    """

    id: int
    started_at: datetime
    final: bool
    stop_reason: str | None
    elapsed_s: float
    size: int
    items: tuple[ResultFacts, ...]


_SESSION_COLUMNS = (
    ExerciseSession.id,
    ExerciseSession.started_at,
    ExerciseSession.final,
    ExerciseSession.stop_reason,
    ExerciseSession.elapsed_s,
)
_RESULT_COLUMNS = (
    ExerciseResult.position,
    ExerciseResult.exercise_id,
    ExerciseResult.pain,
    ExerciseResult.spread_down_leg,
    ExerciseResult.new_numbness_or_weakness,
    ExerciseResult.asked_easier,
    ExerciseResult.completed,
)


def _size() -> Any:
    """The number of results of the outer query's session (a correlated count)."""
    counted = aliased(ExerciseResult)
    return (
        select(func.count(counted.id))
        .where(counted.session_id == ExerciseSession.id)
        .correlate(ExerciseSession)
        .scalar_subquery()
    )


def _grouped(rows: Any) -> list[SessionFacts]:
    """Rows of (session columns, size, result columns) as sessions, in the rows' order."""
    sessions: dict[int, tuple[tuple[Any, ...], list[ResultFacts]]] = {}
    for row in rows:
        head = tuple(row[: len(_SESSION_COLUMNS) + 1])
        found = sessions.setdefault(head[0], (head, []))
        if row[len(_SESSION_COLUMNS) + 1] is not None:  # a session without results
            position, exercise_id, pain, spread, numbness, easier, completed = row[-7:]
            found[1].append(
                ResultFacts(
                    position, exercise_id, pain, spread, numbness, bool(easier), bool(completed)
                )
            )
    return [
        SessionFacts(
            id=head[0],
            started_at=head[1],
            final=bool(head[2]),
            stop_reason=head[3],
            elapsed_s=float(head[4] or 0.0),
            size=int(head[5] or 0),
            items=tuple(items),
        )
        for head, items in sessions.values()
    ]


def facts_of(row: ExerciseSession) -> SessionFacts:
    """A stored session (with its results loaded) as the narrow reads return it."""
    items = tuple(
        ResultFacts(
            item.position,
            item.exercise_id,
            item.pain,
            item.spread_down_leg,
            item.new_numbness_or_weakness,
            bool(item.asked_easier),
            bool(item.completed),
        )
        for item in sorted(row.items, key=lambda item: item.position)
    )
    return SessionFacts(
        row.id, row.started_at, bool(row.final), row.stop_reason, row.elapsed_s, len(items), items
    )


@lru_cache(maxsize=1)
def _facts_query() -> Select[Any]:
    """Built once, with bound parameters: making these statements (an aliased count, the join)
    costs more than running them on a few days of sessions."""
    return (
        select(*_SESSION_COLUMNS, _size(), *_RESULT_COLUMNS)
        .outerjoin(ExerciseResult, ExerciseResult.session_id == ExerciseSession.id)
        .where(
            ExerciseSession.patient_id == bindparam("patient_id"),
            ExerciseSession.started_at >= bindparam("since"),
        )
        .order_by(ExerciseSession.started_at, ExerciseSession.id, ExerciseResult.position)
    )


def facts_since(session: Session, patient_id: int, since: datetime) -> list[SessionFacts]:
    """Sessions started at or after ``since`` with every result, oldest first: one query of the
    columns the rules read (progression's history, the day's sessions, the RED window), instead
    of whole rows with their results loaded session by session. A Core read on the session's
    connection (no ORM rows to make), after what the session holds pending is flushed."""
    session.flush()
    rows = session.connection().execute(_facts_query(), {"patient_id": patient_id, "since": since})
    return _grouped(rows)


@lru_cache(maxsize=2)
def _possibly_red_query(bounded: bool) -> Select[Any]:
    maybe_red = or_(
        ExerciseResult.pain >= bindparam("pain_at_least"),
        ExerciseResult.spread_down_leg.is_(True),
        ExerciseResult.new_numbness_or_weakness.is_(True),
    )
    query = (
        select(*_SESSION_COLUMNS, _size(), *_RESULT_COLUMNS)
        .outerjoin(ExerciseResult, and_(ExerciseResult.session_id == ExerciseSession.id, maybe_red))
        .where(
            ExerciseSession.patient_id == bindparam("patient_id"),
            or_(ExerciseSession.stop_reason.is_not(None), ExerciseResult.id.is_not(None)),
        )
    )
    if bounded:
        query = query.where(ExerciseSession.started_at > bindparam("since"))
    order = (ExerciseSession.started_at.desc(), ExerciseSession.id.desc(), ExerciseResult.position)
    return query.order_by(*order)


def possibly_red_since(
    session: Session, patient_id: int, since: datetime | None, pain_at_least: int
) -> list[SessionFacts]:
    """Sessions started after ``since`` (all when None) that may have ended RED, newest first.

    A session comes back when it has a stop reason or a result with pain ``pain_at_least`` or
    more, spread down the leg or new numbness; its ``items`` are only those results. This is a
    superset of what ``domain.session.red_stop`` calls RED, which the caller still applies: the
    database skips the calm sessions instead of sending every one since the last safety check.
    """
    params: dict[str, Any] = {"patient_id": patient_id, "pain_at_least": pain_at_least}
    if since is not None:
        params["since"] = since
    session.flush()
    return _grouped(session.connection().execute(_possibly_red_query(since is not None), params))


def _moved() -> Any:
    """Final sessions with a completed exercise: the days a person moved."""
    return and_(
        ExerciseSession.patient_id == bindparam("patient_id"),
        ExerciseSession.final.is_(True),
        ExerciseSession.items.any(ExerciseResult.completed.is_(True)),
    )


@lru_cache(maxsize=4)
def _moved_query(since: bool, before: bool) -> Select[Any]:
    query = select(ExerciseSession.started_at).where(_moved())
    if since:
        query = query.where(ExerciseSession.started_at >= bindparam("since"))
    if before:
        query = query.where(ExerciseSession.started_at < bindparam("before"))
    return query


def moved_at(
    session: Session, patient_id: int, since: datetime | None = None, before: datetime | None = None
) -> list[datetime]:
    """Start times of the final sessions with a completed exercise (the days a person moved),
    from ``since`` (inclusive) to ``before`` (exclusive), either open."""
    query = _moved_query(since is not None, before is not None)
    params = {"patient_id": patient_id, "since": since, "before": before}
    return list(session.scalars(query, {k: v for k, v in params.items() if v is not None}))


@lru_cache(maxsize=1)
def _first_moved_query() -> Select[Any]:
    return select(func.min(ExerciseSession.started_at)).where(_moved())


def first_moved_at(session: Session, patient_id: int) -> datetime | None:
    """The start of the first final session with a completed exercise (the habit's origin)."""
    return session.scalar(_first_moved_query(), {"patient_id": patient_id})


@lru_cache(maxsize=1)
def _moved_and_first_query() -> CompoundSelect[Any]:
    """The start times from ``since`` on (along the (patient, start) index), then the first
    start ever (the index walked from its beginning to the first session that counts)."""
    window = select(ExerciseSession.started_at, literal(False).label("is_first")).where(
        _moved(), ExerciseSession.started_at >= bindparam("since")
    )
    first = (
        select(ExerciseSession.started_at)
        .where(_moved())
        .order_by(ExerciseSession.started_at)
        .limit(1)
        .subquery()
    )
    return union_all(window, select(first.c.started_at, literal(True)))


def moved_since_and_first(
    session: Session, patient_id: int, since: datetime
) -> tuple[list[datetime], datetime | None]:
    """``moved_at(since=since)`` and ``first_moved_at`` in one Core statement: the start times
    from ``since`` on, and the first start ever (None: the person never moved)."""
    session.flush()
    rows = session.connection().execute(
        _moved_and_first_query(), {"patient_id": patient_id, "since": since}
    )
    starts: list[datetime] = []
    first_at = None
    for started, is_first in rows:
        if is_first:
            first_at = started
        else:
            starts.append(started)
    return starts, first_at


# --- My progress: totals and the window's sessions, a few columns each --------------------------


@lru_cache(maxsize=1)
def _final_totals_query() -> Select[int, Any]:
    table = ExerciseSession.__table__
    return select(func.count(table.c.id), func.min(table.c.started_at)).where(
        table.c.patient_id == bindparam("patient_id"), table.c.final.is_(True)
    )


def final_totals(session: Session, patient_id: int) -> tuple[int, datetime | None]:
    """How many final sessions were ever saved, and when the first started: one aggregate row,
    however long the history (My progress's session count and program week)."""
    total, earliest = session.execute(_final_totals_query(), {"patient_id": patient_id}).one()
    return int(total), earliest


SessionSummary = tuple[datetime, str, float, bool]
"""A session as the progress views read it: started at, status, seconds, final."""


@lru_cache(maxsize=1)
def _summaries_query() -> Select[Any]:
    c = ExerciseSession.__table__.c
    return (
        select(c.started_at, c.status, c.elapsed_s, c.final)
        .where(c.patient_id == bindparam("patient_id"), c.started_at >= bindparam("since"))
        .order_by(c.started_at, c.id)
    )


def summaries_since(session: Session, patient_id: int, since: datetime) -> list[SessionSummary]:
    """Sessions started at or after ``since``, oldest first, as four columns (no results, no
    ORM rows): what a chart and a week's minutes need, read along the (patient, start) index."""
    rows = session.execute(_summaries_query(), {"patient_id": patient_id, "since": since}).all()
    return [(started, status, elapsed, bool(final)) for started, status, elapsed, final in rows]
