"""The exercise library (clinical-spec.md §4.4): models and the loader for ``exercises.yaml``.

Each exercise has three levels (1 easier, 2 standard, 3 harder), each with its own starting dose, and
the keyframes of its animated picture. Progression (§4.2) moves within a level by dose and between
levels by variation; the limits it needs (maximum reps, hold, sets) live here with the exercise.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sciatica_care.content.errors import ContentError
from sciatica_care.content.files import CONTENT_DIR, load_model

EXERCISES_FILE = CONTENT_DIR / "exercises.yaml"


class Frozen(BaseModel):
    # Schemas are built on first use, not at import: every command imports these (start-up).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class DoseKind(StrEnum):
    """How the program times an exercise: counted repetitions, or timed holds."""

    REPS = "reps"
    HOLD = "hold"


class Dose(Frozen):
    """One prescription: ``sets`` of ``reps`` per side (when ``per_side``), each held ``hold_s``.

    For a rep exercise ``hold_s`` is the pause at each end of a rep (the pacer's "3 s"); for a hold
    exercise ``reps`` is how many holds per side per set.
    """

    sets: Annotated[int, Field(ge=1, le=3)]
    reps: Annotated[int, Field(ge=1, le=15)]
    hold_s: Annotated[int, Field(ge=0, le=60)] = 0
    per_side: bool = False


class Level(Frozen):
    """A variation of the exercise (clinical-spec.md §4.4 columns: easier, standard, harder)."""

    level: Annotated[int, Field(ge=1, le=3)]
    name: str
    description: str
    dose: Dose


JOINT_ANGLE_NAMES: tuple[str, ...] = (
    "trunk",
    "lumbar",
    "neck",
    "shoulder_near",
    "elbow_near",
    "shoulder_far",
    "elbow_far",
    "hip_near",
    "knee_near",
    "ankle_near",
    "leg_roll_near",
    "hip_far",
    "knee_far",
    "ankle_far",
    "leg_roll_far",
)
"""The angles (degrees) a keyframe may set; ``domain.skeleton`` defines what each one means.

``near`` is the side facing the viewer (or camera), ``far`` the other side, so a picture and a
side-on camera describe the same body without knowing which leg is the left one.
"""


class Keyframe(Frozen):
    """Joint angles (degrees) of the stick figure at time ``t`` (0–1 of the cycle).

    Only the angles that differ from the posture's resting pose need to be given; the skeleton fills
    in the rest, so a keyframe reads as "what moves".
    """

    t: Annotated[float, Field(ge=0, le=1)]
    angles: dict[str, Annotated[float, Field(ge=-180, le=360)]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_angles(self) -> Keyframe:
        unknown = sorted(set(self.angles) - set(JOINT_ANGLE_NAMES))
        if unknown:
            raise ValueError(
                f"unknown joint angle {', '.join(unknown)} (known: {', '.join(JOINT_ANGLE_NAMES)})"
            )
        return self


class Animation(Frozen):
    """The exercise picture: a base posture and keyframes looped over ``duration_s``.

    The cycle is shortened from real time (a 20 s hold is shown as a pause of a few seconds) so the
    picture shows the whole movement, both sides included, in one loop. ``view`` is how the
    picture looks at the figure: ``side``, or ``three_quarter`` (from above the feet) for a
    movement a side view cannot show, such as knees falling to one side.
    """

    posture: Literal["supine", "all_fours", "seated"]
    view: Literal["side", "three_quarter"] = "side"
    duration_s: Annotated[float, Field(gt=0, le=30)]
    keyframes: Annotated[list[Keyframe], Field(min_length=2)]
    description: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Animation:
        times = [k.t for k in self.keyframes]
        if times != sorted(times) or times[0] != 0 or times[-1] != 1:
            raise ValueError("keyframe times must rise from 0 to 1")
        return self


class Exercise(Frozen):
    """One exercise of the home program, as a person reads it and as the program doses it."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    name: str
    summary: str
    position: str
    steps: Annotated[list[str], Field(min_length=1)]
    cues: list[str]
    stop_if: Annotated[list[str], Field(min_length=1)]
    caution: str | None = None
    kind: DoseKind
    sides: Literal["both", "none"]
    side_labels: tuple[str, str] = ("right", "left")
    max_reps: Annotated[int, Field(ge=1, le=15)]
    max_hold_s: Annotated[int, Field(ge=0, le=60)]
    max_sets: Annotated[int, Field(ge=1, le=3)] = 3
    rest_s: Annotated[int, Field(ge=0, le=300)]
    levels: Annotated[list[Level], Field(min_length=3, max_length=3)]
    animation: Animation

    @model_validator(mode="after")
    def _levels_in_order(self) -> Exercise:
        if [lv.level for lv in self.levels] != [1, 2, 3]:
            raise ValueError("levels must be 1, 2 and 3 in that order")
        for lv in self.levels:
            if lv.dose.reps > self.max_reps or lv.dose.hold_s > self.max_hold_s:
                raise ValueError(f"level {lv.level} dose exceeds the exercise maximum")
        return self

    def level(self, number: int) -> Level:
        return self.levels[number - 1]


class ExerciseLibrary(Frozen):
    """All exercises, in program order, with the version of the content they came from."""

    version: str
    exercises: list[Exercise]

    @model_validator(mode="after")
    def _unique_ids(self) -> ExerciseLibrary:
        ids = [e.id for e in self.exercises]
        if len(ids) != len(set(ids)):
            raise ValueError("exercise ids must be unique")
        return self

    def get(self, exercise_id: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        known = ", ".join(e.id for e in self.exercises)
        raise ContentError(f"unknown exercise '{exercise_id}' (known: {known})")


def load_exercises(path: Path = EXERCISES_FILE) -> ExerciseLibrary:
    """Load and validate an exercise file (the packaged one by default)."""
    return load_model(ExerciseLibrary, path)


@cache
def exercise_library() -> ExerciseLibrary:
    """The packaged library, loaded once per process."""
    return load_exercises()
