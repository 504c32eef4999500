"""The safety screen pages: the questions, the outcome, the re-check after a RED stop, and the
emergency screen's acknowledgement.

Same questions, outcomes and lock-out as ``sciatica screen``; both call ``services.screening``
(clinical-spec.md §1, §2, §7.2, §9). The outcome page leads with what to do and by when, and every
reason names the answer that raised it. An emergency outcome is the whole screen: the action, call
buttons, one reason, nothing about exercise. It comes back (here, on Today and in the player) until
the person acknowledges it and answers yes to the §9 ruling 1 question.

The emergency comes first: with JavaScript, ``screening.js`` asks ``POST /screening/so-far`` after
each answer and shows the emergency inline, before the next question; without it, a partly filled
form holding an emergency answer is saved as a partial screen and answered with the emergency
page, not with a list of the questions still open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.responses import Response

from sciatica_care.content.triage import Action, Question, QuestionKind, Triage, triage_content
from sciatica_care.domain.emergency_calls import UNKNOWN_COUNTRY, Call
from sciatica_care.domain.screening import (
    RECHECK_ITEMS,
    ScreeningError,
    action_message,
    assessed_topics,
    locks_program,
    parse_answers,
    sciatica_pattern,
    screen_so_far,
    unlock_question,
)
from sciatica_care.services import emergency, screening
from sciatica_care.services.context import PatientContext
from sciatica_care.services.gate import ScreenRecord
from sciatica_care.services.questionnaires import goal_activities
from sciatica_care.services.screening import InvalidAnswers, SavedScreen
from sciatica_care.store.models import Screening
from sciatica_care.web.context import current_context
from sciatica_care.web.diary.body_map import FIGURES, ZONE_CHOICES
from sciatica_care.web.flash import flash
from sciatica_care.web.forms import FormState, read_form
from sciatica_care.web.questionnaires.pages import goal_fields
from sciatica_care.web.row_ids import RowId
from sciatica_care.web.screening.form import (
    AGAIN,
    BODY_MAP_PARTS,
    CHECKLIST,
    CHECKLIST_ITEMS,
    CHECKLIST_TEXTS,
    GROUP_CHOICES,
    GROUPS,
    REPLIES,
    SIDES,
    SPLIT_TEXTS,
    Group,
    ParsedForm,
    again_note,
    body_map_field,
    body_map_legend,
    follow_up_note,
    item_label,
    read_screening,
)
from sciatica_care.web.security import database, lookup_signed_in
from sciatica_care.web.templating import render

router = APIRouter()


def emergency_calls_for(request: Request) -> tuple[Call, ...]:
    """tel: buttons on the emergency screen (§7.2 "call button"): the signed-in person's own
    country's number first, 112 as the fallback (§9 ruling 10)."""
    caller = lookup_signed_in(request)
    if caller is None:
        return UNKNOWN_COUNTRY
    return emergency.patient_calls(database(request), caller.patient_id)


UNLOCK_CHOICES = (("yes", "Yes"), ("no", "No, or not sure"))
"""§9 ruling 1: "not sure" never lifts the lock."""


def emergency_screen(
    request: Request, row: Screening | ScreenRecord, form: FormState | None = None
) -> Response:
    """The §7.2 emergency screen for ``row``: action first, call buttons, one reason, no exercise.

    The site navigation is left out so that nothing but the action competes for attention.
    """
    triage = triage_content()
    reasons = row.result.get("reasons") or []
    return render(
        request,
        "screening/emergency.html",
        {
            "screening": row,
            "message": action_message(Action.EMERGENCY_NOW, triage),
            "reason": reasons[0]["text"] if reasons else None,
            "calls": emergency_calls_for(request),
            "lock_notice": triage.lock_notice,
            "unlock_question": unlock_question(triage),
            "unlock_hint": triage.question(triage.assessed.flag).help,
            "unlock_choices": UNLOCK_CHOICES,
            "form": form or FormState(),
            "nav": [],
        },
        status_code=400 if form and form.errors else 200,
    )


@dataclass(frozen=True)
class Item:
    """One yes/no question as a page of the conversation shows it.

    ``listed`` is how it reads in a group's list ("Do you have any of these?"), ``text`` how it is
    asked on its own; ``question`` is the triage question behind it (None for a half of Q14).
    """

    id: str
    text: str
    listed: str
    help: str | None = None
    question: Question | None = None


@dataclass
class Step:
    """One page of the conversation: a group of yes/no questions, or the last page."""

    heading: str
    intro: str = ""
    group: Group | None = None
    items: list[Item] = field(default_factory=list)
    last: bool = False


