"""The Jinja2 environment and ``render``, the one way a page is turned into a response.

``render`` adds what every page's layout needs: the signed-in caller, their CSRF token (for the
hidden input in every form), the pending flash message and the navigation, shown once the person
is signed in and has acknowledged the disclaimer.

Filters keep sentences free of developer artefacts (issue 9 item 6): ``spelled_date`` writes a
date out ("Friday 20 November"), ``plural`` agrees a count with its noun ("1 day") and ``prose``
rewrites ISO dates inside stored sentences.

``kept_body`` serves a page body drawn once and kept (``services.view_cache``): what differs per
request, the session's CSRF token or a form's one-use id, is drawn as a mark (``kept_mark``) and
put in on each request.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.responses import Response

from sciatica_care.domain.wording import plural, spell_iso_dates, spelled_date
from sciatica_care.services import view_cache
from sciatica_care.services.context import PatientContext
from sciatica_care.web.flash import clear_flash, take_flash
from sciatica_care.web.security import (
    ClinicianSignedIn,
    SignedIn,
    attach_csrf_cookie,
    csrf_token_for,
    lookup_caller,
)

templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))
templates.env.filters.update(spelled_date=spelled_date, plural=plural, prose=spell_iso_dates)


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str


NAV_ITEMS = (
    NavItem("Today", "/today"),
    NavItem("Check-in", "/check-in"),
    NavItem("Progress", "/progress"),
    NavItem("Learn", "/learn"),
    NavItem("Settings", "/settings"),
)
CLINICIAN_NAV = (
    NavItem("Caseload", "/clinic"),
    NavItem("Link a patient", "/clinic/link"),
)
"""A clinician's navigation (issue 10): their caseload only, never a patient's own pages."""


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    *,
    signed_in_lookup: bool = True,
) -> Response:
    """Render ``template`` in the site layout. ``signed_in_lookup=False`` skips the database."""
    someone = lookup_caller(request) if signed_in_lookup else None
    clinician = someone if isinstance(someone, ClinicianSignedIn) else None
    caller = someone if isinstance(someone, SignedIn) else None
    message = take_flash(request)
    show_nav = caller is not None and caller.disclaimer_acknowledged
    nav = list(NAV_ITEMS) if show_nav else list(CLINICIAN_NAV) if clinician else []
    full: dict[str, Any] = {
        "signed_in": caller,
        "clinician": clinician,
        "csrf_token": csrf_token_for(request) if signed_in_lookup else "",
        "flash": message,
        "nav": nav,
        "current_path": request.url.path,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, template, full, status_code=status_code)
    if message is not None:
        clear_flash(response)
    attach_csrf_cookie(request, response)
    return response


def kept_mark(purpose: str) -> str:
    """A mark to draw where a kept body takes a per-request value: ``kept-<purpose>-`` and 128
    random bits, new in each process.

    A kept body holds people's own words (a clinician's note, an exercise's name), and every
    mark in it is replaced: a mark anyone could know (one written in the source) could be typed
    into those words and be replaced there too. This one is made at start-up and never leaves
    the process, so it cannot be known; one per process is enough because kept bodies are kept
    in the process only (``services.view_cache``).
    """
    return f"kept-{purpose}-{secrets.token_hex(16)}"


CSRF_MARK = kept_mark("csrf")
"""Where a kept body's forms carry the CSRF token: ``kept_body`` puts in the session's own."""


def kept_body(
    request: Request,
    ctx: PatientContext,
    view: str,
    build: Callable[[], str],
    *args: Hashable,
    marks: Mapping[str, str] | None = None,
) -> Markup:
    """``build()``'s page body, kept as ``view`` with ``args`` (``services.view_cache``: until the
    patient's data or day changes), with this request's CSRF token where it has ``CSRF_MARK``
    and each value of ``marks`` (escaped) where it has that value's mark.

    A body drawn with a session's token or a form's one-use id could serve no other request;
    drawn with marks it is drawn once, and each request costs a few string replacements.
    """
    body = view_cache.remember(ctx, view, build, *args)
    for mark, value in {CSRF_MARK: csrf_token_for(request), **(marks or {})}.items():
        body = body.replace(mark, str(escape(value)))
    return Markup(body)
