"""The clinician's caseload (issue 10 items 4–5): the dashboard page, ``GET /api/clinician/patients``
and marking an alert as seen (a form for the page, a JSON route for integrations).

Everything is computed in ``services.caseload``; this module parses the query (bad values → 422
naming the field), calls it and renders. The page works without JavaScript: sortable headers are
links, the filters a GET form, "Mark as seen" a POST form with the CSRF token.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from sciatica_care.services import caseload as use_case
from sciatica_care.services import links
from sciatica_care.services.context import PatientContext, patient_context
from sciatica_care.services.permissions import Actor
from sciatica_care.web.api_responses import errors
from sciatica_care.web.context import now_source
from sciatica_care.web.flash import flash
from sciatica_care.web.security import ClinicianSignedIn, current_clinician, database
from sciatica_care.web.templating import render

router = APIRouter()

SORT_LABELS = {
    use_case.Sort.CONCERN: "Newest concern",
    use_case.Sort.NAME: "Patient",
    use_case.Sort.LAST_ACTIVITY: "Last activity",
    use_case.Sort.ADHERENCE: "Adherence",
}


def _page_for(request: Request, clinician: ClinicianSignedIn) -> use_case.CaseloadPage:
    query = request.query_params
    sort = use_case.parse_sort(query.get("sort"))
    return use_case.caseload(
        database(request),
        clinician.clinician_id,
        now_source(request),
        filters=use_case.parse_filters(query.getlist("filter")),
        sort=sort,
        page=use_case.parse_page(query.get("page")),
        page_size=use_case.parse_page(
            query.get("page_size"), "page_size", maximum=use_case.MAX_PAGE_SIZE
        ),
        descending=use_case.parse_order(query.get("order"), sort),
    )


def clinician_context(request: Request, clinician_id: int, public_id: str) -> PatientContext:
    """The clinician on one linked patient named by public id (404 for anything else)."""
    db = database(request)
    return patient_context(
        db, Actor.clinician(clinician_id), links.patient_id_of(db, public_id), now_source(request)
    )


def caseload_url(shown: use_case.CaseloadPage, **changes: Any) -> str:
    """The dashboard's URL with the current sort, order, filters and page, changed by ``changes``."""
    params: dict[str, Any] = {
        "sort": shown.sort.value,
        "order": "desc" if shown.descending else "asc",
        "filter": sorted(f.value for f in shown.filters),
        "page": shown.page,
    }
    if shown.page_size != use_case.PAGE_SIZE:
        params["page_size"] = shown.page_size
    params.update(changes)
    return "/clinic?" + urlencode(params, doseq=True)


@router.get("/clinic")
def caseload_page(
    request: Request, clinician: ClinicianSignedIn = Depends(current_clinician)
) -> Response:
    page = _page_for(request, clinician)
    return render(
        request,
        "clinic/caseload.html",
        {
            "p": page,
            "rows": page.rows,
            "sorts": SORT_LABELS,
            "url": lambda **changes: caseload_url(page, **changes),
            "here": str(request.url.path) + ("?" + request.url.query if request.url.query else ""),
            "Filter": use_case.Filter,
        },
    )


@router.get("/api/clinician/patients", tags=["clinician"])
def caseload_api(
    request: Request, clinician: ClinicianSignedIn = Depends(current_clinician)
) -> dict[str, Any]:
    """The caseload rows of the dashboard, alerts first. Query: ``sort`` (concern, name,
    last_activity, adherence), ``order`` (asc, desc), ``filter`` (alerts, inactive; repeatable),
    ``page``, ``page_size`` (≤ 100)."""
    return _page_for(request, clinician).to_json()


@router.post(
    "/api/clinician/patients/{patient_id}/alerts/{alert_key}/seen",
    tags=["clinician"],
    responses=errors(404),
)
def alert_seen_api(
    patient_id: str,
    alert_key: str,
    request: Request,
    clinician: ClinicianSignedIn = Depends(current_clinician),
) -> dict[str, Any]:
    """Mark one of the patient's current alerts as seen (recorded in the patient's audit log)."""
    ctx = clinician_context(request, clinician.clinician_id, patient_id)
    return use_case.mark_alert_seen(ctx, alert_key).to_json()


def _back(raw: str | None, fallback: str) -> str:
    """Only a path of the clinic itself: never an open redirect."""
    if raw and raw.startswith("/clinic") and not raw.startswith("//") and "\\" not in raw:
        return raw
    return fallback


@router.post("/clinic/patients/{patient_id}/alerts/{alert_key}/seen")
async def alert_seen_form(
    patient_id: str,
    alert_key: str,
    request: Request,
    clinician: ClinicianSignedIn = Depends(current_clinician),
) -> Response:
    form = await request.form()
    ctx = clinician_context(request, clinician.clinician_id, patient_id)
    alert = use_case.mark_alert_seen(ctx, alert_key)
    target = _back(str(form.get("next") or ""), "/clinic")
    response = RedirectResponse(target, status_code=303)
    flash(request, response, f"Marked as seen: {alert.reason}.")
    return response
