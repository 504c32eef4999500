"""Server-rendered pages that are not about accounts: for now the home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from sciatica_care.content.exercises import exercise_library
from sciatica_care.web.security import lookup_signed_in
from sciatica_care.web.templating import render

router = APIRouter()


@router.get("/")
def home(request: Request) -> Response:
    """Signed out: what the app is and how to start. Signed in: the next step.

    Someone signed in who has not acknowledged the disclaimer goes there first (§7.6).
    """
    caller = lookup_signed_in(request)
    if caller is not None and not caller.disclaimer_acknowledged:
        return RedirectResponse("/disclaimer", status_code=303)
    exercises = [] if caller else exercise_library().exercises
    return render(request, "home.html", {"exercises": exercises})
