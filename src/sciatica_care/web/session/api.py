"""Guided sessions over JSON: the player saves after every exercise and at the end.

``POST /api/sessions`` takes a client-made ``client_id`` (a UUID), the player's save counter
``version`` and the ``SessionRecord`` so far; the use case is ``services.sessions.record_session``
(the terminal player uses it too). Saving is idempotent per patient and ``client_id``: each save
replaces the previous copy, so a player can save after each exercise, retry after a network error
or re-send from another tab without duplicates. A final save is never overwritten: a later or
older copy is answered with what is stored and ``"stale": true``. A new session is refused while
the program gate is closed: 409 (no safety screen yet, or the safety questions are owed after a
RED stop) or 423 (an emergency lock), with ``detail`` and ``gate``. Only a final save is handed
to progression (clinical-spec.md §4.1), once per session; its decisions come back in
``program_update``. A bad field is a 422 naming it (``loc: ["body", "record", "items", 0, "pain"]``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from sciatica_care.domain.session import SessionRecord
from sciatica_care.services import sessions
from sciatica_care.services.context import PatientContext
from sciatica_care.store import exercise_sessions
from sciatica_care.store.models import ExerciseSession
from sciatica_care.web.context import current_context

router = APIRouter(prefix="/api", tags=["sessions"])

UNFINISHED_NOTE = sessions.UNFINISHED_NOTE


class SessionUpload(BaseModel):
    """One save of a session in progress (``final: false``) or finished or stopped."""

    model_config = ConfigDict(extra="forbid")

    client_id: UUID
    started_at: AwareDatetime
    final: bool = True
    version: Annotated[int, Field(ge=0, le=1_000_000)] = 0
    record: SessionRecord


class SavedSession(BaseModel):
    id: int
    client_id: str | None
    started_at: datetime
    status: str
    final: bool
    stop_reason: str | None
    stop_note: str | None
    elapsed_s: float
    planned_exercises: list[str] | None = None
    items: list[dict[str, object]]
    program_update: dict[str, Any] | None = None
    stale: bool = False
    gate: dict[str, object] | None = None

    @classmethod
    def of(
        cls,
        row: ExerciseSession,
        program_update: dict[str, Any] | None = None,
        stale: bool = False,
        gate: dict[str, object] | None = None,
    ) -> SavedSession:
        return cls(
            id=row.id,
            client_id=row.client_id,
            started_at=row.started_at,
            status=row.status,
            final=row.final,
            stop_reason=row.stop_reason,
            stop_note=row.stop_note,
            elapsed_s=row.elapsed_s,
            planned_exercises=row.planned_exercises,
            items=[exercise_sessions.result_json(item) for item in row.items],
            program_update=program_update,
            stale=stale,
            gate=gate,
        )


@router.post("/sessions")
def save_session(
    upload: SessionUpload, ctx: PatientContext = Depends(current_context)
) -> SavedSession:
    """Save (or replace, by ``client_id``) the caller's session record."""
    saved = sessions.record_session(
        ctx,
        sessions.SessionSave(
            record=upload.record,
            started_at=upload.started_at,
            client_id=str(upload.client_id),
            final=upload.final,
            version=upload.version,
        ),
    )
    update = saved.update.to_json() if saved.update is not None else None
    return SavedSession.of(saved.row, update, saved.stale, saved.gate.to_json())


@router.get("/sessions")
def list_sessions(
    ctx: PatientContext = Depends(current_context),
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[SavedSession]:
    """The caller's sessions, newest first."""
    return [SavedSession.of(row) for row in sessions.history(ctx, limit=limit)]
