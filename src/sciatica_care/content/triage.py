"""The red-flag screen and pattern questions as data (clinical-spec.md §1, §2, §7): ``triage.yaml``.

The questions, what each "yes" raises, the combination rules and every text a person reads live in
the YAML file so that a clinician can review them without reading Python. This module only checks
that the file is complete and consistent (every id a rule names exists, every action has its text);
``domain/screening.py`` evaluates it.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sciatica_care.content.errors import ContentError
from sciatica_care.content.files import CONTENT_DIR, load_model

TRIAGE_FILE = CONTENT_DIR / "triage.yaml"


class Frozen(BaseModel):
    # Schemas are built on first use, not at import: every command imports these (start-up).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Action(StrEnum):
    """What the person should do (clinical-spec.md action codes), ordered by urgency.

    A ``StrEnum`` so that results serialise as the bare codes of §8.2; comparison is by urgency
    (SELF_CARE < ROUTINE < URGENT_24_48H < EMERGENCY_NOW), not alphabetical, so ``max()`` gives the
    action that wins ("highest code wins", §1).
    """

    SELF_CARE = "SELF_CARE"
    ROUTINE = "ROUTINE"
    URGENT_24_48H = "URGENT_24_48H"
    EMERGENCY_NOW = "EMERGENCY_NOW"

    @property
    def rank(self) -> int:
        return _ACTION_ORDER.index(self)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Action):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Action):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Action):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Action):
            return NotImplemented
        return self.rank >= other.rank


_ACTION_ORDER = list(Action)


class QuestionKind(StrEnum):
    """How a question is answered: yes/no/unsure, a whole number, or the body-map zones (§6)."""

    YES_NO = "yes_no"
    NUMBER = "number"
    ZONE = "zone"


class Condition(Frozen):
    """When a rule holds: every part given must be true (an empty condition is refused).

    ``all_yes``: each listed item is answered yes; ``any_yes``: at least one is; ``age_over``: the
    age is above this number. Symptoms in both legs on the body map count as a yes to the item
    named by ``Triage.both_legs`` (Q7) in every condition (§9 ruling 2).
    """

    all_yes: tuple[str, ...] = ()
    any_yes: tuple[str, ...] = ()
    age_over: Annotated[int, Field(ge=0, le=120)] | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if not (self.all_yes or self.any_yes or self.age_over is not None):
            raise ValueError("a condition needs at least one of all_yes, any_yes, age_over")
        return self

    def items(self) -> tuple[str, ...]:
        return self.all_yes + self.any_yes


class Question(Frozen):
    """One question, in plain words, with what a "yes" to it raises on its own."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
    section: str
    kind: QuestionKind
    text: str
    help: str | None = None
    optional: bool = False
    asked_if: Condition | None = None
    min: int | None = None
    max: int | None = None
    action: Action | None = None
    reason: str | None = None
    unsure_counts_as_yes: bool = True
    topic: str | None = None
    """What a yes to this question was about, in a few words, for a follow-up that names it."""
    asks_again: str | None = None
    """A question asked earlier to ask once more when this one is yes and it was "no"."""
    asks_again_note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        if (self.action is None) != (self.reason is None):
            raise ValueError("action and reason go together")
        if self.action is not None and self.kind is not QuestionKind.YES_NO:
            raise ValueError("only a yes/no question can raise an action by itself")
        if self.kind is QuestionKind.NUMBER and (self.min is None or self.max is None):
            raise ValueError("a number question needs min and max")
        if (self.asks_again is None) != (self.asks_again_note is None):
            raise ValueError("asks_again and asks_again_note go together")
        return self


class Rule(Frozen):
    """A combination rule (§1): when ``when`` holds, ``item`` raises ``action`` (if higher)."""

    id: str
    item: str
    action: Action
    when: Condition
    reason: str


class Assessed(Frozen):
    """§1: symptoms already assessed by a doctor and unchanged lower these items to ``action``."""

    flag: str
    items: tuple[str, ...]
    action: Action
    reason_suffix: str


class BothLegs(Frozen):
    """§2, §9 ruling 2: the body map ``item`` in both legs counts as a yes to ``counts_as``."""

    item: str
    counts_as: str
    reason: str


