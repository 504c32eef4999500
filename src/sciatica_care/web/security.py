"""Passwords, server-side sessions, CSRF and the ``current_patient`` dependency, in one place.

* Passwords: argon2id (argon2-cffi defaults), never logged or stored in clear.
* Sessions: a random token in the ``sc_session`` cookie (HttpOnly, SameSite=Lax, Secure on https);
  the database keeps only its SHA-256, so a leaked table signs no one in. A session slides: it ends
  after ``SESSION_IDLE`` without a request, and at the latest ``SESSION_MAX`` after sign-in; a
  password change gives the browser a new token (the old one stops working).
* CSRF: each session has its own token. Every unsafe request (POST/PUT/PATCH/DELETE) must carry it:
  pages in the hidden form field ``csrf_token``, JavaScript and API clients in the ``X-CSRF-Token``
  header. Before signing in, forms use a random token in the ``sc_csrf`` cookie (double submit),
  which stops login CSRF. ``require_csrf`` is installed on the whole app, so new routes are covered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from sciatica_care.services.credentials import (
    new_token,
    token_digest,
    tokens_match,
)
from sciatica_care.store import accounts, auth_sessions, clinicians
from sciatica_care.store.base import utcnow
from sciatica_care.store.database import Database

SESSION_COOKIE = "sc_session"
ANONYMOUS_CSRF_COOKIE = "sc_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SESSION_IDLE = timedelta(days=14)
SESSION_MAX = timedelta(days=90)
SLIDE_STEP = timedelta(hours=1)
"""A session's expiry moves at most once an hour (one UPDATE, not one per request)."""
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
API_PREFIX = "/api"
SIGN_IN_ROUTES = frozenset(
    {("POST", "/api/accounts"), ("POST", "/api/session"), ("POST", "/api/accounts/recover")}
)


# -- who is signed in -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedIn:
    """The caller of a request: their patient id (pass it to every repository) and session."""

    patient_id: int
    email: str
    csrf_token: str
    session_id: int
    disclaimer_acknowledged: bool
    settings: Mapping[str, Any] | None = field(default=None, compare=False)
    """The patient's preferences as read with the session (their clock's zone)."""
    revision: int | None = None
    """Their data revision as read with the session (``services.view_cache``)."""


@dataclass(frozen=True)
class ClinicianSignedIn:
    """A signed-in clinician (issue 10): their own id, never a patient's."""

    clinician_id: int
    email: str
    name: str
    csrf_token: str
    session_id: int


Caller = SignedIn | ClinicianSignedIn


class SignInRequired(Exception):
    """No valid session: pages redirect to /login, the API answers 401."""


class WrongRole(Exception):
    """A patient on a clinician route or a clinician on a patient route: pages send each to their
    own home, the API answers 403."""

    def __init__(self, home: str) -> None:
        super().__init__(home)
        self.home = home


class DisclaimerRequired(Exception):
    """Signed in but the onboarding disclaimer (clinical-spec.md §7.6) is not acknowledged yet."""


class CsrfRejected(Exception):
    """An unsafe request without the right CSRF token: 403."""


def database(request: Request) -> Database:
    """The app's database (opened in the lifespan); a FastAPI dependency."""
    db: Database = request.app.state.db
    return db


def client_address(request: Request) -> str | None:
    """The caller's address for throttling: the socket's peer, or what a configured trusted proxy
    says (uvicorn's ProxyHeadersMiddleware rewrites it only for ``trusted_proxies``)."""
    return request.client.host if request.client else None


def is_api(request: Request) -> bool:
    path = request.url.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def lookup_caller(request: Request) -> Caller | None:
    """The signed-in patient or clinician, or None; looked up once per request and cached."""
    if getattr(request.state, "signed_in_known", False):
        cached: Caller | None = request.state.signed_in
        return cached
    found: Caller | None = None
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with database(request).session() as session:
            now = utcnow()
            row = auth_sessions.find_caller(session, token_digest(token), now)
            if row is not None:
                _slide(session, row, now)
            if row is not None and row.patient_id is not None:
                found = SignedIn(
                    patient_id=row.patient_id,
                    email=row.patient_email or "",
                    csrf_token=row.csrf_token,
                    session_id=row.session_id,
                    disclaimer_acknowledged=row.disclaimer_acknowledged,
                    settings=row.patient_settings,
                    revision=row.patient_revision,
                )
            elif row is not None and row.clinician_id is not None:
                found = ClinicianSignedIn(
                    clinician_id=row.clinician_id,
                    email=row.clinician_email or "",
                    name=row.clinician_name or "",
                    csrf_token=row.csrf_token,
                    session_id=row.session_id,
                )
    _remember(request, found)
    return found


def _slide(session: Session, row: auth_sessions.ActiveCaller, now: datetime) -> None:
    """Push the idle expiry forward, never past ``SESSION_MAX`` from sign-in."""
    wanted = min(now + SESSION_IDLE, row.created_at + SESSION_MAX)
    if wanted - row.expires_at >= SLIDE_STEP:
        auth_sessions.extend(session, row.session_id, wanted)


def lookup_signed_in(request: Request) -> SignedIn | None:
    """The signed-in *patient* or None (a clinician is not one)."""
    caller = lookup_caller(request)
    return caller if isinstance(caller, SignedIn) else None


def _remember(request: Request, caller: Caller | None) -> None:
    request.state.signed_in = caller
    request.state.signed_in_known = True


