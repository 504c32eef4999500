"""Prescribing (issue 10 item 3): a linked clinician changes the program, the patient follows it.

``prescribe`` is one transaction: check the new prescription against the content
(``domain.prescription``), refuse a stale ``expected_version`` (``Conflict``: someone saved in
between), write each changed seed dose (``ExerciseDose``, its reason the change sentence, so
Today's "Why this dose" says who changed it), the custom exercises and the settings
(``sessions_per_week``, ``progression_mode``), store a ``ProgramChange`` (who, when, what, why)
and write the patient's audit log ("changed your program: ..."). The version is the number of
changes stored for the patient (0 before the first), never a row id.

A pause after a RED result (clinical-spec.md §4.1) survives a clinician's dose change: the
exercise still rests until its resume day. Suggestions waiting for an exercise whose dose changed
are withdrawn (they were made for the old dose); with progression "off" every waiting step up is.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from sciatica_care.content.exercises import Dose, ExerciseLibrary, exercise_library
from sciatica_care.domain import prescription as rx
from sciatica_care.services import program
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import Conflict, InvalidInput
from sciatica_care.services.permissions import Permission, Role, authorize
from sciatica_care.store import (
    clinicians,
    custom_exercises,
    doses,
    patients,
    prescriptions,
    program_changes,
)
from sciatica_care.store.custom_exercises import CustomFacts
from sciatica_care.store.models import CustomExercise, Patient, ProgramChange

RECENT = timedelta(days=14)
"""How far back Today lists the clinician's changes."""
CUSTOM_DONE = "custom_done_on"
"""Patient setting: the last day each custom exercise was marked done ({key: ISO date})."""


@dataclass(frozen=True)
class Versioned:
    """A prescription and its version (the count of changes stored before it)."""

    version: int
    prescription: rx.Prescription
    prescribed_by: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "prescribed_by": self.prescribed_by,
            "prescription": self.prescription.model_dump(mode="json"),
        }


@dataclass(frozen=True)
class ChangeView:
    """One stored version as the patient and the clinician read it."""

    version: int
    at: datetime
    day: date
    clinician: str
    sentences: list[str]
    reason: str | None
    note: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "at": self.at.isoformat(),
            "day": self.day.isoformat(),
            "clinician": self.clinician,
            "changes": list(self.sentences),
            "reason": self.reason,
            "note": self.note,
        }


@dataclass(frozen=True)
class CustomExerciseView:
    """A custom exercise on Today and in ``sciatica plan``."""

    key: str
    name: str
    instructions: str
    steps: list[str]
    dose: Dose
    done_today: bool

    @property
    def dose_text(self) -> str:
        return rx.dose_words(self.dose)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "instructions": self.instructions,
            "steps": list(self.steps),
            "dose": self.dose.model_dump(),
            "dose_text": self.dose_text,
            "done_today": self.done_today,
        }


@dataclass(frozen=True)
class PatientPrescription:
    """What the patient sees of their clinician's prescription: who, the note, recent changes."""

    prescribed_by: str | None
    note: str | None
    changes: list[ChangeView]
    custom_exercises: list[CustomExerciseView]

    def to_json(self) -> dict[str, Any]:
        return {
            "prescribed_by": self.prescribed_by,
            "note": self.note,
            "changes": [change.to_json() for change in self.changes],
            "custom_exercises": [custom.to_json() for custom in self.custom_exercises],
        }


# --- reading ---------------------------------------------------------------------------------


def _current(session: Session, patient_id: int, library: ExerciseLibrary) -> rx.Prescription:
    current = program.current_doses(session, patient_id, library)
    latest = prescriptions.latest(session, patient_id)
    note = latest.note if latest is not None else None
    return rx.Prescription(
        exercises=[
            rx.SeedPrescription(
                exercise=exercise.id,
                level=current[exercise.id].level,
                dose=current[exercise.id].dose,
                active=current[exercise.id].active,
            )
            for exercise in library.exercises
        ],
        custom_exercises=[
            rx.CustomPrescription(
                key=row.key,
                name=row.name,
                instructions=row.instructions,
                steps=list(row.steps),
                dose=Dose.model_validate(row.dose),
                active=row.active,
            )
            for row in prescriptions.custom_exercises(session, patient_id, active_only=False)
        ],
        sessions_per_week=program.sessions_per_week(session, patient_id),
        progression=program.progression_mode(session, patient_id),
        note=note,
    )


def _version(session: Session, patient_id: int) -> int:
    return len(prescriptions.history(session, patient_id))


def current_prescription(ctx: PatientContext) -> Versioned:
    """The program as it stands (doses after progression included), with its version."""
    library = exercise_library()
    with ctx.unit(Permission.READ, what="viewed your program") as session:
        latest = prescriptions.latest(session, ctx.patient_id)
        return Versioned(
            _version(session, ctx.patient_id),
            _current(session, ctx.patient_id, library),
            latest.clinician_name if latest is not None else None,
        )


