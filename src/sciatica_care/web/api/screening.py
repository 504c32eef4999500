"""The safety screen over JSON (clinical-spec.md §8.1 in, §8.2 out).

``POST /api/screenings`` takes the §8.1 answers and answers 201 with the §8.2 result plus the
saved screen's ``id``; bad answers are a 422 whose ``detail`` names each item
(``loc: ["body", "Q3"]``), like every other validation error of the API. An emergency result locks
the program until ``POST /api/screenings/{id}/acknowledge`` says a doctor has assessed the person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Body, Depends, HTTPException, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict

from sciatica_care.content.triage import Action, triage_content
from sciatica_care.domain.screening import (
    Pattern,
    Reason,
    ScreeningError,
    locks_program,
    parse_answers,
    screen,
)
from sciatica_care.store import screenings
from sciatica_care.store.models import Screening
from sciatica_care.store.program_access import locking_screening
from sciatica_care.web.security import SignedIn, current_patient, database

router = APIRouter(prefix="/api", tags=["screening"])


class SavedScreening(BaseModel):
    """A saved screen: the §8.2 result (action, pattern, reasons, content_version) and its state.

    ``program_locked`` is true while any emergency screen waits for "a doctor has assessed me".
    """

    id: int
    created_at: datetime
    action: Action
    pattern: Pattern | None
    reasons: list[Reason]
    content_version: str
    acknowledged_at: datetime | None
    assessed_at: datetime | None
    program_locked: bool

    @classmethod
    def of(cls, row: Screening, program_locked: bool) -> SavedScreening:
        return cls(
            id=row.id,
            created_at=row.created_at,
            action=Action(row.action),
            pattern=Pattern(row.pattern) if row.pattern else None,
            reasons=[Reason.model_validate(reason) for reason in row.result.get("reasons", [])],
            content_version=row.content_version,
            acknowledged_at=row.acknowledged_at,
            assessed_at=row.assessed_at,
            program_locked=program_locked,
        )


class Acknowledgement(BaseModel):
    """§1: the person read the emergency screen; ``assessed``: a doctor has checked them since."""

    model_config = ConfigDict(extra="forbid")

    assessed: bool


def _validation_error(exc: ScreeningError) -> RequestValidationError:
    """The domain's per-item problems in FastAPI's 422 shape: ``loc`` ends with the item id."""
    errors = []
    for problem in str(exc).split("; "):
        item, _, why = problem.partition(": ")
        loc = ("body", *item.split("."))
        errors.append({"loc": loc, "msg": f"{item}: {why}", "type": "value_error"})
    return RequestValidationError(errors)


def _saved(request: Request, caller: SignedIn, row: Screening) -> SavedScreening:
    with database(request).session() as session:
        locked = locking_screening(session, caller.patient_id) is not None
    return SavedScreening.of(row, locked)


@router.post("/screenings", status_code=status.HTTP_201_CREATED)
def create_screening(
    request: Request,
    answers: dict[str, Any] = Body(..., examples=[{"Q1": "no", "age": 42, "S2_leg": 6}]),
    caller: SignedIn = Depends(current_patient),
) -> SavedScreening:
    """Screen §8.1 answers, save answers + result + content version, return the §8.2 result."""
    try:
        parsed = parse_answers(answers)
    except ScreeningError as exc:
        raise _validation_error(exc) from None
    result = screen(parsed, triage_content())
    with database(request).session() as session:
        screening_id = screenings.save(
            session, caller.patient_id, parsed.model_dump(mode="json"), result
        )
        row = session.get(Screening, screening_id)
        assert row is not None
    return _saved(request, caller, row)


@router.get("/screenings/latest")
def latest_screening(
    request: Request, caller: SignedIn = Depends(current_patient)
) -> SavedScreening:
    """The newest full screen (404 when there is none yet)."""
    with database(request).session() as session:
        row = screenings.latest(session, caller.patient_id)
    if row is None:
        raise HTTPException(404, detail="No safety check yet: POST /api/screenings first.")
    return _saved(request, caller, row)


@router.post("/screenings/{screening_id}/acknowledge")
def acknowledge_screening(
    screening_id: int,
    body: Acknowledgement,
    request: Request,
    caller: SignedIn = Depends(current_patient),
) -> SavedScreening:
    """Record the acknowledgement (and the assessment) of one of the caller's screens."""
    with database(request).session() as session:
        row = session.get(Screening, screening_id)
        if row is None or row.patient_id != caller.patient_id:
            raise HTTPException(404, detail=f"No safety check {screening_id}.")
        if not locks_program(Action(row.action)):
            raise HTTPException(409, detail="Only an emergency result needs acknowledging.")
        screenings.acknowledge(session, caller.patient_id, screening_id, assessed=body.assessed)
    return _saved(request, caller, row)
