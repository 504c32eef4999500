"""Settings for data and reminders: download my data, reminder times and the calendar feed.

The downloads and the feed are plain GETs: ``/export/download?format=json|csv|fhir`` (FHIR also
takes ``bundle_type=collection|transaction``) and the clinician's PDF ``/export/report.pdf``
(signed in), ``/fhir/CodeSystem/sciatica-care`` (the app's own FHIR codes, public: no personal data),
``/reminders.ics`` (signed in) and ``/reminders/feed/<token>.ics``, which works without a cookie
so a calendar app can subscribe; its token is shown once and can be replaced or turned off.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from zoneinfo import available_timezones

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from sciatica_care.reports.pdf_report import ReportError
from sciatica_care.services.data import (
    SLOTS,
    ReminderProblem,
    calendar_for,
    clinician_report,
    export_document,
    export_fhir,
    export_filename,
    export_json,
    export_zip,
    feed_owner,
    fhir_code_system,
    new_feed_token,
    reminder_settings,
    save_reminders,
    stop_feed,
)
from sciatica_care.store import patients
from sciatica_care.web.flash import flash
from sciatica_care.web.forms import FormState, read_form
from sciatica_care.web.patient_zone import local_today
from sciatica_care.web.security import SignedIn, current_patient, database
from sciatica_care.web.templating import render

router = APIRouter()

CALENDAR_TYPE = "text/calendar; charset=utf-8"
FHIR_TYPE = "application/fhir+json"
PDF_TYPE = "application/pdf"
SLOT_LABELS = {"checkin": "Morning check-in", "exercise": "Exercise session"}


def _attachment(body: bytes, media: str, name: str) -> Response:
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def _today(request: Request, caller: SignedIn) -> dt.date:
    with database(request).session() as session:
        return local_today(patients.get_settings(session, caller.patient_id))


def _bundle_type(value: str, fmt: str) -> Literal["collection", "transaction"]:
    """The FHIR bundle type asked for; 422 for anything else, or for a non-FHIR format."""
    if value == "collection":
        return "collection"
    if value != "transaction":
        raise HTTPException(422, "bundle_type: choose collection or transaction")
    if fmt != "fhir":
        raise HTTPException(422, "bundle_type: only for format=fhir")
    return "transaction"


def download(
    request: Request, caller: SignedIn, fmt: str, bundle_type: str = "collection"
) -> Response:
    """The export as a file download: ``json``, ``csv`` (a zip of CSV files) or ``fhir`` (a
    ``collection`` bundle, or a ``transaction`` to load into a FHIR server)."""
    if fmt not in ("json", "csv", "fhir"):
        raise HTTPException(422, "format: choose json, csv or fhir")
    kind = _bundle_type(bundle_type, fmt)
    db = database(request)
    today = _today(request, caller)
    if fmt == "fhir":
        body = export_fhir(db, caller.patient_id, kind)
        name = "fhir.json" if kind == "collection" else "fhir-transaction.json"
        return _attachment(body, FHIR_TYPE, export_filename(today, name))
    document = export_document(db, caller.patient_id)
    if fmt == "json":
        return _attachment(
            export_json(document), "application/json", export_filename(today, "json")
        )
    return _attachment(export_zip(document), "application/zip", export_filename(today, "zip"))


def report_download(request: Request, caller: SignedIn) -> Response:
    """The clinician's PDF report of the last 90 days, as a download."""
    try:
        body = clinician_report(database(request), caller.patient_id)
    except ReportError as exc:
        raise HTTPException(503, str(exc)) from exc
    name = f"sciatica-care-report-{_today(request, caller).isoformat()}.pdf"
    return _attachment(body, PDF_TYPE, name)


@router.get("/export")
def export_page(request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    return render(request, "data/export.html")


@router.get("/export/download")
def export_download(
    request: Request,
    format: str = Query("json"),
    bundle_type: str = Query("collection"),
    caller: SignedIn = Depends(current_patient),
) -> Response:
    return download(request, caller, format, bundle_type)


@router.get("/fhir/CodeSystem/sciatica-care", name="fhir_code_system")
def code_system() -> Response:
    """The CodeSystem our FHIR exports use (its canonical URL names it; this serves it)."""
    return Response(
        fhir_code_system(), media_type=FHIR_TYPE, headers={"Cache-Control": "public, max-age=3600"}
    )


@router.get("/export/report.pdf")
def export_report(request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    return report_download(request, caller)


def _reminders_page(
    request: Request,
    caller: SignedIn,
    form: FormState | None = None,
    feed_url: str | None = None,
    status_code: int = 200,
) -> Response:
    current = reminder_settings(database(request), caller.patient_id)
    if form is None:
        form = FormState(values={**current.times, "timezone": current.timezone})
    return render(
        request,
        "data/reminders.html",
        {
            "form": form,
            "current": current,
            "slots": [(slot, SLOT_LABELS[slot]) for slot in SLOTS],
            "zones": sorted(available_timezones()),
            "feed_url": feed_url,
        },
        status_code=status_code,
    )


@router.get("/settings/reminders")
def reminders_page(request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    return _reminders_page(request, caller)


@router.post("/settings/reminders")
async def reminders_submit(
    request: Request, caller: SignedIn = Depends(current_patient)
) -> Response:
    form = await read_form(request)
    try:
        save_reminders(
            database(request),
            caller.patient_id,
            {slot: form.value(slot) or None for slot in SLOTS},
            form.value("timezone"),
        )
    except ReminderProblem as exc:
        form.add_error(exc.field, exc.message)
        return _reminders_page(request, caller, form, status_code=400)
    response = RedirectResponse("/settings/reminders", status_code=303)
    flash(request, response, "Reminder times saved. Add them to your calendar below.")
    return response


def _feed_url(request: Request, token: str) -> str:
    return str(request.url_for("reminder_feed", token=token))


@router.post("/settings/reminders/feed")
def reminders_new_feed(request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    """A new private calendar link, shown on this page only (the old one stops working)."""
    token = new_feed_token(database(request), caller.patient_id)
    return _reminders_page(request, caller, feed_url=_feed_url(request, token))


@router.post("/settings/reminders/feed/stop")
def reminders_stop_feed(request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    stop_feed(database(request), caller.patient_id)
    response = RedirectResponse("/settings/reminders", status_code=303)
    flash(request, response, "The calendar link is turned off.", "info")
    return response


def calendar_response(body: bytes, download: bool) -> Response:
    headers = {"Cache-Control": "no-store"}
    if download:
        headers["Content-Disposition"] = 'attachment; filename="sciatica-care-reminders.ics"'
    return Response(body, media_type=CALENDAR_TYPE, headers=headers)


@router.get("/reminders.ics", name="reminders_download")
def reminders_download(request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    body = calendar_for(database(request), caller.patient_id, str(request.base_url))
    return calendar_response(body, download=True)


@router.get("/reminders/feed/{token}.ics", name="reminder_feed")
def reminder_feed(token: str, request: Request) -> Response:
    """The subscription feed: no cookie, the secret token is the key."""
    patient_id = feed_owner(database(request), token)
    if patient_id is None:
        raise HTTPException(404)
    body = calendar_for(database(request), patient_id, str(request.base_url))
    return calendar_response(body, download=False)
