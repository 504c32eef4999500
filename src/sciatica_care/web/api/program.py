"""``GET /api/program/today``: today's exercises, their content, and the player's script.

Everything the guided player needs in one answer: each exercise with its dose, the reason for any
change and its animated picture; exercises paused today with their resume date; and ``steps``,
the session as the domain state machine walks it (``web.session_script``), with the pain-check
rules (clinical-spec.md §4.1). The program is behind the safety screen: 409 before the first
screen, 423 while an emergency screen is unresolved (§1, §7.2).

``POST /api/program/suggestions/{exercise_id}/accept`` applies a dose change that waits for the
person's yes (automatic progression off, §7 "Lower-risk design"); 404 when none waits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel

from sciatica_care.content.exercises import Dose, DoseKind, exercise_library
from sciatica_care.reports.exercise_picture import render_exercise_svg
from sciatica_care.store import patients
from sciatica_care.store.errors import StoreError
from sciatica_care.store.program_access import Access, ProgramAccess, program_access
from sciatica_care.web.patient_zone import local_today
from sciatica_care.web.program_plan import TodaysPlan, accept_change, todays_plan
from sciatica_care.web.security import SignedIn, current_patient, database
from sciatica_care.web.session_script import PlayerRules, ScriptStep, session_script

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


class TodaysProgram(BaseModel):
    date: date
    exercises: list[ProgramExercise]
    paused: list[PausedItem]
    suggestions: list[SuggestedChange]
    steps: list[ScriptStep]
    rules: PlayerRules


def program_json(plan: TodaysPlan, day: date) -> TodaysProgram:
    """The plan with its content, pictures and player script."""
    library = exercise_library()
    exercises = []
    for item in plan.exercises:
        content = library.get(item.exercise_id)
        exercises.append(
            ProgramExercise(
                exercise_id=item.exercise_id,
                name=item.name,
                kind=item.kind,
                level=item.level,
                level_name=content.level(item.level).name,
                dose=item.dose,
                dose_text=item.dose_text,
                sides=list(item.sides),
                rest_s=item.rest_s,
                reason=item.reason,
                move_word=item.move_word,
                position=content.position,
                steps=content.steps,
                cues=content.cues,
                stop_if=content.stop_if,
                caution=content.caution,
                picture_svg=render_exercise_svg(content),
            )
        )
    return TodaysProgram(
        date=day,
        exercises=exercises,
        paused=[
            PausedItem(
                exercise_id=p.exercise_id, name=p.name, resume_on=p.resume_on, reason=p.reason
            )
            for p in plan.paused
        ],
        suggestions=[
            SuggestedChange(exercise_id=c.exercise_id, name=c.name, reason=c.reason)
            for c in plan.suggestions
        ],
        steps=session_script(plan.exercises) if plan.exercises else [],
        rules=PlayerRules(),
    )


@router.get("/program/today")
def program_today(request: Request, caller: SignedIn = Depends(current_patient)) -> TodaysProgram:
    with database(request).session() as session:
        access = program_access(session, caller.patient_id)
        day = local_today(patients.get_settings(session, caller.patient_id))
        plan = todays_plan(session, caller.patient_id, day) if access.open else None
    _refuse_closed(access)
    assert plan is not None
    return program_json(plan, day)


def _refuse_closed(access: ProgramAccess) -> None:
    """423 while an emergency screen locks the program, 409 before the first safety check."""
    if access.access is Access.LOCKED:
        assert access.locking is not None
        raise HTTPException(
            423,
            detail=(
                f"The program is locked by the emergency result of safety check "
                f"{access.locking.id}: acknowledge it with POST "
                f"/api/screenings/{access.locking.id}/acknowledge once a doctor has assessed you."
            ),
        )
    if not access.open:
        raise HTTPException(409, detail="Answer the safety questions first (POST /api/screenings).")


@router.post("/program/suggestions/{exercise_id}/accept")
def accept_suggestion(
    exercise_id: str, request: Request, caller: SignedIn = Depends(current_patient)
) -> dict[str, Any]:
    """Apply the suggested change for one exercise; the accepted decision comes back (§8.3)."""
    with database(request).session() as session:
        access = program_access(session, caller.patient_id)
        _refuse_closed(access)
        try:
            outcome = accept_change(session, caller.patient_id, exercise_id)
        except StoreError as exc:
            raise HTTPException(404, detail=str(exc)) from exc
        return outcome.to_json()
