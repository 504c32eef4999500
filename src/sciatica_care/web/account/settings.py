"""The settings page: automatic dose changes on or off, sharing with clinicians, change password,
make a new recovery code, delete the account.

Automatic progression must be switchable (clinical-spec.md §7 "Lower-risk design": progression
offered as a rule the person applies); when it is off, Today lists each suggested change with an
Accept button. When a clinician's prescription set the mode, the page names them instead of
offering the switch. Sharing (share codes, linked clinicians, who saw your data) comes from
``web.account.sharing``. Reminders and export slot in through the template's ``extra_settings``
block.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sciatica_care.services import emergency, program
from sciatica_care.services.account_rules import new_password_problem
from sciatica_care.services.accounts import (
    AccountProblem,
    change_password,
    delete_account,
    make_recovery_code,
)
from sciatica_care.services.errors import InvalidInput
from sciatica_care.web.account.pages import show_recovery_code
from sciatica_care.web.account.sharing import progression_set_by, settings_context
from sciatica_care.web.flash import flash
from sciatica_care.web.forms import FormState, read_form, without_secrets
from sciatica_care.web.pwa import forget_this_device
from sciatica_care.web.security import (
    SignedIn,
    client_address,
    database,
    end_session,
    rotate_session,
    signed_in,
)
from sciatica_care.web.templating import render

router = APIRouter()

TEMPLATE = "settings.html"
AUTO_FIELD = "auto_progression"
AUTO_CHOICES = {"on": True, "off": False}


def _page(
    request: Request,
    caller: SignedIn,
    password_form: FormState | None = None,
    delete_form: FormState | None = None,
    progression_form: FormState | None = None,
    recovery_form: FormState | None = None,
    country_form: FormState | None = None,
    status_code: int = 200,
) -> Response:
    with database(request).session() as session:
        automatic = program.auto_progression(session, caller.patient_id)
    country = emergency.patient_country(database(request), caller.patient_id)
    return render(
        request,
        TEMPLATE,
        {
            "password_form": without_secrets(password_form or FormState()),
            "delete_form": without_secrets(delete_form or FormState()),
            "progression_form": progression_form or FormState(),
            "recovery_form": FormState(errors=dict((recovery_form or FormState()).errors)),
            "automatic": automatic,
            "country_form": country_form or FormState(),
            "country": country,
            "country_choices": emergency.country_choices(),
            **settings_context(request, caller),
        },
        status_code=status_code,
    )


@router.get("/settings")
def settings(request: Request, caller: SignedIn = Depends(signed_in)) -> Response:
    return _page(request, caller)


@router.post("/settings/progression")
async def progression_submit(request: Request, caller: SignedIn = Depends(signed_in)) -> Response:
    """Turn automatic dose changes on or off (§7); off keeps each change as a suggestion."""
    form = await read_form(request)
    choice = AUTO_CHOICES.get(form.value(AUTO_FIELD))
    if progression_set_by(request, caller) is not None:
        form.add_error("progression-set-by", "Your clinician set this. Ask them to change it.")
        return _page(request, caller, progression_form=form, status_code=409)
    if choice is None:
        form.add_error(f"{AUTO_FIELD}-on", "Choose whether doses change by themselves.")
        return _page(request, caller, progression_form=form, status_code=400)
    with database(request).session() as session:
        program.set_auto_progression(session, caller.patient_id, choice)
    response = RedirectResponse("/settings", status_code=303)
    if choice:
        flash(request, response, "Automatic changes are on: your doses change by themselves.")
    else:
        flash(
            request,
            response,
            "Automatic changes are off: Today will suggest each step up. Easing off after pain "
            "still happens at once.",
        )
    return response


@router.post("/settings/country")
async def country_submit(request: Request, caller: SignedIn = Depends(signed_in)) -> Response:
    """The country whose emergency numbers come first on emergency screens (§9 ruling 10)."""
    form = await read_form(request)
    try:
        emergency.set_country(database(request), caller.patient_id, form.value("country"))
    except InvalidInput as exc:
        form.add_error("country", exc.message)
        return _page(request, caller, country_form=form, status_code=400)
    response = RedirectResponse("/settings", status_code=303)
    flash(request, response, "Saved: emergency screens now show your country's numbers first.")
    return response


@router.post("/settings/password")
async def change_password_submit(
    request: Request, caller: SignedIn = Depends(signed_in)
) -> Response:
    form = await read_form(request)
    if not form.value("current_password"):
        form.add_error("current_password", "Enter your current password.")
    if problem := new_password_problem(form.value("new_password")):
        form.add_error("new_password", problem)
    if form.ok:
        try:
            await run_in_threadpool(  # argon2: never on the event loop
                change_password,
                database(request),
                caller.patient_id,
                form.value("current_password"),
                form.value("new_password"),
                keep_session_id=caller.session_id,
                client=client_address(request),
            )
        except AccountProblem as exc:
            form.add_error(exc.field or "current_password", exc.message)
    if not form.ok:
        return _page(request, caller, password_form=form, status_code=400)
    response = RedirectResponse("/settings", status_code=303)
    rotate_session(request, response, caller)
    flash(request, response, "Your password is changed. Other devices were signed out.")
    return response


@router.post("/settings/recovery-code")
async def recovery_code_submit(request: Request, caller: SignedIn = Depends(signed_in)) -> Response:
    """Replace the recovery code (the password confirms it) and show the new one once."""
    form = await read_form(request)
    if not form.value("recovery_password"):
        form.add_error("recovery_password", "Enter your password to confirm.")
    if form.ok:
        try:
            code = await run_in_threadpool(  # argon2: never on the event loop
                make_recovery_code,
                database(request),
                caller.patient_id,
                form.value("recovery_password"),
                client_address(request),
            )
        except AccountProblem as exc:
            form.add_error("recovery_password", exc.message)
    if not form.ok:
        return _page(request, caller, recovery_form=form, status_code=400)
    response = show_recovery_code(request, caller.patient_id, code, then="/settings")
    flash(request, response, "Your new recovery code is ready. The old one no longer works.")
    return response


@router.post("/settings/delete")
async def delete_account_submit(
    request: Request, caller: SignedIn = Depends(signed_in)
) -> Response:
    form = await read_form(request)
    if not form.value("password"):
        form.add_error("password", "Enter your password to confirm.")
    if form.ok:
        try:
            await run_in_threadpool(  # argon2: never on the event loop
                delete_account,
                database(request),
                caller.patient_id,
                form.value("password"),
                client_address(request),
            )
        except AccountProblem as exc:
            form.add_error(exc.field or "password", exc.message)
    if not form.ok:
        return _page(request, caller, delete_form=form, status_code=400)
    response = RedirectResponse("/", status_code=303)
    end_session(request, response)
    forget_this_device(request, response)
    flash(request, response, "Your account and all your data are deleted.", "info")
    return response
