"""Recording a guided session, once for the terminal player, the browser and the offline outbox.

A save carries the client's ``client_id`` (browser) and its ``version`` (the player's save counter)
and whether it is ``final``. The rules (issue 8, item 11; clinical-spec.md §4.1, §9):

* A new session is refused while the program gate is closed (no screen yet, an emergency lock,
  the safety questions owed after a RED stop): ``ProgramClosed``.
* A final save is a stored state: any later copy of the same session (an older non-final save
  from an outbox, a second final) changes nothing and is answered with what is stored, marked
  ``stale``. A copy with a lower version than the stored one is stale too.
* A stopped record is settled first (``domain.session.settle_stop``): the exercise a symptom stopped
  is RED even without its pain check (§9 ruling 7).
* The session is committed first; progression runs after it in its own transaction
  (``program.catch_up``), so a progression failure never loses the session.
* Two copies arriving at once give one row: the loser of the insert race reads the winner's row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sciatica_care.content.exercises import ExerciseLibrary, exercise_library
from sciatica_care.domain.session import SessionRecord, SessionStatus, settle_stop
from sciatica_care.services import caseload_summary, program
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import InvalidInput, ProgramClosed
from sciatica_care.services.gate import Gate, GateState, program_gate
from sciatica_care.services.permissions import Permission
from sciatica_care.store import exercise_sessions
from sciatica_care.store.errors import StoreError
from sciatica_care.store.models import ExerciseSession

UNFINISHED_NOTE = "unfinished: saved after an exercise, the session did not reach its end"
CLOCK_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class SessionSave:
    """One save of a session: in progress (``final`` False) or finished or stopped."""

    record: SessionRecord
    started_at: datetime
    client_id: str | None = None
    final: bool = True
    version: int = 0


@dataclass(frozen=True)
class SavedSession:
    """The stored session after a save, what progression decided, and the gate now."""

    row: ExerciseSession
    update: program.ProgramUpdate | None
    stale: bool
    gate: Gate


def check_record(save: SessionSave, now: datetime, library: ExerciseLibrary | None = None) -> None:
    """What the domain model leaves open: known exercises, levels, a start not in the future.

    Pain is 0–10 (clinical-spec.md §4.1) and checked by the model; progression reads every
    stored value, so nothing out of range may be stored.
    """
    known = {exercise.id for exercise in (library or exercise_library()).exercises}
    for index, item in enumerate(save.record.items):
        if item.exercise_id not in known:
            raise InvalidInput(
                f"record.items.{index}.exercise_id", f"unknown exercise '{item.exercise_id}'"
            )
    for index, planned in enumerate(save.record.planned_exercises):
        if planned not in known:
            raise InvalidInput(f"record.planned_exercises.{index}", f"unknown exercise '{planned}'")
    if save.started_at > now + CLOCK_SLACK:
        raise InvalidInput("started_at", "started_at is in the future")
    if save.version < 0:
        raise InvalidInput("version", "version must not be negative")


def _prepared(save: SessionSave) -> SessionRecord:
    record = settle_stop(save.record)
    if not save.final:
        record = record.model_copy(
            update={
                "status": SessionStatus.STOPPED,
                "stop_note": record.stop_note or UNFINISHED_NOTE,
            }
        )
    return record


def _store(ctx: PatientContext, save: SessionSave, record: SessionRecord) -> tuple[int, bool]:
    """Save under the rules of the module docstring; (row id, stale)."""
    with ctx.unit(Permission.RECORD) as session:
        existing = (
            exercise_sessions.by_client_id(session, ctx.patient_id, save.client_id)
            if save.client_id is not None
            else None
        )
        gate = program_gate(session, ctx.patient_id)
        if existing is None and not gate.open:
            raise ProgramClosed(gate)
        if existing is not None:
            if existing.final or save.version < existing.version:
                return existing.id, True
            if gate.state is GateState.LOCKED:
                raise ProgramClosed(gate)
        session_id = exercise_sessions.save(
            session,
            ctx.patient_id,
            record,
            save.started_at,
            client_id=save.client_id,
            final=save.final,
            version=save.version,
            planned_exercises=list(record.planned_exercises) or None,
        )
        return session_id, False


def record_session(ctx: PatientContext, save: SessionSave) -> SavedSession:
    """Store a session save and, for a final one, let progression decide the next doses."""
    check_record(save, ctx.clock.now())
    record = _prepared(save)
    caseload_summary.before_entry(ctx)
    try:
        session_id, stale = _store(ctx, save, record)
    except StoreError:
        if save.client_id is None:
            raise
        session_id, stale = _store(ctx, save, record)  # lost an insert race: now it exists
    update = None
    if save.final and not stale:
        update = program.catch_up(ctx.db, ctx.patient_id, ctx.clock)
    caseload_summary.after_entry(ctx)
    with ctx.unit(Permission.READ) as session:
        row = exercise_sessions.get(session, ctx.patient_id, session_id)
        assert row is not None
        gate = program_gate(session, ctx.patient_id)
    return SavedSession(row=row, update=update, stale=stale, gate=gate)


def history(ctx: PatientContext, limit: int | None = None) -> list[ExerciseSession]:
    """The patient's sessions, newest first."""
    with ctx.unit(Permission.READ) as session:
        return exercise_sessions.list_for(session, ctx.patient_id, limit=limit)
