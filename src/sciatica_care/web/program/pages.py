"""Today: the day's exercises with their doses, why a dose changed, and a big Start button.

Above them, the habit (issue 9 item 3, rules in ``domain.habit``): the day marked done after a
session with what was done, a ring of session days this program week against the daily plan
(clinical-spec.md §4.2), a streak that forgives planned rest days, and "week N of your program".

The program is behind the safety screen (clinical-spec.md §1): no screen yet sends the person to
``/screening``; an unresolved emergency screen is shown instead of the program (§7.2). Today also
points to what else is due (questionnaires on the §3 schedule) and to heat and cold (§5), and,
when automatic progression is off, lists each suggested dose change with an Accept button (§7
"Lower-risk design": the person applies the rule).

A clinician's prescription (issue 10 item 3, ``services.prescribing``) shows above the exercises:
their latest note and what they changed in the last 14 days, with their name and the day. Custom
exercises they wrote are listed with their instructions, steps and dose and a "Done" button that
remembers the day only: they are not part of the guided session, so no pain check is claimed.
"""

from __future__ import annotations

import math
from datetime import timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from sciatica_care.content.exercises import exercise_library
from sciatica_care.content.triage import Action, triage_content
from sciatica_care.domain.screening import action_message
from sciatica_care.domain.session import SAFETY_LINE
from sciatica_care.services import prescribing, program
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import Conflict, InvalidInput, NotFound
from sciatica_care.services.gate import HOLD_MESSAGE, ScreenRecord
from sciatica_care.services.questionnaires import ASKED, asked_questionnaires
from sciatica_care.services.today_page import TodayPage, today_page
from sciatica_care.web.context import current_context, gate_page
from sciatica_care.web.flash import flash
from sciatica_care.web.program.pictures import exercise_picture
from sciatica_care.web.program.plan import accepted_text, plan_of
from sciatica_care.web.templating import CSRF_MARK, kept_body, render, templates

router = APIRouter()

RESCREEN_AFTER = timedelta(days=7)
"""clinical-spec.md §1: the full screen is repeated weekly."""


RING_RADIUS = 42
RING_LENGTH = 2 * math.pi * RING_RADIUS


def goal_ring(fraction: float) -> dict[str, str]:
    """The weekly goal ring's arc as SVG dash lengths (the arc is drawn by the template)."""
    filled = max(0.0, min(1.0, fraction)) * RING_LENGTH
    return {"radius": str(RING_RADIUS), "dash": f"{filled:.1f} {RING_LENGTH:.1f}"}


@router.get("/today")
def today(request: Request, ctx: PatientContext = Depends(current_context)) -> Response:
    """Today's body is drawn once per kept view (``services.view_cache``) and per "the weekly
    screen is due" (the one thing on it that moves with the clock)."""
    page = today_page(ctx)
    current, latest = page.view.program, page.view.gate.latest
    if current is None or latest is None:
        return gate_page(request, page.view.gate)
    rescreen_due = ctx.clock.now() - latest.created_at >= RESCREEN_AFTER
    body = kept_body(
        request,
        ctx,
        "today-body",
        lambda: _body(page, current, latest, rescreen_due),
        rescreen_due,
    )
    return render(request, "program/today.html", {"main_html": body})


def _body(
    page: TodayPage, current: program.TodaysProgram, latest: ScreenRecord, rescreen_due: bool
) -> str:
    """Today's body for an open program (``current``) and the latest screen (``latest``), drawn
    with ``CSRF_MARK`` where its forms carry the token (``kept_body`` puts in the session's)."""
    view = page.view
    due = page.due & set(ASKED)
    plan = plan_of(current)
    library = exercise_library()
    latest_action = Action(latest.action)
    cards = [
        {
            "planned": item,
            "exercise": library.get(item.exercise_id),
            "level_name": library.get(item.exercise_id).level(item.level).name,
            "picture": exercise_picture(library.get(item.exercise_id), static=True),
        }
        for item in plan.exercises
    ]
    return templates.get_template("program/today_main.html").render(
        {
            "csrf_token": CSRF_MARK,
            "day": current.day,
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
            "hold_message": HOLD_MESSAGE if view.gate.hold_step_ups else None,
            "rescreen_due": rescreen_due,
            "habit": view.habit,
            "prescribed": page.prescribed,
            "ring": goal_ring(view.habit.goal.fraction) if view.habit else None,
        }
    )


@router.post("/today/suggestions/{exercise_id}/accept")
def accept_suggestion(
    exercise_id: str, request: Request, ctx: PatientContext = Depends(current_context)
) -> Response:
    """Accept one suggested dose change, then back to Today with what changed."""
    response = RedirectResponse("/today", status_code=303)
    try:
        outcome = program.accept(ctx, exercise_id)
    except NotFound:
        flash(
            request, response, "That change is no longer waiting. Today shows your doses.", "info"
        )
        return response
    except Conflict as exc:
        flash(request, response, str(exc), "info")
        return response
    flash(request, response, accepted_text(outcome))
    return response


@router.post("/today/custom/{key}/done")
def custom_done(
    key: str, request: Request, ctx: PatientContext = Depends(current_context)
) -> Response:
    """The person did one of their clinician's own exercises today (remembered for today)."""
    gate = program.current_gate(ctx)
    if not gate.open:
        return gate_page(request, gate)
    response = RedirectResponse("/today", status_code=303)
    try:
        done = prescribing.mark_custom_done(ctx, key)
    except InvalidInput:
        flash(request, response, "That exercise is no longer in your program.", "info")
        return response
    flash(request, response, f"Well done: {done.name} is marked done for today.")
    return response


@router.post("/today/clinician-seen")
def clinician_seen(request: Request, ctx: PatientContext = Depends(current_context)) -> Response:
    """The person records that a clinician has seen them: held step-ups may go ahead (§9.4)."""
    program.confirm_clinician_seen(ctx)
    response = RedirectResponse("/today", status_code=303)
    flash(request, response, "Thank you. Your program can step up again when you are ready.")
    return response
