"""The check-in as an HTML form: field names, choices, and form values -> a diary ``CheckIn``.

Field names: ``leg_pain``/``back_pain`` (0–10), the body map ``left_pain``, ``left_numbness``,
``right_pain``, ``right_numbness`` (zones 0–5, clinical-spec.md §6), ``Q1``…``Q7`` and
``CES_ASSESSED`` (§1), or the grouped ``daily_any`` (§9 ruling 11: "Any of these today?") with
the items answered after a yes; ``map_same`` ("same as yesterday": the server copies the last
map, ``map_offered`` says the page asked), then optional ``moment``, ``activities_impossible``, ``sleep_quality``,
``heat_or_cold``, ``medication``, ``note``; ``day`` and ``client_id`` are hidden. Each problem is
reported next to its field in words, and what was typed is kept. The page draws its groups of
radio buttons through ``KeptGroups``: each drawn once per answer and kept (issue 12, "Speed").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markupsafe import Markup
from pydantic import ValidationError

from sciatica_care.content.triage import triage_content
from sciatica_care.domain import diary
from sciatica_care.domain.body_map import in_both_legs
from sciatica_care.domain.screening import DAILY_ITEMS
from sciatica_care.services.checkins import PreviousMap, grouped_daily_answers
from sciatica_care.web.diary.body_map import KIND_LABELS, SIDES, Figure
from sciatica_care.web.forms import FormState, whole_number

REPLIES = (("yes", "Yes"), ("no", "No"), ("unsure", "Not sure"))
ANY_OF_THESE = (("no", "No, none of these"), ("yes", "Yes, or not sure"))
"""The grouped Q1–Q7 question (clinical-spec.md §9 ruling 11); "not sure" counts as yes (§1)."""
SAME_MAP = (("yes", "Same as yesterday"), ("no", "It has changed"))
SAME_MAP_TODAY = (("yes", "Same as earlier today"), ("no", "It has changed"))
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
BOTH_LEGS_GROUP = (
    "Your body map shows pain or numbness in both legs. If that is so, answer Yes here, then "
    "Yes to the question about both legs."
)
NO_PREVIOUS_MAP = (
    "There is no check-in from yesterday to copy. Choose “It has changed” and mark where you "
    "feel it."
)


ZONE_SHORT = {
    0: "nowhere",
    1: "middle of low back",
    2: "back or buttock",
    3: "thigh",
    4: "knee or calf",
    5: "ankle or foot",
}
"""§6 zones in the fewest words, for the one-line summary of yesterday's map."""


def map_field(side: str, kind: str) -> str:
    return f"{side}_{kind}"


def map_legend(side: str, kind: str) -> str:
    return f"{side.capitalize()} leg: how far down does the {KIND_LABELS[kind]} reach?"


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help: str | None
    topic: str | None = None
    """The few words the grouped question lists (``triage.yaml`` ``topic``)."""


def daily_questions() -> list[Question]:
    """Q1–Q7 and the CES_ASSESSED follow-up, worded as in ``triage.yaml``."""
    by_id = {q.id: q for q in triage_content().questions}
    return [
        Question(i, by_id[i].text, by_id[i].help, by_id[i].topic)
        for i in (*DAILY_ITEMS, "CES_ASSESSED")
    ]


@lru_cache(maxsize=1)
def daily_topics() -> str:
    """The daily questions' topics in one line ("bladder or bowel; numbness in the saddle..."),
    as the grouped question lists them; made once, from ``triage.yaml``."""
    topics = "; ".join(q.topic for q in daily_questions() if q.topic)
    return topics.capitalize()


def map_summary(previous: PreviousMap) -> str:
    """The copied map in few words: "left leg: pain to knee or calf; right leg: nothing"."""
    short = {kind: "pain" if kind == "pain" else "numbness" for kind in KIND_LABELS}
    parts = []
    for side in SIDES:
        leg = previous.zones.side(side)
        found = [
            f"{short[kind]} to {ZONE_SHORT[zone]}"
            for kind, zone in (("pain", leg.pain), ("numbness", leg.numbness))
            if zone
        ]
        parts.append(f"{side} leg: {', '.join(found) if found else 'nothing'}")
    return "; ".join(parts)


