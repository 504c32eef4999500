"""The pain diary over JSON: ``POST/GET /api/checkins`` (what ``sciatica checkin`` records).

A check-in carries the daily red-flag answers Q1–Q7 (clinical-spec.md §1); the answer says which
action they raise, with its message, before anything else. Send a ``client_id`` (a UUID made by
the client) so a re-sent entry is stored once: the first copy answers 201, a repeat 200 with the
same id. Everything is scoped to the signed-in patient; another patient's id is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse, Response

from sciatica_care.content.triage import triage_content
from sciatica_care.domain import diary
from sciatica_care.domain.replies import Answer
from sciatica_care.domain.screening import action_message
from sciatica_care.services.checkins import (
    CheckInOutcome,
    diary_view,
    record_checkin,
    stored_checkin,
    stored_checkins,
)
from sciatica_care.services.context import PatientContext
from sciatica_care.store import checkins
from sciatica_care.store.models import CheckIn as CheckInRow
from sciatica_care.web.api_responses import errors
from sciatica_care.web.context import current_context
from sciatica_care.web.diary.form import BOTH_LEGS_Q7
from sciatica_care.web.row_ids import RowId

router = APIRouter(prefix="/api", tags=["diary"])

ClientId = Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{8,64}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DailyRedFlags(_Strict):
    """Q1–Q7 of clinical-spec.md §1, every day; "unsure" counts as yes."""

    Q1: Answer
    Q2: Answer
    Q3: Answer
    Q4: Answer
    Q5: Answer
    Q6: Answer
    Q7: Answer


class CheckInBody(_Strict):
    """One diary entry. ``day`` defaults to the patient's today; ``ces_assessed`` answers
    "has a doctor already checked it, and is it no worse?" when any of Q1–Q7 is yes."""

    client_id: ClientId | None = None
    day: dt.date | None = None
    moment: Literal["morning", "before_session", "after_session", "other"] | None = None
    """Left out: the day's first entry is its morning entry, later ones "other"."""
    leg_pain: Annotated[int, Field(ge=0, le=10)]
    back_pain: Annotated[int, Field(ge=0, le=10)]
    zones: diary.BodyMap = diary.BodyMap()
    red_flags: DailyRedFlags
    ces_assessed: Answer | None = None
    activities_impossible: bool = False
    sleep_quality: Literal["good", "fair", "poor"] | None = None
    medication: Annotated[str | None, Field(max_length=500)] = None
    heat_or_cold: Literal["none", "heat", "cold", "both"] = "none"
    note: Annotated[str | None, Field(max_length=2000)] = None


def _invalid(loc: tuple[str, ...], message: str) -> RequestValidationError:
    return RequestValidationError(
        [{"loc": ("body", *loc), "msg": message, "type": "value_error", "input": None}]
    )


def _entry(body: CheckInBody, today: dt.date) -> diary.CheckIn:
    day = body.day or today
    if day > today + dt.timedelta(days=1):
        raise _invalid(("day",), "the day is in the future")
    flags = body.red_flags.model_dump()
    probe = diary.CheckIn(day=day, leg_pain=0, back_pain=0, zones=body.zones)
    if diary.symptoms_in_both_legs(probe) and flags["Q7"] == "no":
        raise _invalid(("red_flags", "Q7"), BOTH_LEGS_Q7)
    data = body.model_dump(exclude={"client_id", "ces_assessed", "day", "red_flags", "moment"})
    return diary.CheckIn(day=day, red_flags=flags, moment=body.moment or "morning", **data)


def _stored(row: CheckInRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "client_id": row.client_id,
        "recorded_at": row.recorded_at.isoformat(),
        "daily_action": row.daily_action,
        **checkins.to_entry(row).model_dump(mode="json"),
    }


def _outcome_json(ctx: PatientContext, outcome: CheckInOutcome) -> dict[str, Any]:
    view = diary_view(ctx, outcome.entry)
    message = action_message(outcome.action, triage_content())
    return {
        "id": outcome.id,
        "created": outcome.created,
        "page": f"/check-in/{outcome.id}",
        "entry": outcome.entry.model_dump(mode="json"),
        "daily": outcome.daily.model_dump(mode="json"),
        "message": message.model_dump(mode="json"),
        "notes": outcome.notes,
        "zone_signals": [s.model_dump(mode="json") for s in view.signals],
        "flare": view.flare.model_dump(mode="json") if view.flare else None,
        "symptoms_in_both_legs": view.both_legs,
    }


@router.post(
    "/checkins",
    status_code=201,
    responses={
        200: {"description": "Already recorded (the same ``client_id``): the first outcome"}
    },
)
def create_checkin(body: CheckInBody, ctx: PatientContext = Depends(current_context)) -> Response:
    """Record a check-in and run the daily safety questions; idempotent by ``client_id``."""
    outcome = record_checkin(
        ctx,
        _entry(body, ctx.clock.today()),
        ces_assessed=body.ces_assessed,
        client_id=body.client_id,
        moment_given=body.moment is not None,
    )
    return JSONResponse(_outcome_json(ctx, outcome), status_code=201 if outcome.created else 200)


@router.get("/checkins")
def list_checkins(
    since: dt.date | None = Query(None),
    until: dt.date | None = Query(None),
    ctx: PatientContext = Depends(current_context),
) -> list[dict[str, Any]]:
    """This patient's check-ins, oldest first (``since``/``until`` inclusive)."""
    return [_stored(row) for row in stored_checkins(ctx, since, until)]


@router.get("/checkins/{checkin_id}", responses=errors(404))
def get_checkin(
    checkin_id: RowId, ctx: PatientContext = Depends(current_context)
) -> dict[str, Any]:
    return _stored(stored_checkin(ctx, checkin_id))
