"""Accounts over JSON: sign up, sign in and out, who am I, change password, delete account, and
recovery without e-mail (``recovery_code``: shown once in the answer that made it, never again).

The session is the same ``sc_session`` cookie the pages use. Requests that change something while
signed in must send the session's CSRF token (``csrf_token`` in the ``/api/me`` answer) in the
``X-CSRF-Token`` header.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from starlette.responses import Response

from sciatica_care.services.account_rules import MAX_PASSWORD_LENGTH, EmailAddress, NewPassword
from sciatica_care.services.accounts import (
    AccountProblem,
    acknowledge_disclaimer,
    change_password,
    delete_account,
    make_recovery_code,
    recover_account,
    recovery_code_problem,
    sign_in,
    sign_up_or_in,
)
from sciatica_care.services.permissions import Actor, Role
from sciatica_care.web.api_responses import errors
from sciatica_care.web.pwa import forget_this_device
from sciatica_care.web.security import (
    ClinicianSignedIn,
    SignedIn,
    client_address,
    database,
    end_session,
    rotate_session,
    signed_in,
    start_clinician_session,
    start_session,
)

router = APIRouter(prefix="/api", tags=["accounts"])

AnyPassword = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)


class StrictBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignUp(StrictBody):
    email: EmailAddress
    password: NewPassword
    timezone: Annotated[str | None, Field(max_length=64, pattern=r"^[A-Za-z0-9_+\-/]+$")] = None
    """The IANA zone of the person (``Intl.DateTimeFormat().resolvedOptions().timeZone``)."""
    country: Annotated[str | None, Field(max_length=2, pattern=r"^[A-Za-z]{2}$")] = None
    """ISO 3166 code (e.g. "GB"): the emergency numbers shown; unknown codes are ignored."""


class SignIn(StrictBody):
    email: EmailAddress
    password: str = AnyPassword


def _check_recovery_code(value: str) -> str:
    problem = recovery_code_problem(value)
    if problem:
        raise ValueError(problem)
    return value


RecoveryCode = Annotated[str, Field(max_length=64), AfterValidator(_check_recovery_code)]
"""Four groups of four from the unambiguous alphabet; any case, dashes and spaces optional."""


class Recovery(StrictBody):
    email: EmailAddress
    recovery_code: RecoveryCode
    new_password: NewPassword


class RecoveryCodeRequest(StrictBody):
    password: str = AnyPassword


class NewRecoveryCode(BaseModel):
    """A recovery code, shown this once: the server keeps only its hash."""

    recovery_code: str


class PasswordChange(StrictBody):
    current_password: str = AnyPassword
    new_password: NewPassword


class DeleteConfirmation(StrictBody):
    password: str = AnyPassword


class Me(BaseModel):
    """The signed-in account. ``csrf_token`` goes in ``X-CSRF-Token`` on changing requests."""

    id: int
    email: str
    disclaimer_acknowledged: bool
    csrf_token: str
    role: Literal["patient", "clinician"] = "patient"
    """A clinician's routes are under ``/api/clinician``; a patient's under ``/api/me`` and the rest."""

    @classmethod
    def of(cls, caller: SignedIn | ClinicianSignedIn) -> Me:
        if isinstance(caller, ClinicianSignedIn):
            return cls(
                id=caller.clinician_id,
                email=caller.email,
                disclaimer_acknowledged=True,
                csrf_token=caller.csrf_token,
                role="clinician",
            )
        return cls(
            id=caller.patient_id,
            email=caller.email,
            disclaimer_acknowledged=caller.disclaimer_acknowledged,
            csrf_token=caller.csrf_token,
        )


class MeWithRecoveryCode(Me):
    """The account just created or recovered, with its recovery code (this answer only)."""

    recovery_code: str

    @classmethod
    def with_code(cls, caller: SignedIn, recovery_code: str) -> MeWithRecoveryCode:
        return cls(**Me.of(caller).model_dump(), recovery_code=recovery_code)


def _http(exc: AccountProblem) -> HTTPException:
    headers = {"Retry-After": str(exc.retry_after_s)} if exc.retry_after_s else None
    return HTTPException(exc.status_code, detail=exc.message, headers=headers)


@router.post(
    "/accounts",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {
            "model": Me,
            "description": "The e-mail's account, signed in: its password was given",
        },
        **errors(409, 429),
    },
)
def create_account(body: SignUp, request: Request, response: Response) -> MeWithRecoveryCode | Me:
    """Create an account and sign this client in (201, with the account's ``recovery_code``).

    The ``recovery_code`` is the only way back in after a forgotten password: show it to the
    person once; it is never sent again. When the e-mail already has an account and this is its
    password, that account is signed in instead (200, no code). Any other taken e-mail is 409 with
    a message that does not say it is taken; sign-ups from one address slow down like sign-ins
    (429 with Retry-After).
    """
    try:
        joined = sign_up_or_in(
            database(request),
            body.email,
            body.password,
            body.timezone,
            country=body.country,
            client=client_address(request),
        )
    except AccountProblem as exc:
        raise _http(exc) from None
    if isinstance(joined, Actor):
        response.status_code = status.HTTP_200_OK
        return _signed_in(request, response, joined)
    caller = start_session(request, response, joined.patient_id)
    return MeWithRecoveryCode.with_code(caller, joined.recovery_code)


def _signed_in(request: Request, response: Response, actor: Actor) -> Me:
    if actor.role is Role.CLINICIAN:
        return Me.of(start_clinician_session(request, response, actor.id))
    return Me.of(start_session(request, response, actor.id))


@router.post("/accounts/recover", responses=errors(401, 429))
def recover(body: Recovery, request: Request, response: Response) -> MeWithRecoveryCode:
    """Set a new password with the recovery code and sign this client in.

    The code is used up: the answer's ``recovery_code`` replaces it (show it once). Every other
    signed-in client of the account is signed out. A wrong code or unknown e-mail is 401 with one
    message; failures count towards the sign-in limit of the e-mail (429 with Retry-After).
    """
    try:
        recovered = recover_account(
            database(request),
            body.email,
            body.recovery_code,
            body.new_password,
            client_address(request),
        )
    except AccountProblem as exc:
        raise _http(exc) from None
    caller = start_session(request, response, recovered.patient_id)
    return MeWithRecoveryCode.with_code(caller, recovered.recovery_code)


@router.post("/session", responses=errors(401, 429))
def create_session(body: SignIn, request: Request, response: Response) -> Me:
    """Sign in (401 wrong credentials, 429 after too many failures for this e-mail)."""
    try:
        actor = sign_in(database(request), body.email, body.password, client_address(request))
    except AccountProblem as exc:
        raise _http(exc) from None
    return _signed_in(request, response, actor)


@router.delete("/session", status_code=status.HTTP_204_NO_CONTENT)
def delete_session(
    request: Request, response: Response, caller: SignedIn = Depends(signed_in)
) -> None:
    """Sign this client out; the browser forgets its outbox and cached pages."""
    end_session(request, response)
    forget_this_device(request, response)


@router.get("/me")
def me(caller: SignedIn = Depends(signed_in)) -> Me:
    return Me.of(caller)


@router.post("/me/disclaimer")
def acknowledge(request: Request, caller: SignedIn = Depends(signed_in)) -> Me:
    """Acknowledge the onboarding disclaimer (clinical-spec.md §7.6); needed before anything else."""
    acknowledge_disclaimer(database(request), caller.patient_id)
    return Me.of(replace(caller, disclaimer_acknowledged=True))


@router.put("/me/password", responses=errors(400, 429))
def put_password(
    body: PasswordChange,
    request: Request,
    response: Response,
    caller: SignedIn = Depends(signed_in),
) -> Me:
    """Change the password; other signed-in clients of this account are signed out and this one
    gets a new session (cookie and ``csrf_token``: use the one in this answer from now on)."""
    try:
        change_password(
            database(request),
            caller.patient_id,
            body.current_password,
            body.new_password,
            keep_session_id=caller.session_id,
            client=client_address(request),
        )
    except AccountProblem as exc:
        raise _http(exc) from None
    return Me.of(rotate_session(request, response, caller))


@router.post("/me/recovery-code", responses=errors(400, 429))
def new_recovery_code(
    body: RecoveryCodeRequest, request: Request, caller: SignedIn = Depends(signed_in)
) -> NewRecoveryCode:
    """Replace the recovery code (the password confirms it); the old code stops working."""
    try:
        code = make_recovery_code(
            database(request), caller.patient_id, body.password, client_address(request)
        )
    except AccountProblem as exc:
        raise _http(exc) from None
    return NewRecoveryCode(recovery_code=code)


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT, responses=errors(400, 429))
def delete_me(
    body: DeleteConfirmation,
    request: Request,
    response: Response,
    caller: SignedIn = Depends(signed_in),
) -> None:
    """Delete the account and all its data; the password confirms it."""
    try:
        delete_account(database(request), caller.patient_id, body.password, client_address(request))
    except AccountProblem as exc:
        raise _http(exc) from None
    end_session(request, response)
    forget_this_device(request, response)
