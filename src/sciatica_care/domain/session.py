"""The guided exercise session as a pure state machine (design.md "Guided session").

Today's program is compiled into a fixed script of segments (intro, instructions, each rep-pacer
stage or hold, the short breaks, side switches, rests and pain checks). The machine walks that
script driven only by events: ``tick(dt)`` for time, and ``ready``, ``rep_done``, ``pain``,
``pause``, ``resume`` and ``stop`` for the person. There is no clock here, so the terminal player,
the web player and the tests drive the same rules, and a session can be replayed exactly.

Events that do not fit the current phase are ignored rather than raised, so a player never crashes
on a late key press; arguments that are wrong in themselves (negative time, pain 11) raise
``SessionError``. The pain check applies the RED rule of clinical-spec.md §4.1: pain 8 or more,
pain that spread further down the leg, or new numbness, tingling or weakness stops the session for
today; new numbness or weakness also sends the person to the safety questions (§4.1 "trigger
red-flag screen", Q8/Q9 of §1) before they exercise again.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from sciatica_care.content.exercises import Dose, DoseKind, ExerciseLibrary

STANDARD_LEVEL = 2
MOVE_S = 2.0
"""Seconds the rep pacer gives to the movement itself, before the hold at the end of the range."""
HOLD_BREAK_S = 5.0
"""Short rest between two holds of the same side and set."""
SIDE_SWITCH_S = 5.0
"""Time to change position before the other side starts."""
PAIN_STOP_AT = 8
"""clinical-spec.md §4.1 RED: peak pain of 8 or more stops the session."""
PAIN_NOTE_AT = 6
"""clinical-spec.md §4.1 AMBER: pain 6-7 lets the session go on, noted for progression."""

STOP_MESSAGE = (
    "Stop. Pain that spreads down your leg or sharp pain means stop for today. "
    "Rest in a comfortable position. Before you exercise again, answer the safety questions; "
    "if you are worried, contact a health professional."
)
NUMBNESS_STOP_MESSAGE = (
    "Stop. New numbness, tingling or weakness in your leg or foot means stop for today. "
    "Answer the safety questions now: they ask about weakness and numbness and say whether to "
    "contact a doctor. Do not exercise again until you have answered them."
)
"""clinical-spec.md §4.1 RED "new numbness/weakness": stop, and trigger the red-flag screen (§1)."""
PAIN_CHECK_QUESTIONS = (
    "How is your pain now, from 0 to 10?",
    "Did the pain spread further down your leg?",
    "Any new numbness, tingling or weakness in your leg or foot?",
)
"""The three questions of the pain check after each exercise (clinical-spec.md §4.1 record)."""
SAFETY_LINE = "Stop at once if the pain is sharp or spreads down your leg."

MOVE_WORDS: Mapping[str, str] = {
    "pelvic-tilt": "Tilt",
    "knee-to-chest": "Pull",
    "lower-trunk-rotation": "Roll",
    "bird-dog": "Reach",
}
"""The spoken word for the movement stage of the rep pacer, per exercise ("Move" otherwise)."""


class SessionError(ValueError):
    """An event argument or a program is invalid; the message names the field."""


class Phase(StrEnum):
    """Where the session is. Timed phases count down on ``tick``; the others wait for the person."""

    INTRO = "intro"
    INSTRUCTIONS = "instructions"
    WORK = "work"
    BREAK = "break"
    SIDE_SWITCH = "side_switch"
    REST = "rest"
    PAIN_CHECK = "pain_check"
    DONE = "done"
    STOPPED = "stopped"


class PacerStage(StrEnum):
    """The three stages of one paced repetition: move to the end of the range, hold, relax."""

    MOVE = "move"
    HOLD = "hold"
    RELAX = "relax"


class StopReason(StrEnum):
    PAIN = "pain"
    SPREAD_DOWN_LEG = "spread_down_leg"
    NEW_NUMBNESS_OR_WEAKNESS = "new_numbness_or_weakness"
    TIRED = "tired"
    OTHER = "other"


SAFETY_STOPS = frozenset(
    {StopReason.PAIN, StopReason.SPREAD_DOWN_LEG, StopReason.NEW_NUMBNESS_OR_WEAKNESS}
)
"""Stop reasons that get a safety message rather than a plain "session stopped"."""


def stop_message(reason: StopReason) -> str | None:
    """The safety message for a stop (§4.1), or None for a stop that is not about symptoms."""
    if reason is StopReason.NEW_NUMBNESS_OR_WEAKNESS:
        return NUMBNESS_STOP_MESSAGE
    return STOP_MESSAGE if reason in SAFETY_STOPS else None


def red_pain_check(pain: int | None, spread: bool | None, new_numbness: bool | None) -> bool:
    """clinical-spec.md §4.1 RED, as far as the pain check shows it: pain 8 or more, spread down
    the leg, or new numbness or weakness (the next-morning part is judged later, by progression)."""
    return bool(spread) or bool(new_numbness) or (pain is not None and pain >= PAIN_STOP_AT)


def red_stop(
    stop_reason: str | None, items: Sequence[tuple[int | None, bool | None, bool | None]]
) -> bool:
    """A session that ended RED: stopped for a symptom, or any pain check RED (§4.1, §9.5).

    After such a session the safety questions Q1–Q10 come before the next one (§9 ruling 5).
    """
    if stop_reason in {reason.value for reason in SAFETY_STOPS}:
        return True
    return any(red_pain_check(*item) for item in items)


def pain_for_progression(
    pain: int | None, stop_reason: str | None, last_in_session: bool
) -> int | None:
    """The peak pain progression reads for one exercise result, or None when it has no signal.

    §9 ruling 7: the exercise a session stopped at for a symptom is a RED result even when the
    pain check was not completed. A stop for pain without a score counts at the RED threshold;
    a stop for spread or numbness carries its own flag, so its unknown pain counts as 0.
    """
    if pain is not None:
        return pain
    if not last_in_session or stop_reason not in {r.value for r in SAFETY_STOPS}:
        return None
    return PAIN_STOP_AT if stop_reason == StopReason.PAIN else 0


class SessionStatus(StrEnum):
    COMPLETED = "completed"
    STOPPED = "stopped"


class CueKind(StrEnum):
    """How a player should present a cue: plain guidance, a count, or a safety message."""

    GUIDE = "guide"
    COUNT = "count"
    SAFETY = "safety"


@dataclass(frozen=True)
class Cue:
    """One thing to say or print, in the order it happened."""

    kind: CueKind
    text: str
    phase: Phase


class _Frozen(BaseModel):
    # Schemas are built on first use, not at import: every command imports these (start-up).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class PlannedExercise(_Frozen):
    """One exercise of today's program with its dose; ``sides`` is empty when not done per side."""

    exercise_id: str
    name: str
    kind: DoseKind
    level: Annotated[int, Field(ge=1, le=3)]
    dose: Dose
    sides: tuple[str, ...] = ()
    rest_s: Annotated[int, Field(ge=0, le=300)] = 0
    reason: str | None = None
    move_word: str = "Move"
    custom: bool = False
    """A clinician's own exercise (``custom_exercise``): no content record, picture or levels."""

    @property
    def counts_reps(self) -> bool:
        """Paced reps: a rep exercise, or a hold variation without a hold (e.g. small rolls)."""
        return self.kind is DoseKind.REPS or self.dose.hold_s == 0

    @property
    def units_planned(self) -> int:
        """Reps or holds in total, over all sets and sides."""
        return self.dose.sets * self.dose.reps * max(1, len(self.sides))

    @property
    def dose_text(self) -> str:
        """The dose in words: "10 reps, hold 3 s at each end", "3 holds of 20 s, each side"."""
        dose = self.dose
        if self.counts_reps:
            text = _count(dose.reps, "rep")
            if dose.hold_s:
                text += f", hold {dose.hold_s} s at each end"
        else:
            text = f"{_count(dose.reps, 'hold')} of {dose.hold_s} s"
        if self.sides:
            text += ", each side"
        if dose.sets > 1:
            text += f", {dose.sets} sets"
        return text


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


