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

The page asks as a conversation (issue 9 item 1), and three shortcuts are read back here into the
same §8.1 answers, so the domain sees exactly what the flat form would have sent:

- a **group** ("Do you have any of these?", field ``group_<id>``): "none" fills every item of the
  group that was not answered yes or not sure with "no"; "some" leaves each item to be answered;
- the **checklist** of the last page (S3–S6 and "first time with back pain", marked by the
  hidden ``checklist`` field): a ticked item is "yes" and an unticked one "no" ("not sure" is
  ticked, as the page says, because it counts as yes: §1);
- **Q14 from the age** (§1 Q14: "over 50 with first-ever back pain, or pain mainly in the
  upper/mid back"): the page asks "mostly upper or middle back?" (``Q14_upper``) and "first time
  with back pain" (``Q14_first``), never "are you over 50?", and Q14 is derived with the age.

A form that sends the items themselves (``Q1`` … ``Q20``, ``S3``) is read as before.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sciatica_care.content.triage import Question, QuestionKind, Triage
from sciatica_care.domain.body_map import KINDS, SIDES
from sciatica_care.domain.screening import ask_again, should_ask
from sciatica_care.web.forms import FormState, whole_number

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
    "Q14_upper": "Pain mostly in the upper or middle back",
    "Q14_first": "First time with back pain",
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
    """Why a follow-up question is there, in words (the page shows it right after the question
    it follows, so it can point up rather than name ids)."""
    condition = question.asked_if
    if condition is None:
        return ""
    if condition.all_yes and len(condition.all_yes) == 1:
        return "Answer this only if you said yes, or not sure, to the question just above."
    return "Answer this only if you said yes, or not sure, to any of the questions above."


def again_note(question: Question) -> str:
    """Why a question is asked again (§9 ruling 3: leg weakness ticked after a "no" to Q8)."""
    return (
        f"Answer this only if you ticked “{_NAMES.get(question.id, question.id).lower()}” and "
        "said no to this question earlier."
    )


def body_map_field(side: str, part: str) -> str:
    return f"S1_{side}_{part}"


def body_map_legend(side: str, part: str) -> str:
    """The label of one list under the figure: "Left leg: how far down pain reaches"."""
    what = "pain" if part == "pain" else "numbness or pins and needles"
    return f"{side.capitalize()} leg: how far down {what} reaches"


# -- the conversation's shortcuts -----------------------------------------------------------------

NONE, SOME = "none", "some"
GROUP_CHOICES = ((NONE, "None of these"), (SOME, "Yes, or not sure, to one or more"))
CHECKLIST = "checklist"
"""Hidden field: the last page's checklist was on the page, so an unticked item means "no"."""
Q14_UPPER, Q14_FIRST = "Q14_upper", "Q14_first"
OVER = 50
"""§1 Q14: the age above which first-ever back pain is a flag (the rule's "over 50")."""


@dataclass(frozen=True)
class Group:
    """One "Do you have any of these?" page: its field is ``group_<id>``."""

    id: str
    heading: str
    items: tuple[str, ...]

    @property
    def field(self) -> str:
        return f"group_{self.id}"


GROUPS = (
    Group("nerves", "Do you have any of these?", ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7")),
    Group(
        "weakness",
        "Weakness and your health: does any of these apply?",
        ("Q8", "Q9", "Q10", "Q11", "Q12", "Q13"),
    ),
    Group(
        "course",
        "How it started and how it is going: does any of these apply?",
        (Q14_UPPER, *(f"Q{n}" for n in range(15, 21))),
    ),
)
CHECKLIST_ITEMS = ("S3", "S4", "S5", "S6", Q14_FIRST)
SPLIT_TEXTS = {
    Q14_UPPER: "Is the pain mostly in your upper or middle back, rather than your lower back?",
    Q14_FIRST: "This is the first time you have had back pain.",
}
"""The two halves of §1 Q14 as the page asks them (the "over 50" half comes from the age)."""
CHECKLIST_TEXTS = {
    "S3": "My pain goes below the knee, into the calf or foot.",
    "S4": "I have numbness or pins and needles in my leg or foot.",
    "S5": "I have weakness in my leg or foot.",
    "S6": "Coughing, sneezing or straining sends pain shooting down my leg.",
    Q14_FIRST: SPLIT_TEXTS[Q14_FIRST],
}


def _replied(value: str) -> bool:
    return value in {reply for reply, _ in REPLIES}


def _expand_shortcuts(form: FormState) -> None:
    """Groups, the checklist and the split Q14 -> the item fields the parser reads (see above)."""
    for group in GROUPS:
        if form.value(group.field) == NONE:
            for item in group.items:
                if not _replied(form.value(item)):
                    form.values[item] = "no"
    if form.value(CHECKLIST):
        for item in CHECKLIST_ITEMS:
            form.values[item] = "yes" if form.value(item) in {"yes", "unsure"} else "no"
    if not _replied(form.value("Q14")) and _replied(form.value(Q14_UPPER)):
        form.values["Q14"] = _q14(form)


def _q14(form: FormState) -> str:
    """§1 Q14 = pain mostly upper/mid back, or (over 50 and first-ever back pain).

    An age not (yet) given counts as over 50: doubt goes the safer way, as "not sure" does (§1).
    """
    raw = form.value("age").strip()
    age = whole_number(raw)
    over = age is None or not 0 <= age <= OVER  # a negative age is no age: doubt
    parts = [form.value(Q14_UPPER)] + ([form.value(Q14_FIRST) or "no"] if over else [])
    for reply in ("yes", "unsure"):
        if reply in parts:
            return reply
    return "no"


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
    _expand_shortcuts(form)
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
    if "Q14" in form.errors and Q14_UPPER in form.values:
        form.errors[Q14_UPPER] = form.errors.pop("Q14").replace(
            item_label("Q14"), item_label(Q14_UPPER)
        )
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
    number = whole_number(raw)
    if number is not None and low <= number <= high:
        data[question.id] = number
    elif not raw:
        form.add_error(question.id, f"{item_label(question.id)}: enter a number.")
    else:
        form.add_error(
            question.id, f"{item_label(question.id)}: enter a whole number from {low} to {high}."
        )


def _body_map(form: FormState, data: dict[str, Any]) -> None:
    """S1 is optional as a whole; once any part is given, every part is needed.

    The figure's lists start at "Nowhere" (0) on every side: a map left at 0 everywhere says
    nothing about where the pain is, so it is not saved as an answer.
    """
    names = [body_map_field(side, part) for side in SIDES for part in BODY_MAP_PARTS]
    given = {name: form.value(name) for name in names if form.value(name)}
    untouched = len(given) == len(names) and all(value == "0" for value in given.values())
    if not given or untouched:
        return
    zones: dict[str, dict[str, int]] = {side: {} for side in SIDES}
    complete = True
    for side in SIDES:
        for part in BODY_MAP_PARTS:
            name = body_map_field(side, part)
            raw = given.get(name, "")
            score = whole_number(raw)
            if score is not None and 0 <= score <= 5:
                zones[side][part] = score
            else:
                complete = False
                form.add_error(name, f"{item_label(name)}: choose a zone from 0 to 5.")
    if complete:
        data["S1"] = zones
