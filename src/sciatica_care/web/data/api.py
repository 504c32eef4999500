"""The patient's data and reminders over JSON: ``/api/export`` and ``/api/reminders``.

``GET /api/export?format=json`` is the complete export document; ``format=csv`` a zip with one
CSV per table; ``format=fhir`` a FHIR R4 bundle for a clinician (``bundle_type=transaction`` to
load it into a FHIR server). ``GET /api/report.pdf`` is the
clinician's PDF report of the last 90 days. ``GET/PUT /api/reminders`` reads and sets the daily reminder times and time zone;
``POST /api/reminders/feed`` makes a private iCalendar feed URL (shown once), ``DELETE`` ends it.
``POST /api/import?replace=true`` puts back a JSON export (``services.portability``, the use case
``sciatica import`` calls too): everything stored is replaced, all or nothing, and a linked
clinician's caseload shows the imported days on their next read. Its body may be up to
``IMPORT_BODY_LIMIT`` (20 MB; a year of data is about 1.1 MB), parsed in a worker thread
(``OffLoopJsonRoute``), and the import itself runs in the thread pool, so other people's requests
are answered while it is read, checked and stored.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from sciatica_care.services import portability
from sciatica_care.services.context import PatientContext
from sciatica_care.services.data import (
    ReminderProblem,
    new_feed_token,
    reminder_settings,
    save_reminders,
    stop_feed,
)
from sciatica_care.services.errors import InvalidInput
from sciatica_care.web.context import current_context
from sciatica_care.web.data.pages import FHIR_TYPE, download, report_download
from sciatica_care.web.hardening import OffLoopJsonRoute
from sciatica_care.web.security import SignedIn, current_patient, database

router = APIRouter(prefix="/api", tags=["data"], route_class=OffLoopJsonRoute)

ClockTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class ReminderTimes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    checkin: ClockTime | None = None
    exercise: ClockTime | None = None


class RemindersBody(BaseModel):
    """Daily reminder times ("HH:MM", null = off) in ``timezone`` (IANA, e.g. Europe/London)."""

    model_config = ConfigDict(extra="forbid")

    times: ReminderTimes
    timezone: Annotated[str, Field(min_length=1, max_length=64)]


@router.get(
    "/export",
    responses={
        200: {
            "description": "The export as a file",
            "content": {"application/json": {}, "application/zip": {}, FHIR_TYPE: {}},
        }
    },
)
def export(
    request: Request,
    format: Literal["json", "csv", "fhir"] = Query("json"),
    bundle_type: Literal["collection", "transaction"] = Query("collection"),
    caller: SignedIn = Depends(current_patient),
) -> Response:
    """Everything stored for you: JSON document, CSV files in a zip, or a FHIR R4 bundle
    (``bundle_type``: a collection for a clinician, or a transaction for a FHIR server)."""
    return download(request, caller, format, bundle_type)


@router.get("/report.pdf", response_class=Response)
def report_pdf(request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    """Your diary as a PDF report for your clinician (the last 90 days). Not a diagnosis."""
    return report_download(request, caller)


def _with_links(request: Request, settings: dict[str, Any]) -> dict[str, Any]:
    return {**settings, "download_url": str(request.url_for("reminders_download"))}


@router.get("/reminders")
def get_reminders(request: Request, caller: SignedIn = Depends(current_patient)) -> dict[str, Any]:
    current = reminder_settings(database(request), caller.patient_id)
    return _with_links(request, current.as_json())


@router.put("/reminders")
def put_reminders(
    body: RemindersBody, request: Request, caller: SignedIn = Depends(current_patient)
) -> dict[str, Any]:
    try:
        saved = save_reminders(
            database(request), caller.patient_id, body.times.model_dump(), body.timezone
        )
    except ReminderProblem as exc:
        loc = ("body", "timezone") if exc.field == "timezone" else ("body", "times", exc.field)
        raise RequestValidationError(
            [{"loc": loc, "msg": exc.message, "type": "value_error", "input": None}]
        ) from exc
    return _with_links(request, saved.as_json())


@router.post("/reminders/feed", status_code=201)
def create_feed(request: Request, caller: SignedIn = Depends(current_patient)) -> dict[str, str]:
    """A new private feed URL for calendar apps; the previous one stops working."""
    token = new_feed_token(database(request), caller.patient_id)
    return {"url": str(request.url_for("reminder_feed", token=token))}


@router.delete("/reminders/feed", status_code=204)
def delete_feed(request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    stop_feed(database(request), caller.patient_id)
    return Response(status_code=204)


@router.post("/import")
def import_export(
    document: Annotated[dict[str, Any], Body(description="A JSON export (GET /api/export).")],
    replace: bool = Query(False, description="Must be true: the import replaces everything."),
    ctx: PatientContext = Depends(current_context),
) -> dict[str, Any]:
    """Put back a JSON export (``GET /api/export?format=json``): it **replaces everything you have
    stored**, all or nothing, so ``replace=true`` is required. The whole document is checked
    first; a bad value is a 422 naming its path (``checkins.0.leg_pain``) and nothing changes.
    Answers how many rows of each table were imported."""
    if not replace:
        raise InvalidInput("replace", "an import replaces everything stored: send replace=true")
    return portability.import_document(ctx, document).to_json()