class ExerciseResult(_Frozen):
    """What was done of one exercise, and the pain check after it (input to progression §4.1)."""

    exercise_id: str
    level: Annotated[int, Field(ge=1, le=3)]
    dose: Dose
    sides_done: list[str]
    reps_done: Annotated[int, Field(ge=0)]
    holds_done: Annotated[int, Field(ge=0)]
    hold_seconds: Annotated[float, Field(ge=0)]
    pain: Annotated[int, Field(ge=0, le=10)] | None
    spread_down_leg: bool | None
    new_numbness_or_weakness: bool | None = None
    asked_easier: bool = False
    """The person said "this one hurts — give me the easier version" during this exercise: a pain
    signal for progression (clinical-spec.md §4.1). ``level`` and ``dose`` are then the easier ones
    the player switched to, when there was one."""
    completed: bool


class SessionRecord(_Frozen):
    """The outcome of one session, as stored and as printed with ``--json``."""

    status: SessionStatus
    stop_reason: StopReason | None = None
    stop_note: str | None = None
    elapsed_s: Annotated[float, Field(ge=0)]
    items: list[ExerciseResult]
    notes: list[str] = []
    planned_exercises: list[str] = []
    """The exercise ids the session set out to do, so history can say "2 of 4 exercises"."""


def settle_stop(record: SessionRecord) -> SessionRecord:
    """A stopped session as progression and history must read it (§9 ruling 7).

    A stop for pain spreading or new numbness marks the exercise in progress with that symptom,
    and an exercise whose pain check was never answered is not "completed", whichever player sent
    the record (terminal, browser or offline outbox).
    """
    if record.status is not SessionStatus.STOPPED or not record.items:
        return record
    reason = record.stop_reason
    last = record.items[-1]
    update: dict[str, object] = {}
    if reason is StopReason.SPREAD_DOWN_LEG and not last.spread_down_leg:
        update["spread_down_leg"] = True
    if reason is StopReason.NEW_NUMBNESS_OR_WEAKNESS and not last.new_numbness_or_weakness:
        update["new_numbness_or_weakness"] = True
    if last.pain is None and last.completed and reason in SAFETY_STOPS:
        update["completed"] = False
    if not update:
        return record
    items = [*record.items[:-1], last.model_copy(update=update)]
    return record.model_copy(update={"items": items})


