"""A clinician's prescription (issue 10 item 3): the value, its checks against the content, and
the sentences a patient reads about what changed.

Pure: values in, values out. The service (``services.prescribing``) reads the current program,
completes a new prescription with it, checks it here, turns the difference into sentences
("changed knee to chest to 3 × 30 s", "added 'Sciatic nerve glide'") and stores both.

Limits come from the content (levels and maxima in ``exercises.yaml``; clinical-spec.md §4.2
maxima through ``progression.check_dose_fits``), so a clinician cannot prescribe a dose the
program itself would refuse to play. The weekly frequency is 1–14 sessions: daily, twice if
tolerated (§4.2). Automatic progression is "auto", "suggest" (each step up waits for the
patient's yes, §7 "Lower-risk design") or "off" (no step up; regressions and pauses on pain still
apply, §4.1).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from sciatica_care.content.exercises import Dose, DoseKind, Exercise, ExerciseLibrary
from sciatica_care.domain.progression import ProgressionDose, ProgressionError, check_dose_fits

ProgressionMode = Literal["auto", "suggest", "off"]
MODES: tuple[ProgressionMode, ...] = ("auto", "suggest", "off")
MIN_SESSIONS_PER_WEEK = 1
MAX_SESSIONS_PER_WEEK = 14
"""clinical-spec.md §4.2: "daily (twice if tolerated)", so at most two sessions a day."""
DEFAULT_SESSIONS_PER_WEEK = 7
MAX_STEPS = 20
MAX_CUSTOM = 20

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Step = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]


class _Strict(BaseModel):
    # Schemas are built on first use, not at import: every command imports these (start-up).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class SeedPrescription(_Strict):
    """One of the four seed exercises: its level (variation), dose and whether it is done."""

    exercise: str
    level: Annotated[int, Field(ge=1, le=3)]
    dose: Dose
    active: bool = True


class CustomPrescription(_Strict):
    """An exercise the clinician wrote; ``key`` is None until the service names a new one."""

    key: Annotated[str, Field(pattern=r"^custom-[a-z0-9]{4,40}$")] | None = None
    name: Name
    instructions: Text
    steps: Annotated[list[Step], Field(max_length=MAX_STEPS)] = Field(default_factory=list)
    dose: Dose
    active: bool = True


class Prescription(_Strict):
    """The whole program a clinician prescribes (one version of it)."""

    exercises: list[SeedPrescription]
    custom_exercises: Annotated[list[CustomPrescription], Field(max_length=MAX_CUSTOM)] = Field(
        default_factory=list
    )
    sessions_per_week: Annotated[int, Field(ge=MIN_SESSIONS_PER_WEEK, le=MAX_SESSIONS_PER_WEEK)] = (
        DEFAULT_SESSIONS_PER_WEEK
    )
    progression: ProgressionMode = "auto"
    note: Note | None = None

    @field_validator("note")
    @classmethod
    def _empty_note_is_none(cls, note: str | None) -> str | None:
        return note or None


class Problem(_Strict):
    """A value that does not fit; ``field`` is its path (``exercises.1.dose.reps``)."""

    field: str
    message: str


# --- checks against the content ----------------------------------------------------------------


def problems(prescription: Prescription, library: ExerciseLibrary) -> list[Problem]:
    """Everything wrong with ``prescription`` for this content, in field order (empty: it fits)."""
    found: list[Problem] = []
    known = {exercise.id: exercise for exercise in library.exercises}
    seen: set[str] = set()
    for index, item in enumerate(prescription.exercises):
        path = f"exercises.{index}"
        exercise = known.get(item.exercise)
        if exercise is None:
            found.append(
                Problem(field=f"{path}.exercise", message="not an exercise of the program")
            )
            continue
        if item.exercise in seen:
            found.append(Problem(field=f"{path}.exercise", message="listed twice"))
            continue
        seen.add(item.exercise)
        found.extend(_dose_problems(exercise, item, path))
    keys: set[str] = set()
    names: set[str] = set()
    for index, custom in enumerate(prescription.custom_exercises):
        path = f"custom_exercises.{index}"
        if custom.key is not None and custom.key in keys:
            found.append(Problem(field=f"{path}.key", message="listed twice"))
        if custom.active and custom.name.casefold() in names:
            found.append(Problem(field=f"{path}.name", message="another exercise has this name"))
        if custom.key is not None:
            keys.add(custom.key)
        if custom.active:
            names.add(custom.name.casefold())
    return found


def _dose_problems(exercise: Exercise, item: SeedPrescription, path: str) -> list[Problem]:
    """The seed exercise's limits (§4.2 maxima): sets, reps, hold and sides of its content."""
    dose = item.dose
    if (
        exercise.kind is DoseKind.HOLD
        and dose.hold_s == 0
        and exercise.level(item.level).dose.hold_s
    ):
        return [Problem(field=f"{path}.dose.hold_s", message="a hold needs at least 1 second")]
    if dose.hold_s > exercise.max_hold_s:
        return [
            Problem(
                field=f"{path}.dose.hold_s",
                message=f"{dose.hold_s} is above the maximum {exercise.max_hold_s}",
            )
        ]
    try:
        check_dose_fits(
            exercise,
            ProgressionDose(
                sets=dose.sets, reps=dose.reps, hold_s=dose.hold_s, per_side=dose.per_side
            ),
        )
    except ProgressionError as exc:
        field, _, message = str(exc).partition(": ")
        return [Problem(field=f"{path}.{field}", message=message or str(exc))]
    return []


