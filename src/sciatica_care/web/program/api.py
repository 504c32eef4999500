"""``GET /api/program/today``: today's exercises, their content, and the player's script.

Everything the guided player needs in one answer: each exercise with its dose, the reason for any
change and its animated picture; exercises paused today with their resume date; and ``steps``,
the session as the domain state machine walks it (``web.session_script``), with the pain-check
rules (clinical-spec.md §4.1). The program is behind the program gate (``services.gate``): 409 before the first
screen or while the safety questions are owed after a RED stop, 423 while an emergency screen is
unresolved (§1, §7.2, §9); ``gate`` in the answer also says whether step-ups are held.

A clinician's prescription (issue 10 item 3) adds ``prescribed_by`` (their name), their ``note``,
``changes`` (the last 14 days: who, when, what, why) and ``custom_exercises`` (their own
exercises with instructions, steps, dose and the Today "Done" mark).

There is one session script for every interface: ``exercises`` and ``steps`` are the session of
``services.sessions.session_program``, as ``GET /api/sessions/today``, the player page and
``sciatica session`` play it: the seed exercises due today, then the clinician's own ones
(``custom: true``, their ``instructions`` and steps, no picture rather than a wrong one). A custom
exercise resting after a RED result (§4.1, §9 ruling 5) is in ``paused`` with its resume day and
reason instead, as a seed exercise is.

``POST /api/program/suggestions/{exercise_id}/accept`` applies a dose change that waits for the
person's yes (automatic progression off, §7 "Lower-risk design"); 404 when none waits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel

from sciatica_care.content.exercises import Dose, DoseKind, exercise_library
from sciatica_care.domain.progression_custom import CustomRest
from sciatica_care.domain.session import CUSTOM_STOP_IF, PlannedExercise
from sciatica_care.services import prescribing, program, sessions, view_cache
from sciatica_care.services.context import PatientContext
from sciatica_care.web.api_responses import errors
from sciatica_care.web.context import current_context
from sciatica_care.web.program.pictures import exercise_picture
from sciatica_care.web.program.plan import TodaysPlan, plan_of
from sciatica_care.web.session.script import PlayerRules, ScriptStep, session_script

router = APIRouter(prefix="/api", tags=["program"])


class ProgramExercise(BaseModel):
    exercise_id: str
    name: str
    kind: DoseKind
    level: int
    level_name: str
    dose: Dose
    dose_text: str
    sides: list[str]
    rest_s: int
    reason: str | None
    move_word: str
    position: str
    steps: list[str]
    cues: list[str]
    stop_if: list[str]
    caution: str | None
    picture_svg: str
    custom: bool = False
    """A clinician's own exercise (no level, content text or picture: ``instructions`` instead)."""
    instructions: str | None = None


class PausedItem(BaseModel):
    exercise_id: str
    name: str
    resume_on: date | None
    reason: str | None


class SuggestedChange(BaseModel):
    """A dose change waiting for the person's yes (automatic progression off, §7)."""

    exercise_id: str
    name: str
    reason: str


class ProgramChangeSeen(BaseModel):
    """One of the clinician's changes as the patient reads it."""

    at: str
    day: date
    clinician: str
    changes: list[str]
    reason: str | None


class CustomExerciseItem(BaseModel):
    key: str
    name: str
    instructions: str
    steps: list[str]
    dose: Dose
    dose_text: str
    done_today: bool


class TodaysProgram(BaseModel):
    date: date
    exercises: list[ProgramExercise]
    paused: list[PausedItem]
    suggestions: list[SuggestedChange]
    steps: list[ScriptStep]
    rules: PlayerRules
    hold_step_ups: bool = False
    hold_message: str | None = None
    prescribed_by: str | None = None
    note: str | None = None
    changes: list[ProgramChangeSeen] = []
    custom_exercises: list[CustomExerciseItem] = []


@lru_cache(maxsize=256)
def _script(exercises: tuple[PlannedExercise, ...]) -> tuple[ScriptStep, ...]:
    """The player script for a program, made once per program: it plays the whole session
    through (every cue, every easier version) and was half of this route's time (issue 12,
    benchmarks/load.py). It depends only on the planned exercises (frozen, compared by value)
    and the content library, which is fixed for the life of the process."""
    return tuple(session_script(list(exercises)))