FOLLOW_UPS = {"Q7": "CES_ASSESSED", "Q8": "Q8a"}
"""Follow-ups asked right after the question they follow (§1, §9 rulings 1 and 3)."""


def _item(triage: Triage, item: str) -> Item:
    if item in SPLIT_TEXTS:
        return Item(item, SPLIT_TEXTS[item], SPLIT_TEXTS[item])
    question = triage.question(item)
    listed = question.topic[0].upper() + question.topic[1:] if question.topic else question.text
    return Item(item, question.text, listed, question.help, question)


def conversation(triage: Triage, recheck: bool = False) -> list[Step]:
    """The pages of the safety check, in order (the re-check asks only Q1–Q10, §9 ruling 5)."""
    intros = {section.id: section.intro for section in triage.sections}
    steps: list[Step] = []
    for group in GROUPS:
        asked = [item for item in group.items if not recheck or item in RECHECK_ITEMS]
        if not asked:
            continue
        items: list[Item] = []
        for item in asked:
            items.append(_item(triage, item))
            if item in FOLLOW_UPS:
                items.append(_item(triage, FOLLOW_UPS[item]))
        # §1 (NICE CKS): people rarely volunteer these, so the page says why it asks them.
        intro = intros[triage.question(asked[0]).section] if group.id == "nerves" else ""
        steps.append(Step(group.heading, intro, group, items))
    if not recheck:
        steps.append(Step("Last: about you and your pain now", last=True))
    steps[-1].last = True
    return steps


