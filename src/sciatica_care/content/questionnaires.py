"""Outcome questionnaires as data (clinical-spec.md §3): models and the loader for
``questionnaires.yaml``.

The questions, answer scales, scoring method, schedule and meaningful-change thresholds live in the
YAML file so that a clinician can review them without reading Python; ``domain/questionnaires.py``
scores answers and phrases changes from them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sciatica_care.content.errors import ContentError
from sciatica_care.content.files import CONTENT_DIR, load_model

QUESTIONNAIRES_FILE = CONTENT_DIR / "questionnaires.yaml"


class Frozen(BaseModel):
    # Schemas are built on first use, not at import: every command imports these (start-up).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Scale(Frozen):
    """The whole-number answer range of every item, with the words at each end."""

    min: int
    max: int
    min_label: str
    max_label: str

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if self.min >= self.max:
            raise ValueError("scale min must be below max")
        return self


class Item(Frozen):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    text: str


class UserItems(Frozen):
    """Items the person names themselves (PSFS activities): how many they may name."""

    min: Annotated[int, Field(ge=1)]
    max: Annotated[int, Field(ge=1)]


class Schedule(Frozen):
    """When the questionnaire is due: every N days from the start, or at given weeks."""

    every_days: Annotated[int | None, Field(ge=1)] = None
    at_weeks: list[Annotated[int, Field(ge=1)]] | None = None
    due_for_days: Annotated[int, Field(ge=1)] = 7

    @model_validator(mode="after")
    def _one_kind(self) -> Schedule:
        if (self.every_days is None) == (self.at_weeks is None):
            raise ValueError("give exactly one of every_days or at_weeks")
        if self.at_weeks is not None and self.at_weeks != sorted(set(self.at_weeks)):
            raise ValueError("at_weeks must rise")
        return self


class ChangeRule(Frozen):
    """What change counts (clinical-spec.md §3): a threshold, or only a measurement error."""

    points: Annotated[float | None, Field(gt=0)] = None
    percent: Annotated[float | None, Field(gt=0, le=100)] = None
    single_item_points: Annotated[float | None, Field(gt=0)] = None
    measurement_error: Annotated[float | None, Field(gt=0)] = None
    good_outcome_at_most: float | None = None


class Questionnaire(Frozen):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: str
    full_name: str
    instructions: str
    scale: Scale
    items: list[Item] = []
    user_items: UserItems | None = None
    scoring: Literal["sum", "mean", "single", "separate"]
    higher_is_better: bool
    schedule: Schedule | None
    change: ChangeRule
    source: str
    """The references, for clinicians and the README (never shown to patients)."""
    licence: str
    """Terms of use and open checks, for clinicians and the README (never shown to patients)."""

    @model_validator(mode="after")
    def _items(self) -> Questionnaire:
        if bool(self.items) == (self.user_items is not None):
            raise ValueError("give either fixed items or user_items")
        ids = [item.id for item in self.items]
        if len(ids) != len(set(ids)):
            raise ValueError("item ids must be unique")
        return self

    @property
    def minimum(self) -> float:
        """The lowest possible score."""
        return self.scale.min * (len(self.items) if self.scoring == "sum" else 1)

    @property
    def maximum(self) -> float:
        """The highest possible score."""
        return self.scale.max * (len(self.items) if self.scoring == "sum" else 1)


class QuestionnaireSet(Frozen):
    version: str
    questionnaires: list[Questionnaire]

    @model_validator(mode="after")
    def _unique_ids(self) -> QuestionnaireSet:
        ids = [q.id for q in self.questionnaires]
        if len(ids) != len(set(ids)):
            raise ValueError("questionnaire ids must be unique")
        return self

    def get(self, questionnaire_id: str) -> Questionnaire:
        for questionnaire in self.questionnaires:
            if questionnaire.id == questionnaire_id:
                return questionnaire
        known = ", ".join(q.id for q in self.questionnaires)
        raise ContentError(f"unknown questionnaire '{questionnaire_id}' (known: {known})")


def load_questionnaires(path: Path = QUESTIONNAIRES_FILE) -> QuestionnaireSet:
    """Load and validate a questionnaire file (the packaged one by default)."""
    return load_model(QuestionnaireSet, path)


@cache
def questionnaire_set() -> QuestionnaireSet:
    """The packaged questionnaires, loaded once per process."""
    return load_questionnaires()
