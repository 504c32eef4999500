"""The check-in pages: the form with the body map, and what was saved.

Same entry and daily safety questions as the JSON API (``api/diary.py``); both call
``services.checkins.record_checkin``. When the daily questions raise an emergency the result is the
safety screen's emergency page (clinical-spec.md §7.2), which returns until acknowledged.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from sciatica_care.content.triage import Action, triage_content
from sciatica_care.domain import diary
from sciatica_care.domain.screening import action_message
from sciatica_care.services import program
from sciatica_care.services.checkins import diary_view, record_checkin, stored_checkin
from sciatica_care.services.context import PatientContext
from sciatica_care.store import checkins
from sciatica_care.web.context import current_context, gate_page
from sciatica_care.web.diary.body_map import FIGURES, KIND_LABELS, SIDES, ZONE_CHOICES
from sciatica_care.web.diary.form import (
    HEAT_OR_COLD,
    MOMENTS,
    REPLIES,
    SLEEP,
    daily_questions,
    map_field,
    map_legend,
    read_checkin,
)
from sciatica_care.web.flash import flash
from sciatica_care.web.forms import FormState, read_form
from sciatica_care.web.templating import render

router = APIRouter()


def _form_page(
    request: Request,
    ctx: PatientContext,
    form: FormState,
    client_id: str,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "checkin/form.html",
        {
            "form": form,
            "client_id": client_id,
            "today": ctx.clock.today(),
            "questions": daily_questions(),
            "replies": REPLIES,
            "moments": MOMENTS,
            "sleep": SLEEP,
            "heat_or_cold": HEAT_OR_COLD,
            "figures": FIGURES,
            "sides": SIDES,
            "kinds": tuple(KIND_LABELS),
            "zone_choices": ZONE_CHOICES,
            "map_field": map_field,
            "map_legend": map_legend,
            "emergency": action_message(Action.EMERGENCY_NOW),
            "urgent": action_message(Action.URGENT_24_48H),
        },
        status_code=status_code,
    )


@router.get("/check-in")
def checkin_form(request: Request, ctx: PatientContext = Depends(current_context)) -> Response:
    """A fresh form; its ``client_id`` makes a double submit or an offline re-send harmless."""
    return _form_page(request, ctx, FormState(), str(uuid.uuid4()))


@router.post("/check-in")
async def checkin_submit(
    request: Request, ctx: PatientContext = Depends(current_context)
) -> Response:
    parsed = read_checkin(await read_form(request), ctx.clock.today())
    if parsed.entry is None:
        return _form_page(
            request, ctx, parsed.form, parsed.client_id or str(uuid.uuid4()), status_code=400
        )
    outcome = record_checkin(
        ctx,
        parsed.entry,
        ces_assessed=parsed.ces_assessed,
        client_id=parsed.client_id,
        moment_given=parsed.moment_given,
    )
    response = RedirectResponse(f"/check-in/{outcome.id}", status_code=303)
    if outcome.notes:
        flash(request, response, " ".join(outcome.notes), "info")
    return response


@router.get("/check-in/{checkin_id}")
def checkin_result(
    checkin_id: int, request: Request, ctx: PatientContext = Depends(current_context)
) -> Response:
    """What was saved; the action of the daily questions first, an emergency as the whole page."""
    row = stored_checkin(ctx, checkin_id)
    entry = checkins.to_entry(row)
    action = Action(row.daily_action or Action.SELF_CARE.value)
    gate = program.current_gate(ctx)
    if action is Action.EMERGENCY_NOW and gate.locking is not None:
        return gate_page(request, gate)
    view = diary_view(ctx, entry)
    return render(
        request,
        "checkin/result.html",
        {
            "entry": entry,
            "action": action,
            "message": action_message(action, triage_content()),
            "reasons": _reasons(entry, row.daily_action),
            "zone_words": diary.ZONE_WORDS,
            "signals": view.signals,
            "flare": view.flare,
            "both_legs": view.both_legs,
        },
    )


def _reasons(entry: diary.CheckIn, daily_action: str | None) -> list[dict[str, str]]:
    """The sentence of each daily question answered yes (from ``triage.yaml``)."""
    if daily_action in (None, Action.SELF_CARE.value):
        return []
    by_id = {q.id: q for q in triage_content().questions}
    return [
        {"item": item, "text": by_id[item].reason or ""}
        for item in diary.daily_flags(entry)
        if item in by_id
    ]
