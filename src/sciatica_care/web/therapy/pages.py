"""The heat and cold pages: questions first, then the spacing rule, skin checks and the timer.

Same rules as ``sciatica therapy`` and ``/api/therapy`` (clinical-spec.md §5). Without
JavaScript the timer page says when to take the pack off; ``heat_timer.js`` adds a countdown
that keeps time in a background tab, an alarm (sound, vibration, a flashing box) and the
after-check.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from sciatica_care.domain.therapy import (
    LIMITS,
    STOP_MESSAGES,
    TherapyKind,
    TherapyTimer,
    contraindication_questions,
    safety_texts,
    start_timer,
)
from sciatica_care.services.therapy import (
    MAX_START_AGE,
    TherapyProblem,
    answer_questions,
    cleared,
    gap_status,
    log_use,
    now_for,
    questions_due,
)
from sciatica_care.web.diary.form import REPLIES
from sciatica_care.web.flash import flash
from sciatica_care.web.forms import FormState, finite_number, read_form, whole_number
from sciatica_care.web.security import SignedIn, current_patient, database
from sciatica_care.web.templating import render

router = APIRouter()

KIND_NAMES = {TherapyKind.HEAT: "Heat", TherapyKind.COLD: "Cold"}
STOP_CHOICES = (
    ("", "Time was up"),
    ("skin_numb", "The skin went numb"),
    ("skin_changed", "The skin changed colour or blistered"),
    ("pain_increased", "The pain got worse"),
    ("other", "I took it off early for another reason"),
)


def _kind(kind: str) -> TherapyKind:
    try:
        return TherapyKind(kind)
    except ValueError:
        raise HTTPException(404) from None


@router.get("/heat-cold")
def heat_cold(request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    db = database(request)
    kinds = [
        {
            "kind": kind,
            "name": KIND_NAMES[kind],
            "limits": LIMITS[kind],
            "gap": gap_status(db, caller.patient_id, kind),
        }
        for kind in (TherapyKind.HEAT, TherapyKind.COLD)
    ]
    return render(request, "therapy/index.html", {"kinds": kinds})


def _questions_page(
    request: Request,
    caller: SignedIn,
    kind: TherapyKind,
    form: FormState,
    status_code: int = 200,
    ask_all: bool = False,
) -> Response:
    """All the questions, or only "has anything changed?" while the answers still stand.

    The safety texts are not here: they are on the timer page, once, just before the pack goes on.
    """
    due = questions_due(database(request), caller.patient_id, kind)
    return render(
        request,
        "therapy/questions.html",
        {
            "kind": kind,
            "name": KIND_NAMES[kind],
            "questions": contraindication_questions(kind),
            "replies": REPLIES,
            "form": form,
            "changed_question": None if ask_all or form.errors else due.changed_question,
        },
        status_code=status_code,
    )


@router.get("/heat-cold/{kind}")
def questions(kind: str, request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    """The contraindication questions (or "has anything changed?" within 30 days of them)."""
    return _questions_page(request, caller, _kind(kind), FormState())


@router.post("/heat-cold/{kind}/questions")
async def answer(
    kind: str, request: Request, caller: SignedIn = Depends(current_patient)
) -> Response:
    therapy = _kind(kind)
    form = await read_form(request)
    db = database(request)
    changed = form.value("changed")
    if changed == "no" and cleared(db, caller.patient_id, therapy):
        return RedirectResponse(f"/heat-cold/{therapy.value}/timer", status_code=303)
    if changed in ("yes", "no"):  # something changed, or the answers expired meanwhile
        return _questions_page(request, caller, therapy, FormState(), ask_all=True)
    answers = {q.id: form.value(q.id) for q in contraindication_questions(therapy)}
    for question in contraindication_questions(therapy):
        if answers[question.id] not in dict(REPLIES):
            form.add_error(question.id, "Answer yes, no or not sure.")
    if not form.ok:
        return _questions_page(request, caller, therapy, form, status_code=400)
    advice = answer_questions(db, caller.patient_id, therapy, answers)
    if advice.outcome != "ok":
        return render(
            request,
            "therapy/advice.html",
            {"advice": advice, "name": KIND_NAMES[therapy], "kind": therapy},
        )
    return RedirectResponse(f"/heat-cold/{therapy.value}/timer", status_code=303)


def _timer_page(
    request: Request,
    caller: SignedIn,
    kind: TherapyKind,
    state: str,
    form: FormState | None = None,
    status_code: int = 200,
    **extra: object,
) -> Response:
    limits = LIMITS[kind]
    return render(
        request,
        "therapy/timer.html",
        {
            "kind": kind,
            "name": KIND_NAMES[kind],
            "state": state,
            "form": form or FormState(),
            "limits": limits,
            "minute_choices": list(range(limits.min_minutes, limits.max_minutes + 1, 5))
            if limits.max_minutes - limits.min_minutes >= 5
            else [limits.min_minutes, limits.max_minutes],
            "safety": safety_texts(kind),
            "before_prompt": start_timer(kind).prompt,
            "gap": gap_status(database(request), caller.patient_id, kind),
            "stop_choices": STOP_CHOICES,
            "stop_messages": STOP_MESSAGES,
            **extra,
        },
        status_code=status_code,
    )


@router.get("/heat-cold/{kind}/timer")
def timer(kind: str, request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    therapy = _kind(kind)
    if not cleared(database(request), caller.patient_id, therapy):
        return RedirectResponse(f"/heat-cold/{therapy.value}", status_code=303)
    return _timer_page(request, caller, therapy, "before")


@router.post("/heat-cold/{kind}/start")
async def start(
    kind: str, request: Request, caller: SignedIn = Depends(current_patient)
) -> Response:
    """After the skin check: the running timer (the use is logged when the pack comes off)."""
    therapy = _kind(kind)
    db = database(request)
    if not cleared(db, caller.patient_id, therapy):
        return RedirectResponse(f"/heat-cold/{therapy.value}", status_code=303)
    form = await read_form(request)
    limits = LIMITS[therapy]
    if form.value("skin_before") not in ("ok", "not_ok"):
        form.add_error("skin_before", "Check your skin first, then choose an answer.")
    planned = whole_number(form.value("minutes") or str(limits.min_minutes))
    if planned is None or not 1 <= planned <= limits.max_minutes:
        form.add_error("minutes", f"Choose up to {limits.max_minutes} minutes.")
    if not form.ok:
        return _timer_page(request, caller, therapy, "before", form, status_code=400)
    if form.value("skin_before") == "not_ok":
        stopped = start_timer(therapy).skin_checked(False)
        return _timer_page(request, caller, therapy, "stopped", stopped_prompt=stopped.prompt)
    gap = gap_status(db, caller.patient_id, therapy)
    if not gap.allowed:
        return _timer_page(request, caller, therapy, "before", status_code=409)
    assert planned is not None
    minutes = planned
    now = now_for(db, caller.patient_id)
    running: TherapyTimer = start_timer(therapy, minutes).skin_checked(True)
    return _timer_page(
        request,
        caller,
        therapy,
        "running",
        minutes=minutes,
        started_at=now,
        ends_at=now + dt.timedelta(minutes=minutes),
        running_prompt=running.prompt.partition(" left. ")[2] or running.prompt,
        after_prompt=running.tick(running.planned_s).prompt,
    )


@router.post("/heat-cold/{kind}/log")
async def log(kind: str, request: Request, caller: SignedIn = Depends(current_patient)) -> Response:
    """The pack is off: the skin check after, and the use logged with how long it was on."""
    therapy = _kind(kind)
    form = await read_form(request)
    db = database(request)
    incomplete = HTTPException(400, "The timer form is not complete. Start the timer again.")
    try:
        started_at = dt.datetime.fromisoformat(form.value("started_at"))
    except ValueError:
        raise incomplete from None
    minutes = finite_number(form.value("minutes"))
    now = now_for(db, caller.patient_id)
    # What the timer page sends: a zoned start within the last hours, the planned minutes. Anything
    # else (no zone, year 1 or 9999, NaN minutes) once broke the arithmetic below with a 500.
    if (
        minutes is None
        or not 0 < minutes <= LIMITS[therapy].max_minutes
        or started_at.tzinfo is None
        or not now - MAX_START_AGE <= started_at <= now + dt.timedelta(minutes=1)
    ):
        raise incomplete
    if form.value("skin_after") not in ("ok", "not_ok"):
        form.add_error("skin_after", "Look at your skin, then choose an answer.")
        return _timer_page(
            request,
            caller,
            therapy,
            "running",
            form,
            status_code=400,
            minutes=int(minutes),
            started_at=started_at,
            ends_at=started_at + dt.timedelta(minutes=minutes),
        )
    raw_duration = form.value("duration_s")
    elapsed = (now - started_at).total_seconds()
    given = finite_number(raw_duration) if raw_duration else None
    duration = elapsed if given is None else given
    duration = max(0.0, min(duration, elapsed + 5, minutes * 60))
    reason = form.value("stop_reason") or None
    try:
        logged = log_use(
            db,
            caller.patient_id,
            therapy,
            started_at=started_at,
            minutes=minutes,
            duration_s=duration,
            skin_ok_after=form.value("skin_after") == "ok",
            stop_reason=reason if reason in dict(STOP_CHOICES) else None,  # type: ignore[arg-type]
        )
    except TherapyProblem as exc:
        raise HTTPException(exc.status_code, exc.message) from exc
    response = RedirectResponse("/heat-cold", status_code=303)
    text = f"{logged.prompt} {logged.next.message}"
    flash(request, response, text, "success" if logged.skin_ok_after else "warning")
    return response