def map_marks(previous: PreviousMap) -> tuple[tuple[str, str, int], ...]:
    """(side, kind, zone) of each list of the copied map: the page hands them to checkin.js."""
    return tuple(
        (side, kind, getattr(previous.zones.side(side), kind))
        for side in SIDES
        for kind in KIND_LABELS
    )


@dataclass(frozen=True)
class ParsedCheckIn:
    form: FormState
    entry: diary.CheckIn | None
    ces_assessed: str | None
    client_id: str | None
    moment_given: bool = True


def _whole(form: FormState, name: str, low: int, high: int, message: str) -> int | None:
    raw = form.value(name).strip()
    number = whole_number(raw)
    if number is None or not low <= number <= high:
        form.add_error(name, message)
        return None
    return number


def _choice(form: FormState, name: str, choices: tuple[tuple[str, str], ...]) -> str | None:
    value = form.value(name)
    if value == "":
        return None
    if value not in dict(choices):
        form.add_error(name, "Choose one of the options.")
        return None
    return value


def _zones(form: FormState, previous: PreviousMap | None) -> dict[str, dict[str, int]]:
    """The body map: yesterday's copied on the server for "same as yesterday", else the fields."""
    same = form.value("map_same")
    if same == "yes":
        if previous is None:
            form.add_error("map_same", NO_PREVIOUS_MAP)
        else:
            return {side: previous.zones.side(side).model_dump() for side in SIDES}
    elif same == "" and previous is not None and form.value("map_offered") == "yes":
        form.add_error("map_same", "Choose “Same as yesterday”, or “It has changed”.")
    zones: dict[str, dict[str, int]] = {side: {} for side in SIDES}
    for side in SIDES:
        for kind in KIND_LABELS:
            name = map_field(side, kind)
            if form.value(name) == "":
                zones[side][kind] = 0
                continue
            value = _whole(form, name, 0, 5, "Choose one of the places on the list.")
            zones[side][kind] = value or 0
    return zones


def _red_flags(form: FormState, both_legs: bool) -> dict[str, str]:
    """Q1–Q7: from the grouped question when the page asked it, else each item (older pages,
    the parity tests). Every problem is named at its field; nothing unanswered is guessed."""
    details: dict[str, str] = {}
    for item in DAILY_ITEMS:
        answer = form.value(item)
        if answer in dict(REPLIES):
            details[item] = answer
        elif answer:
            form.add_error(item, f"Answer question {item[1:]}: yes, no or not sure.")
    grouped = form.value("daily_any")
    if grouped in dict(ANY_OF_THESE):
        return grouped_daily_answers(grouped, details, both_legs_on_map=both_legs)
    if grouped or not details:
        form.add_error("daily_any", "Answer this question: no, or yes (or not sure).")
        return details
    for item in DAILY_ITEMS:
        if item not in details and item not in form.errors:
            form.add_error(item, f"Answer question {item[1:]}: yes, no or not sure.")
    return details


def read_checkin(
    form: FormState, today: dt.date, previous: PreviousMap | None = None
) -> ParsedCheckIn:
    """Validate the submitted check-in; ``entry`` is None when ``form.errors`` says why.

    ``previous`` is the map "same as yesterday" copies (``services.checkins.previous_map``).
    """
    data: dict[str, Any] = {}
    data["leg_pain"] = _whole(form, "leg_pain", 0, 10, "Choose your leg pain from 0 to 10.")
    data["back_pain"] = _whole(form, "back_pain", 0, 10, "Choose your back pain from 0 to 10.")
    zones = _zones(form, previous)
    data["zones"] = zones
    both = in_both_legs(zones)
    red_flags = _red_flags(form, both)
    data["red_flags"] = red_flags
    # Unanswered follow-up = not assessed (the emergency, §1): an emergency is never held back
    # by one more question.
    ces = form.value("CES_ASSESSED") if form.value("CES_ASSESSED") in dict(REPLIES) else None
    if not any(answer != "no" for answer in red_flags.values()):
        ces = None
    if both and red_flags.get("Q7") == "no":
        if form.value("daily_any") == "no" and not form.value("Q7"):
            form.add_error("daily_any", BOTH_LEGS_GROUP)
        else:
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