class SessionState(_Frozen):
    """A snapshot of the machine for a player or an API response."""

    phase: Phase
    paused: bool
    exercise_index: int | None
    exercise_id: str | None
    side: str | None
    set_number: int | None
    number: int | None
    stage: PacerStage | None
    remaining_s: float | None
    duration_s: float | None
    prompt: str


@dataclass(frozen=True)
class _Segment:
    phase: Phase
    exercise: int | None = None
    side: str | None = None
    set_number: int = 0
    number: int = 0
    stage: PacerStage | None = None
    duration: float | None = None
    cue: str | None = None
    cue_kind: CueKind = CueKind.GUIDE


@dataclass
class _Tally:
    started: bool = False
    reps: int = 0
    holds: int = 0
    hold_seconds: float = 0.0
    units_by_side: dict[str, int] = field(default_factory=dict)
    pain: int | None = None
    spread: bool | None = None
    numbness: bool | None = None


def build_program(
    library: ExerciseLibrary,
    doses: Mapping[str, tuple[int, Dose]] | None = None,
    reasons: Mapping[str, str] | None = None,
) -> list[PlannedExercise]:
    """Today's program: every exercise of the library in order, at the given or standard dose.

    Exercises missing from ``doses`` start at level 2, standard dose (clinical-spec.md §4.4);
    progression supplies ``doses`` and the ``reasons`` shown beside them (§4.2). An exercise is done
    per side only when its dose says so, so "both knees" (knee to chest, level 3) is not.
    """
    doses = doses or {}
    reasons = reasons or {}
    known = {exercise.id for exercise in library.exercises}
    for exercise_id in [*doses, *reasons]:
        if exercise_id not in known:
            raise SessionError(f"doses: unknown exercise '{exercise_id}'")
    program = []
    for exercise in library.exercises:
        level, dose = doses.get(exercise.id, (STANDARD_LEVEL, exercise.level(STANDARD_LEVEL).dose))
        if level not in (1, 2, 3):
            raise SessionError(f"doses.{exercise.id}: level must be 1, 2 or 3, not {level}")
        per_side = dose.per_side and exercise.sides == "both"
        program.append(
            PlannedExercise(
                exercise_id=exercise.id,
                name=exercise.name,
                kind=exercise.kind,
                level=level,
                dose=dose,
                sides=exercise.side_labels if per_side else (),
                rest_s=exercise.rest_s,
                reason=reasons.get(exercise.id),
                move_word=MOVE_WORDS.get(exercise.id, "Move"),
            )
        )
    return program


