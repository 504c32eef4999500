"""The check-in as an HTML form: field names, choices, and form values -> a diary ``CheckIn``.

Field names: ``leg_pain``/``back_pain`` (0–10), the body map ``left_pain``, ``left_numbness``,
``right_pain``, ``right_numbness`` (zones 0–5, clinical-spec.md §6), ``Q1``…``Q7`` and
``CES_ASSESSED`` (§1), then optional ``moment``, ``activities_impossible``, ``sleep_quality``,
``heat_or_cold``, ``medication``, ``note``; ``day`` and ``client_id`` are hidden. Each problem is
reported next to its field in words, and what was typed is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from sciatica_care.content.triage import triage_content
from sciatica_care.domain import diary
from sciatica_care.domain.body_map import in_both_legs
from sciatica_care.domain.screening import DAILY_ITEMS
from sciatica_care.web.diary.body_map import KIND_LABELS, SIDES
from sciatica_care.web.forms import FormState

REPLIES = (("yes", "Yes"), ("no", "No"), ("unsure", "Not sure"))
MOMENTS = (
    ("morning", "Morning"),
    ("before_session", "Before exercise"),
    ("after_session", "After exercise"),
    ("other", "Another time"),
)
SLEEP = (("good", "Good"), ("fair", "Fair"), ("poor", "Poor"))
HEAT_OR_COLD = (("none", "Neither"), ("heat", "Heat"), ("cold", "Cold"), ("both", "Both"))
PAIN_SCALE = tuple(range(11))
CLIENT_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")

BOTH_LEGS_Q7 = (
    "Your body map shows pain or numbness in both legs. If that is so, answer Yes to this "
    "question (then say whether a doctor has already checked it)."
)


def map_field(side: str, kind: str) -> str:
    return f"{side}_{kind}"


def map_legend(side: str, kind: str) -> str:
    return f"{side.capitalize()} leg: how far down does the {KIND_LABELS[kind]} reach?"


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help: str | None


def daily_questions() -> list[Question]:
    """Q1–Q7 and the CES_ASSESSED follow-up, worded as in ``triage.yaml``."""
    by_id = {q.id: q for q in triage_content().questions}
    return [Question(i, by_id[i].text, by_id[i].help) for i in (*DAILY_ITEMS, "CES_ASSESSED")]


@dataclass(frozen=True)
class ParsedCheckIn:
    form: FormState
    entry: diary.CheckIn | None
    ces_assessed: str | None
    client_id: str | None
    moment_given: bool = True


def _whole(form: FormState, name: str, low: int, high: int, message: str) -> int | None:
    raw = form.value(name).strip()
    if not raw.lstrip("-").isdigit() or not low <= int(raw) <= high:
        form.add_error(name, message)
        return None
    return int(raw)


def _choice(form: FormState, name: str, choices: tuple[tuple[str, str], ...]) -> str | None:
    value = form.value(name)
    if value == "":
        return None
    if value not in dict(choices):
        form.add_error(name, "Choose one of the options.")
        return None
    return value


def read_checkin(form: FormState, today: dt.date) -> ParsedCheckIn:
    """Validate the submitted check-in; ``entry`` is None when ``form.errors`` says why."""
    data: dict[str, Any] = {}
    data["leg_pain"] = _whole(form, "leg_pain", 0, 10, "Choose your leg pain from 0 to 10.")
    data["back_pain"] = _whole(form, "back_pain", 0, 10, "Choose your back pain from 0 to 10.")
    zones: dict[str, dict[str, int]] = {side: {} for side in SIDES}
    for side in SIDES:
        for kind in KIND_LABELS:
            name = map_field(side, kind)
            if form.value(name) == "":
                zones[side][kind] = 0
                continue
            value = _whole(form, name, 0, 5, "Choose one of the places on the list.")
            zones[side][kind] = value or 0
    data["zones"] = zones
    red_flags: dict[str, str] = {}
    for item in DAILY_ITEMS:
        answer = form.value(item)
        if answer not in dict(REPLIES):
            form.add_error(item, f"Answer question {item[1:]}: yes, no or not sure.")
        else:
            red_flags[item] = answer
    data["red_flags"] = red_flags
    # Unanswered follow-up = not assessed (the emergency, §1): an emergency is never held back
    # by one more question.
    ces = form.value("CES_ASSESSED") if form.value("CES_ASSESSED") in dict(REPLIES) else None
    if not any(answer != "no" for answer in red_flags.values()):
        ces = None
    both = in_both_legs(zones)
    if both and red_flags.get("Q7") == "no":
        form.add_error("Q7", BOTH_LEGS_Q7)
    moment = _choice(form, "moment", MOMENTS)
    data["moment"] = moment or "morning"
    data["sleep_quality"] = _choice(form, "sleep_quality", SLEEP)
    data["heat_or_cold"] = _choice(form, "heat_or_cold", HEAT_OR_COLD) or "none"
    data["activities_impossible"] = form.value("activities_impossible") == "yes"
    for name, limit in (("medication", 500), ("note", 2000)):
        text = form.value(name).strip()
        if len(text) > limit:
            form.add_error(name, f"Please keep this under {limit} characters.")
        data[name] = text or None
    day = today
    if form.value("day"):
        try:
            day = dt.date.fromisoformat(form.value("day"))
        except ValueError:
            form.add_error("day", "The date is not right. Reload the page and try again.")
        if day > today + dt.timedelta(days=1):
            form.add_error("day", "The date is in the future.")
    data["day"] = day
    client_id = form.value("client_id") or None
    if client_id is not None and not CLIENT_ID.fullmatch(client_id):
        client_id = None
    if not form.ok:
        return ParsedCheckIn(form, None, None, client_id)
    try:
        entry = diary.CheckIn.model_validate(data)
    except ValidationError as exc:  # every field was checked above; this is a last guard
        for error in exc.errors():
            form.add_error(str(error["loc"][0]), "This value is not right.")
        return ParsedCheckIn(form, None, None, client_id)
    return ParsedCheckIn(form, entry, ces, client_id, moment_given=moment is not None)
