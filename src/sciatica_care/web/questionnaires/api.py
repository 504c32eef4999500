"""Outcome questionnaires over JSON: ``GET/POST /api/questionnaires`` (clinical-spec.md §3).

``GET`` lists what is due today and every stored response; ``POST`` scores and stores one
response and answers with the score and the change since the first response, phrased with the
§3 thresholds. A missing, unknown or out-of-range answer is a 422 naming the item.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse, Response

from sciatica_care.domain.questionnaires import QuestionnaireError
from sciatica_care.services.questionnaires import ASKED, overview, record_response
from sciatica_care.store import questionnaire_responses
from sciatica_care.web.security import SignedIn, current_patient, database

router = APIRouter(prefix="/api", tags=["questionnaires"])


class ResponseBody(BaseModel):
    """``answers``: item id -> rating (SBI, GRC), or activity name -> rating (PSFS)."""

    model_config = ConfigDict(extra="forbid")

    questionnaire: Annotated[str, Field(pattern="^(" + "|".join(ASKED) + ")$")]
    answers: dict[str, Any]


def _problem(exc: QuestionnaireError) -> RequestValidationError:
    """``"sbi.leg_pain: missing answer"`` -> a 422 at ``body.answers.leg_pain``."""
    text = str(exc)
    where, _, message = text.partition(": ")
    item = where.split(".", 1)[1] if "." in where else "questionnaire"
    loc = ("body", "answers", item) if item != "questionnaire" else ("body", "questionnaire")
    return RequestValidationError(
        [{"loc": loc, "msg": message or text, "type": "value_error", "input": None}]
    )


@router.get("/questionnaires")
def list_questionnaires(
    request: Request, caller: SignedIn = Depends(current_patient)
) -> dict[str, Any]:
    """What is due today and every stored response, oldest first."""
    today, statuses = overview(database(request), caller.patient_id)
    with database(request).session() as session:
        rows = questionnaire_responses.list_for(session, caller.patient_id)
        responses = [
            {
                "id": row.id,
                "questionnaire": row.instrument,
                "day": row.day.isoformat(),
                "score": row.score,
                "answers": row.answers,
            }
            for row in rows
        ]
    return {
        "today": today.isoformat(),
        "due": [s.questionnaire.id for s in statuses if s.due],
        "changes": {
            s.questionnaire.id: [r.model_dump(mode="json") for r in s.readings] for s in statuses
        },
        "responses": responses,
    }


@router.post("/questionnaires", status_code=201)
def create_response(
    body: ResponseBody, request: Request, caller: SignedIn = Depends(current_patient)
) -> Response:
    try:
        saved = record_response(
            database(request), caller.patient_id, body.questionnaire, body.answers
        )
    except QuestionnaireError as exc:
        raise _problem(exc) from exc
    return JSONResponse(
        {
            "id": saved.id,
            "day": saved.day.isoformat(),
            "score": saved.score.model_dump(mode="json"),
            "changes": [r.model_dump(mode="json") for r in saved.readings],
        },
        status_code=201,
    )
