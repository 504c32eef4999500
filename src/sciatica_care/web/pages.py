"""Server-rendered pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sciatica_care.content.exercises import exercise_library
from sciatica_care.web.templating import templates

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """The home page: what the app is, the safety note, and the exercise program."""
    return templates.TemplateResponse(
        request, "home.html", {"exercises": exercise_library().exercises}
    )