def _form_page(
    request: Request,
    form: FormState,
    *,
    recheck: bool = False,
    given: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    triage = triage_content()
    return render(
        request,
        "screening/form.html",
        {
            "form": form,
            "recheck": recheck,
            "action_url": "/screening/recheck" if recheck else "/screening",
            "steps": conversation(triage, recheck),
            "group_choices": GROUP_CHOICES,
            "checklist_items": [(item, CHECKLIST_TEXTS[item]) for item in CHECKLIST_ITEMS],
            "checklist_field": CHECKLIST,
            "replies": REPLIES,
            "sides": SIDES,
            "body_map_parts": BODY_MAP_PARTS,
            "body_map_field": body_map_field,
            "body_map_legend": body_map_legend,
            "figures": FIGURES,
            "zone_choices": ZONE_CHOICES,
            "item_label": item_label,
            "follow_up_note": follow_up_note,
            "again_note": again_note,
            "again_suffix": AGAIN,
            "question": triage.question,
            "assessed": triage.assessed,
            "topics": assessed_topics(given or {}, triage),
            "kinds": QuestionKind,
            "emergency": action_message(Action.EMERGENCY_NOW, triage),
            "calls": emergency_calls_for(request),
            "nav": [],
        },
        status_code=status_code,
    )


def _pattern_text(row: Screening, triage: Triage) -> str | None:
    """The §2 pattern sentence (not stored: it is rebuilt from the saved answers)."""
    if row.kind != screening.FULL:
        return None
    try:
        return sciatica_pattern(parse_answers(row.answers), triage)[1]
    except ScreeningError:
        return None


def _locked_page(request: Request, ctx: PatientContext) -> Response | None:
    """The emergency screen while one is unresolved (§1: it comes back until answered)."""
    gate = screening.gate(ctx)
    if gate.locking is not None:
        return emergency_screen(request, gate.locking)
    return None


def _save(
    request: Request,
    ctx: PatientContext,
    parsed: ParsedForm,
    *,
    recheck: bool,
) -> SavedScreen | Response:
    """Save the form: complete, or (partial) when the answers so far are already an emergency;
    otherwise the form again with every open item named."""
    try:
        if parsed.complete:
            if recheck:
                return screening.submit_recheck(ctx, parsed.given)
            return screening.submit_screen(ctx, parsed.given)
        if locks_program(screen_so_far(parsed.given).action):
            return screening.submit_screen(ctx, parsed.given, partial=True)
    except InvalidAnswers as exc:
        for item, why in exc.problems:
            name = item.split(".")[0]
            parsed.form.add_error(name, f"{item_label(name)}: {why}")
    return _form_page(request, parsed.form, recheck=recheck, given=parsed.given, status_code=400)


@router.get("/screening")
def screening_form(request: Request, ctx: PatientContext = Depends(current_context)) -> Response:
    """The questions; while an emergency screen is unresolved, that screen instead (§1)."""
    return _locked_page(request, ctx) or _form_page(request, FormState())


@router.post("/screening")
async def screening_submit(
    request: Request, ctx: PatientContext = Depends(current_context)
) -> Response:
    parsed = read_screening(await read_form(request), triage_content())
    saved = _save(request, ctx, parsed, recheck=False)
    if isinstance(saved, Response):
        return saved
    return RedirectResponse(f"/screening/{saved.id}", status_code=303)


@router.post("/screening/so-far")
async def screening_so_far(
    request: Request, ctx: PatientContext = Depends(current_context)
) -> JSONResponse:
    """What the answers given so far mean, for ``screening.js`` to show an emergency at once.

    Nothing is saved. ``assessed_topics`` names the Q1–Q7 items answered yes, for the "already
    checked" follow-up (§9 ruling 1).
    """
    triage = triage_content()
    parsed = read_screening(await read_form(request), triage)
    result = screen_so_far(parsed.given, triage)
    top = result.top_reason
    return JSONResponse(
        {
            "action": result.action.value,
            "emergency": locks_program(result.action),
            "reason": top.model_dump(mode="json") if top else None,
            "assessed_topics": assessed_topics(parsed.given, triage),
        }
    )


@router.get("/screening/recheck")
def recheck_form(request: Request, ctx: PatientContext = Depends(current_context)) -> Response:
    """Q1–Q10 after a session stopped for pain or new symptoms (§9 ruling 5)."""
    return _locked_page(request, ctx) or _form_page(request, FormState(), recheck=True)


@router.post("/screening/recheck")
async def recheck_submit(
    request: Request, ctx: PatientContext = Depends(current_context)
) -> Response:
    """Save the re-check; an emergency is its page, anything else goes back to Today."""
    parsed = read_screening(await read_form(request), triage_content(), items=RECHECK_ITEMS)
    saved = _save(request, ctx, parsed, recheck=True)
    if isinstance(saved, Response):
        return saved
    if saved.action is not Action.SELF_CARE:
        return RedirectResponse(f"/screening/{saved.id}", status_code=303)
    response = RedirectResponse("/today", status_code=303)
    flash(request, response, "Thank you. None of your answers is a warning sign.", "success")
    return response


@router.get("/screening/{screening_id}")
def screening_result(
    screening_id: RowId, request: Request, ctx: PatientContext = Depends(current_context)
) -> Response:
    """The outcome of one screen: what to do, by when, why, and the §2 pattern."""
    row = screening.get(ctx, screening_id)
    action = Action(row.action)
    if locks_program(action) and row.assessed_at is None:
        return emergency_screen(request, row)
    triage = triage_content()
    first_time = row.kind == screening.FULL and not goal_activities(ctx.db, ctx.patient_id)
    return render(
        request,
        "screening/result.html",
        {
            "ask_goals": first_time,
            "form": FormState(),
            "goal_fields": goal_fields(),
            "screening": row,
            "action": action,
            "message": action_message(action, triage),
            "reasons": row.result.get("reasons") or [],
            "pattern_text": _pattern_text(row, triage),
            "reassurance": triage.reassurance if action < Action.URGENT_24_48H else None,
            "item_label": item_label,
            "again_url": "/screening/recheck" if row.kind == screening.RECHECK else "/screening",
        },
    )


@router.post("/screening/{screening_id}/acknowledge")
async def acknowledge_emergency(
    screening_id: RowId, request: Request, ctx: PatientContext = Depends(current_context)
) -> Response:
    """§1: the person read the emergency screen; the lock lifts only on a yes to the §9 ruling 1
    question (a doctor has checked them for this since it started, and it is no worse and no
    different since)."""
    row = screening.get(ctx, screening_id)
    form = await read_form(request)
    if form.value("read") != "yes":
        form.add_error("read", "Tick the box to confirm you read this.")
    if form.value("assessed") not in dict(UNLOCK_CHOICES):
        form.add_error("assessed", f"Choose yes or no: {unlock_question()}")
    if not form.ok:
        return emergency_screen(request, row, form)
    assessed = form.value("assessed") == "yes"
    screening.acknowledge(ctx, screening_id, got_help=True, assessed_no_worse=assessed)
    gate = screening.gate(ctx)
    if assessed and gate.locking is None:
        response = RedirectResponse("/today", status_code=303)
        flash(request, response, "Thank you. Follow the advice your doctor gave you.")
        return response
    target = gate.locking.id if gate.locking is not None else screening_id
    response = RedirectResponse(f"/screening/{target}", status_code=303)
    flash(request, response, triage_content().lock_notice, "warning")
    return response
