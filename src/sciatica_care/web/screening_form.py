"""The safety screen as an HTML form: field names, labels, and form values -> §8.1 answers.

Field names are the item ids of ``content/triage.yaml`` (``Q1`` ... ``S6``, ``age``, ``S2_leg``);
the body map S1 is four selects (``S1_left_pain``, ``S1_left_numbness``, ...). Every problem is
reported against the item it belongs to, in words that name the item, and the answers are kept so
the page can be shown again (clinical-spec.md §8.1: nothing is guessed).

Follow-up items (Q8a after a yes to Q8, CES_ASSESSED after a yes to any of Q1–Q7) are on the page
for everyone, so the form works without JavaScript; an answer to a follow-up that does not apply
is dropped (``domain.screening.should_ask``). A follow-up that applies and can raise the action
(Q8a) must be answered; one that can only lower it (CES_ASSESSED) counts as "no" when left out
(§8.1), so an emergency answer is never held up by a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sciatica_care.content.triage import Question, QuestionKind, Triage
from sciatica_care.domain.screening import Answers, ScreeningError, parse_answers, should_ask
from sciatica_care.web.forms import FormState

REPLIES = (("yes", "Yes"), ("no", "No"), ("unsure", "Not sure"))
SIDES = ("left", "right")
BODY_MAP_PARTS = ("pain", "numbness")
_NAMES = {
    "age": "Your age",
    "S1": "Body map",
    "S2_leg": "Leg pain now",
    "S2_back": "Back pain now",
    "CES_ASSESSED": "Already checked by a doctor",
}


def item_label(item: str) -> str:
    """How a page names an item: "Question 3", "Question 8a", "Question S4", "Leg pain now"."""
    if item in _NAMES:
        return _NAMES[item]
    if item.startswith("S1_"):
        _, side, part = item.split("_")
        return f"Body map, {side} leg {part}"
    match = re.fullmatch(r"Q(\d+[a-z]?)", item)
    return f"Question {match.group(1)}" if match else f"Question {item}"


def follow_up_note(question: Question) -> str:
    """Why a follow-up question is there: "Answer this only if you said yes to Question 8."."""
    condition = question.asked_if
    if condition is None:
        return ""
    if condition.all_yes:
        names = " and ".join(item_label(item) for item in condition.all_yes)
    else:
        names = "any of " + ", ".join(item_label(item) for item in condition.any_yes)
    return f"Answer this only if you said yes to {names}."


def body_map_field(side: str, part: str) -> str:
    return f"S1_{side}_{part}"


@dataclass(frozen=True)
class ParsedForm:
    """The §8.1 answers when the form was complete; otherwise ``form.errors`` says what is not."""

    form: FormState
    answers: Answers | None


def read_screening(form: FormState, triage: Triage) -> ParsedForm:
    """Turn submitted form values into validated answers, or errors per item."""
    data: dict[str, Any] = {}
    for question in triage.questions:
        if question.kind is QuestionKind.YES_NO:
            _yes_no(form, question, data)
        elif question.kind is QuestionKind.NUMBER:
            _number(form, question, data)
        else:
            _body_map(form, data)
    for question in triage.questions:
        if question.asked_if is None:
            continue
        if not should_ask(question, data, triage):
            data.pop(question.id, None)
            form.errors.pop(question.id, None)
        elif question.id not in data and question.action is not None:
            form.add_error(question.id, f"{item_label(question.id)}: choose yes, no or not sure.")
    if not form.ok:
        return ParsedForm(form, None)
    try:
        return ParsedForm(form, parse_answers(data))
    except ScreeningError as exc:
        for problem in str(exc).split("; "):
            item, _, why = problem.partition(": ")
            name = item.split(".")[0]
            form.add_error(name, f"{item_label(name)}: {why}")
        return ParsedForm(form, None)


def _yes_no(form: FormState, question: Question, data: dict[str, Any]) -> None:
    value = form.value(question.id)
    if value in {reply for reply, _ in REPLIES}:
        data[question.id] = value
    elif question.asked_if is None:
        form.add_error(question.id, f"{item_label(question.id)}: choose yes, no or not sure.")


def _number(form: FormState, question: Question, data: dict[str, Any]) -> None:
    raw = form.value(question.id).strip()
    low, high = question.min or 0, question.max or 0
    if raw.isdigit() and low <= int(raw) <= high:
        data[question.id] = int(raw)
    elif not raw:
        form.add_error(question.id, f"{item_label(question.id)}: enter a number.")
    else:
        form.add_error(
            question.id, f"{item_label(question.id)}: enter a whole number from {low} to {high}."
        )


def _body_map(form: FormState, data: dict[str, Any]) -> None:
    """S1 is optional as a whole; once any part is given, every part is needed."""
    names = [body_map_field(side, part) for side in SIDES for part in BODY_MAP_PARTS]
    given = {name: form.value(name) for name in names if form.value(name)}
    if not given:
        return
    zones: dict[str, dict[str, int]] = {side: {} for side in SIDES}
    for side in SIDES:
        for part in BODY_MAP_PARTS:
            name = body_map_field(side, part)
            raw = given.get(name, "")
            if raw.isdigit() and 0 <= int(raw) <= 5:
                zones[side][part] = int(raw)
            else:
                form.add_error(name, f"{item_label(name)}: choose a zone from 0 to 5.")
    data["S1"] = zones
