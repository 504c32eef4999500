"""The check-in pages: the form with the body map, and what was saved.

Same entry and daily safety questions as the JSON API (``api/diary.py``); both call
``services.checkins.record_checkin``. When the daily questions raise an emergency the result is the
safety screen's emergency page (clinical-spec.md §7.2), which returns until acknowledged.
"""

from __future__ import annotations

import datetime as dt
import uuid

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from starlette.responses import Response

from sciatica_care.content.triage import Action, triage_content
from sciatica_care.domain import diary
from sciatica_care.domain.screening import action_message
from sciatica_care.services import program
from sciatica_care.services.checkins import (
    PreviousMap,
    diary_view,
    previous_map,
    record_checkin,
    stored_checkin,
)
from sciatica_care.services.context import PatientContext
from sciatica_care.store import checkins
from sciatica_care.web.context import current_context, gate_page
from sciatica_care.web.diary.body_map import FIGURES, KIND_LABELS, SIDES, ZONE_CHOICES
from sciatica_care.web.diary.form import (
    ANY_OF_THESE,
    HEAT_OR_COLD,
    MOMENTS,
    REPLIES,
    SAME_MAP,
    SAME_MAP_TODAY,
    SLEEP,
    KeptGroups,
    daily_questions,
    daily_topics,
    map_field,
    map_legend,
    map_marks,
    map_summary,
    read_checkin,
)
from sciatica_care.web.flash import flash
from sciatica_care.web.forms import FormState, read_form
from sciatica_care.web.row_ids import RowId
from sciatica_care.web.security import csrf_token_for
from sciatica_care.web.templating import CSRF_MARK, kept_body, kept_mark, render, templates

router = APIRouter()


def _entry_day(ctx: PatientContext, form: FormState) -> dt.date:
    """The day the form is for (its hidden ``day``), else the patient's today."""
    try:
        return dt.date.fromisoformat(form.value("day"))
    except ValueError:
        return ctx.clock.today()


CLIENT_MARK = kept_mark("form-client")
"""Where a kept fresh form's client id goes: each request puts in its own (``kept_body``)."""


def _form_body(
    ctx: PatientContext,
    form: FormState,
    client_id: str,
    csrf_token: str,
    previous: PreviousMap | None,
) -> str:
    """The page's body (checkin/form_main.html): the form, drawn from the view only."""
    return templates.get_template("checkin/form_main.html").render(
        {
            "form": form,
            "client_id": client_id,
            "csrf_token": csrf_token,
            "today": ctx.clock.today(),
            "questions": daily_questions(),
            "daily_topics": daily_topics(),
            "replies": REPLIES,
            "any_of_these": ANY_OF_THESE,
            "previous": previous,
            "previous_words": map_summary(previous) if previous else "",
            "previous_marks": map_marks(previous) if previous else (),
            "same_map": SAME_MAP_TODAY if previous and previous.today else SAME_MAP,
            "moments": MOMENTS,
            "sleep": SLEEP,
            "heat_or_cold": HEAT_OR_COLD,
            "figures": FIGURES,
            "sides": SIDES,
            "kinds": tuple(KIND_LABELS),
            "zone_choices": ZONE_CHOICES,
            "map_field": map_field,
            "map_legend": map_legend,
            "kept": KeptGroups(templates.get_template("checkin/macros.html").module),
            "emergency": action_message(Action.EMERGENCY_NOW),
            "urgent": action_message(Action.URGENT_24_48H),
        }
    )


def _page(request: Request, form: FormState, body: str, status_code: int = 200) -> Response:
    return render(
        request,
        "checkin/form.html",
        {"form": form, "main_html": Markup(body)},
        status_code=status_code,
    )


def _form_page(
    request: Request,
    ctx: PatientContext,
    form: FormState,
    client_id: str,
    status_code: int = 200,
    previous: PreviousMap | None = None,
) -> Response:
    body = _form_body(ctx, form, client_id, csrf_token_for(request), previous)
    return _page(request, form, body, status_code)


def _fresh_form(previous: PreviousMap | None) -> FormState:
    """A blank form; with a previous entry, its body map's zones chosen (the no-JS form)."""
    form = FormState()
    if previous is not None:
        for side in SIDES:
            for kind in KIND_LABELS:
                zone = getattr(previous.zones.side(side), kind)
                form.values[map_field(side, kind)] = str(zone)
    return form


@router.get("/check-in")
def checkin_form(request: Request, ctx: PatientContext = Depends(current_context)) -> Response:
    """A fresh form; its ``client_id`` makes a double submit or an offline re-send harmless.

    With an entry from yesterday (or earlier today) the body map starts from it and offers
    "same as yesterday" (issue 9 item 4); the radio buttons hold its zones for the no-JS form.
    A fresh form is the same for the patient until their data or their day changes: it is drawn
    once and kept (``services.view_cache``), with this request's token and client id put in.
    """
    body = kept_body(
        request,
        ctx,
        "check-in-form",
        lambda: _fresh_form_body(ctx),
        marks={CLIENT_MARK: str(uuid.uuid4())},
    )
    return _page(request, FormState(), body)  # a fresh form: no errors for the title


def _fresh_form_body(ctx: PatientContext) -> str:
    """A fresh form's body, drawn with the marks ``kept_body`` fills in (the first request only:
    the previous entry's map and the fresh form are read and made here, not on every request)."""
    previous = previous_map(ctx, ctx.clock.today())
    return _form_body(ctx, _fresh_form(previous), CLIENT_MARK, CSRF_MARK, previous)


@router.post("/check-in")
async def checkin_submit(
    request: Request, ctx: PatientContext = Depends(current_context)
) -> Response:
    form = await read_form(request)
    previous = previous_map(ctx, _entry_day(ctx, form))
    parsed = read_checkin(form, ctx.clock.today(), previous)
    if parsed.entry is None:
        client_id = parsed.client_id or str(uuid.uuid4())
        return _form_page(request, ctx, parsed.form, client_id, 400, previous)
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
    checkin_id: RowId, request: Request, ctx: PatientContext = Depends(current_context)
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
