"""The guided player page (``/session``): a shell that ``static/player.js`` brings to life.

The page carries today's session as data (``#session-data``: the answer of
``GET /api/sessions/today``, seed exercises then the clinician's custom ones), so the copy the
service worker keeps of ``/session`` plays offline with every exercise; the script saves to
``/api/sessions``, and falls back to fetching the session when the data is missing. It is
behind the same gate as Today (clinical-spec.md §1, §7.2). It is full screen (no site navigation,
Sign out or footer: ``full_screen`` in base.html) and carries every exercise's figure as data
(``reports.exercise_picture.figure_model``) so ``static/figure.js`` can draw the pose the player's
state asks for. ``?speed=N`` (or the ``SCIATICA_SPEED``
setting) makes the player's clock run N times faster, for tests and demonstrations only.
"""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from sciatica_care.content.exercises import exercise_library
from sciatica_care.domain.session import NUMBNESS_STOP_MESSAGE, SAFETY_LINE, STOP_MESSAGE
from sciatica_care.reports.exercise_picture import figure_model
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import ProgramClosed
from sciatica_care.web.context import current_context, gate_page
from sciatica_care.web.session.api import session_today
from sciatica_care.web.templating import render

router = APIRouter()

MAX_SPEED = 200.0
NOT_A_DIAGNOSIS = "Not a diagnosis. If worried, contact a health professional."


@lru_cache(maxsize=1)
def _figures() -> list[dict[str, object]]:
    """The figure data of every exercise; content does not change while the app runs."""
    return [figure_model(exercise) for exercise in exercise_library().exercises]


@router.get("/session")
def player(
    request: Request, ctx: PatientContext = Depends(current_context), speed: float | None = None
) -> Response:
    try:
        today = session_today(ctx)
    except ProgramClosed as closed:
        return gate_page(request, closed.gate)
    configured = float(getattr(request.app.state.settings, "speed", 1.0) or 1.0)
    clock_speed = min(MAX_SPEED, max(0.1, speed if speed else configured))
    return render(
        request,
        "program/player.html",
        {
            "speed": clock_speed,
            "safety_line": SAFETY_LINE,
            "stop_message": STOP_MESSAGE,
            "numbness_stop_message": NUMBNESS_STOP_MESSAGE,
            "not_a_diagnosis": NOT_A_DIAGNOSIS,
            "figures": _figures(),
            "session": today.model_dump(mode="json"),
            "full_screen": True,
        },
    )
