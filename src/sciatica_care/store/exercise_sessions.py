"""Saved guided sessions and their per-exercise results."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

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
) -> int:
    """Store a session with its results in one transaction.

    With a ``client_id`` a re-sent session (offline browser syncing twice) replaces the earlier copy
    instead of duplicating it, so saving after each exercise and again at the end is safe.
    """
    data = record.model_dump(mode="json")
    row: ExerciseSession | None = None
    if client_id is not None:
        row = session.scalars(
            select(ExerciseSession).where(
                ExerciseSession.patient_id == patient_id, ExerciseSession.client_id == client_id
            )
        ).first()
    if row is None:
        row = ExerciseSession(patient_id=patient_id, client_id=client_id, started_at=started_at)
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
