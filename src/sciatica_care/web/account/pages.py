"""Account pages: create an account, sign in and out, recover it, and the onboarding disclaimer.

Every POST is CSRF-checked by ``security.require_csrf`` (installed on the app) before it gets here.

A new recovery code (at sign-up, after a recovery, from Settings) travels to ``/recovery-code`` in
a signed, HttpOnly cookie bound to the account, because no process may keep it in memory and the
database keeps only its hash. The page shows it until the person confirms they saved it; then the
cookie is deleted. It also goes on sign-out, after 30 minutes, and when the code is replaced.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sciatica_care.services.account_rules import (
    email_problem,
    new_password_problem,
    normalise_email,
)
from sciatica_care.services.accounts import (
    AccountProblem,
    acknowledge_disclaimer,
    recover_account,
    recovery_code_is_current,
    recovery_code_problem,
    sign_in,
    sign_up_or_in,
)
from sciatica_care.services.permissions import Actor, Role
from sciatica_care.web.flash import flash
from sciatica_care.web.forms import FormState, read_form, without_secrets
from sciatica_care.web.pwa import forget_this_device
from sciatica_care.web.security import (
    CLINICIAN_HOME,
    ClinicianSignedIn,
    SignedIn,
    client_address,
    database,
    end_session,
    lookup_caller,
    lookup_signed_in,
    signed_in,
    start_clinician_session,
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


# -- a new recovery code, shown once --------------------------------------------------------------

RECOVERY_COOKIE = "sc_recovery"
RECOVERY_COOKIE_AGE_S = 30 * 60


def _recovery_serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.secret_key, salt="recovery-code")


def show_recovery_code(request: Request, patient_id: int, code: str, then: str) -> RedirectResponse:
    """Redirect to the page that shows ``code`` once; after "I saved it" the person goes ``then``."""
    value = _recovery_serializer(request).dumps(
        {"patient": patient_id, "code": code, "then": safe_next(then)}
    )
    response = _redirect("/recovery-code")
    response.set_cookie(
        RECOVERY_COOKIE,
        value,
        max_age=RECOVERY_COOKIE_AGE_S,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


def _pending_recovery_code(request: Request, patient_id: int) -> dict[str, Any] | None:
    """The code waiting to be shown to this account on this browser, if any (signature checked)."""
    raw = request.cookies.get(RECOVERY_COOKIE)
    if not raw:
        return None
    try:
        data = _recovery_serializer(request).loads(raw, max_age=RECOVERY_COOKIE_AGE_S)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("patient") != patient_id:
        return None
    return data


def _forget_recovery_code(response: Response) -> None:
    response.delete_cookie(RECOVERY_COOKIE, path="/", httponly=True, samesite="strict")


def _after_recovery_code(caller: SignedIn, pending: dict[str, Any] | None) -> str:
    if not caller.disclaimer_acknowledged:
        return "/disclaimer"
    return safe_next(str(pending.get("then", "/")) if pending else "/")


def _recovery_code_page(
    request: Request, code: str, form: FormState, status_code: int = 200
) -> Response:
    return render(
        request,
        "accounts/recovery_code.html",
        {"form": form, "recovery_code": code},
        status_code=status_code,
    )


@router.get("/recovery-code")
def recovery_code(request: Request, caller: SignedIn = Depends(signed_in)) -> Response:
    pending = _pending_recovery_code(request, caller.patient_id)
    code = str(pending.get("code", "")) if pending else ""
    if not pending or not recovery_code_is_current(database(request), caller.patient_id, code):
        away = _redirect(_after_recovery_code(caller, None))
        _forget_recovery_code(away)
        return away
    response = _recovery_code_page(request, code, FormState())
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/recovery-code")
async def recovery_code_saved(request: Request, caller: SignedIn = Depends(signed_in)) -> Response:
    form = await read_form(request)
    pending = _pending_recovery_code(request, caller.patient_id)
    if pending and form.value("saved") != "yes":
        form.add_error("saved", "Choose “I have saved it” once you have saved your recovery code.")
        response = _recovery_code_page(request, str(pending.get("code", "")), form, 400)
        response.headers["Cache-Control"] = "no-store"
        return response
    response = _redirect(_after_recovery_code(caller, pending))
    _forget_recovery_code(response)
    return response


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
    status_code, retry_after = 400, None
    if form.ok:
        try:
            joined = await run_in_threadpool(  # argon2: never on the event loop
                sign_up_or_in,
                database(request),
                email,
                password,
                form.value("timezone"),
                country=form.value("country"),
                client=client_address(request),
            )
        except AccountProblem as exc:
            form.add_error(exc.field or "email", exc.message)
            if exc.status_code == 429:
                status_code, retry_after = 429, exc.retry_after_s
    if not form.ok:
        response = _form_page(request, "accounts/signup.html", form, status_code)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response
    if isinstance(joined, Actor):  # the e-mail's own password: they wanted to be in, so they are
        return _signed_in_response(request, joined, "/")
    created = joined
    if form.value("understood") == "yes":  # the sign-up button acknowledges §7.6
        acknowledge_disclaimer(database(request), created.patient_id)
    response = show_recovery_code(
        request, created.patient_id, created.recovery_code, then=AFTER_DISCLAIMER
    )
    start_session(request, response, created.patient_id)
    return response


# -- sign in and out ------------------------------------------------------------------------------


@router.get("/login")
def sign_in_form(request: Request, next: str | None = None) -> Response:
    caller = lookup_caller(request)
    if isinstance(caller, ClinicianSignedIn):
        return _redirect(CLINICIAN_HOME)
    if caller is not None:
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
            actor = await run_in_threadpool(  # argon2: never on the event loop
                sign_in, database(request), email, form.value("password"), client_address(request)
            )
        except AccountProblem as exc:
            form.add_error("password", exc.message)
            status_code, retry_after = exc.status_code, exc.retry_after_s
    if not form.ok:
        response = _form_page(request, "accounts/login.html", form, status_code)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response
    return _signed_in_response(request, actor, form.values["next"])


def _signed_in_response(request: Request, actor: Actor, wanted: str) -> Response:
    """Start the session and go where the person wanted (a clinician to the clinic, a patient
    who has not acknowledged the disclaimer to it first)."""
    if actor.role is Role.CLINICIAN:
        response = _redirect(wanted if wanted.startswith(CLINICIAN_HOME) else CLINICIAN_HOME)
        start_clinician_session(request, response, actor.id)
        return response
    response = _redirect(wanted)
    caller = start_session(request, response, actor.id)
    if not caller.disclaimer_acknowledged:
        response.headers["location"] = "/disclaimer"
    return response


# -- recovery without e-mail ----------------------------------------------------------------------


@router.get("/recover")
def recover_form(request: Request) -> Response:
    if lookup_signed_in(request) is not None:
        return _redirect("/")
    return render(request, "accounts/recover.html", {"form": FormState()})


@router.post("/recover")
async def recover_submit(request: Request) -> Response:
    """A new password with the recovery code; signs in and shows the code that replaces it."""
    form = await read_form(request)
    email = normalise_email(form.value("email"))
    code = form.value("recovery_code")
    form.values["email"] = email
    form.values.pop("recovery_code", None)  # a secret: never typed back into the page
    if problem := email_problem(email):
        form.add_error("email", problem)
    if problem := recovery_code_problem(code):
        form.add_error("recovery_code", problem)
    if problem := new_password_problem(form.value("new_password")):
        form.add_error("new_password", problem)
    status_code, retry_after = 400, None
    if form.ok:
        try:
            recovered = await run_in_threadpool(  # argon2: never on the event loop
                recover_account,
                database(request),
                email,
                code,
                form.value("new_password"),
                client_address(request),
            )
        except AccountProblem as exc:
            form.add_error("recovery_code", exc.message)
            status_code, retry_after = exc.status_code, exc.retry_after_s
    if not form.ok:
        response = _form_page(request, "accounts/recover.html", form, status_code)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response
    response = show_recovery_code(request, recovered.patient_id, recovered.recovery_code, then="/")
    start_session(request, response, recovered.patient_id)
    flash(
        request,
        response,
        "Your password is changed and you are signed in. Other devices were signed out.",
    )
    return response


@router.post("/logout")
def sign_out(request: Request) -> Response:
    response = _redirect("/")
    end_session(request, response)
    _forget_recovery_code(response)
    forget_this_device(request, response)
    flash(request, response, "You are signed out.", "info")
    return response


# -- onboarding disclaimer (clinical-spec.md §7.6) ------------------------------------------------


@router.get("/disclaimer")
def disclaimer(request: Request, caller: SignedIn = Depends(signed_in)) -> Response:
    if _pending_recovery_code(request, caller.patient_id) is not None:
        return _redirect("/recovery-code")  # save the recovery code first
    return render(request, "accounts/disclaimer.html", {"form": FormState()})


@router.post("/disclaimer")
async def disclaimer_submit(request: Request, caller: SignedIn = Depends(signed_in)) -> Response:
    form = await read_form(request)
    if form.value("understood") != "yes":
        form.add_error("understood", "Tick the box to confirm you read this.")
        return render(request, "accounts/disclaimer.html", {"form": form}, status_code=400)
    acknowledge_disclaimer(database(request), caller.patient_id)
    return _redirect(AFTER_DISCLAIMER)