def _view(
    row: ProgramChange | program_changes.ChangeFacts, version: int, ctx: PatientContext
) -> ChangeView:
    return ChangeView(
        version=version,
        at=row.changed_at,
        day=ctx.clock.day_of(row.changed_at),
        clinician=row.clinician_name,
        sentences=[str(change.get("sentence", "")) for change in row.changes],
        reason=row.reason,
        note=row.note,
    )


def history(ctx: PatientContext) -> list[ChangeView]:
    """Every version of the program, newest first (the clinician's patient page)."""
    with ctx.unit(Permission.READ, what="viewed your program history") as session:
        rows = prescriptions.history(session, ctx.patient_id)
        return [_view(row, len(rows) - n, ctx) for n, row in enumerate(rows)]


def recent_changes_for_patient(ctx: PatientContext) -> PatientPrescription:
    """The latest note, the changes of the last 14 days and the custom exercises (Today, plan)."""
    with ctx.unit(Permission.READ, what="viewed your program") as session:
        return recent_changes_in(session, ctx)


def recent_changes_in(
    session: Session, ctx: PatientContext, customs: Sequence[CustomFacts] | None = None
) -> PatientPrescription:
    """``recent_changes_for_patient`` read in the caller's unit (one transaction for a whole
    page: ``program.view_today_and``), with the custom exercises it already read, if any (all of
    them, active or not: ``program.TodayReads.customs``).

    Reads the latest version and those of the last days with their version numbers
    (``program_changes.latest_and_since``, from a day before the window's first local midnight:
    the days themselves are worked out here, as before), not every version whole; the settings
    only when a custom exercise may be marked done.
    """
    today = ctx.clock.today()
    window = today - RECENT + timedelta(days=1)
    since = datetime.combine(window, time.min, tzinfo=ctx.clock.zone) - timedelta(days=1)
    views = [
        _view(row, row.version, ctx)
        for row in program_changes.latest_and_since(session, ctx.patient_id, since)
    ]
    if customs is None:
        rows = custom_exercises.of_patient(session, ctx.patient_id)
    else:
        rows = [row for row in customs if row.active]
    settings = patients.get_settings(session, ctx.patient_id) if rows else {}
    done = settings.get(CUSTOM_DONE) or {}
    return PatientPrescription(
        prescribed_by=views[0].clinician if views else None,
        note=views[0].note if views else None,
        changes=[view for view in views if view.day > today - RECENT and view.sentences],
        custom_exercises=[
            CustomExerciseView(
                key=row.key,
                name=row.name,
                instructions=row.instructions,
                steps=list(row.steps),
                dose=Dose.model_validate(row.dose),
                done_today=done.get(row.key) == today.isoformat(),
            )
            for row in rows
        ],
    )


def mark_custom_done(ctx: PatientContext, key: str) -> CustomExerciseView:
    """The person did a custom exercise today: remembered for today's card (nothing else: it is
    not a guided session and carries no pain check)."""
    today = ctx.clock.today()
    with ctx.unit(Permission.RECORD) as session:
        rows = {r.key: r for r in prescriptions.custom_exercises(session, ctx.patient_id)}
        row = rows.get(key)
        if row is None:
            raise InvalidInput("key", "no such exercise in your program")
        done = dict(patients.get_settings(session, ctx.patient_id).get(CUSTOM_DONE) or {})
        done = {k: v for k, v in done.items() if k in rows}
        done[key] = today.isoformat()
        patients.update_settings(session, ctx.patient_id, **{CUSTOM_DONE: done})
        return CustomExerciseView(
            row.key,
            row.name,
            row.instructions,
            list(row.steps),
            Dose.model_validate(row.dose),
            True,
        )


# --- prescribing -----------------------------------------------------------------------------


def parse(data: Any) -> rx.Prescription:
    """A prescription from plain data; ``InvalidInput`` naming the first bad field."""
    try:
        return rx.Prescription.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"]) or "prescription"
        raise InvalidInput(field, error["msg"]) from None


def _with_keys(new: rx.Prescription) -> rx.Prescription:
    """Name each new custom exercise (``custom-`` + random hex, never a row id)."""
    customs = [
        c if c.key is not None else c.model_copy(update={"key": f"custom-{secrets.token_hex(8)}"})
        for c in new.custom_exercises
    ]
    return new.model_copy(update={"custom_exercises": customs})


def _check(new: rx.Prescription, library: ExerciseLibrary) -> None:
    found = rx.problems(new, library)
    if found:
        raise InvalidInput(found[0].field, found[0].message)


def _check_keys(session: Session, patient_id: int, new: rx.Prescription, given: set[str]) -> None:
    """A custom exercise named by key must be this patient's (never another's row)."""
    own = {row.key for row in prescriptions.custom_exercises(session, patient_id, False)}
    for index, custom in enumerate(new.custom_exercises):
        if custom.key in given and custom.key not in own:
            raise InvalidInput(f"custom_exercises.{index}.key", "no such custom exercise")