def complete(new: Prescription, current: Prescription) -> Prescription:
    """``new`` with what it leaves out taken from ``current``: seed exercises not listed keep
    their dose, custom exercises not listed are taken out (kept, inactive, so past sessions still
    name them). Seed exercises follow the current order."""
    listed = {item.exercise: item for item in new.exercises}
    exercises = [listed.get(item.exercise, item) for item in current.exercises]
    exercises += [
        item for item in new.exercises if item.exercise not in {e.exercise for e in exercises}
    ]
    named = {c.key for c in new.custom_exercises if c.key is not None}
    dropped = [
        c.model_copy(update={"active": False})
        for c in current.custom_exercises
        if c.key not in named and c.active
    ]
    kept_inactive = [c for c in current.custom_exercises if c.key not in named and not c.active]
    return new.model_copy(
        update={
            "exercises": exercises,
            "custom_exercises": [*new.custom_exercises, *dropped, *kept_inactive],
        }
    )


# --- what changed, in words ----------------------------------------------------------------------


def dose_words(dose: Dose, kind: DoseKind | None = None) -> str:
    """A dose as a patient reads it: "3 × 30 s", "12 reps", "2 sets of 10 reps, each side".

    A hold (a hold exercise, or any dose with a hold and no rep exercise) reads as holds × seconds.
    """
    holds = dose.hold_s > 0 and kind is not DoseKind.REPS
    text = f"{dose.reps} × {dose.hold_s} s" if holds else f"{dose.reps} rep{'s' * (dose.reps != 1)}"
    if kind is DoseKind.REPS and dose.hold_s:
        text += f", hold {dose.hold_s} s"
    if dose.sets > 1:
        text = f"{dose.sets} sets of {text}"
    if dose.per_side:
        text += ", each side"
    return text


MODE_SENTENCES: dict[str, str] = {
    "auto": "turned automatic progression on: your doses step up by themselves when you are ready",
    "suggest": "set automatic progression to suggestions only: each step up waits for your yes",
    "off": (
        "turned automatic progression off: your doses will not step up, but they still step "
        "down or pause if an exercise hurts"
    ),
}


class Change(_Strict):
    """One thing that changed (``ProgramChange.changes`` entry)."""

    field: str
    exercise: str | None = None
    before: str | None = None
    after: str | None = None
    sentence: str


