"""The questionnaire pages: which are due, each form, and the change since the start.

Same questionnaires, scoring and change wording as ``sciatica questionnaire`` and the JSON API
(clinical-spec.md §3); both call ``questionnaire_actions``.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from sciatica_care.content.questionnaires import Questionnaire
from sciatica_care.domain.questionnaires import QuestionnaireError
from sciatica_care.services.questionnaires import (
    ASKED,
    COMMON_GOALS,
    asked_questionnaires,
    last_activities,
    overview,
    record_response,
    save_goals,
)
from sciatica_care.web.flash import flash
from sciatica_care.web.forms import FormState, read_form, whole_number
from sciatica_care.web.security import SignedIn, current_patient, database
from sciatica_care.web.templating import render

router = APIRouter()

MAX_ACTIVITIES = 5
GOAL_TARGETS = frozenset({"/session", "/today"})
"""Where the goal form may lead: the first session, or Today (never another site)."""


def goal_fields() -> list[tuple[str, str]]:
    """The goal checkboxes of the form: (field name, activity)."""
    return [(f"goal_{n}", goal) for n, goal in enumerate(COMMON_GOALS, 1)]


@router.post("/goals")
async def goals_submit(request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    """ "What do you want to get back to?" (end of the safety check): the ticked activities and
    the one typed, stored to seed the PSFS (clinical-spec.md §3); none is fine. Then on to the
    first session (or Today)."""
    form = await read_form(request)
    named = [form.value(name) for name, _ in goal_fields() if form.value(name)]
    named.append(form.value("goal_other"))
    if any(goal.strip() for goal in named):
        save_goals(database(request), caller.patient_id, named)
    target = form.value("then")
    return RedirectResponse(target if target in GOAL_TARGETS else "/today", status_code=303)


def _questionnaire(questionnaire_id: str) -> Questionnaire:
    if questionnaire_id not in ASKED:
        raise HTTPException(404)
    return next(q for q in asked_questionnaires() if q.id == questionnaire_id)


@router.get("/questionnaires")
def questionnaires(request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    today, statuses = overview(database(request), caller.patient_id)
    return render(request, "questionnaires/list.html", {"today": today, "statuses": statuses})


def _form_page(
    request: Request, questionnaire: Questionnaire, form: FormState, status_code: int = 200
) -> Response:
    return render(
        request,
        "questionnaires/form.html",
        {"q": questionnaire, "form": form, "slots": range(1, MAX_ACTIVITIES + 1)},
        status_code=status_code,
    )


@router.get("/questionnaires/{questionnaire_id}")
def questionnaire_form(
    questionnaire_id: str, request: Request, caller: SignedIn = Depends(current_patient)
) -> Response:
    questionnaire = _questionnaire(questionnaire_id)
    form = FormState()
    if questionnaire.user_items is not None:
        for slot, name in enumerate(last_activities(database(request), caller.patient_id), 1):
            form.values[f"activity_{slot}"] = name
    return _form_page(request, questionnaire, form)


def _answers(questionnaire: Questionnaire, form: FormState) -> dict[str, int | str]:
    """Form values -> the answers ``domain.questionnaires.score`` takes; errors per field."""
    answers: dict[str, int | str] = {}
    low, high = questionnaire.scale.min, questionnaire.scale.max

    def rating(field: str, what: str) -> int | None:
        raw = form.value(field)
        number = whole_number(raw.strip())
        if number is None or not low <= number <= high:
            form.add_error(field, f"Choose a number from {low} to {high} for {what}.")
            return None
        return number

    if questionnaire.user_items is None:
        for item in questionnaire.items:
            value = rating(item.id, f"“{item.text}”")
            if value is not None:
                answers[item.id] = value
        return answers
    for slot in range(1, MAX_ACTIVITIES + 1):
        name = form.value(f"activity_{slot}").strip()
        if not name:
            continue
        value = rating(f"rating_{slot}", f"“{name}”")
        if value is not None:
            answers[name] = value
    if len([s for s in range(1, 6) if form.value(f"activity_{s}").strip()]) < 3:
        form.add_error("activity_1", "Name at least 3 activities and rate each one.")
    return answers


@router.post("/questionnaires/{questionnaire_id}")
async def questionnaire_submit(
    questionnaire_id: str, request: Request, caller: SignedIn = Depends(current_patient)
) -> Response:
    questionnaire = _questionnaire(questionnaire_id)
    form = await read_form(request)
    answers = _answers(questionnaire, form)
    if form.ok:
        try:
            saved = record_response(database(request), caller.patient_id, questionnaire.id, answers)
        except QuestionnaireError as exc:
            form.add_error("activity_1" if questionnaire.user_items else "form", str(exc))
    if not form.ok:
        return _form_page(request, questionnaire, form, status_code=400)
    response = RedirectResponse("/questionnaires", status_code=303)
    total = saved.score.total
    shown = f"{total:g}" if total is not None else ""
    text = f"{questionnaire.name} saved: {shown}."
    if saved.readings:
        text += " " + saved.readings[0].text
    flash(request, response, text)
    return response