def program_exercise(
    item: PlannedExercise, custom: sessions.CustomDetails | None = None
) -> ProgramExercise:
    """One exercise of the session with what a player shows of it: the content's words and
    picture, or a clinician's instructions and steps (``custom`` given for a custom one)."""
    common = {
        "exercise_id": item.exercise_id,
        "name": item.name,
        "kind": item.kind,
        "level": item.level,
        "dose": item.dose,
        "sides": list(item.sides),
        "rest_s": item.rest_s,
        "reason": item.reason,
        "move_word": item.move_word,
    }
    if custom is not None:
        return ProgramExercise(
            **common,
            dose_text=custom.dose_text,
            level_name="",
            position="",
            steps=list(custom.steps),
            cues=[],
            stop_if=list(CUSTOM_STOP_IF),
            caution=None,
            picture_svg="",
            custom=True,
            instructions=custom.instructions,
        )
    content = exercise_library().get(item.exercise_id)
    return ProgramExercise(
        **common,
        level_name=content.level(item.level).name,
        dose_text=item.dose_text,
        position=content.position,
        steps=content.steps,
        cues=content.cues,
        stop_if=content.stop_if,
        caution=content.caution,
        picture_svg=exercise_picture(content),
    )


def program_json(
    plan: TodaysPlan,
    day: date,
    customs: Mapping[str, sessions.CustomDetails] | None = None,
    resting: Sequence[CustomRest] = (),
) -> TodaysProgram:
    """The plan with its content, pictures and player script.

    ``customs`` are the clinician's exercises among ``plan.exercises`` (by key), ``resting`` the
    ones resting today, listed in ``paused`` after the seed exercises.
    """
    customs = customs or {}
    exercises = [
        program_exercise(item, customs.get(item.exercise_id) if item.custom else None)
        for item in plan.exercises
    ]
    paused = [
        PausedItem(exercise_id=p.exercise_id, name=p.name, resume_on=p.resume_on, reason=p.reason)
        for p in plan.paused
    ]
    listed = {p.exercise_id for p in paused}
    paused += [
        PausedItem(exercise_id=r.key, name=r.name, resume_on=r.resume_on, reason=r.reason)
        for r in resting
        if r.key not in listed
    ]
    return TodaysProgram(
        date=day,
        exercises=exercises,
        paused=paused,
        suggestions=[
            SuggestedChange(exercise_id=c.exercise_id, name=c.name, reason=c.reason)
            for c in plan.suggestions
        ],
        steps=list(_script(tuple(plan.exercises))) if plan.exercises else [],
        rules=PlayerRules(),
    )


@router.get("/program/today", response_model=TodaysProgram)
def program_today(ctx: PatientContext = Depends(current_context)) -> Response:
    """Today's program: the session ``services.sessions.session_program`` plays (409/423 while
    the program gate is shut), with the clinician's prescription. The JSON is kept until the
    patient's data changes (``services.view_cache``): the player and the offline app ask often."""
    body = view_cache.remember(ctx, "api/program/today", lambda: _program_today(ctx))
    return Response(body, media_type="application/json")


def _program_today(ctx: PatientContext) -> bytes:
    today, prescribed = sessions.session_program_and(
        ctx, lambda reads: prescribing.recent_changes_in(reads.session, ctx, reads.customs)
    )
    plan = replace(plan_of(today.todays), exercises=today.planned)
    answer = program_json(plan, today.day, today.customs, today.resting_customs)
    gate = today.gate.to_json()
    return (
        answer.model_copy(
            update={
                "hold_step_ups": today.gate.hold_step_ups,
                "hold_message": gate["hold_message"],
                "prescribed_by": prescribed.prescribed_by,
                "note": prescribed.note,
                "changes": [
                    ProgramChangeSeen(
                        at=change.at.isoformat(),
                        day=change.day,
                        clinician=change.clinician,
                        changes=change.sentences,
                        reason=change.reason,
                    )
                    for change in prescribed.changes
                ],
                "custom_exercises": [
                    CustomExerciseItem(**custom.to_json()) for custom in prescribed.custom_exercises
                ],
            }
        )
        .model_dump_json()
        .encode()
    )


@router.post("/program/suggestions/{exercise_id}/accept", responses=errors(404, 409, 423))
def accept_suggestion(
    exercise_id: str, ctx: PatientContext = Depends(current_context)
) -> dict[str, Any]:
    """Apply the suggested change for one exercise; the accepted decision comes back (§8.3).

    409 when no suggestion waits, or when it is a step up while step-ups are held (§9 ruling 4).
    """
    return program.accept(ctx, exercise_id).to_json()


@router.post("/program/clinician-seen")
def clinician_seen(ctx: PatientContext = Depends(current_context)) -> dict[str, Any]:
    """The person records that a clinician has seen them: held step-ups may go ahead again."""
    ended = program.confirm_clinician_seen(ctx)
    return {"holds_ended": ended, "gate": program.current_gate(ctx).to_json()}
