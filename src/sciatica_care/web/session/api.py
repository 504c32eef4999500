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

``GET /api/sessions/today`` is the session to play today (``services.sessions.session_program``):
the shape of ``/api/program/today`` with the clinician's custom exercises in ``exercises`` and
``steps`` after the seed ones (``custom: true``, their ``instructions`` and steps, no picture), so
they are paced, pain-checked and saved like the others. The player page carries the same answer.
Saved results name a custom exercise by its key; ``name`` says which exercise a result is.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from sciatica_care.content.exercises import exercise_library
from sciatica_care.domain.session import CUSTOM_STOP_IF, PlannedExercise, SessionRecord
from sciatica_care.reports.exercise_picture import render_exercise_svg
from sciatica_care.services import sessions
from sciatica_care.services.context import PatientContext
from sciatica_care.store import exercise_sessions
from sciatica_care.store.models import ExerciseSession
from sciatica_care.web.context import current_context
from sciatica_care.web.program.api import PausedItem, ProgramExercise, program_json
from sciatica_care.web.program.plan import plan_of
from sciatica_care.web.session.script import PlayerRules, ScriptStep, session_script

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


class SessionExercise(ProgramExercise):
    """An exercise of today's session; ``custom`` for a clinician's own (no picture, no level)."""

    custom: bool = False
    instructions: str | None = None


class SessionToday(BaseModel):
    """Today's session for the player (see the module docstring)."""

    date: date
    exercises: list[SessionExercise]
    paused: list[PausedItem]
    steps: list[ScriptStep]
    rules: PlayerRules
    hold_step_ups: bool = False
    hold_message: str | None = None


def _exercise(planned: PlannedExercise, custom: sessions.CustomDetails | None) -> SessionExercise:
    """One exercise with what the player shows of it: the content's words and picture, or the
    clinician's instructions and steps."""
    common = {
        "exercise_id": planned.exercise_id,
        "name": planned.name,
        "kind": planned.kind,
        "level": planned.level,
        "dose": planned.dose,
        "sides": list(planned.sides),
        "rest_s": planned.rest_s,
        "reason": planned.reason,
        "move_word": planned.move_word,
    }
    if custom is not None:
        return SessionExercise(
            **common,
            dose_text=custom.dose_text,
            level_name="",
            position="",
            steps=custom.steps,
            cues=[],
            stop_if=list(CUSTOM_STOP_IF),
            caution=None,
            picture_svg="",
            custom=True,
            instructions=custom.instructions,
        )
    content = exercise_library().get(planned.exercise_id)
    return SessionExercise(
        **common,
        dose_text=planned.dose_text,
        level_name=content.level(planned.level).name,
        position=content.position,
        steps=content.steps,
        cues=content.cues,
        stop_if=content.stop_if,
        caution=content.caution,
        picture_svg=render_exercise_svg(content),
    )


def session_today(ctx: PatientContext) -> SessionToday:
    """Today's session (``ProgramClosed`` when the gate is shut): the answer of
    ``GET /api/sessions/today`` and the data the player page carries."""
    today = sessions.session_program(ctx)
    plan = plan_of(today.todays)
    # The seed-only script of /api/program/today is not needed here: only its paused list.
    seed = program_json(replace(plan, exercises=[]), today.day, resting=today.resting_customs)
    gate = today.gate
    return SessionToday(
        date=today.day,
        exercises=[
            _exercise(planned, today.customs.get(planned.exercise_id) if planned.custom else None)
            for planned in today.planned
        ],
        paused=seed.paused,
        steps=session_script(today.planned) if today.planned else [],
        rules=PlayerRules(),
        hold_step_ups=gate.hold_step_ups,
        hold_message=gate.to_json()["hold_message"],
    )


@router.get("/sessions/today")
def todays_session(ctx: PatientContext = Depends(current_context)) -> SessionToday:
    """Today's session to play: the seed exercises due today, then the clinician's own."""
    return session_today(ctx)


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
        names: dict[str, str] | None = None,
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
            items=[
                {
                    **exercise_sessions.result_json(item),
                    "name": (names or {}).get(item.exercise_id, item.exercise_id),
                }
                for item in row.items
            ],
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
    names = saved.names or sessions.exercise_names(ctx)
    return SavedSession.of(saved.row, update, saved.stale, saved.gate.to_json(), names)


@router.get("/sessions")
def list_sessions(
    ctx: PatientContext = Depends(current_context),
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[SavedSession]:
    """The caller's sessions, newest first."""
    names = sessions.exercise_names(ctx)
    return [SavedSession.of(row, names=names) for row in sessions.history(ctx, limit=limit)]
