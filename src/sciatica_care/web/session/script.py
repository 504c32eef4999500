"""The guided session as a list of steps for the browser player, produced by the domain machine.

The web player must follow exactly the same phases, pacer stages, durations and spoken cues as
``domain.session.Session`` (design.md "Guided session"). Rather than re-write those rules in
JavaScript, the server walks the domain machine once from start to finish (answering every pain
check with "0, no spread, no new numbness") and records each segment it passes through. The browser then only keeps
time over that list and applies the pain-check stop rule (clinical-spec.md §4.1), whose thresholds
and stop messages are sent with it, so a rule is written once.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

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
)

MAX_STEPS = 5000
"""A program is at most a few hundred segments; this only guards against a machine that loops."""


class ScriptCue(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: CueKind
    text: str


class ScriptStep(BaseModel):
    """One segment: a timed phase has ``duration_s``; the others wait for the person."""

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


class PlayerRules(BaseModel):
    """The numbers and sentences the player needs from the domain (clinical-spec.md §4.1, §7)."""

    model_config = ConfigDict(frozen=True)

    pain_stop_at: int = PAIN_STOP_AT
    pain_note_at: int = PAIN_NOTE_AT
    stop_message: str = STOP_MESSAGE
    numbness_stop_message: str = NUMBNESS_STOP_MESSAGE
    safety_line: str = SAFETY_LINE


def session_script(program: list[PlannedExercise]) -> list[ScriptStep]:
    """Every segment of the session for ``program``, from the intro to "Session complete"."""
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
