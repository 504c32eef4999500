"""The red-flag screen and the sciatica pattern (clinical-spec.md §1, §2, §8.1, §8.2).

Pure evaluation of the data in ``content/triage.yaml``: answers in, a ``ScreeningResult`` out.
Red flags are never scored or weighted (§1: single flags predict poorly); any "yes" raises its
action, combination rules may raise it further, and the highest action wins. "Unsure" counts as
"yes" so that doubt always points toward care. The one rule that lowers an action is the §1
"already assessed by a doctor and unchanged" answer (``CES_ASSESSED``; "unsure" is "no" there, §9
ruling 1), and it only ever lowers the cauda equina items answered yes, never below
``URGENT_24_48H``. Symptoms in both legs on the body map count as Q7 = yes in every rule (§9 ruling
2), but are lowered only when Q7 itself was answered yes and assessed.

Three screens share the rules, over fewer items: the full screen (§1 + §2), the daily check-in
(Q1–Q7, §1) and the re-check after a RED session stop (Q1–Q10, §9 ruling 5). ``screen_so_far``
gives the result of the answers given so far, so an interface can show an emergency at once.

The pattern (§2) is reported as a pattern, never as a finding: only a clinician can confirm it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sciatica_care.content.triage import (
    Action,
    ActionMessage,
    Condition,
    Question,
    Triage,
    triage_content,
)
from sciatica_care.domain.body_map import KINDS, SIDES, BodyMap, LegZones, in_both_legs

LEG_DOMINANT_MIN = 1
"""clinical-spec.md §2: LEG_DOMINANT needs leg pain of at least 1 and at least the back pain."""
DAILY_ITEMS = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7")
"""clinical-spec.md §1: the cauda equina items are asked again at every daily check-in."""
RECHECK_ITEMS = (*DAILY_ITEMS, "CES_ASSESSED", "Q8", "Q8a", "Q9", "Q10")
"""§9 ruling 5: after a RED session stop, Q1–Q10 (with their follow-ups) before the next session."""

_RANGES = {"age": (0, 120), "S2_leg": (0, 10), "S2_back": (0, 10), "S1": (0, 5)}


class ScreeningError(ValueError):
    """Answers that cannot be screened; the message names each bad item (``items`` lists them,
    ``problems`` pairs each with why)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        self.items = tuple(item for item, _ in problems)
        grouped: dict[str, list[str]] = {}
        for item, why in problems:
            grouped.setdefault(why, []).append(item)
        super().__init__("; ".join(f"{', '.join(items)}: {why}" for why, items in grouped.items()))


class Reply(StrEnum):
    """A yes/no answer of §8.1; "unsure" counts as yes (§1)."""

    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


class Pattern(StrEnum):
    """The §2 pattern: what the answers look like, not what causes the pain."""

    PATTERN_SCIATICA = "PATTERN_SCIATICA"
    PATTERN_POSSIBLE = "PATTERN_POSSIBLE"
    PATTERN_BACK_DOMINANT = "PATTERN_BACK_DOMINANT"


Nprs = Annotated[int, Field(strict=True, ge=0, le=10)]


class _Strict(BaseModel):
    # Schemas are built on first use, not at import: every command imports these (start-up).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class DailyAnswers(_Strict):
    """The daily check-in (§1): Q1–Q7, and CES_ASSESSED when any of them is yes."""

    Q1: Reply
    Q2: Reply
    Q3: Reply
    Q4: Reply
    Q5: Reply
    Q6: Reply
    Q7: Reply
    CES_ASSESSED: Reply = Reply.NO


class RecheckAnswers(DailyAnswers):
    """The re-check after a RED session stop (§9 ruling 5): Q1–Q10, Q8a and CES_ASSESSED."""

    Q8: Reply
    Q8a: Reply = Reply.NO
    Q9: Reply
    Q10: Reply