def _check_version(session: Session, patient_id: int, expected: int) -> int:
    version = _version(session, patient_id)
    if expected != version:
        raise Conflict(
            f"The program changed since you opened it (version {version}, you had {expected}). "
            "Reload it and make your change again."
        )
    return version


def _plan(
    session: Session,
    patient_id: int,
    new: rx.Prescription,
    given: set[str],
    expected: int,
    library: ExerciseLibrary,
) -> tuple[rx.Prescription, rx.Prescription, list[rx.Change]]:
    _check_version(session, patient_id, expected)
    _check_keys(session, patient_id, new, given)
    current = _current(session, patient_id, library)
    complete = rx.complete(new, current)
    _check(complete, library)
    return current, complete, rx.diff(current, complete, library)


def prescribe(
    ctx: PatientContext,
    new: rx.Prescription,
    reason: str | None,
    expected_version: int,
    library: ExerciseLibrary | None = None,
) -> Versioned:
    """Make ``new`` the patient's program (see module doc); nothing changes when it is the same.

    ``InvalidInput`` naming the field (``exercises.1.dose.reps``), ``Conflict`` on a stale
    version, ``NotFound`` when the actor may not prescribe for this patient.
    """
    library = library or exercise_library()
    given = {custom.key for custom in new.custom_exercises if custom.key is not None}
    new = _with_keys(new)
    _check(new, library)
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > 4000:
        raise InvalidInput("reason", "at most 4000 characters")
    with ctx.db.session() as session:
        authorize(session, ctx.actor, Permission.PRESCRIBE, ctx.patient_id)
        current, complete, changes = _plan(
            session, ctx.patient_id, new, given, expected_version, library
        )
        latest = prescriptions.latest(session, ctx.patient_id)
    if not changes:
        return Versioned(expected_version, current, latest.clinician_name if latest else None)
    what = "changed your program: " + "; ".join(change.sentence for change in changes)
    with ctx.unit(Permission.PRESCRIBE, what=what) as session:
        session.execute(select(Patient.id).where(Patient.id == ctx.patient_id).with_for_update())
        current, complete, again = _plan(
            session, ctx.patient_id, new, given, expected_version, library
        )
        if again != changes:
            raise Conflict("The program changed while you saved. Reload it and try again.")
        name = _actor_name(session, ctx)
        _apply(session, ctx.patient_id, current, complete, changes, name, library)
        prescriptions.add_change(
            session,
            ctx.patient_id,
            ctx.actor.id if ctx.actor.role is Role.CLINICIAN else None,
            name,
            ctx.clock.now(),
            [change.model_dump(mode="json") for change in changes],
            complete.model_dump(mode="json"),
            reason,
            complete.note,
        )
        return Versioned(expected_version + 1, complete, name)


def _actor_name(session: Session, ctx: PatientContext) -> str:
    return clinicians.get(session, ctx.actor.id).display_name


def _apply(
    session: Session,
    patient_id: int,
    current: rx.Prescription,
    new: rx.Prescription,
    changes: list[rx.Change],
    clinician_name: str,
    library: ExerciseLibrary,
) -> None:
    sentences = {c.exercise: c.sentence for c in changes if c.field == "exercise" and c.exercise}
    before = {item.exercise: item for item in current.exercises}
    stored = doses.dose_rows(session, patient_id)
    changed: set[str] = set()
    for item in new.exercises:
        if before.get(item.exercise) == item:
            continue
        changed.add(item.exercise)
        row = stored.get(item.exercise)
        sentence = sentences.get(item.exercise, "changed this exercise")
        doses.set_dose(
            session,
            patient_id,
            item.exercise,
            level=item.level,
            dose=item.dose.model_dump(),
            active=item.active,
            paused_until=row.paused_until if row is not None else None,
            reason=f"{clinician_name} {sentence}.",
        )
    if changed:
        program.withdraw_suggestions(session, patient_id, changed)
    if new.progression == "off":
        program.withdraw_suggestions(session, patient_id, step_ups_only=True)
    _save_custom(session, patient_id, new.custom_exercises)
    if new.progression != current.progression:
        program.set_progression_mode(session, patient_id, new.progression)
    if new.sessions_per_week != current.sessions_per_week or (
        program.SESSIONS_PER_WEEK not in patients.get_settings(session, patient_id)
    ):
        patients.update_settings(
            session, patient_id, **{program.SESSIONS_PER_WEEK: new.sessions_per_week}
        )


def _save_custom(session: Session, patient_id: int, customs: list[rx.CustomPrescription]) -> None:
    rows = {row.key: row for row in prescriptions.custom_exercises(session, patient_id, False)}
    for custom in customs:
        assert custom.key is not None
        row = rows.get(custom.key)
        if row is None:
            row = CustomExercise(patient_id=patient_id, key=custom.key)
            session.add(row)
        row.name = custom.name
        row.instructions = custom.instructions
        row.steps = list(custom.steps)
        row.dose = custom.dose.model_dump()
        row.active = custom.active
    session.flush()