CUSTOM_SIDES: tuple[str, str] = ("right", "left")
"""The sides of a custom exercise done per side, in the order the seed exercises use."""
CUSTOM_REST_S = 30
"""Rest after a custom exercise: the seed exercises' rest (``exercises.yaml``)."""
CUSTOM_STOP_IF: tuple[str, ...] = (
    "Sharp pain, or pain that spreads down your leg",
    "New numbness, tingling or weakness in your leg or foot",
)
"""What stops a custom exercise, shown with its instructions: the RED signs of the pain check
(clinical-spec.md §4.1, §6), since it has no content record with its own "stop if" list."""
CUSTOM_LEVEL = 1
"""A custom exercise has one variation, so it is its own easiest: "give me the easier version"
goes straight to its pain check, as at level 1 of a seed exercise."""


def custom_exercise(key: str, name: str, dose: Dose) -> PlannedExercise:
    """A clinician's custom exercise (issue 10 item 3) as the session plays it.

    It is paced and timed by its prescribed dose exactly like a seed exercise, and followed by the
    same pain check with the same RED stop (clinical-spec.md §4.1, §6). A dose with a hold is
    ``reps`` holds of ``hold_s`` seconds (as ``domain.prescription.dose_words`` shows it to the
    patient); without one it is ``reps`` paced repetitions. ``key`` (``custom-`` + random hex) is
    the stable id its results are stored under.

    Progression never changes its dose: the clinician wrote it and owns it. The §4.2 steps (reps
    +2 up to 15, hold +5 s up to the content's maxima, sets, then the harder variation) are defined
    per content exercise, and a custom exercise has no content record, maxima or variations to
    step through (``services.program`` decides only for exercises of the library). Its pain checks
    still count: a RED result stops the session and asks the safety questions before the next
    one (§4.1, §9 rulings 5–6).
    """
    kind = DoseKind.HOLD if dose.hold_s > 0 else DoseKind.REPS
    return PlannedExercise(
        exercise_id=key,
        name=name,
        kind=kind,
        level=CUSTOM_LEVEL,
        dose=dose,
        sides=CUSTOM_SIDES if dose.per_side else (),
        rest_s=CUSTOM_REST_S,
        custom=True,
    )


EASIER_REASON = "You asked for the easier version because it hurt."


