"""The safety screen over JSON (clinical-spec.md §8.1 in, §8.2 out); the use cases are
``services.screening``.

``POST /api/screenings`` takes the §8.1 answers and answers 201 with the §8.2 result plus the
saved screen's ``id``; bad answers are a 422 whose ``detail`` names each item
(``loc: ["body", "Q3"]``), like every other validation error of the API.
``POST /api/screenings/recheck`` takes Q1–Q10 (with Q8a and CES_ASSESSED), the safety questions
owed after a session stopped for pain or new symptoms (§9 ruling 5); its result has no pattern.
An emergency result locks the program until ``POST /api/screenings/{id}/acknowledge`` answers yes
(``assessed: true``) to ``unlock_question``: "Has a doctor checked you for this since it started,
and is it no worse and no different since?" (§9 ruling 1).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Body, Depends, HTTPException, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

from sciatica_care.content.triage import Action
from sciatica_care.domain.screening import Pattern, Reason, locks_program, unlock_question
from sciatica_care.services import screening
from sciatica_care.services.context import PatientContext
from sciatica_care.services.gate import GateState
from sciatica_care.services.screening import InvalidAnswers
from sciatica_care.store.models import Screening
from sciatica_care.web.api_responses import errors
from sciatica_care.web.context import current_context
from sciatica_care.web.row_ids import RowId

router = APIRouter(prefix="/api", tags=["screening"])

UNLOCK_QUESTION = unlock_question()


class SavedScreening(BaseModel):
    """A saved screen: the §8.2 result (action, pattern, reasons, content_version) and its state.

    ``kind`` is "full", "partial" (stopped at an emergency), "recheck" or "daily";
    ``program_locked`` is true while any emergency screen waits for a yes to ``unlock_question``.
    """

    id: int
    kind: str
    created_at: datetime
    action: Action
    pattern: Pattern | None
    reasons: list[Reason]
    content_version: str
    acknowledged_at: datetime | None
    assessed_at: datetime | None
    program_locked: bool
    unlock_question: str | None

    @classmethod
    def of(cls, row: Screening, program_locked: bool) -> SavedScreening:
        action = Action(row.action)
        return cls(
            id=row.id,
            kind=row.kind,
            created_at=row.created_at,
            action=action,
            pattern=Pattern(row.pattern) if row.pattern else None,
            reasons=[Reason.model_validate(reason) for reason in row.result.get("reasons", [])],
            content_version=row.content_version,
            acknowledged_at=row.acknowledged_at,
            assessed_at=row.assessed_at,
            program_locked=program_locked,
            unlock_question=(
                UNLOCK_QUESTION if locks_program(action) and row.assessed_at is None else None
            ),
        )


class Acknowledgement(BaseModel):
    """§1: the person read the emergency screen and will get help; ``assessed``: their answer to
    ``unlock_question`` (§9 ruling 1)."""

    model_config = ConfigDict(extra="forbid")

    assessed: bool = Field(description=UNLOCK_QUESTION)


def _validation_error(exc: InvalidAnswers) -> RequestValidationError:
    """The domain's per-item problems in FastAPI's 422 shape: ``loc`` ends with the item id."""
    errors = [
        {"loc": ("body", *item.split(".")), "msg": f"{item}: {why}", "type": "value_error"}
        for item, why in exc.problems
    ]
    return RequestValidationError(errors)


def _saved(ctx: PatientContext, row: Screening) -> SavedScreening:
    return SavedScreening.of(row, screening.gate(ctx).state is GateState.LOCKED)


@router.post("/screenings", status_code=status.HTTP_201_CREATED)
def create_screening(
    answers: dict[str, Any] = Body(..., examples=[{"Q1": "no", "age": 42, "S2_leg": 6}]),
    ctx: PatientContext = Depends(current_context),
) -> SavedScreening:
    """Screen §8.1 answers, save answers + result + content version, return the §8.2 result."""
    try:
        saved = screening.submit_screen(ctx, answers)
    except InvalidAnswers as exc:
        raise _validation_error(exc) from None
    return SavedScreening.of(saved.row, saved.program_locked)


@router.post("/screenings/recheck", status_code=status.HTTP_201_CREATED)
def create_recheck(
    answers: dict[str, Any] = Body(..., examples=[{"Q1": "no", "Q8": "no", "Q9": "yes"}]),
    ctx: PatientContext = Depends(current_context),
) -> SavedScreening:
    """The Q1–Q10 re-check after a RED session stop (§9 ruling 5), saved as kind "recheck"."""
    try:
        saved = screening.submit_recheck(ctx, answers)
    except InvalidAnswers as exc:
        raise _validation_error(exc) from None
    return SavedScreening.of(saved.row, saved.program_locked)


@router.get("/screenings/latest", responses=errors(404))
def latest_screening(ctx: PatientContext = Depends(current_context)) -> SavedScreening:
    """The newest full screen (404 when there is none yet)."""
    row = screening.latest(ctx)
    if row is None:
        raise HTTPException(404, detail="No safety check yet: POST /api/screenings first.")
    return _saved(ctx, row)


@router.post("/screenings/{screening_id}/acknowledge", responses=errors(404, 409))
def acknowledge_screening(
    screening_id: RowId, body: Acknowledgement, ctx: PatientContext = Depends(current_context)
) -> SavedScreening:
    """Record the acknowledgement (and the answer to ``unlock_question``) of one of the caller's
    emergency screens: 404 for anyone else's, 409 for a screen that is not an emergency."""
    row = screening.acknowledge(ctx, screening_id, got_help=True, assessed_no_worse=body.assessed)
    return _saved(ctx, row)
