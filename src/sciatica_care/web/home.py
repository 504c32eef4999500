"""Server-rendered pages that are not about accounts: for now the home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from sciatica_care.content.exercises import exercise_library
from sciatica_care.services import program
from sciatica_care.services.gate import GateState
from sciatica_care.web.context import context_of, gate_page
from sciatica_care.web.security import (
    CLINICIAN_HOME,
    ClinicianSignedIn,
    lookup_caller,
    lookup_signed_in,
)
from sciatica_care.web.templating import render

router = APIRouter()


@router.get("/")
def home(request: Request) -> Response:
    """Signed out: what the app is and how to start. Signed in: the next step.

    Someone signed in who has not acknowledged the disclaimer goes there first (§7.6). After that
    the next step is the safety check until one is done, then Today; an unresolved emergency
    screen is shown again instead (clinical-spec.md §1: it reappears at every launch, §7.2).
    """
    if isinstance(lookup_caller(request), ClinicianSignedIn):
        return RedirectResponse(CLINICIAN_HOME, status_code=303)
    caller = lookup_signed_in(request)
    if caller is None:
        return render(request, "home.html", {"exercises": exercise_library().exercises})
    if not caller.disclaimer_acknowledged:
        return RedirectResponse("/disclaimer", status_code=303)
    gate = program.current_gate(context_of(request, caller))
    if gate.state is GateState.LOCKED:
        return gate_page(request, gate)
    screened = gate.state is not GateState.NEEDS_SCREENING
    return render(request, "home.html", {"exercises": [], "screened": screened})
