"""The safety screen as an HTML form: field names, labels, and form values -> §8.1 answers.

Field names are the item ids of ``content/triage.yaml`` (``Q1`` ... ``S6``, ``age``, ``S2_leg``);
the body map S1 is four selects (``S1_left_pain``, ``S1_left_numbness``, ...). Every problem is
reported against the item it belongs to, in words that name the item, and the answers are kept so
the page can be shown again (clinical-spec.md §8.1: nothing is guessed).

Follow-up items (Q8a after a yes to Q8, CES_ASSESSED after a yes to any of Q1–Q7) are on the page
for everyone, so the form works without JavaScript. A follow-up that applies and can raise the
action (Q8a) must be answered, and a yes to it counts even when it does not apply (§9 ruling 3: Q8a
yes is an emergency even if Q8 was skipped); one that can only lower the action (CES_ASSESSED)
counts as "no" when left out (§8.1) and is dropped when it does not apply, so an emergency answer
is never held up by a question.

A question asked again (§9 ruling 3: a yes to S5, leg weakness, after a "no" to Q8) is the field
``Q8_again`` right after S5; its answer replaces the earlier one. Without it, that form is not
complete: the field is named, like a missing answer.

The form may be read incomplete: ``ParsedForm.given`` holds every valid answer given so far, so
that a partly filled form holding an emergency answer can be saved as a partial screen (§7.2).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sciatica_care.content.triage import Question, QuestionKind, Triage
from sciatica_care.domain.body_map import KINDS, SIDES
from sciatica_care.domain.screening import ask_again, should_ask
from sciatica_care.web.forms import FormState

REPLIES = (("yes", "Yes"), ("no", "No"), ("unsure", "Not sure"))
BODY_MAP_PARTS = KINDS
AGAIN = "_again"
"""Suffix of the field of a question asked again (``Q8_again``)."""
_NAMES = {
    "age": "Your age",
    "S1": "Body map",
    "S2_leg": "Leg pain now",
    "S2_back": "Back pain now",
    "CES_ASSESSED": "Already checked by a doctor",
    "S3": "Pain below the knee",
    "S4": "Numbness or pins and needles",
    "S5": "Weakness in the leg or foot",
    "S6": "Pain shooting down when you cough or sneeze",
}


def item_label(item: str) -> str:
    """How a page names an item: "Question 3", "Question 8a", "Pain below the knee"."""
    if item in _NAMES:
        return _NAMES[item]
    if item.endswith(AGAIN):
        return f"{item_label(item.removesuffix(AGAIN))}, again"
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


def again_note(question: Question) -> str:
    """Why a question is asked again: "Answer this only if you said yes to Question S5 and no to
    Question 8."."""
    return (
        f"Answer this only if you said yes to {item_label(question.id)} and no to "
        f"{item_label(question.asks_again or '')}."
    )


def body_map_field(side: str, part: str) -> str:
    return f"S1_{side}_{part}"


@dataclass(frozen=True)
class ParsedForm:
    """The valid answers given (``given``, §8.1 values) and, in ``form.errors``, what is missing
    or wrong; ``complete`` when there is nothing."""

    form: FormState
    given: dict[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.form.ok


def read_screening(
    form: FormState, triage: Triage, items: Collection[str] | None = None
) -> ParsedForm:
    """Turn submitted form values into answers, and errors per item (only ``items`` when given,
    e.g. the Q1–Q10 re-check)."""
    questions = [q for q in triage.questions if items is None or q.id in items]
    data: dict[str, Any] = {}
    for question in questions:
        if question.kind is QuestionKind.YES_NO:
            _yes_no(form, question, data)
        elif question.kind is QuestionKind.NUMBER:
            _number(form, question, data)
        else:
            _body_map(form, data)
    for question in questions:
        _asked_again(form, question, data, triage)
    for question in questions:
        if question.asked_if is None or should_ask(question, data, triage):
            if question.id not in data and question.action is not None:
                form.add_error(
                    question.id, f"{item_label(question.id)}: choose yes, no or not sure."
                )
        elif question.action is None:
            data.pop(question.id, None)
            form.errors.pop(question.id, None)
    return ParsedForm(form, data)


def _asked_again(form: FormState, question: Question, data: dict[str, Any], triage: Triage) -> None:
    """§9 ruling 3: the earlier question asked again after ``question``; its answer replaces the
    first one, and a missing one is named."""
    again = ask_again(question, data, triage)
    name = f"{question.asks_again}{AGAIN}"
    if again is None:
        return
    value = form.value(name)
    if value in {reply for reply, _ in REPLIES}:
        data[again.id] = value
    else:
        form.add_error(
            name, f"{item_label(name)}: {question.asks_again_note} Choose yes, no or not sure."
        )


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
    complete = True
    for side in SIDES:
        for part in BODY_MAP_PARTS:
            name = body_map_field(side, part)
            raw = given.get(name, "")
            if raw.isdigit() and 0 <= int(raw) <= 5:
                zones[side][part] = int(raw)
            else:
                complete = False
                form.add_error(name, f"{item_label(name)}: choose a zone from 0 to 5.")
    if complete:
        data["S1"] = zones
