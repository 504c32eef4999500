"""Today: the day's exercises with their doses, why a dose changed, and a big Start button.

The program is behind the safety screen (clinical-spec.md §1): no screen yet sends the person to
``/screening``; an unresolved emergency screen is shown instead of the program (§7.2). Today also
points to what else is due (questionnaires on the §3 schedule) and to heat and cold (§5), and,
when automatic progression is off, lists each suggested dose change with an Accept button (§7
"Lower-risk design": the person applies the rule).
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from sciatica_care.content.exercises import exercise_library
from sciatica_care.content.triage import Action, triage_content
from sciatica_care.domain.screening import action_message
from sciatica_care.domain.session import SAFETY_LINE
from sciatica_care.reports.exercise_picture import render_exercise_svg
from sciatica_care.store import patients, questionnaire_responses
from sciatica_care.store.base import utcnow
from sciatica_care.store.errors import StoreError
from sciatica_care.store.program_access import Access, program_access
from sciatica_care.web.flash import flash
from sciatica_care.web.patient_zone import local_today
from sciatica_care.web.program_plan import accept_change, accepted_text, todays_plan
from sciatica_care.web.questionnaire_actions import ASKED, asked_questionnaires
from sciatica_care.web.screening_pages import emergency_screen
from sciatica_care.web.security import SignedIn, current_patient, database
from sciatica_care.web.templating import render

router = APIRouter()

RESCREEN_AFTER = timedelta(days=7)
"""clinical-spec.md §1: the full screen is repeated weekly."""


@router.get("/today")
def today(request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    with database(request).session() as session:
        access = program_access(session, caller.patient_id)
        settings = patients.get_settings(session, caller.patient_id)
        day = local_today(settings)
        plan = todays_plan(session, caller.patient_id, day) if access.open else None
        due = set(questionnaire_responses.due(session, caller.patient_id, day)) & set(ASKED)
    if access.access is Access.LOCKED:
        assert access.locking is not None
        return emergency_screen(request, access.locking)
    if plan is None or access.latest is None:
        response = RedirectResponse("/screening", status_code=303)
        flash(request, response, "First, a short safety check. Then your exercises.", "info")
        return response
    library = exercise_library()
    latest_action = Action(access.latest.action)
    cards = [
        {
            "planned": item,
            "exercise": library.get(item.exercise_id),
            "level_name": library.get(item.exercise_id).level(item.level).name,
            "picture": render_exercise_svg(library.get(item.exercise_id), static=True),
        }
        for item in plan.exercises
    ]
    return render(
        request,
        "program/today.html",
        {
            "day": day,
            "cards": cards,
            "paused": plan.paused,
            "suggestions": plan.suggestions,
            "automatic": plan.automatic,
            "due_questionnaires": [q for q in asked_questionnaires() if q.id in due],
            "safety_line": SAFETY_LINE,
            "advice": (
                action_message(latest_action, triage_content())
                if latest_action is not Action.SELF_CARE
                else None
            ),
            "rescreen_due": utcnow() - access.latest.created_at >= RESCREEN_AFTER,
        },
    )


@router.post("/today/suggestions/{exercise_id}/accept")
def accept_suggestion(
    exercise_id: str, request: Request, caller: SignedIn = Depends(current_patient)
) -> Response:
    """Accept one suggested dose change, then back to Today with what changed."""
    message = None
    with database(request).session() as session:
        access = program_access(session, caller.patient_id)
        if access.open:
            try:
                message = accepted_text(accept_change(session, caller.patient_id, exercise_id))
            except StoreError:
                message = None
    if access.access is Access.LOCKED:
        assert access.locking is not None
        return emergency_screen(request, access.locking)
    if not access.open:
        return RedirectResponse("/screening", status_code=303)
    response = RedirectResponse("/today", status_code=303)
    if message is None:
        flash(
            request, response, "That change is no longer waiting. Today shows your doses.", "info"
        )
    else:
        flash(request, response, message)
    return response