class Answers(RecheckAnswers):
    """The full screen in the machine format of §8.1. Unknown items are refused, nothing guessed."""

    Q11: Reply
    Q12: Reply
    Q13: Reply
    Q14: Reply
    Q15: Reply
    Q16: Reply
    Q17: Reply
    Q18: Reply
    Q19: Reply
    Q20: Reply
    age: Annotated[int, Field(strict=True, ge=0, le=120)]
    S1: BodyMap | None = None
    S2_leg: Nprs
    S2_back: Nprs
    S3: Reply
    S4: Reply
    S5: Reply
    S6: Reply


class Reason(_Strict):
    """One item that raised an action, with the sentence that names the answer."""

    item: str
    action: Action
    text: str


class DailyResult(_Strict):
    """A red-flag result without a pattern (§8.2 shape minus ``pattern``): the daily check-in, the
    re-check after a RED stop, or a screen stopped early at an emergency (``screen_so_far``),
    where the pattern was not asked."""

    action: Action
    reasons: list[Reason]
    content_version: str

    @property
    def top_reason(self) -> Reason | None:
        return self.reasons[0] if self.reasons else None


class ScreeningResult(_Strict):
    """The §8.2 result: ``model_dump()`` is exactly the §8.2 JSON; ``pattern_text`` is shown."""

    action: Action
    pattern: Pattern
    reasons: list[Reason]
    content_version: str
    pattern_text: str = Field(default="", exclude=True)

    @property
    def top_reason(self) -> Reason | None:
        """The reason shown first (and alone, on an emergency screen): the highest action."""
        return self.reasons[0] if self.reasons else None


# --- parsing -------------------------------------------------------------------------------------


def parse_answers(data: object) -> Answers:
    """Validate §8.1 answers; a ``ScreeningError`` names every missing, unknown or bad item."""
    return _parse(Answers, data)


def parse_daily_answers(data: object) -> DailyAnswers:
    """Validate daily check-in answers (Q1–Q7, optional CES_ASSESSED)."""
    return _parse(DailyAnswers, data)


def parse_recheck_answers(data: object) -> RecheckAnswers:
    """Validate the re-check after a RED stop (Q1–Q10, optional Q8a and CES_ASSESSED)."""
    return _parse(RecheckAnswers, data)


def parse_answers_so_far(data: object) -> dict[str, Any]:
    """The answers given so far of a screen stopped early: every given item is checked as in
    ``parse_answers`` (unknown or bad items are named), missing items are allowed."""
    problems = _problems(Answers, data, allow_missing=True)
    if problems:
        raise ScreeningError(problems)
    assert isinstance(data, Mapping)
    return dict(data)


ModelT = TypeVar("ModelT", bound=DailyAnswers)


def _parse(model: type[ModelT], data: object) -> ModelT:
    if isinstance(data, model):
        return data
    problems = _problems(model, data)
    if problems:
        raise ScreeningError(problems)
    assert isinstance(data, Mapping)
    return model.model_validate(dict(data))


def _problems(
    model: type[DailyAnswers], data: object, allow_missing: bool = False
) -> list[tuple[str, str]]:
    if not isinstance(data, Mapping):
        return [("answers", 'must be an object keyed by item id, like {"Q1": "no"}')]
    problems: list[tuple[str, str]] = []
    try:
        model.model_validate(dict(data))
    except ValidationError as exc:
        problems = [
            _problem(err)
            for err in exc.errors()
            if not (allow_missing and err["type"] == "missing" and len(err["loc"]) == 1)
        ]
    if "S1" in model.model_fields:
        problems += _body_map_gaps(data.get("S1"))
    return problems


def _body_map_gaps(body_map: object) -> list[tuple[str, str]]:
    """§8.1: a body map names both legs, pain and numbness; a missing zone is not guessed as 0."""
    if not isinstance(body_map, Mapping):
        return []
    gaps: list[tuple[str, str]] = []
    for side in SIDES:
        zones = body_map.get(side)
        if zones is None:
            gaps.append((f"S1.{side}", "missing"))
        elif isinstance(zones, Mapping):
            gaps += [(f"S1.{side}.{kind}", "missing") for kind in KINDS if kind not in zones]
    return gaps