def _seed_change(
    before: SeedPrescription, after: SeedPrescription, exercise: Exercise | None
) -> Change | None:
    name = (exercise.name if exercise else after.exercise).lower()
    kind = exercise.kind if exercise else None
    old, new = dose_words(before.dose, kind), dose_words(after.dose, kind)
    common = {"field": "exercise", "exercise": after.exercise}
    if before.active and not after.active:
        return Change(
            **common, before="active", after="inactive", sentence=f"took {name} out of your program"
        )
    if after.active and not before.active:
        return Change(
            **common,
            before="inactive",
            after=new,
            sentence=f"put {name} back in your program at {new}",
        )
    if not after.active:
        return None
    if before.level != after.level:
        level = exercise.level(after.level).name if exercise else f"level {after.level}"
        return Change(
            **common,
            before=f"level {before.level}, {old}",
            after=f"level {after.level}, {new}",
            sentence=f"moved {name} to level {after.level} ({level.lower()}) at {new}",
        )
    if before.dose != after.dose:
        return Change(**common, before=old, after=new, sentence=f"changed {name} to {new}")
    return None


def _custom_changes(before: CustomPrescription | None, after: CustomPrescription) -> list[Change]:
    key = after.key
    quoted = f"'{after.name}'"
    if before is None or (after.active and not before.active):
        if not after.active:
            return []
        verb = "added" if before is None else "put back"
        return [
            Change(
                field="custom",
                exercise=key,
                after=dose_words(after.dose),
                sentence=f"{verb} {quoted} ({dose_words(after.dose)})",
            )
        ]
    if before.active and not after.active:
        return [
            Change(
                field="custom",
                exercise=key,
                before="active",
                after="inactive",
                sentence=f"removed '{before.name}'",
            )
        ]
    if not after.active:
        return []
    changes = []
    if before.name != after.name:
        changes.append(
            Change(
                field="custom.name",
                exercise=key,
                before=before.name,
                after=after.name,
                sentence=f"renamed '{before.name}' to {quoted}",
            )
        )
    if before.dose != after.dose:
        old, new = dose_words(before.dose), dose_words(after.dose)
        changes.append(
            Change(
                field="custom.dose",
                exercise=key,
                before=old,
                after=new,
                sentence=f"changed {quoted} to {new}",
            )
        )
    if before.instructions != after.instructions or before.steps != after.steps:
        changes.append(
            Change(
                field="custom.instructions",
                exercise=key,
                sentence=f"changed the instructions of {quoted}",
            )
        )
    return changes


def diff(before: Prescription, after: Prescription, library: ExerciseLibrary) -> list[Change]:
    """What changed from ``before`` to ``after``, one sentence each, in program order.

    Empty exactly when the two prescriptions are equal (the note included).
    """
    known = {exercise.id: exercise for exercise in library.exercises}
    changes: list[Change] = []
    old_seed = {item.exercise: item for item in before.exercises}
    for item in after.exercises:
        previous = old_seed.get(item.exercise)
        if previous is None:
            previous = item.model_copy(update={"active": not item.active})
        change = _seed_change(previous, item, known.get(item.exercise))
        if change is None and previous != item:
            name = (known[item.exercise].name if item.exercise in known else item.exercise).lower()
            change = Change(field="exercise", exercise=item.exercise, sentence=f"changed {name}")
        if change is not None:
            changes.append(change)
    old_custom = {c.key: c for c in before.custom_exercises if c.key is not None}
    for custom in after.custom_exercises:
        previous_custom = old_custom.get(custom.key) if custom.key is not None else None
        found = _custom_changes(previous_custom, custom)
        if not found and previous_custom is not None and previous_custom != custom:
            found = [
                Change(field="custom", exercise=custom.key, sentence=f"changed '{custom.name}'")
            ]
        changes.extend(found)
    new_keys = {c.key for c in after.custom_exercises}
    for key, custom in old_custom.items():
        if key not in new_keys and custom.active:
            changes.append(
                Change(field="custom", exercise=key, sentence=f"removed '{custom.name}'")
            )
    if before.sessions_per_week != after.sessions_per_week:
        n = after.sessions_per_week
        changes.append(
            Change(
                field="sessions_per_week",
                before=str(before.sessions_per_week),
                after=str(n),
                sentence=f"set your sessions to {n} a week",
            )
        )
    if before.progression != after.progression:
        changes.append(
            Change(
                field="progression",
                before=before.progression,
                after=after.progression,
                sentence=MODE_SENTENCES[after.progression],
            )
        )
    if (before.note or None) != (after.note or None):
        sentence = "left you a note" if after.note else "removed the note"
        changes.append(Change(field="note", sentence=sentence))
    return changes