def forget_signed_in(request: Request) -> None:
    """Drop the cached caller (after signing out within the same request)."""
    request.state.signed_in_known = False


CLINICIAN_HOME = "/clinic"
PATIENT_HOME = "/"


def signed_in(request: Request) -> SignedIn:
    """Dependency: a signed-in patient, disclaimer acknowledged or not (disclaimer, sign-out...)."""
    caller = lookup_caller(request)
    if caller is None:
        raise SignInRequired
    if isinstance(caller, ClinicianSignedIn):
        raise WrongRole(CLINICIAN_HOME)
    return caller


def current_clinician(request: Request) -> ClinicianSignedIn:
    """Dependency for every clinician route: a signed-in clinician, never a patient."""
    caller = lookup_caller(request)
    if caller is None:
        raise SignInRequired
    if isinstance(caller, SignedIn):
        raise WrongRole(PATIENT_HOME)
    return caller


def current_patient(request: Request) -> SignedIn:
    """Dependency for everything a patient does: signed in *and* past the §7.6 disclaimer."""
    caller = signed_in(request)
    if not caller.disclaimer_acknowledged:
        raise DisclaimerRequired
    return caller


# -- cookies --------------------------------------------------------------------------------------


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def start_session(request: Request, response: Response, patient_id: int) -> SignedIn:
    """Sign ``patient_id`` in on this browser: store the session and set the cookie.

    Returns the new caller (also cached for the rest of this request), with its CSRF token.
    """
    token, csrf = new_token(), new_token()
    now = utcnow()
    with database(request).session() as session:
        auth_sessions.purge_expired(session, now)
        session_id = auth_sessions.start(
            session, patient_id, token_digest(token), csrf, now, now + SESSION_IDLE
        )
        patient = accounts.get(session, patient_id)
        caller = SignedIn(
            patient_id=patient_id,
            email=patient.email or "",
            csrf_token=csrf,
            session_id=session_id,
            disclaimer_acknowledged=patient.disclaimer_acknowledged_at is not None,
        )
    _set_session_cookie(request, response, token)
    _remember(request, caller)
    return caller


def start_clinician_session(
    request: Request, response: Response, clinician_id: int
) -> ClinicianSignedIn:
    """Sign a clinician in on this browser (the same cookie and table as patients)."""
    token, csrf = new_token(), new_token()
    now = utcnow()
    with database(request).session() as session:
        auth_sessions.purge_expired(session, now)
        session_id = auth_sessions.start(
            session,
            None,
            token_digest(token),
            csrf,
            now,
            now + SESSION_IDLE,
            clinician_id=clinician_id,
        )
        clinician = clinicians.get(session, clinician_id)
        caller = ClinicianSignedIn(
            clinician_id=clinician.id,
            email=clinician.email,
            name=clinician.display_name,
            csrf_token=csrf,
            session_id=session_id,
        )
    _set_session_cookie(request, response, token)
    _remember(request, caller)
    return caller


def _set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_MAX.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )


def rotate_session(request: Request, response: Response, caller: SignedIn) -> SignedIn:
    """A new token and CSRF token for this browser (after a password change): whoever copied the
    old cookie is signed out with the other devices."""
    end_session(request, response)
    return start_session(request, response, caller.patient_id)


def end_session(request: Request, response: Response) -> None:
    """Sign this browser out: delete its session row and its cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with database(request).session() as session:
            auth_sessions.end(session, token_digest(token))
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=_secure(request)
    )
    _remember(request, None)


def csrf_token_for(request: Request) -> str:
    """The token forms on this page must send back: the session's, or an anonymous one.

    A new anonymous token is remembered on ``request.state`` so ``attach_csrf_cookie`` can set it.
    """
    caller = lookup_caller(request)
    if caller is not None:
        return caller.csrf_token
    existing = request.cookies.get(ANONYMOUS_CSRF_COOKIE)
    if existing:
        return existing
    pending: str | None = getattr(request.state, "new_anonymous_csrf", None)
    if pending is None:
        pending = new_token()
        request.state.new_anonymous_csrf = pending
    return pending


def attach_csrf_cookie(request: Request, response: Response) -> None:
    """Set the anonymous CSRF cookie if ``csrf_token_for`` had to make one for this response."""
    pending = getattr(request.state, "new_anonymous_csrf", None)
    if pending:
        response.set_cookie(
            ANONYMOUS_CSRF_COOKIE,
            pending,
            path="/",
            httponly=True,
            samesite="lax",
            secure=_secure(request),
        )


def _expected_csrf(request: Request) -> str | None:
    caller = lookup_caller(request)
    if caller is not None:
        return caller.csrf_token
    return request.cookies.get(ANONYMOUS_CSRF_COOKIE)


async def require_csrf(request: Request) -> None:
    """App-wide dependency: unsafe requests must echo the caller's CSRF token.

    The API checks requests that carry a session, except sign-up and sign-in, which do not use it
    (FastAPI reads JSON bodies only with a JSON content type, which a cross-site form cannot send).
    """
    if request.method not in UNSAFE_METHODS:
        return
    given = request.headers.get(CSRF_HEADER)
    if is_api(request):
        if (request.method, request.url.path) in SIGN_IN_ROUTES:
            return
        caller = lookup_caller(request)
        if caller is not None and not tokens_match(given, caller.csrf_token):
            raise CsrfRejected
        return
    if given is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not tokens_match(given, _expected_csrf(request)):
        raise CsrfRejected
