"""The clinician's caseload (issue 10 item 4): the dashboard page and ``GET /api/clinician/patients``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from sciatica_care.web.security import ClinicianSignedIn, current_clinician
from sciatica_care.web.templating import render

router = APIRouter()


@router.get("/clinic")
def caseload_page(
    request: Request, clinician: ClinicianSignedIn = Depends(current_clinician)
) -> Response:
    return render(request, "clinic/caseload.html", {"rows": []})


@router.get("/api/clinician/patients", tags=["clinician"])
def caseload_api(clinician: ClinicianSignedIn = Depends(current_clinician)) -> list[dict[str, Any]]:
    return []
