"""The guided session as a list of steps for the browser player, produced by the domain machine.

The web player must follow exactly the same phases, pacer stages, durations and spoken cues as
``domain.session.Session`` (design.md "Guided session"). Rather than re-write those rules in
JavaScript, the server walks the domain machine once from start to finish (answering every pain
check with "0, no spread, no new numbness") and records each segment it passes through. The browser then only keeps
time over that list and applies the pain-check stop rule (clinical-spec.md §4.1), whose thresholds
and stop messages are sent with it, so a rule is written once.

A clinician's custom exercise (``domain.session.custom_exercise``) is walked the same way; its
steps carry no ``figure`` (it has no picture) and its instructions step no easier version.
"""

from __future__ import annotations

from collections.abc import Collection

from pydantic import BaseModel, ConfigDict

from sciatica_care.content.exercises import Dose, ExerciseLibrary, exercise_library
from sciatica_care.domain.session import (
    NUMBNESS_STOP_MESSAGE,
    PAIN_NOTE_AT,
    PAIN_STOP_AT,
    SAFETY_LINE,
    STOP_MESSAGE,
    CueKind,
    PacerStage,
    Phase,
    PlannedExercise,
    Session,
    SessionState,
    easier_version,
)
from sciatica_care.domain.skeleton import FigureCue, HeldPose, figure_motion, held_poses

MAX_STEPS = 5000
"""A program is at most a few hundred segments; this only guards against a machine that loops."""


class ScriptCue(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: CueKind
    text: str


class FigureStep(BaseModel):
    """Where the demonstration figure goes during a step (``domain.skeleton.figure_motion``)."""

    model_config = ConfigDict(frozen=True)

    t_from: float
    t_to: float
    move_s: float


class ScriptStep(BaseModel):
    """One segment: a timed phase has ``duration_s``; the others wait for the person.

    ``figure`` moves the player's demonstration figure in step with the timer (static/figure.js).
    """

    model_config = ConfigDict(frozen=True)

    phase: Phase
    exercise_index: int | None
    side: str | None
    set_number: int | None
    number: int | None
    stage: PacerStage | None
    duration_s: float | None
    prompt: str
    cues: list[ScriptCue]
    figure: FigureStep | None = None
    easier: EasierVersion | None = None


class EasierVersion(BaseModel):
    """An instructions step's "give me the easier version": the exercise one level easier and its
    steps, in the same place of the session (``domain.session.easier_version``)."""

    model_config = ConfigDict(frozen=True)

    level: int
    level_name: str
    dose: Dose
    dose_text: str
    sides: list[str]
    steps: list[ScriptStep]


class PlayerRules(BaseModel):
    """The numbers and sentences the player needs from the domain (clinical-spec.md §4.1, §7)."""

    model_config = ConfigDict(frozen=True)

    pain_stop_at: int = PAIN_STOP_AT
    pain_note_at: int = PAIN_NOTE_AT
    stop_message: str = STOP_MESSAGE
    numbness_stop_message: str = NUMBNESS_STOP_MESSAGE
    safety_line: str = SAFETY_LINE


def _figure_cue(state: SessionState, exercise: PlannedExercise) -> tuple[FigureCue, int]:
    """What the figure shows for a state and which side's pose: a hold, a pacer stage, the way
    back after a hold (a break, a side switch or the rest after the last hold), or still."""
    sides = exercise.sides
    side = sides.index(state.side) if state.side in sides else 0
    if state.phase is Phase.WORK:
        if state.stage is None:
            return "hold", side
        stages: dict[str, FigureCue] = {"move": "move", "hold": "peak", "relax": "relax"}
        return stages[state.stage.value], side
    if exercise.counts_reps:
        return "still", side
    last = max(0, len(sides) - 1)
    if state.phase is Phase.BREAK:
        return "return", side if state.number else last
    if state.phase is Phase.SIDE_SWITCH:
        return "return", max(0, side - 1)
    if state.phase is Phase.REST:
        return "return", last
    return "still", side


_POSES: dict[tuple[int, str], list[HeldPose]] = {}


def _poses(library: ExerciseLibrary, exercise_id: str) -> list[HeldPose]:
    """The held poses of an exercise's animation, worked out once per library."""
    key = (id(library), exercise_id)
    if key not in _POSES:
        _POSES[key] = held_poses(library.get(exercise_id).animation)
    return _POSES[key]


def _figure(
    state: SessionState, program: list[PlannedExercise], library: ExerciseLibrary
) -> FigureStep | None:
    if state.exercise_index is None:
        return None
    exercise = program[state.exercise_index]
    if exercise.custom:
        return None  # a clinician's own exercise has no figure: never show a wrong picture
    cue, side = _figure_cue(state, exercise)
    motion = figure_motion(_poses(library, exercise.exercise_id), cue, side, state.duration_s)
    return FigureStep(t_from=motion.t_from, t_to=motion.t_to, move_s=motion.move_s)


def _easier(
    program: list[PlannedExercise], index: int, library: ExerciseLibrary
) -> EasierVersion | None:
    """The easier version of exercise ``index``: the script of the same session with it one level
    easier, cut down to that exercise's own steps (so rests and pain checks stay where they were)."""
    easier = easier_version(library, program[index])
    if easier is None:
        return None
    swapped = [*program[:index], easier, *program[index + 1 :]]
    steps = [
        step
        for step in session_script(swapped, library, easier_for=(index,))
        if step.exercise_index == index
    ]
    return EasierVersion(
        level=easier.level,
        level_name=library.get(easier.exercise_id).level(easier.level).name,
        dose=easier.dose,
        dose_text=easier.dose_text,
        sides=list(easier.sides),
        steps=steps,
    )


def session_script(
    program: list[PlannedExercise],
    library: ExerciseLibrary | None = None,
    easier_for: Collection[int] | None = None,
) -> list[ScriptStep]:
    """Every segment of the session for ``program``, from the intro to "Session complete".

    Each exercise's instructions step carries its easier version (for the exercises in
    ``easier_for``, all when None), so the player can switch without asking the server.
    """
    library = library or exercise_library()
    session = Session(program)
    session.start()
    steps: list[ScriptStep] = []
    while len(steps) < MAX_STEPS:
        state = session.state()
        cues = [ScriptCue(kind=cue.kind, text=cue.text) for cue in session.cue_events()]
        steps.append(
            ScriptStep(
                phase=state.phase,
                exercise_index=state.exercise_index,
                side=state.side,
                set_number=state.set_number,
                number=state.number,
                stage=state.stage,
                duration_s=state.duration_s,
                prompt=state.prompt,
                cues=cues,
                figure=_figure(state, program, library),
                easier=(
                    _easier(program, state.exercise_index, library)
                    if state.phase is Phase.INSTRUCTIONS
                    and state.exercise_index is not None
                    and (easier_for is None or state.exercise_index in easier_for)
                    else None
                ),
            )
        )
        if session.finished:
            return steps
        if state.phase is Phase.PAIN_CHECK:
            session.pain(0, spread=False, new_numbness=False)
        elif state.remaining_s is not None:
            session.tick(state.remaining_s)
        else:
            session.ready()
    raise RuntimeError("session script did not finish")


ScriptStep.model_rebuild()