def easier_version(library: ExerciseLibrary, planned: PlannedExercise) -> PlannedExercise | None:
    """The same exercise one level easier, at that level's starting dose, or None at level 1.

    "This one hurts — give me the easier version" (issue 9) moves down a level as a RED result
    would on restart (clinical-spec.md §4.1 "restart one level easier"; §4.4 lists the levels),
    but at once and for the rest of this exercise only; progression decides what comes next time.
    """
    if planned.custom or planned.level <= 1:
        return None
    exercise = library.get(planned.exercise_id)
    level = planned.level - 1
    dose = exercise.level(level).dose
    per_side = dose.per_side and exercise.sides == "both"
    return planned.model_copy(
        update={
            "level": level,
            "dose": dose,
            "sides": exercise.side_labels if per_side else (),
            "reason": EASIER_REASON,
        }
    )


def _work_block(
    index: int, ex: PlannedExercise, side: str | None, set_number: int
) -> list[_Segment]:
    """The paced reps or the holds of one side of one set."""
    dose = ex.dose
    base = _Segment(Phase.WORK, exercise=index, side=side, set_number=set_number)
    segments: list[_Segment] = []
    for n in range(1, dose.reps + 1):
        if ex.counts_reps:
            hold = f" ... {dose.hold_s} s" if dose.hold_s else ""
            cue = f"{n} of {dose.reps}: {ex.move_word}{hold}"
            segments.append(
                replace(
                    base,
                    number=n,
                    stage=PacerStage.MOVE,
                    duration=MOVE_S,
                    cue=cue,
                    cue_kind=CueKind.COUNT,
                )
            )
            if dose.hold_s:
                segments.append(
                    replace(base, number=n, stage=PacerStage.HOLD, duration=float(dose.hold_s))
                )
            relax_s = float(dose.hold_s) if dose.hold_s else MOVE_S
            segments.append(
                replace(base, number=n, stage=PacerStage.RELAX, duration=relax_s, cue="Relax")
            )
        else:
            if n > 1:
                segments.append(
                    replace(
                        base,
                        phase=Phase.BREAK,
                        number=n - 1,
                        duration=HOLD_BREAK_S,
                        cue=f"Relax. Rest {HOLD_BREAK_S:g} s",
                    )
                )
            cue = f"Hold {n} of {dose.reps}: {dose.hold_s} s"
            segments.append(
                replace(
                    base, number=n, duration=float(dose.hold_s), cue=cue, cue_kind=CueKind.COUNT
                )
            )
    return segments


def _exercise_script(index: int, ex: PlannedExercise, last: bool) -> list[_Segment]:
    """Instructions, then sets (each side in turn), then rest and the pain check."""
    cue = f"{ex.name}: {ex.dose_text}."
    if ex.reason:
        cue += f" {ex.reason}"
    segments = [_Segment(Phase.INSTRUCTIONS, exercise=index, cue=cue)]
    sides: Sequence[str | None] = ex.sides or (None,)
    for set_number in range(1, ex.dose.sets + 1):
        for side_index, side in enumerate(sides):
            at = _Segment(Phase.WORK, exercise=index, side=side, set_number=set_number)
            if set_number > 1 and side_index == 0 and ex.rest_s:
                segments.append(
                    replace(
                        at,
                        phase=Phase.BREAK,
                        duration=float(ex.rest_s),
                        cue=f"Rest {ex.rest_s} s before set {set_number}",
                    )
                )
            if side is not None and (set_number, side_index) != (1, 0):
                segments.append(
                    replace(
                        at,
                        phase=Phase.SIDE_SWITCH,
                        duration=SIDE_SWITCH_S,
                        cue=f"Now switch sides: {side}",
                    )
                )
            block = _work_block(index, ex, side, set_number)
            if side is not None and (set_number, side_index) == (1, 0):
                first = block[0]
                block[0] = replace(first, cue=f"First side: {side}. {first.cue}")
            segments.extend(block)
    if not last and ex.rest_s:
        segments.append(
            _Segment(
                Phase.REST,
                exercise=index,
                duration=float(ex.rest_s),
                cue=f"Well done. Rest {ex.rest_s} s",
            )
        )
    segments.append(
        _Segment(
            Phase.PAIN_CHECK,
            exercise=index,
            cue=" ".join(PAIN_CHECK_QUESTIONS),
        )
    )
    return segments