class ActionMessage(Frozen):
    """What a person reads for an action (§7.2): the action first, then by when, then how."""

    headline: str
    by_when: str
    what_to_do: Annotated[list[str], Field(min_length=1)]


class Section(Frozen):
    id: str
    intro: str


class PatternTexts(Frozen):
    """§2 pattern output: feature names, supporting text and one message per pattern."""

    features: dict[str, str]
    supporting: dict[str, str]
    messages: dict[str, str]

    @model_validator(mode="after")
    def _complete(self) -> PatternTexts:
        missing = {"S3", "LEG_WORSE", "LEG_EQUAL", "S4"} - set(self.features)
        if missing:
            raise ValueError(f"pattern features missing: {', '.join(sorted(missing))}")
        patterns = {"PATTERN_SCIATICA", "PATTERN_POSSIBLE", "PATTERN_BACK_DOMINANT"}
        if set(self.messages) != patterns:
            raise ValueError(f"pattern messages must be exactly {', '.join(sorted(patterns))}")
        return self


class Triage(Frozen):
    """The whole screen: questions in the order they are asked, rules, and every text shown."""

    version: Annotated[str, Field(min_length=1, max_length=32)]
    footer: str
    unsure_note: str
    lock_notice: str
    reassurance: str
    actions: dict[Action, ActionMessage]
    sections: list[Section]
    zones: Annotated[list[str], Field(min_length=6, max_length=6)]
    questions: list[Question]
    rules: list[Rule]
    both_legs: BothLegs
    assessed: Assessed
    pattern: PatternTexts

    @model_validator(mode="after")
    def _references_exist(self) -> Triage:
        ids = [q.id for q in self.questions]
        if len(ids) != len(set(ids)):
            raise ValueError("question ids must be unique")
        known = set(ids)
        sections = {s.id for s in self.sections}
        if missing_actions := set(Action) - set(self.actions):
            raise ValueError(f"actions missing text: {', '.join(sorted(missing_actions))}")
        for question in self.questions:
            if question.section not in sections:
                raise ValueError(f"{question.id}: unknown section '{question.section}'")
            if question.asked_if:
                _check_known(question.asked_if.items(), known, f"{question.id}.asked_if")
        for rule in self.rules:
            _check_known((rule.item, *rule.when.items()), known, f"rule {rule.id}")
        _check_known((self.assessed.flag, *self.assessed.items), known, "assessed")
        for item in self.assessed.items:
            if not self.question(item).topic:
                raise ValueError(f"assessed: {item} needs a topic (the follow-up names it)")
        _check_known((self.both_legs.item, self.both_legs.counts_as), known, "both_legs")
        if self.question(self.both_legs.item).kind is not QuestionKind.ZONE:
            raise ValueError(f"both_legs: {self.both_legs.item} is not the body map")
        if self.question(self.both_legs.counts_as).action is None:
            raise ValueError(f"both_legs: {self.both_legs.counts_as} raises no action")
        for question in self.questions:
            if question.asks_again is None:
                continue
            _check_known((question.asks_again,), known, f"{question.id}.asks_again")
            if ids.index(question.asks_again) > ids.index(question.id):
                raise ValueError(f"{question.id}.asks_again: {question.asks_again} comes later")
        return self

    def question(self, item: str) -> Question:
        for question in self.questions:
            if question.id == item:
                return question
        raise ContentError(f"triage.yaml: unknown question '{item}'")

    @property
    def content_version(self) -> str:
        """The version saved with every result, so an old screen can be read against its rules."""
        return self.version


def _check_known(items: tuple[str, ...], known: set[str], where: str) -> None:
    unknown = [item for item in items if item not in known]
    if unknown:
        raise ValueError(f"{where}: unknown question id {', '.join(unknown)}")


def load_triage(path: Path = TRIAGE_FILE) -> Triage:
    """Load and validate a triage file (the packaged one by default)."""
    return load_model(Triage, path)


@cache
def triage_content() -> Triage:
    """The packaged triage content, loaded once per process."""
    return load_triage()


def content_version() -> str:
    """The version of the packaged triage content."""
    return triage_content().version


__all__ = [
    "Action",
    "ActionMessage",
    "BothLegs",
    "Condition",
    "Question",
    "QuestionKind",
    "Rule",
    "Triage",
    "content_version",
    "load_triage",
    "triage_content",
]
