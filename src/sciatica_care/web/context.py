"""The web side of the application layer: the caller's ``PatientContext`` and the gate's answer.

Every route that works on a patient's data takes ``current_context`` and calls a use case in
``services``; what the gate refuses is turned into a page (the emergency screen, the safety
questions) or an API status here, once, for every route.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sciatica_care.services.clock import utcnow
from sciatica_care.services.context import PatientContext, own_context, patient_context
from sciatica_care.services.gate import Gate, GateState
from sciatica_care.services.permissions import Actor
from sciatica_care.web.flash import flash
from sciatica_care.web.security import SignedIn, current_patient, database

GATE_PAGES = {
    GateState.NEEDS_SCREENING: ("/screening", "First, a short safety check. Then your exercises."),
    GateState.SAFETY_RECHECK: (
        "/screening/recheck",
        "You stopped your last session because of pain or new symptoms. Please answer the "
        "safety questions before you exercise again.",
    ),
}


def now_source(request: Request) -> Callable[[], datetime]:
    """The app's source of "now" (tests set ``app.state.now``; otherwise the real clock)."""
    source: Callable[[], datetime] = getattr(request.app.state, "now", None) or utcnow
    return source


def context_of(request: Request, caller: SignedIn) -> PatientContext:
    """The signed-in patient acting on their own data, with their own clock (from the settings
    read with the session when there are some: then no read here)."""
    if caller.settings is not None:
        return own_context(
            database(request),
            caller.patient_id,
            caller.settings,
            now_source(request),
            caller.revision,
        )
    return patient_context(
        database(request), Actor.patient(caller.patient_id), caller.patient_id, now_source(request)
    )


async def current_context(
    request: Request, caller: SignedIn = Depends(current_patient)
) -> PatientContext:
    """``context_of`` as a dependency: on the event loop when it reads nothing (a thread hop per
    dependency is a measurable share of a short request), in a worker thread when it reads."""
    if caller.settings is not None:
        return context_of(request, caller)
    return await run_in_threadpool(context_of, request, caller)


def gate_status(gate: Gate) -> int:
    """The API status of a closed gate: 423 while locked by an emergency, else 409."""
    return 423 if gate.state is GateState.LOCKED else 409


def gate_page(request: Request, gate: Gate) -> Response:
    """What a page shows instead of exercise content when the gate is closed."""
    if gate.state is GateState.LOCKED:
        from sciatica_care.web.screening.pages import emergency_screen

        assert gate.locking is not None
        return emergency_screen(request, gate.locking)
    target, message = GATE_PAGES.get(gate.state, ("/today", gate.message))
    response = RedirectResponse(target, status_code=303)
    flash(request, response, message, "info")
    return response
