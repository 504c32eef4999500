"""A linked patient's page for their clinician (issue 10 item 4): charts, sessions (with why one
stopped), check-ins, questionnaire scores, program history and alerts; the PDF report; removing
the patient from the caseload. ``GET /api/clinician/patients/{patient_id}`` gives the same as JSON.

Unlinked or unknown → 404 with the same body (``services.permissions``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from sciatica_care.domain import diary
from sciatica_care.reports.charts import COMPACT, WIDE, chart_svg
from sciatica_care.reports.pdf_report import ReportError
from sciatica_care.services import caseload as use_case
from sciatica_care.services.report_data import report_pdf_for
from sciatica_care.web.api_responses import errors
from sciatica_care.web.clinician.caseload import clinician_context
from sciatica_care.web.flash import flash
from sciatica_care.web.progress.pages import inline_svg
from sciatica_care.web.security import ClinicianSignedIn, current_clinician
from sciatica_care.web.templating import render

router = APIRouter()

REPORT_DAYS = 90
STOP_WORDS = {
    "pain": "pain",
    "spread_down_leg": "pain spread down the leg",
    "new_numbness_or_weakness": "new numbness or weakness",
    "tired": "tired",
    "other": "other reason",
}


@router.get("/clinic/patients/{patient_id}")
def patient_page(
    patient_id: str, request: Request, clinician: ClinicianSignedIn = Depends(current_clinician)
) -> Response:
    ctx = clinician_context(request, clinician.clinician_id, patient_id)
    shown = use_case.patient_overview(ctx)
    charts = bool(shown.series.pain or shown.series.sessions)
    return render(
        request,
        "clinic/patient.html",
        {
            "o": shown,
            "row": shown.row,
            "chart": inline_svg(chart_svg(shown.series, WIDE), "chart-caption") if charts else "",
            "chart_compact": (
                inline_svg(chart_svg(shown.series, COMPACT), "chart-caption") if charts else ""
            ),
            "zone_words": diary.ZONE_WORDS,
            "stop_words": STOP_WORDS,
            "here": request.url.path,
        },
    )


@router.get("/api/clinician/patients/{patient_id}", tags=["clinician"], responses=errors(404))
def patient_api(
    patient_id: str, request: Request, clinician: ClinicianSignedIn = Depends(current_clinician)
) -> dict[str, Any]:
    """The linked patient's page as JSON: their caseload row and alerts, chart series, recent
    sessions and check-ins, questionnaire scores and the program history."""
    ctx = clinician_context(request, clinician.clinician_id, patient_id)
    return use_case.patient_overview(ctx).to_json()


@router.get("/clinic/patients/{patient_id}/report.pdf")
def patient_report(
    patient_id: str, request: Request, clinician: ClinicianSignedIn = Depends(current_clinician)
) -> Response:
    """The PDF report of the last 90 days, as the patient downloads it."""
    ctx = clinician_context(request, clinician.clinician_id, patient_id)
    today = ctx.clock.today()
    try:
        body = report_pdf_for(ctx, today - timedelta(days=REPORT_DAYS - 1), today)
    except ReportError as exc:
        raise HTTPException(503, str(exc)) from exc
    name = f"sciatica-care-report-{today.isoformat()}.pdf"
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/clinic/patients/{patient_id}/unlink")
def remove_patient(
    patient_id: str, request: Request, clinician: ClinicianSignedIn = Depends(current_clinician)
) -> Response:
    """Remove the patient from this clinician's caseload (the link ends; the patient sees it)."""
    ctx = clinician_context(request, clinician.clinician_id, patient_id)
    use_case.remove_from_caseload(ctx)
    response = RedirectResponse("/clinic", status_code=303)
    flash(request, response, "The patient was removed from your caseload.")
    return response
