"""The safety screen pages: the questions, the outcome, and the emergency screen's acknowledgement.

Same questions, outcomes and lock-out as ``sciatica screen`` (clinical-spec.md §1, §2, §7.2): the
outcome page leads with what to do and by when, and every reason names the answer that raised it.
An emergency outcome is the whole screen: the action, call buttons, one reason, nothing about
exercise. It comes back (here, on Today and in the player) until the person acknowledges it and
says a doctor has assessed them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from sciatica_care.content.triage import Action, QuestionKind, Triage, triage_content
from sciatica_care.domain.screening import (
    ScreeningError,
    action_message,
    locks_program,
    parse_answers,
    sciatica_pattern,
    screen,
)
from sciatica_care.store import screenings
from sciatica_care.store.models import Screening
from sciatica_care.store.program_access import locking_screening
from sciatica_care.web.flash import flash
from sciatica_care.web.forms import FormState, read_form
from sciatica_care.web.screening_form import (
    BODY_MAP_PARTS,
    REPLIES,
    SIDES,
    body_map_field,
    follow_up_note,
    item_label,
    read_screening,
)
from sciatica_care.web.security import SignedIn, current_patient, database
from sciatica_care.web.templating import render

router = APIRouter()

EMERGENCY_CALLS = (
    ("999", "Call 999", "UK"),
    ("911", "Call 911", "US and Canada"),
    ("112", "Call 112", "Europe, and most mobile phones"),
)
"""tel: buttons on the emergency screen (§7.2 "call button"); triage.yaml names 999 and 911."""


def emergency_screen(request: Request, row: Screening, form: FormState | None = None) -> Response:
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
            "calls": EMERGENCY_CALLS,
            "lock_notice": triage.lock_notice,
            "form": form or FormState(),
            "nav": [],
        },
        status_code=400 if form and form.errors else 200,
    )


def _form_page(request: Request, form: FormState, status_code: int = 200) -> Response:
    triage = triage_content()
    intros = {section.id: section.intro for section in triage.sections}
    sections: list[dict[str, Any]] = []
    for question in triage.questions:
        if not sections or sections[-1]["id"] != question.section:
            sections.append(
                {"id": question.section, "intro": intros[question.section], "questions": []}
            )
        sections[-1]["questions"].append(question)
    return render(
        request,
        "screening/form.html",
        {
            "form": form,
            "sections": sections,
            "zones": triage.zones,
            "replies": REPLIES,
            "sides": SIDES,
            "body_map_parts": BODY_MAP_PARTS,
            "body_map_field": body_map_field,
            "item_label": item_label,
            "follow_up_note": follow_up_note,
            "kinds": QuestionKind,
        },
        status_code=status_code,
    )


def _own_screening(request: Request, caller: SignedIn, screening_id: int) -> Screening:
    with database(request).session() as session:
        row = session.get(Screening, screening_id)
        if row is None or row.patient_id != caller.patient_id:
            raise HTTPException(404)
        return row


def _pattern_text(row: Screening, triage: Triage) -> str | None:
    """The §2 pattern sentence (not stored: it is rebuilt from the saved answers)."""
    try:
        return sciatica_pattern(parse_answers(row.answers), triage)[1]
    except ScreeningError:
        return None


@router.get("/screening")
def screening_form(request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    """The questions; while an emergency screen is unresolved, that screen instead (§1)."""
    with database(request).session() as session:
        locking = locking_screening(session, caller.patient_id)
    if locking is not None:
        return emergency_screen(request, locking)
    return _form_page(request, FormState())


@router.post("/screening")
async def screening_submit(
    request: Request, caller: SignedIn = Depends(current_patient)
) -> Response:
    triage = triage_content()
    parsed = read_screening(await read_form(request), triage)
    if parsed.answers is None:
        return _form_page(request, parsed.form, status_code=400)
    result = screen(parsed.answers, triage)
    with database(request).session() as session:
        screening_id = screenings.save(
            session, caller.patient_id, parsed.answers.model_dump(mode="json"), result
        )
    return RedirectResponse(f"/screening/{screening_id}", status_code=303)


@router.get("/screening/{screening_id}")
def screening_result(
    screening_id: int, request: Request, caller: SignedIn = Depends(current_patient)
) -> Response:
    """The outcome of one screen: what to do, by when, why, and the §2 pattern."""
    row = _own_screening(request, caller, screening_id)
    action = Action(row.action)
    if locks_program(action) and row.assessed_at is None:
        return emergency_screen(request, row)
    triage = triage_content()
    return render(
        request,
        "screening/result.html",
        {
            "screening": row,
            "action": action,
            "message": action_message(action, triage),
            "reasons": row.result.get("reasons") or [],
            "pattern_text": _pattern_text(row, triage),
            "reassurance": triage.reassurance if action < Action.URGENT_24_48H else None,
            "item_label": item_label,
        },
    )


@router.post("/screening/{screening_id}/acknowledge")
async def acknowledge_emergency(
    screening_id: int, request: Request, caller: SignedIn = Depends(current_patient)
) -> Response:
    """§1: the person read the emergency screen; the program opens only once a doctor assessed."""
    row = _own_screening(request, caller, screening_id)
    form = await read_form(request)
    if form.value("read") != "yes":
        form.add_error("read", "Tick the box to confirm you read this.")
    if form.value("assessed") not in ("yes", "no"):
        form.add_error("assessed", "Choose yes or no: has a doctor checked you?")
    if not form.ok:
        return emergency_screen(request, row, form)
    assessed = form.value("assessed") == "yes"
    with database(request).session() as session:
        screenings.acknowledge(session, caller.patient_id, screening_id, assessed=assessed)
    if assessed:
        response = RedirectResponse("/today", status_code=303)
        flash(request, response, "Thank you. Follow the advice your doctor gave you.")
        return response
    response = RedirectResponse(f"/screening/{screening_id}", status_code=303)
    flash(request, response, triage_content().lock_notice, "warning")
    return response