def _problem(error: Any) -> tuple[str, str]:
    loc = [str(part) for part in error["loc"]]
    item = ".".join(loc) or "answers"
    got = error.get("input")
    kind = error["type"]
    if kind == "missing" and len(loc) > 1:
        return item, "missing"
    if kind == "missing":
        return item, "missing (every item except Q8a, CES_ASSESSED and S1 is required)"
    if kind == "extra_forbidden":
        return item, "unknown item"
    if kind == "enum":
        return item, f"must be 'yes', 'no' or 'unsure' (got {got!r})"
    if loc and loc[0] in _RANGES and kind not in ("model_type", "model_attributes_type"):
        low, high = _RANGES[loc[0]]
        return item, f"must be a whole number from {low} to {high} (got {got!r})"
    return item, str(error["msg"])


# --- evaluation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    """The answers as the rules see them.

    ``answered``: the items answered yes ("unsure" counting as yes where it does); ``yes``: what
    the combination rules see, which adds Q7 when the body map shows both legs (§9 ruling 2).
    """

    answered: frozenset[str]
    unsure: frozenset[str]
    age: int | None
    both_legs: bool
    yes: frozenset[str]


def _facts(values: Mapping[str, object], triage: Triage) -> _Facts:
    """The facts of answers given as item → value: parsed models or raw §8.1 values (an unknown
    item or an unreadable value counts as not answered, so as "no")."""
    ids = {question.id for question in triage.questions}
    answered = frozenset(
        item
        for item, value in values.items()
        if item in ids and _counts_as_yes(item, value, triage)
    )
    unsure = frozenset(item for item in answered if values[item] == Reply.UNSURE)
    age = values.get("age")
    both_legs = in_both_legs(values.get(triage.both_legs.item))
    yes = answered | {triage.both_legs.counts_as} if both_legs else answered
    return _Facts(
        answered=answered,
        unsure=unsure,
        age=age if isinstance(age, int) and not isinstance(age, bool) else None,
        both_legs=both_legs,
        yes=yes,
    )


def _holds(condition: Condition, yes: frozenset[str], age: int | None = None) -> bool:
    return (
        all(item in yes for item in condition.all_yes)
        and (not condition.any_yes or any(item in yes for item in condition.any_yes))
        and (condition.age_over is None or (age is not None and age > condition.age_over))
    )


def _reasons(facts: _Facts, triage: Triage, items: Collection[str]) -> list[Reason]:
    """§1 in order: each yes raises its action, the body map in both legs raises Q7's (§9 ruling
    2), rules raise further, CES_ASSESSED lowers the Q1–Q7 items answered yes."""
    raised: dict[str, Reason] = {}
    for question in triage.questions:
        if (
            question.id in items
            and question.id in facts.answered
            and question.action
            and question.reason
        ):
            raised[question.id] = Reason(
                item=question.id, action=question.action, text=question.reason
            )
    both_legs = triage.both_legs
    counted = triage.question(both_legs.counts_as).action
    if both_legs.item in items and facts.both_legs and counted is not None:
        raised[both_legs.item] = Reason(item=both_legs.item, action=counted, text=both_legs.reason)
    for rule in triage.rules:
        if rule.item not in items or not _holds(rule.when, facts.yes, facts.age):
            continue
        current = raised.get(rule.item)
        if current is None or rule.action > current.action:
            raised[rule.item] = Reason(item=rule.item, action=rule.action, text=rule.reason)
    assessed = triage.assessed
    if assessed.flag in facts.answered:
        lowered = [item for item in assessed.items if item in facts.answered]
        if both_legs.counts_as in lowered:
            lowered.append(both_legs.item)
        for item in lowered:
            current = raised.get(item)
            if current is not None and current.action > assessed.action:
                text = f"{current.text} {assessed.reason_suffix}"
                raised[item] = Reason(item=item, action=assessed.action, text=text)
    order = {q.id: index for index, q in enumerate(triage.questions)}
    reasons = sorted(raised.values(), key=lambda r: (-r.action.rank, order[r.item]))
    return [
        r.model_copy(update={"text": f"{r.text} {triage.unsure_note}"})
        if r.item in facts.unsure
        else r
        for r in reasons
    ]


def should_ask(question: Question, replies: Mapping[str, object], triage: Triage) -> bool:
    """Whether to ask ``question`` given the answers so far (Q8a only after a yes to Q8, §1;
    CES_ASSESSED only after a yes to any of Q1–Q7). Unanswered items count as "no"."""
    if question.asked_if is None:
        return True
    return _holds(question.asked_if, _facts(replies, triage).answered)


def assessed_topics(replies: Mapping[str, object], triage: Triage | None = None) -> list[str]:
    """What the "already checked by a doctor" follow-up names (§9 ruling 1): the topic of each
    Q1–Q7 item answered yes, in question order."""
    triage = triage or triage_content()
    answered = _facts(replies, triage).answered
    return [
        triage.question(item).topic or item for item in triage.assessed.items if item in answered
    ]


def ask_again(question: Question, replies: Mapping[str, object], triage: Triage) -> Question | None:
    """The earlier question to ask once more after ``question`` (§9 ruling 3: a yes to S5, leg
    weakness, after a "no" to Q8 asks Q8 again), or None."""
    if question.asks_again is None or question.id not in _facts(replies, triage).answered:
        return None
    if replies.get(question.asks_again) != Reply.NO:
        return None
    return triage.question(question.asks_again)


def _counts_as_yes(item: str, value: object, triage: Triage) -> bool:
    """§1: "unsure" counts as "yes", except where the question says otherwise (CES_ASSESSED)."""
    if value == Reply.YES:
        return True
    return value == Reply.UNSURE and triage.question(item).unsure_counts_as_yes


def _highest(reasons: list[Reason]) -> Action:
    return max((r.action for r in reasons), default=Action.SELF_CARE)


def sciatica_pattern(answers: Answers, triage: Triage | None = None) -> tuple[Pattern, str]:
    """The §2 pattern and the sentence that explains it, naming the answers that shaped it.

    LEG_DOMINANT = leg NPRS ≥ 1 and ≥ back NPRS. PATTERN_SCIATICA = S3 and (LEG_DOMINANT or S4);
    PATTERN_POSSIBLE = any of S3, LEG_DOMINANT, S4; otherwise PATTERN_BACK_DOMINANT. S6 only adds
    supporting text.
    """
    triage = triage or triage_content()
    facts = _facts(dict(answers), triage)
    texts = triage.pattern
    below_knee = "S3" in facts.answered
    numbness = "S4" in facts.answered
    leg, back = answers.S2_leg, answers.S2_back
    leg_dominant = leg >= LEG_DOMINANT_MIN and leg >= back
    features = []
    if below_knee:
        features.append(texts.features["S3"])
    if leg_dominant:
        features.append(texts.features["LEG_WORSE" if leg > back else "LEG_EQUAL"])
    if numbness:
        features.append(texts.features["S4"])
    if below_knee and (leg_dominant or numbness):
        pattern = Pattern.PATTERN_SCIATICA
    elif features:
        pattern = Pattern.PATTERN_POSSIBLE
    else:
        pattern = Pattern.PATTERN_BACK_DOMINANT
    text = texts.messages[pattern.value].format(features=", ".join(features))
    if pattern is not Pattern.PATTERN_BACK_DOMINANT and "S6" in facts.answered:
        text = f"{text} {texts.supporting['S6']}"
    return pattern, text


def screen(answers: Answers | Mapping[str, Any], triage: Triage | None = None) -> ScreeningResult:
    """The full screen (§1 + §2) → the §8.2 result. Raises ``ScreeningError`` on bad answers."""
    triage = triage or triage_content()
    parsed = parse_answers(answers)
    reasons = _reasons(_facts(dict(parsed), triage), triage, {q.id for q in triage.questions})
    pattern, pattern_text = sciatica_pattern(parsed, triage)
    return ScreeningResult(
        action=_highest(reasons),
        pattern=pattern,
        reasons=reasons,
        content_version=triage.content_version,
        pattern_text=pattern_text,
    )


def _red_flags(answers: DailyAnswers, items: Collection[str], triage: Triage) -> DailyResult:
    reasons = _reasons(_facts(dict(answers), triage), triage, items)
    return DailyResult(
        action=_highest(reasons), reasons=reasons, content_version=triage.content_version
    )


def screen_daily(
    answers: DailyAnswers | Mapping[str, Any], triage: Triage | None = None
) -> DailyResult:
    """The daily check-in (§1: Q1–Q7 every day, with CES_ASSESSED): same rules, fewer items."""
    triage = triage or triage_content()
    return _red_flags(parse_daily_answers(answers), {*DAILY_ITEMS, triage.assessed.flag}, triage)


def screen_recheck(
    answers: RecheckAnswers | Mapping[str, Any], triage: Triage | None = None
) -> DailyResult:
    """The safety questions after a RED session stop (§9 ruling 5: Q1–Q10 with Q8a and
    CES_ASSESSED): the same rules as the full screen, restricted to those items."""
    triage = triage or triage_content()
    return _red_flags(parse_recheck_answers(answers), RECHECK_ITEMS, triage)


def screen_so_far(replies: Mapping[str, object], triage: Triage | None = None) -> DailyResult:
    """The red-flag result of the answers given so far, so that an emergency can be shown the
    moment its answer is given, before the rest of the questions (clinical-spec.md §1, §7.2).

    The same rules as ``screen``, over raw §8.1 values; unanswered (or unreadable) items count as
    "no". Every rule only raises an action on a "yes", so more answers can only raise this action,
    never lower it, with one exception fixed by §1: a later "yes" to CES_ASSESSED lowers the
    cauda equina items answered yes, and with them the body map in both legs when Q7 is one of
    them (§9 ruling 2). A lock from such a screen is lifted by the §9 ruling 1 acknowledgement.
    """
    triage = triage or triage_content()
    reasons = _reasons(_facts(replies, triage), triage, {q.id for q in triage.questions})
    return DailyResult(
        action=_highest(reasons), reasons=reasons, content_version=triage.content_version
    )


# --- what the other layers show and enforce ------------------------------------------------------


def action_message(action: Action, triage: Triage | None = None) -> ActionMessage:
    """The headline, what to do and by when for ``action`` (§7.2: the action comes first)."""
    return (triage or triage_content()).actions[action]


def locks_program(action: Action) -> bool:
    """§1/§7.2: an emergency screen hides exercise content until it is acknowledged and the
    person says a doctor has assessed them (the store records both)."""
    return action is Action.EMERGENCY_NOW


def unlock_question(triage: Triage | None = None) -> str:
    """§9 ruling 1: the question that lifts an emergency lock, in the words of the "already
    checked" follow-up, so that a bare "a doctor checked me" never unlocks a symptom that is worse
    or different since."""
    triage = triage or triage_content()
    return triage.question(triage.assessed.flag).text


def pauses_progression(action: Action) -> bool:
    """clinical-spec.md action codes: URGENT_24_48H pauses progression; an emergency locks the
    program, which pauses it too."""
    return action >= Action.URGENT_24_48H


__all__ = [
    "DAILY_ITEMS",
    "RECHECK_ITEMS",
    "Action",
    "Answers",
    "BodyMap",
    "DailyAnswers",
    "DailyResult",
    "LegZones",
    "Pattern",
    "Reason",
    "RecheckAnswers",
    "Reply",
    "ScreeningError",
    "ScreeningResult",
    "action_message",
    "ask_again",
    "assessed_topics",
    "locks_program",
    "parse_answers",
    "parse_answers_so_far",
    "parse_daily_answers",
    "parse_recheck_answers",
    "pauses_progression",
    "sciatica_pattern",
    "screen",
    "screen_daily",
    "screen_recheck",
    "screen_so_far",
    "should_ask",
    "unlock_question",
]
