"""Heat and cold packs over JSON: ``/api/therapy`` (what ``sciatica therapy`` does).

``GET /api/therapy`` gives the questions per kind, the remembered answers, whether a pack may
go on now (the spacing rule) and the recent uses. ``POST /api/therapy/check`` answers the
contraindication questions; ``POST /api/therapy`` logs one use after the skin check. A use
inside the gap after the previous pack, or without cleared answers, is a 409 with the reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse, Response

from sciatica_care.domain.therapy import Answer as TherapyAnswer
from sciatica_care.domain.therapy import (
    StopReason,
    TherapyError,
    TherapyKind,
    contraindication_questions,
    safety_texts,
)
from sciatica_care.services.therapy import (
    TherapyProblem,
    answer_questions,
    gap_status,
    log_use,
    now_for,
    remembered,
)
from sciatica_care.store import therapy_uses
from sciatica_care.web.api_responses import errors
from sciatica_care.web.security import SignedIn, current_patient, database

router = APIRouter(prefix="/api", tags=["therapy"])


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckBody(_Strict):
    kind: TherapyKind
    answers: dict[str, TherapyAnswer]


class UseBody(_Strict):
    """One pack use: it started at ``started_at`` (with zone), was planned for ``minutes`` and
    stayed on ``duration_s``; the skin looked normal before (required) and ``skin_ok_after``."""

    kind: TherapyKind
    started_at: dt.datetime
    minutes: Annotated[float, Field(gt=0, le=20)]
    duration_s: Annotated[float, Field(ge=0, le=20 * 60)]
    skin_ok_before: bool
    skin_ok_after: bool
    stop_reason: StopReason | None = None


def _field_error(field: str, message: str) -> RequestValidationError:
    return RequestValidationError(
        [{"loc": ("body", *field.split(".")), "msg": message, "type": "value_error", "input": None}]
    )


@router.get("/therapy")
def therapy_status(request: Request, caller: SignedIn = Depends(current_patient)) -> dict[str, Any]:
    db = database(request)
    now = now_for(db, caller.patient_id)
    with db.session() as session:
        uses = therapy_uses.list_for(session, caller.patient_id, since=now - dt.timedelta(days=7))
        recent = [
            {
                "id": row.id,
                "kind": row.kind,
                "started_at": row.started_at.isoformat(),
                "duration_s": row.duration_s,
                "detail": row.detail,
            }
            for row in uses
        ]
    kinds: dict[str, Any] = {}
    for kind in TherapyKind:
        kinds[kind.value] = {
            "questions": [q.model_dump() for q in contraindication_questions(kind)],
            "safety": safety_texts(kind),
            "last_check": remembered(db, caller.patient_id, kind),
            "gap": gap_status(db, caller.patient_id, kind).model_dump(mode="json"),
        }
    return {"kinds": kinds, "recent_uses": recent}


@router.post("/therapy/check")
def check(body: CheckBody, request: Request, caller: SignedIn = Depends(current_patient)) -> Any:
    """Answer the contraindication questions of one kind; the advice is remembered."""
    try:
        advice = answer_questions(database(request), caller.patient_id, body.kind, body.answers)
    except TherapyError as exc:
        where, _, message = str(exc).partition(": ")
        raise _field_error(where, message or str(exc)) from exc
    return advice.model_dump(mode="json")


@router.post("/therapy", status_code=201, responses=errors(409))
def log(body: UseBody, request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    """Log one use; refused inside the gap after the last pack (clinical-spec.md §5)."""
    if not body.skin_ok_before:
        raise _field_error(
            "skin_ok_before", "a pack goes on only after a normal skin check; nothing to log"
        )
    try:
        logged = log_use(
            database(request),
            caller.patient_id,
            body.kind,
            started_at=body.started_at,
            minutes=body.minutes,
            duration_s=body.duration_s,
            skin_ok_after=body.skin_ok_after,
            stop_reason=body.stop_reason,
        )
    except TherapyProblem as exc:
        if exc.status_code == 422:
            raise _field_error(exc.field or "body", exc.message) from exc
        raise HTTPException(exc.status_code, exc.message) from exc
    return JSONResponse(
        {
            "id": logged.id,
            "use": logged.use.model_dump(mode="json"),
            "message": logged.prompt,
            "next": logged.next.model_dump(mode="json"),
        },
        status_code=201,
    )
