"""The Jinja2 environment and ``render``, the one way a page is turned into a response.

``render`` adds what every page's layout needs: the signed-in caller, their CSRF token (for the
hidden input in every form), the pending flash message and the navigation, shown once the person
is signed in and has acknowledged the disclaimer.

Filters keep sentences free of developer artefacts (issue 9 item 6): ``spelled_date`` writes a
date out ("Friday 20 November"), ``plural`` agrees a count with its noun ("1 day") and ``prose``
rewrites ISO dates inside stored sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from sciatica_care.domain.wording import plural, spell_iso_dates, spelled_date
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
