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

A clinician's custom exercises (issue 10 item 3) are part of the guided session: ``session_program``
puts the active ones after today's seed exercises, in the order the clinician listed them, as
``domain.session.custom_exercise`` plays them (dose, pain check and RED stop as for any exercise).
Their results are stored under the exercise's key (``custom-`` + random hex, never a row id), so a
save may name any custom exercise of this patient, even one the clinician has since taken out.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy.orm import Session

from sciatica_care.content.exercises import Dose, ExerciseLibrary, exercise_library
from sciatica_care.domain.prescription import dose_words
from sciatica_care.domain.progression_custom import CustomRest
from sciatica_care.domain.session import (
    PlannedExercise,
    SessionRecord,
    SessionStatus,
    custom_exercise,
    settle_stop,
)
from sciatica_care.services import caseload_summary, program
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import InvalidInput, ProgramClosed
from sciatica_care.services.gate import Gate, GateState, gate_of, gate_reads
from sciatica_care.services.permissions import Permission
from sciatica_care.store import custom_exercises, exercise_sessions, program_changes
from sciatica_care.store.custom_exercises import CustomFacts
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
    names: dict[str, str] = field(default_factory=dict)
    """Every exercise name a result may carry (``exercise_names``), read with the save."""


@dataclass(frozen=True)
class CustomDetails:
    """What the player shows of a clinician's custom exercise besides its dose."""

    key: str
    name: str
    instructions: str
    steps: list[str]
    dose: Dose

    @property
    def dose_text(self) -> str:
        return dose_words(self.dose)


@dataclass(frozen=True)
class SessionProgram:
    """Today's guided session: the seed exercises due today, then the clinician's own."""

    day: date
    todays: program.TodaysProgram
    planned: list[PlannedExercise]
    gate: Gate
    customs: dict[str, CustomDetails] = field(default_factory=dict)
    """The custom exercises played today, by key (not those resting)."""

    @property
    def resting_customs(self) -> list[CustomRest]:
        """The custom exercises resting today after a RED result, with their resume day."""
        return list(self.todays.custom_resting.values())


def _in_prescribed_order(reads: program.TodayReads) -> list[CustomFacts]:
    """The active custom exercises in the order of the clinician's latest prescription (rows it
    does not list, if any, after them in the order they were written). The custom exercises are
    those today's program read; the prescription is read only when one is active."""
    rows = [row for row in reads.customs if row.active]
    if not rows:
        return []
    latest = program_changes.latest_prescription(reads.session, reads.patient_id)
    listed = [
        str(item.get("key"))
        for item in ((latest or {}).get("custom_exercises") or [])
        if isinstance(item, dict)
    ]
    rank = {key: n for n, key in enumerate(listed)}
    return sorted(rows, key=lambda row: (rank.get(row.key, len(rank)), row.id))


def session_program(ctx: PatientContext) -> SessionProgram:
    """Today's session behind the program gate (``ProgramClosed`` when it is shut).

    The seed exercises resting today (RED pause, removed) are left out as before; every active
    custom exercise follows them, at the clinician's dose (``domain.session.custom_exercise``),
    except one resting after a RED result: it is left out for the same 48 h (clinical-spec.md
    §4.1, §9 ruling 5; ``program.custom_rests``) and comes back at the same dose. One
    transaction with today's program (``program.view_today_and``; no habit: a session does not
    show it).
    """
    today, _ = session_program_and(ctx, _nothing_more)
    return today


def _nothing_more(_: program.TodayReads) -> None:
    return None


Also = TypeVar("Also")


def session_program_and(
    ctx: PatientContext, also: Callable[[program.TodayReads], Also]
) -> tuple[SessionProgram, Also]:
    """``session_program`` and ``also(reads)`` in the same transaction, sharing its reads (the
    program API's prescription card: ``prescribing.recent_changes_in``)."""

    def more(reads: program.TodayReads) -> tuple[list[CustomFacts], Also]:
        return _in_prescribed_order(reads), also(reads)

    view, found = program.view_today_and(ctx, more, habit=False)
    if view.program is None or found is None:
        raise ProgramClosed(view.gate)
    ordered, extra = found
    todays = view.program
    customs = {
        row.key: CustomDetails(
            key=row.key,
            name=row.name,
            instructions=row.instructions,
            steps=list(row.steps),
            dose=Dose.model_validate(row.dose),
        )
        for row in ordered
        if row.key not in todays.custom_resting
    }
    planned = todays.planned() + [
        custom_exercise(custom.key, custom.name, custom.dose) for custom in customs.values()
    ]
    shown = SessionProgram(
        day=todays.day, todays=todays, planned=planned, gate=view.gate, customs=customs
    )
    return shown, extra