def _script(program: Sequence[PlannedExercise]) -> list[_Segment]:
    body: list[_Segment] = []
    for index, ex in enumerate(program):
        body.extend(_exercise_script(index, ex, last=index == len(program) - 1))
    planned = sum(s.duration or 0.0 for s in body)
    minutes = max(1, math.ceil(planned / 60))
    intro = _Segment(
        Phase.INTRO, cue=f"Today: {len(program)} exercises, about {minutes} minutes of exercise."
    )
    done = _Segment(Phase.DONE, cue="Session complete. Well done.")
    return [intro, *body, done]


def _whole_seconds(seconds: float) -> int:
    return max(1, math.ceil(seconds - 1e-9))


class Session:
    """The guided session for one program, stepped by events (see the module docstring)."""

    def __init__(self, program: Sequence[PlannedExercise]) -> None:
        if not program:
            raise SessionError("program: there are no exercises to do")
        self._program = tuple(program)
        self._script = _script(self._program)
        self._pos = 0
        self._left: float | None = None
        self._started = False
        self._paused = False
        self._stopped = False
        self._elapsed = 0.0
        self._cues: list[Cue] = []
        self._tallies = [_Tally() for _ in self._program]
        self._stop_reason: StopReason | None = None
        self._stop_note: str | None = None
        self._notes: list[str] = []

    # --- what a player reads -------------------------------------------------------------

    @property
    def program(self) -> tuple[PlannedExercise, ...]:
        return self._program

    @property
    def planned_s(self) -> float:
        """Seconds of timed phases in the whole program (the intro's "about N minutes")."""
        return sum(s.duration or 0.0 for s in self._script)

    @property
    def phase(self) -> Phase:
        return Phase.STOPPED if self._stopped else self._segment.phase

    @property
    def started(self) -> bool:
        return self._started

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def finished(self) -> bool:
        return self.phase in (Phase.DONE, Phase.STOPPED)

    @property
    def elapsed_s(self) -> float:
        """Seconds of ticks received while started, running and not finished."""
        return self._elapsed

    @property
    def exercise_index(self) -> int | None:
        return self._segment.exercise

    @property
    def exercise(self) -> PlannedExercise | None:
        index = self._segment.exercise
        return None if index is None else self._program[index]

    @property
    def side(self) -> str | None:
        return self._segment.side

    @property
    def set_number(self) -> int | None:
        return self._segment.set_number or None

    @property
    def number(self) -> int | None:
        """The rep or hold being done (in a break: the one just finished)."""
        return self._segment.number or None

    @property
    def stage(self) -> PacerStage | None:
        return self._segment.stage

    @property
    def remaining_s(self) -> float | None:
        """Seconds left in a timed phase; None while waiting for the person."""
        return None if self.finished else self._left

    @property
    def duration_s(self) -> float | None:
        """Full length of the current timed phase (for a progress bar)."""
        return None if self.finished else self._segment.duration

    @property
    def prompt(self) -> str:
        """A short line for the screen or speech: "Tilt", "Hold 12 s", "Now switch sides: left"."""
        if self._paused and not self.finished:
            return "Paused"
        seg = self._segment
        left = _whole_seconds(self._left or 0.0)
        ex = self.exercise
        match self.phase:
            case Phase.INTRO:
                return "Press ready to begin"
            case Phase.INSTRUCTIONS:
                assert ex is not None
                return f"{ex.name}: {ex.dose_text}. Press ready to start"
            case Phase.WORK if seg.stage is PacerStage.MOVE:
                assert ex is not None
                return ex.move_word
            case Phase.WORK if seg.stage is PacerStage.RELAX:
                return "Relax"
            case Phase.WORK:
                return f"Hold {left} s"
            case Phase.BREAK | Phase.REST:
                return f"Rest {left} s"
            case Phase.SIDE_SWITCH:
                return f"Now switch sides: {seg.side}"
            case Phase.PAIN_CHECK:
                return "Pain now (0-10)? Did it spread down your leg? New numbness or weakness?"
            case Phase.DONE:
                return "Session complete"
            case _:
                return "Session stopped"

    def state(self) -> SessionState:
        ex = self.exercise
        return SessionState(
            phase=self.phase,
            paused=self._paused,
            exercise_index=self.exercise_index,
            exercise_id=ex.exercise_id if ex else None,
            side=self.side,
            set_number=self.set_number,
            number=self.number,
            stage=self.stage,
            remaining_s=self.remaining_s,
            duration_s=self.duration_s,
            prompt=self.prompt,
        )

    def cue_events(self) -> list[Cue]:
        """The cues produced since the last call, oldest first (each is returned once)."""
        cues, self._cues = self._cues, []
        return cues

    def record(self) -> SessionRecord:
        """The outcome, once the session is done or stopped."""
        if not self.finished:
            raise SessionError("record: the session is still running; stop it first")
        items = [
            self._result(ex, tally)
            for ex, tally in zip(self._program, self._tallies, strict=True)
            if tally.started
        ]
        return SessionRecord(
            status=SessionStatus.STOPPED if self._stopped else SessionStatus.COMPLETED,
            stop_reason=self._stop_reason,
            stop_note=self._stop_note,
            elapsed_s=round(self._elapsed, 3),
            items=items,
            notes=list(self._notes),
            planned_exercises=[ex.exercise_id for ex in self._program],
        )

    # --- events --------------------------------------------------------------------------

    def start(self) -> None:
        """Begin: the intro and the safety line are cued; ticks count from now."""
        if self._started or self.finished:
            return
        self._started = True
        self._enter(0)
        self._say(SAFETY_LINE, CueKind.SAFETY)

    def tick(self, dt: float) -> None:
        """Let ``dt`` seconds pass, crossing every timed phase it covers (time carries over)."""
        if not math.isfinite(dt) or dt < 0:
            raise SessionError(f"tick: dt must be a finite number of seconds >= 0, not {dt}")
        if not self._running:
            return
        self._elapsed += dt
        while dt > 0 and self._left is not None and not self.finished:
            step = min(dt, self._left)
            dt -= step
            self._left -= step
            seg = self._segment
            if seg.phase is Phase.WORK and seg.stage is None and seg.exercise is not None:
                self._tallies[seg.exercise].hold_seconds += step
            if self._left <= 1e-9:
                self._complete()

    def ready(self) -> None:
        """The person is ready: leave the intro or instructions, or skip a rest or side switch."""
        if self._running and self.phase in (
            Phase.INTRO,
            Phase.INSTRUCTIONS,
            Phase.BREAK,
            Phase.SIDE_SWITCH,
            Phase.REST,
        ):
            self._complete()

    def rep_done(self) -> None:
        """A repetition was done (counted by hand or by the camera): count it, pace the next."""
        seg = self._segment
        if not self._running or seg.phase is not Phase.WORK or seg.stage is None:
            return
        end = self._pos
        while self._script[end].stage is not PacerStage.RELAX:
            end += 1
        self._pos = end
        self._complete()

    def pain(self, score: int, spread: bool, new_numbness: bool = False) -> None:
        """Answer the pain check; RED stops the session (clinical-spec.md §4.1).

        RED is pain >= 8, pain that spread down the leg, or new numbness, tingling or weakness.
        New numbness or weakness is named as the stop reason even with the others, because only it
        asks for the safety questions before the next session (§4.1 "trigger red-flag screen").
        AMBER (pain 6-7) goes on, with a note and a gentle-go cue, so progression can hold the dose.
        """
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
            raise SessionError(f"pain: score must be a whole number from 0 to 10, not {score!r}")
        if not self._running or self.phase is not Phase.PAIN_CHECK:
            return
        ex = self.exercise
        assert ex is not None and self.exercise_index is not None
        tally = self._tallies[self.exercise_index]
        tally.pain, tally.spread, tally.numbness = score, bool(spread), bool(new_numbness)
        if new_numbness or spread or score >= PAIN_STOP_AT:
            if new_numbness:
                reason = StopReason.NEW_NUMBNESS_OR_WEAKNESS
            elif spread:
                reason = StopReason.SPREAD_DOWN_LEG
            else:
                reason = StopReason.PAIN
            note = f"pain {score}/10 after {ex.name}"
            if spread:
                note += ", spread further down the leg"
            if new_numbness:
                note += ", new numbness, tingling or weakness"
            self.stop(reason, note)
            return
        if score >= PAIN_NOTE_AT:
            self._notes.append(f"{ex.name}: pain {score}/10, above the aim of 5 or less")
            self._say(
                f"Pain {score} out of 10 is more than we aim for. Go gently with the rest, "
                "and stop if it gets sharp or spreads down your leg.",
                CueKind.SAFETY,
            )
        self._complete()

    def pause(self) -> None:
        if self._running:
            self._paused = True
            self._say("Paused", CueKind.GUIDE)

    def resume(self) -> None:
        if self._started and self._paused and not self.finished:
            self._paused = False
            self._say("Go on when you are ready", CueKind.GUIDE)

    def stop(self, reason: StopReason | str, note: str | None = None) -> None:
        """Stop now, at any phase; what was done so far is kept in the record."""
        try:
            reason = StopReason(reason)
        except ValueError:
            choices = ", ".join(r.value for r in StopReason)
            raise SessionError(f"stop: reason must be one of {choices}, not {reason!r}") from None
        if self.finished:
            return
        self._stopped = True
        self._paused = False
        self._left = None
        self._stop_reason = reason
        self._stop_note = (note or "").strip() or None
        message = stop_message(reason)
        if message is not None:
            self._say(message, CueKind.SAFETY)
        else:
            self._say("Session stopped. What you did so far is saved.", CueKind.GUIDE)

    # --- inside --------------------------------------------------------------------------

    @property
    def _segment(self) -> _Segment:
        return self._script[self._pos]

    @property
    def _running(self) -> bool:
        return self._started and not self._paused and not self.finished

    def _say(self, text: str, kind: CueKind) -> None:
        self._cues.append(Cue(kind=kind, text=text, phase=self.phase))

    def _enter(self, pos: int) -> None:
        self._pos = pos
        seg = self._segment
        self._left = seg.duration
        if seg.phase is Phase.WORK and seg.exercise is not None:
            self._tallies[seg.exercise].started = True
        if seg.cue:
            self._say(seg.cue, seg.cue_kind)

    def _complete(self) -> None:
        """The current segment is over: count what it finished and enter the next one."""
        seg = self._segment
        if (
            seg.phase is Phase.WORK
            and seg.exercise is not None
            and seg.stage
            in (
                None,
                PacerStage.RELAX,
            )
        ):
            tally = self._tallies[seg.exercise]
            if seg.stage is None:
                tally.holds += 1
            else:
                tally.reps += 1
            key = seg.side or ""
            tally.units_by_side[key] = tally.units_by_side.get(key, 0) + 1
        self._enter(self._pos + 1)

    @staticmethod
    def _result(ex: PlannedExercise, tally: _Tally) -> ExerciseResult:
        per_side = ex.dose.sets * ex.dose.reps
        done = sum(tally.units_by_side.values())
        return ExerciseResult(
            exercise_id=ex.exercise_id,
            level=ex.level,
            dose=ex.dose,
            sides_done=[s for s in ex.sides if tally.units_by_side.get(s, 0) >= per_side],
            reps_done=tally.reps,
            holds_done=tally.holds,
            hold_seconds=round(tally.hold_seconds, 3),
            pain=tally.pain,
            spread_down_leg=tally.spread,
            new_numbness_or_weakness=tally.numbness,
            completed=done >= ex.units_planned,
        )
