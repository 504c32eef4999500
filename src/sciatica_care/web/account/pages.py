"""Account pages: create an account, sign in and out, and the onboarding disclaimer.

Every POST is CSRF-checked by ``security.require_csrf`` (installed on the app) before it gets here.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from sciatica_care.services.accounts import (
    AccountProblem,
    acknowledge_disclaimer,
    sign_in,
    sign_up,
)
from sciatica_care.web.account.credentials import (
    email_problem,
    new_password_problem,
    normalise_email,
)
from sciatica_care.web.flash import flash
from sciatica_care.web.forms import FormState, read_form, without_secrets
from sciatica_care.web.pwa import forget_this_device
from sciatica_care.web.security import (
    SignedIn,
    database,
    end_session,
    lookup_signed_in,
    signed_in,
    start_session,
)
from sciatica_care.web.templating import render

router = APIRouter()


def safe_next(raw: str | None) -> str:
    """Only same-site paths are followed after sign-in (no open redirect to another host)."""
    if raw and raw.startswith("/") and not raw.startswith(("//", "/\\")):
        return raw
    return "/"


AFTER_DISCLAIMER = "/screening"
"""Where a newly onboarded person goes: the safety screen first (clinical-spec.md §1)."""


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _form_page(request: Request, template: str, form: FormState, status_code: int) -> Response:
    return render(request, template, {"form": without_secrets(form)}, status_code=status_code)


# -- sign up --------------------------------------------------------------------------------------


@router.get("/signup")
def sign_up_form(request: Request) -> Response:
    if lookup_signed_in(request) is not None:
        return _redirect("/")
    return render(request, "accounts/signup.html", {"form": FormState()})


@router.post("/signup")
async def sign_up_submit(request: Request) -> Response:
    form = await read_form(request)
    email = normalise_email(form.value("email"))
    password = form.value("password")
    form.values["email"] = email
    if problem := email_problem(email):
        form.add_error("email", problem)
    if problem := new_password_problem(password):
        form.add_error("password", problem)
    if form.ok:
        try:
            patient_id = sign_up(database(request), email, password, form.value("timezone"))
        except AccountProblem as exc:
            form.add_error(exc.field or "email", exc.message)
    if not form.ok:
        return _form_page(request, "accounts/signup.html", form, 400)
    response = _redirect("/disclaimer")
    start_session(request, response, patient_id)
    return response


# -- sign in and out ------------------------------------------------------------------------------


@router.get("/login")
def sign_in_form(request: Request, next: str | None = None) -> Response:
    if lookup_signed_in(request) is not None:
        return _redirect(safe_next(next))
    return render(request, "accounts/login.html", {"form": FormState({"next": safe_next(next)})})


@router.post("/login")
async def sign_in_submit(request: Request) -> Response:
    form = await read_form(request)
    email = normalise_email(form.value("email"))
    form.values["email"] = email
    form.values["next"] = safe_next(form.value("next"))
    if not email:
        form.add_error("email", "Enter your email address.")
    if not form.value("password"):
        form.add_error("password", "Enter your password.")
    status_code, retry_after = 400, None
    if form.ok:
        try:
            patient_id = sign_in(database(request), email, form.value("password"))
        except AccountProblem as exc:
            form.add_error("password", exc.message)
            status_code, retry_after = exc.status_code, exc.retry_after_s
    if not form.ok:
        response = _form_page(request, "accounts/login.html", form, status_code)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response
    response = _redirect(form.values["next"])
    caller = start_session(request, response, patient_id)
    if not caller.disclaimer_acknowledged:
        response.headers["location"] = "/disclaimer"
    return response


@router.post("/logout")
def sign_out(request: Request) -> Response:
    response = _redirect("/")
    end_session(request, response)
    forget_this_device(request, response)
    flash(request, response, "You are signed out.", "info")
    return response


# -- onboarding disclaimer (clinical-spec.md §7.6) ------------------------------------------------


@router.get("/disclaimer")
def disclaimer(request: Request, caller: SignedIn = Depends(signed_in)) -> Response:
    return render(request, "accounts/disclaimer.html", {"form": FormState()})


@router.post("/disclaimer")
async def disclaimer_submit(request: Request, caller: SignedIn = Depends(signed_in)) -> Response:
    form = await read_form(request)
    if form.value("understood") != "yes":
        form.add_error("understood", "Tick the box to confirm you read this.")
        return render(request, "accounts/disclaimer.html", {"form": form}, status_code=400)
    acknowledge_disclaimer(database(request), caller.patient_id)
    return _redirect(AFTER_DISCLAIMER)
