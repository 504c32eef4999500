"""Scoring, scheduling and reading change in the outcome questionnaires (clinical-spec.md §3).

The questions, scales, schedules and thresholds come from ``content/questionnaires.yaml``; this
module checks answers strictly (a missing, unknown or out-of-range answer is an error naming it),
scores them, says which questionnaires are due, and turns a change into a careful sentence: a
change counts as one "that matters" only when it reaches the published threshold, and the SBI,
which has no agreed threshold, is only compared with its measurement error.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from sciatica_care.content.questionnaires import (
    Questionnaire,
    QuestionnaireSet,
    questionnaire_set,
)

ACTIVITY_NAME_MAX = 80
NPRS_LABELS = {"leg": "Leg pain", "back": "Back pain"}


class QuestionnaireError(ValueError):
    """Answers that cannot be scored; the message names the questionnaire and the item."""


class Score(BaseModel):
    """A scored questionnaire. ``total`` is ``None`` for NPRS, whose leg and back scores stay
    separate; ``answers`` keeps what was answered (PSFS: activity name → rating)."""

    # Schemas are built on first use, not at import: every command imports these (start-up).
    model_config = ConfigDict(frozen=True, defer_build=True)

    questionnaire: str
    total: float | None
    minimum: float
    maximum: float
    answers: dict[str, int]


class ChangeReading(BaseModel):
    """A change between two scores and the sentence to show.

    ``meaningful``: the change reaches the §3 threshold (``None`` when there is none, as for SBI);
    ``improved``: the change is in the better direction (``None`` when there is no change).
    """

    # Schemas are built on first use, not at import: every command imports these (start-up).
    model_config = ConfigDict(frozen=True, defer_build=True)

    questionnaire: str
    before: float
    after: float
    change: float
    improved: bool | None
    meaningful: bool | None
    text: str


def _questionnaire(questionnaire_id: str, questionnaires: QuestionnaireSet | None) -> Questionnaire:
    library = questionnaires or questionnaire_set()
    for questionnaire in library.questionnaires:
        if questionnaire.id == questionnaire_id:
            return questionnaire
    known = ", ".join(q.id for q in library.questionnaires)
    raise QuestionnaireError(f"questionnaire: unknown '{questionnaire_id}' (known: {known})")


def _rating(questionnaire: Questionnaire, key: str, value: Any) -> int:
    where = f"{questionnaire.id}.{key}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise QuestionnaireError(f"{where}: answer must be a whole number, got {value!r}")
    low, high = questionnaire.scale.min, questionnaire.scale.max
    if not low <= value <= high:
        raise QuestionnaireError(f"{where}: answer {value} is outside {low} to {high}")
    return value


def _checked_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, int]:
    if questionnaire.user_items is not None:
        return _checked_activities(questionnaire, answers)
    expected = [item.id for item in questionnaire.items]
    for key in answers:
        if key not in expected:
            raise QuestionnaireError(
                f"{questionnaire.id}.{key}: not a question of this questionnaire "
                f"(expected: {', '.join(expected)})"
            )
    checked: dict[str, int] = {}
    for key in expected:
        if key not in answers:
            raise QuestionnaireError(f"{questionnaire.id}.{key}: missing answer")
        checked[key] = _rating(questionnaire, key, answers[key])
    return checked


def _checked_activities(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, int]:
    """PSFS: 3–5 activities the person names, each rated; names must be distinct."""
    limits = questionnaire.user_items
    assert limits is not None
    if not limits.min <= len(answers) <= limits.max:
        raise QuestionnaireError(
            f"{questionnaire.id}.activities: name {limits.min} to {limits.max} activities, "
            f"got {len(answers)}"
        )
    checked: dict[str, int] = {}
    seen: set[str] = set()
    for raw_name, value in answers.items():
        name = str(raw_name).strip()
        if not name or len(name) > ACTIVITY_NAME_MAX:
            raise QuestionnaireError(
                f"{questionnaire.id}.activities: each name needs 1 to {ACTIVITY_NAME_MAX} characters"
            )
        if name.casefold() in seen:
            raise QuestionnaireError(f"{questionnaire.id}.{name}: activity named twice")
        seen.add(name.casefold())
        checked[name] = _rating(questionnaire, name, value)
    return checked


def score(
    questionnaire_id: str,
    answers: Mapping[str, Any],
    questionnaires: QuestionnaireSet | None = None,
) -> Score:
    """Validate and score one questionnaire (clinical-spec.md §3).

    SBI: sum of 4 items 0–6 (0–24). PSFS: mean of 3–5 named activities 0–10. GRC: the one rating
    −5..+5. NPRS: leg and back 0–10 kept separate (``total`` is ``None``).
    """
    questionnaire = _questionnaire(questionnaire_id, questionnaires)
    checked = _checked_answers(questionnaire, answers)
    values = list(checked.values())
    total: float | None
    if questionnaire.scoring == "sum":
        total = float(sum(values))
    elif questionnaire.scoring == "mean":
        total = round(statistics.fmean(values), 2)
    elif questionnaire.scoring == "single":
        total = float(values[0])
    else:
        total = None
    return Score(
        questionnaire=questionnaire.id,
        total=total,
        minimum=questionnaire.minimum,
        maximum=questionnaire.maximum,
        answers=checked,
    )


def score_sbi(answers: Mapping[str, Any]) -> Score:
    """Sciatica Bothersomeness Index: leg_pain, numbness, weakness, sitting_pain, each 0–6."""
    return score("sbi", answers)


def score_psfs(activities: Mapping[str, Any]) -> Score:
    """Patient-Specific Functional Scale: activity name → 0 (unable) … 10 (as before)."""
    return score("psfs", activities)


def score_grc(rating: Any) -> Score:
    """Global Rating of Change: −5 (very much worse) … +5 (completely recovered)."""
    return score("grc", {"change": rating})


def score_nprs(leg: Any, back: Any) -> Score:
    """Leg and back Numeric Pain Rating Scale, 0–10 each, kept separate."""
    return score("nprs", {"leg": leg, "back": back})


def due_questionnaires(
    start_date: dt.date,
    today: dt.date,
    last_done: Mapping[str, dt.date],
    questionnaires: QuestionnaireSet | None = None,
) -> list[str]:
    """Ids of the questionnaires due today, in content order (clinical-spec.md §3 schedule).

    Repeating ones (SBI weekly, PSFS every 2 weeks) are due from the start date and again once the
    interval has passed since the last one done in this program. Milestone ones (GRC at weeks 2, 6
    and 12) are due from each milestone until done or until ``due_for_days`` later, which keeps
    the recall period short (§3: recall of 4 weeks or less). NPRS is part of the daily check-in.
    """
    if today < start_date:
        return []
    due: list[str] = []
    for questionnaire in (questionnaires or questionnaire_set()).questionnaires:
        schedule = questionnaire.schedule
        if schedule is None:
            continue
        last = last_done.get(questionnaire.id)
        if last is not None and last < start_date:
            last = None
        if schedule.every_days is not None:
            if last is None or today >= last + dt.timedelta(days=schedule.every_days):
                due.append(questionnaire.id)
            continue
        milestones = [start_date + dt.timedelta(weeks=w) for w in schedule.at_weeks or []]
        reached = [m for m in milestones if m <= today]
        if not reached:
            continue
        latest = reached[-1]
        open_window = today < latest + dt.timedelta(days=schedule.due_for_days)
        if open_window and (last is None or last < latest):
            due.append(questionnaire.id)
    return due


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _points(value: float) -> str:
    return f"{_number(value)} point" + ("" if value == 1 else "s")


def describe_change(
    questionnaire_id: str,
    before: float,
    after: float,
    *,
    item: str | None = None,
    since: str = "since you started",
    questionnaires: QuestionnaireSet | None = None,
) -> ChangeReading:
    """Phrase a change between two scores with the §3 thresholds.

    NPRS (give ``item`` "leg" or "back"): matters at 2 points or 30% of the starting score.
    PSFS average: matters at 2 points. SBI: no agreed threshold, so a change larger than the
    measurement error (about 5 points) is called "likely real", and nothing more.
    """
    questionnaire = _questionnaire(questionnaire_id, questionnaires)
    if questionnaire.scoring == "single":
        raise QuestionnaireError(f"{questionnaire.id}: a single rating; use describe_grc")
    if questionnaire.scoring == "separate":
        if item not in NPRS_LABELS:
            raise QuestionnaireError(f"{questionnaire.id}.item: give 'leg' or 'back'")
        label = NPRS_LABELS[item]
    else:
        label = questionnaire.name
    for name, value in (("before", before), ("after", after)):
        if not questionnaire.minimum <= value <= questionnaire.maximum:
            raise QuestionnaireError(
                f"{questionnaire.id}.{name}: {value} is outside "
                f"{_number(questionnaire.minimum)} to {_number(questionnaire.maximum)}"
            )
    rule = questionnaire.change
    change = after - before
    size = abs(change)
    improved = None if change == 0 else (change > 0) == questionnaire.higher_is_better
    direction = "up" if change > 0 else "down"
    moved = f"{label} {direction} {_points(size)}" if change else f"{label} unchanged"
    head = f"{moved} {since} (from {_number(before)} to {_number(after)})"

    meaningful: bool | None
    if rule.points is not None or rule.percent is not None:
        by_points = rule.points is not None and size >= rule.points
        by_percent = rule.percent is not None and before > 0 and size * 100 / before >= rule.percent
        meaningful = size >= 1 and (by_points or by_percent)
        if meaningful and improved:
            text = f"{head}: a change that matters."
            if after == questionnaire.scale.min and not questionnaire.higher_is_better:
                text += f" No {label.lower()} now."
        elif meaningful:
            text = f"{head}: a change that matters. Share it with your clinician."
        else:
            text = (
                f"{head}: a change this small is hard to tell apart from the usual ups and downs."
            )
    else:
        meaningful = None
        error = rule.measurement_error or 0
        if size > error:
            text = (
                f"{head}: more than the usual measurement error of about {_points(error)}, so "
                f"likely a real change. There is no agreed size of change that matters for "
                f"this score."
            )
        else:
            text = (
                f"{head}: within the usual measurement error of about {_points(error)}, so we "
                f"cannot be sure it changed."
            )
        good = rule.good_outcome_at_most
        if good is not None and after <= good and improved:
            text += " Scores this low are often seen in people doing well a year later."
    return ChangeReading(
        questionnaire=questionnaire.id,
        before=before,
        after=after,
        change=change,
        improved=improved,
        meaningful=meaningful,
        text=text,
    )


def describe_activity_change(
    activity: str,
    before: int,
    after: int,
    *,
    questionnaires: QuestionnaireSet | None = None,
) -> ChangeReading:
    """One PSFS activity: a change of 3 points or more matters (clinical-spec.md §3)."""
    questionnaire = _questionnaire("psfs", questionnaires)
    _rating(questionnaire, f"{activity}.before", before)
    _rating(questionnaire, f"{activity}.after", after)
    threshold = questionnaire.change.single_item_points or 0
    change = after - before
    improved = None if change == 0 else change > 0
    meaningful = change != 0 and abs(change) >= threshold
    head = f'"{activity}" went from {before} to {after}'
    if meaningful and improved:
        text = f"{head}: a change that matters."
    elif meaningful:
        text = f"{head}: a change that matters. Share it with your clinician."
    else:
        text = f"{head}: a change this small is hard to tell apart from the usual ups and downs."
    return ChangeReading(
        questionnaire="psfs",
        before=before,
        after=after,
        change=change,
        improved=improved,
        meaningful=meaningful,
        text=text,
    )


def describe_grc(rating: int, *, questionnaires: QuestionnaireSet | None = None) -> ChangeReading:
    """A Global Rating of Change: ±2.5 or more is the smallest change that matters (§3)."""
    questionnaire = _questionnaire("grc", questionnaires)
    value = _rating(questionnaire, "change", rating)
    threshold = questionnaire.change.points or 0
    meaningful = abs(value) >= threshold
    improved = None if value == 0 else value > 0
    shown = f"{value:+d}" if value else "0"
    if meaningful and improved:
        text = f"You rated your sciatica {shown}, better than before: a change that matters."
    elif meaningful:
        text = (
            f"You rated your sciatica {shown}, worse than before: a change that matters. "
            f"Share it with your clinician."
        )
    else:
        text = (
            f"You rated your sciatica {shown}: little or no change, less than the "
            f"{_number(threshold)} points that usually matter."
        )
    return ChangeReading(
        questionnaire="grc",
        before=0,
        after=value,
        change=value,
        improved=improved,
        meaningful=meaningful,
        text=text,
    )