# -- the form's groups, drawn once per answer ------------------------------------------------------

KEPT_GROUPS = 512
"""Group drawings kept (2–10 KB each): every group of a fresh form, of a re-shown one and of the
body maps people usually carry from yesterday."""

Field = tuple[str, str, str | None]
"""A field as a group's macro reads it: name, value, error."""


class KeptGroups:
    """The check-in's groups of radio buttons, each drawn by its macro in ``checkin/macros.html``
    once per answer and kept: ``kept.scale(form, ...)`` is ``diary.scale(form, ...)``.

    The form draws about 90 radio buttons, the same for everyone who gives the same answers, and
    drawing them was most of the page's time (issue 12, "Speed"). A group's HTML depends only on
    its arguments and on its own fields' value and error (the macros read nothing else of the
    form), so it is kept under exactly those; errors are this module's own sentences. Only
    answers the group offers are kept (anything else is drawn and not kept), so whatever is
    posted cannot grow the cache. ``macros`` is the template's module: a reloaded template is a
    new module, so nothing stale is shown.
    """

    def __init__(self, macros: Any) -> None:
        self._macros = macros

    def scale(
        self, form: FormState, name: str, legend: str, low: int, high: int, **extra: Any
    ) -> Markup:
        args = (name, legend, low, high)
        return self._draw("scale", form, args, extra, (name,), _scale_answers(low, high))

    def choices(
        self,
        form: FormState,
        name: str,
        legend: str,
        options: tuple[tuple[str, str], ...],
        **extra: Any,
    ) -> Markup:
        args = (name, legend, options)
        return self._draw("choices", form, args, extra, (name,), _answers(options))

    def body_map(
        self,
        form: FormState,
        figures: tuple[Figure, ...],
        sides: tuple[str, ...],
        kinds: tuple[str, ...],
        zone_choices: tuple[tuple[int, str], ...],
        map_field: Callable[[str, str], str],
        map_legend: Callable[[str, str], str],
    ) -> Markup:
        args = (figures, sides, kinds, zone_choices, map_field, map_legend)
        names = tuple(map_field(side, kind) for side in sides for kind in kinds)
        return self._draw("body_map", form, args, {}, names, _answers(zone_choices))

    def _draw(
        self,
        macro: str,
        form: FormState,
        args: tuple[Any, ...],
        extra: dict[str, Any],
        names: tuple[str, ...],
        answers: frozenset[str],
    ) -> Markup:
        fields = tuple((name, form.value(name), form.errors.get(name)) for name in names)
        if any(value not in answers for _, value, _ in fields):
            return Markup(getattr(self._macros, macro)(form, *args, **extra))
        return kept_drawing(self._macros, macro, args, tuple(sorted(extra.items())), fields)


@lru_cache(maxsize=64)
def _answers(options: tuple[tuple[object, str], ...]) -> frozenset[str]:
    """The answers a group of ``(value, words)`` options offers, and no answer ("")."""
    return frozenset(("", *(str(value) for value, _ in options)))


@lru_cache(maxsize=16)
def _scale_answers(low: int, high: int) -> frozenset[str]:
    return frozenset(("", *(str(n) for n in range(low, high + 1))))


@lru_cache(maxsize=KEPT_GROUPS)
def kept_drawing(
    macros: Any,
    macro: str,
    args: tuple[Any, ...],
    extra: tuple[tuple[str, Any], ...],
    fields: tuple[Field, ...],
) -> Markup:
    """One group drawn by ``macro`` for a form holding just its own ``fields`` (``cache_info()``
    tells how many are kept)."""
    form = FormState(
        values={name: value for name, value, _ in fields if value},
        errors={name: error for name, _, error in fields if error},
    )
    return Markup(getattr(macros, macro)(form, *args, **dict(extra)))
