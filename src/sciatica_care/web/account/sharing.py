"""The patient's control over clinicians (issue 10 items 2, 5 and 6): share codes, links, audit log.

The API a clinic integration uses (names fixed by the issue): ``POST /api/me/share-codes``,
``GET /api/me/clinicians``, ``DELETE /api/me/clinicians/{clinician_id}`` and ``GET /api/me/audit``.
The pages are Settings forms: make a code (shown once, big, with its link and when it stops
working in the patient's own zone), stop sharing with a clinician (access ends on their next
request: ``services.permissions`` checks the link every time), and "Who saw your data".

Every time is shown in the patient's zone and spelled out ("Saturday 21 November at 14:05"),
never as an ISO date. The page that shows a new code repeats what linked clinicians are alerted to
and that nobody watches the app around the clock (clinical-spec.md §7.2, §9 ruling 10).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from sciatica_care.domain.wording import spelled_date
from sciatica_care.services import emergency, links
from sciatica_care.services.clock import Clock
from sciatica_care.services.context import PatientContext, patient_context
from sciatica_care.services.permissions import Actor
from sciatica_care.web.api_responses import errors
from sciatica_care.web.context import current_context, now_source
from sciatica_care.web.flash import flash
from sciatica_care.web.security import SignedIn, database
from sciatica_care.web.templating import render

router = APIRouter()

SETTINGS_AUDIT_LINES = 20
"""How many lines of the log Settings shows; the rest is one link away."""
AUDIT_PAGE_LINES = 50


# -- shown words --------------------------------------------------------------------------------


def spelled_moment(clock: Clock, moment: datetime) -> str:
    """A stored time in the patient's zone, in words: "Saturday 21 November at 14:05"."""
    local = clock.local(moment)
    other_year = local.year != clock.today().year
    return f"{spelled_date(local.date(), year=other_year)} at {local:%H:%M}"


def _audit_lines(clock: Clock, entries: list[Any]) -> list[dict[str, str]]:
    return [
        {
            "when": spelled_moment(clock, entry.at),
            "datetime": clock.local(entry.at).isoformat(timespec="minutes"),
            "who": entry.clinician,
            "what": entry.what,
        }
        for entry in entries
    ]


def sharing_context(request: Request, ctx: PatientContext) -> dict[str, Any]:
    """What the Settings page shows of sharing: clinicians, the newest log lines, the alert
    statement's emergency numbers, and whether a clinician set the progression mode."""
    page = links.audit_page(ctx, limit=SETTINGS_AUDIT_LINES)
    clinicians = [
        {
            "id": linked.clinician_id,
            "name": linked.name,
            "email": linked.email,
            "since": spelled_moment(ctx.clock, linked.linked_at),
        }
        for linked in links.linked_clinicians(ctx)
    ]
    return {
        "linked_clinicians": clinicians,
        "audit_lines": _audit_lines(ctx.clock, page.entries),
        "audit_more": page.next_before is not None,
        "emergency_calls": emergency.patient_calls(ctx.db, ctx.patient_id),
        "zone_name": ctx.clock.zone_name,
        "progression_set_by": links.progression_set_by(ctx),
    }


def _own_context(request: Request, caller: SignedIn) -> PatientContext:
    """The caller on their own data; Settings does not wait for the disclaimer (a person may
    delete their account first), so this does not go through ``current_context``."""
    return patient_context(
        database(request), Actor.patient(caller.patient_id), caller.patient_id, now_source(request)
    )


def settings_context(request: Request, caller: SignedIn) -> dict[str, Any]:
    """``sharing_context`` for the Settings page."""
    return sharing_context(request, _own_context(request, caller))


def progression_set_by(request: Request, caller: SignedIn) -> links.ProgressionSetBy | None:
    """The clinician who set the progression mode, if one did (Settings then offers no switch)."""
    return links.progression_set_by(_own_context(request, caller))


# -- pages --------------------------------------------------------------------------------------


@router.post("/settings/share-code")
def share_code_page(request: Request, ctx: PatientContext = Depends(current_context)) -> Response:
    """Make a one-time code and show it once, big, with its link and when it stops working."""
    code = links.create_share_code(ctx)
    link = f"{str(request.base_url).rstrip('/')}{links.LINK_PATH}?code={code.code}"
    return render(
        request,
        "sharing/share_code.html",
        {
            "code": code.code,
            "link": link,
            "expires": spelled_moment(ctx.clock, code.expires_at),
            "zone_name": ctx.clock.zone_name,
            "emergency_calls": emergency.patient_calls(ctx.db, ctx.patient_id),
        },
    )


@router.post("/settings/clinicians/{clinician_id}/stop")
def stop_sharing_page(
    request: Request, clinician_id: str, ctx: PatientContext = Depends(current_context)
) -> Response:
    """End the link at once; the clinician's next request finds nothing."""
    name = links.unlink(ctx, clinician_id)
    response = RedirectResponse("/settings#sharing-title", status_code=303)
    flash(request, response, f"You stopped sharing with {name}. They can no longer see your data.")
    return response


def _before(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise HTTPException(422, "before: give a time with its zone, as in next_before")
    return moment


@router.get("/settings/audit")
def audit_log_page(
    request: Request,
    before: str | None = Query(None, max_length=64),
    ctx: PatientContext = Depends(current_context),
) -> Response:
    """The whole log, newest first, a page at a time."""
    page = links.audit_page(ctx, limit=AUDIT_PAGE_LINES, before=_before(before))
    return render(
        request,
        "sharing/audit.html",
        {
            "audit_lines": _audit_lines(ctx.clock, page.entries),
            "next_before": page.next_before.isoformat() if page.next_before else None,
            "first_page": before is None,
            "zone_name": ctx.clock.zone_name,
        },
    )


# -- API ----------------------------------------------------------------------------------------


@router.post("/api/me/share-codes", status_code=status.HTTP_201_CREATED, tags=["sharing"])
def create_share_code(ctx: PatientContext = Depends(current_context)) -> dict[str, Any]:
    """A one-time code for a clinician (valid 24 h, single use): ``code``, ``expires_at`` (UTC,
    ISO 8601) and ``link``, the clinician's page with the code filled in."""
    return links.create_share_code(ctx).to_json()


@router.get("/api/me/clinicians", tags=["sharing"])
def list_clinicians(ctx: PatientContext = Depends(current_context)) -> list[dict[str, Any]]:
    """The clinicians who can see your data now, oldest link first."""
    return [linked.to_json() for linked in links.linked_clinicians(ctx)]


@router.delete(
    "/api/me/clinicians/{clinician_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["sharing"],
    responses=errors(404),
)
def stop_sharing(clinician_id: str, ctx: PatientContext = Depends(current_context)) -> Response:
    """Stop sharing with a clinician: their next request gets 404. Unknown id: 404."""
    links.unlink(ctx, clinician_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/api/me/audit", tags=["sharing"])
def audit_log(
    limit: int = Query(50, ge=1, le=links.AUDIT_PAGE_MAX),
    before: str | None = Query(None, max_length=64),
    ctx: PatientContext = Depends(current_context),
) -> dict[str, Any]:
    """Who saw or changed your data, newest first: ``entries`` and ``next_before`` (pass it as
    ``before`` for the next page; null on the last)."""
    return links.audit_page(ctx, limit=limit, before=_before(before)).to_json()
