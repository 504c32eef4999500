"""Server-rendered pages that are not about accounts: for now the home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from sciatica_care.content.exercises import exercise_library
from sciatica_care.store.program_access import Access, program_access
from sciatica_care.web.screening_pages import emergency_screen
from sciatica_care.web.security import database, lookup_signed_in
from sciatica_care.web.templating import render

router = APIRouter()


@router.get("/")
def home(request: Request) -> Response:
    """Signed out: what the app is and how to start. Signed in: the next step.

    Someone signed in who has not acknowledged the disclaimer goes there first (§7.6). After that
    the next step is the safety check until one is done, then Today; an unresolved emergency
    screen is shown again instead (clinical-spec.md §1: it reappears at every launch, §7.2).
    """
    caller = lookup_signed_in(request)
    if caller is None:
        return render(request, "home.html", {"exercises": exercise_library().exercises})
    if not caller.disclaimer_acknowledged:
        return RedirectResponse("/disclaimer", status_code=303)
    with database(request).session() as session:
        access = program_access(session, caller.patient_id)
    if access.access is Access.LOCKED:
        assert access.locking is not None
        return emergency_screen(request, access.locking)
    return render(request, "home.html", {"exercises": [], "screened": access.open})
