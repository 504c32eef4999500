"""The one-time set-up link a clinician receives from the operator (issue 10 item 1).

``sciatica admin create-clinician EMAIL`` without a password prints ``/clinic/setup/<token>``; the
clinician opens it, chooses a password (the sign-up rules: ``services.account_rules``) and is
signed in on their caseload. A used or expired link shows one clear page (404) that says to ask
the operator for a new one; it never says which of the two it was.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sciatica_care.services import clinicians
from sciatica_care.services.account_rules import new_password_problem
from sciatica_care.services.errors import NotFound
from sciatica_care.web.context import now_source
from sciatica_care.web.flash import flash
from sciatica_care.web.forms import FormState, read_form, without_secrets
from sciatica_care.web.security import (
    CLINICIAN_HOME,
    database,
    end_session,
    start_clinician_session,
)
from sciatica_care.web.templating import render

router = APIRouter()

PASSWORD_FIELD = "password"


def _gone(request: Request) -> Response:
    days = clinicians.SETUP_LINK_LIFETIME.days
    return render(request, "clinic/setup_gone.html", {"days": days}, status_code=404)


def _form(
    request: Request, account: clinicians.ClinicianAccount, token: str, form: FormState, code: int
) -> Response:
    response = render(
        request,
        "clinic/setup.html",
        {"account": account, "token": token, "form": without_secrets(form)},
        status_code=code,
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/clinic/setup/{token}")
def setup_page(request: Request, token: str) -> Response:
    account = clinicians.setup_account(database(request), token, now_source(request))
    if account is None:
        return _gone(request)
    return _form(request, account, token, FormState(), 200)


@router.post("/clinic/setup/{token}")
async def setup_submit(request: Request, token: str) -> Response:
    """Set the password once, then sign the clinician in (any other session on this browser ends)."""
    db = database(request)
    account = clinicians.setup_account(db, token, now_source(request))
    if account is None:
        return _gone(request)
    form = await read_form(request)
    if problem := new_password_problem(form.value(PASSWORD_FIELD)):
        form.add_error(PASSWORD_FIELD, problem)
        return _form(request, account, token, form, 400)
    try:
        clinician_id = await run_in_threadpool(  # argon2: never on the event loop
            clinicians.finish_setup, db, token, form.value(PASSWORD_FIELD), now_source(request)
        )
    except NotFound:
        return _gone(request)
    response = RedirectResponse(CLINICIAN_HOME, status_code=303)
    end_session(request, response)
    start_clinician_session(request, response, clinician_id)
    flash(request, response, "Your password is set and you are signed in.")
    return response