def _custom_names(session: Session, patient_id: int) -> dict[str, str]:
    return {
        row.key: row.name
        for row in custom_exercises.of_patient(session, patient_id, active_only=False)
    }


def exercise_names(ctx: PatientContext, library: ExerciseLibrary | None = None) -> dict[str, str]:
    """The name of every exercise a result of this patient may name: the library's and the
    clinician's custom ones, taken out or not (history, summaries, the clinician's pages)."""
    names = {exercise.id: exercise.name for exercise in (library or exercise_library()).exercises}
    with ctx.unit(Permission.READ) as session:
        names.update(_custom_names(session, ctx.patient_id))
    return names


def check_record(
    save: SessionSave,
    now: datetime,
    library: ExerciseLibrary | None = None,
    custom_keys: Collection[str] = (),
) -> None:
    """What the domain model leaves open: known exercises, levels, a start not in the future.

    Pain is 0–10 (clinical-spec.md §4.1) and checked by the model; progression reads every
    stored value, so nothing out of range may be stored. Known exercises are the library's and
    ``custom_keys``, the patient's own custom exercises.
    """
    known = {exercise.id for exercise in (library or exercise_library()).exercises}
    known |= set(custom_keys)
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


def _store(
    ctx: PatientContext, save: SessionSave, record: SessionRecord
) -> tuple[ExerciseSession, bool, Gate]:
    """Save under the rules of the module docstring; (the stored row, stale, the gate after).

    The gate is read once: the gate after the save is the same reads with the saved session in
    them (``GateReads.with_session``), what reading them again would give, without the reads.
    """
    with ctx.unit(Permission.RECORD) as session:
        existing = (
            exercise_sessions.by_client_id(session, ctx.patient_id, save.client_id)
            if save.client_id is not None
            else None
        )
        reads = gate_reads(session, ctx.patient_id)
        gate = gate_of(reads)
        if existing is None and not gate.open:
            raise ProgramClosed(gate)
        if existing is not None:
            if existing.final or save.version < existing.version:
                return existing, True, gate
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
            existing=existing,
            looked_up=save.client_id is not None,
        )
        row = exercise_sessions.get(session, ctx.patient_id, session_id)
        assert row is not None
        return row, False, gate_of(reads.with_session(exercise_sessions.facts_of(row)))


def record_session(ctx: PatientContext, save: SessionSave) -> SavedSession:
    """Store a session save and, for a final one, let progression decide the next doses.

    Progression and the clinician's summary run after the save's own transaction and change
    neither the stored session's fields nor the gate's inputs, so the row and the gate of the
    save are the answer (not read again).
    """
    with ctx.unit(Permission.READ) as session:
        custom_names = _custom_names(session, ctx.patient_id)
    check_record(save, ctx.clock.now(), custom_keys=custom_names)
    record = _prepared(save)
    caseload_summary.before_entry(ctx)
    try:
        row, stale, gate = _store(ctx, save, record)
    except StoreError:
        if save.client_id is None:
            raise
        row, stale, gate = _store(ctx, save, record)  # lost an insert race: now it exists
    update = None
    if save.final and not stale:
        update = program.catch_up(ctx.db, ctx.patient_id, ctx.clock)
    caseload_summary.after_entry(ctx)
    names = {exercise.id: exercise.name for exercise in exercise_library().exercises}
    names |= custom_names
    return SavedSession(row=row, update=update, stale=stale, gate=gate, names=names)


def history(ctx: PatientContext, limit: int | None = None) -> list[ExerciseSession]:
    """The patient's sessions, newest first."""
    with ctx.unit(Permission.READ) as session:
        return exercise_sessions.list_for(session, ctx.patient_id, limit=limit)
