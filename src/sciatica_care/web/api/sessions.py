"""Guided sessions over JSON: the player saves after every exercise and at the end.

``POST /api/sessions`` takes a client-made ``client_id`` (a UUID) and the ``SessionRecord`` so far.
Saving is idempotent per patient and ``client_id``: each save replaces the previous copy, so a
player can save after each exercise, retry after a network error or re-send from another tab
without duplicates. A save with ``final: false`` is kept as "stopped, unfinished", which is what
it is if the page never comes back. Only a final save is handed to progression
(clinical-spec.md §4.1), once per session; its decisions come back in ``program_update``. The
record is validated by the domain model: a bad field is a 422 naming it
(``loc: ["body", "record", "items", 0, "pain"]``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import AwareDatetime, BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from sciatica_care.content.exercises import exercise_library
from sciatica_care.domain.session import SessionRecord, SessionStatus
from sciatica_care.store import exercise_sessions
from sciatica_care.store.base import utcnow
from sciatica_care.store.models import ExerciseSession
from sciatica_care.web.program_plan import record_session
from sciatica_care.web.security import SignedIn, current_patient, database

router = APIRouter(prefix="/api", tags=["sessions"])

UNFINISHED_NOTE = "unfinished: saved after an exercise, the session did not reach its end"
CLOCK_SLACK = timedelta(days=1)


class SessionUpload(BaseModel):
    """One save of a session in progress (``final: false``) or finished or stopped."""

    model_config = ConfigDict(extra="forbid")

    client_id: UUID
    started_at: AwareDatetime
    final: bool = True
    record: SessionRecord


class SavedSession(BaseModel):
    id: int
    client_id: str | None
    started_at: datetime
    status: str
    stop_reason: str | None
    stop_note: str | None
    elapsed_s: float
    items: list[dict[str, object]]
    program_update: dict[str, Any] | None = None

    @classmethod
    def of(cls, row: ExerciseSession, program_update: dict[str, Any] | None = None) -> SavedSession:
        return cls(
            id=row.id,
            client_id=row.client_id,
            started_at=row.started_at,
            status=row.status,
            stop_reason=row.stop_reason,
            stop_note=row.stop_note,
            elapsed_s=row.elapsed_s,
            items=[exercise_sessions.result_json(item) for item in row.items],
            program_update=program_update,
        )


def _error(loc: tuple[str | int, ...], msg: str) -> dict[str, object]:
    return {"loc": ("body", *loc), "msg": msg, "type": "value_error"}


def _check(upload: SessionUpload) -> None:
    """What the domain model leaves open: known exercises, ranges, a start not in the future.

    Pain is 0–10 (clinical-spec.md §4.1); progression reads it, so it must never be stored out of
    range.
    """
    errors: list[dict[str, object]] = []
    known = {exercise.id for exercise in exercise_library().exercises}
    record = upload.record
    for index, item in enumerate(record.items):
        at: tuple[str | int, ...] = ("record", "items", index)
        if item.exercise_id not in known:
            errors.append(_error((*at, "exercise_id"), f"unknown exercise '{item.exercise_id}'"))
        if item.level not in (1, 2, 3):
            errors.append(_error((*at, "level"), "level must be 1, 2 or 3"))
        if item.pain is not None and not 0 <= item.pain <= 10:
            errors.append(_error((*at, "pain"), "pain must be a whole number from 0 to 10"))
        for name in ("reps_done", "holds_done", "hold_seconds"):
            if getattr(item, name) < 0:
                errors.append(_error((*at, name), f"{name} must not be negative"))
    if record.elapsed_s < 0:
        errors.append(_error(("record", "elapsed_s"), "elapsed_s must not be negative"))
    if upload.started_at > utcnow() + CLOCK_SLACK:
        errors.append(_error(("started_at",), "started_at is in the future"))
    if errors:
        raise RequestValidationError(errors)


@router.post("/sessions")
def save_session(
    upload: SessionUpload, request: Request, caller: SignedIn = Depends(current_patient)
) -> SavedSession:
    """Save (or replace, by ``client_id``) the caller's session record."""
    _check(upload)
    record = upload.record
    if not upload.final:
        record = record.model_copy(
            update={
                "status": SessionStatus.STOPPED,
                "stop_note": record.stop_note or UNFINISHED_NOTE,
            }
        )
    with database(request).session() as session:
        already_final = _saved_final(session, caller.patient_id, str(upload.client_id))
        session_id = exercise_sessions.save(
            session, caller.patient_id, record, upload.started_at, client_id=str(upload.client_id)
        )
        update = None
        if upload.final and not already_final:
            update = record_session(session, caller.patient_id, session_id)
        row = session.get(ExerciseSession, session_id)
        assert row is not None
        return SavedSession.of(row, update)


def _saved_final(session: Session, patient_id: int, client_id: str) -> bool:
    """True when this session was already saved as final: progression sees a session once."""
    row = session.scalars(
        select(ExerciseSession).where(
            ExerciseSession.patient_id == patient_id, ExerciseSession.client_id == client_id
        )
    ).first()
    return row is not None and row.stop_note != UNFINISHED_NOTE


@router.get("/sessions")
def list_sessions(
    request: Request,
    caller: SignedIn = Depends(current_patient),
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[SavedSession]:
    """The caller's sessions, newest first."""
    with database(request).session() as session:
        rows = exercise_sessions.list_for(session, caller.patient_id, limit=limit)
        return [SavedSession.of(row) for row in rows]
