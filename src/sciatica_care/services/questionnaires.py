"""Answering the outcome questionnaires, written once for the pages and the JSON API.

clinical-spec.md §3: the SBI weekly, the PSFS every two weeks, the GRC at weeks 2, 6 and 12 (the
NPRS is in the daily check-in). Scoring, the schedule and the wording of a change live in
``domain.questionnaires``; this module stores a response and reads the history back as
"how has it changed since you started", with the §3 thresholds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sciatica_care.content.questionnaires import Questionnaire, questionnaire_set
from sciatica_care.domain.questionnaires import (
    ChangeReading,
    Score,
    describe_activity_change,
    describe_change,
    describe_grc,
    score,
)
from sciatica_care.services.clock import patient_clock
from sciatica_care.store import patients, questionnaire_responses
from sciatica_care.store.database import Database
from sciatica_care.store.models import QuestionnaireResponse

ASKED = ("sbi", "psfs", "grc")
"""The questionnaires with their own page (NPRS is part of the check-in)."""


def asked_questionnaires() -> list[Questionnaire]:
    library = questionnaire_set()
    return [library.get(qid) for qid in ASKED]


def change_readings(rows: list[QuestionnaireResponse]) -> list[ChangeReading]:
    """What changed between the first and the latest response of one questionnaire (§3)."""
    if not rows:
        return []
    first, last = rows[0], rows[-1]
    if last.instrument == "grc":
        return [describe_grc(int(last.score))]
    if len(rows) < 2:
        return []
    readings = [describe_change(last.instrument, first.score, last.score)]
    if last.instrument == "psfs":
        for activity, after in last.answers.items():
            before = first.answers.get(activity)
            if isinstance(before, int):
                readings.append(describe_activity_change(activity, before, int(after)))
    return readings


@dataclass(frozen=True)
class QuestionnaireStatus:
    """One questionnaire on the overview: due or not, the latest score and the change."""

    questionnaire: Questionnaire
    due: bool
    last_day: dt.date | None
    last_score: float | None
    count: int
    readings: list[ChangeReading]


def overview(db: Database, patient_id: int) -> tuple[dt.date, list[QuestionnaireStatus]]:
    """Every asked questionnaire with its status, in content order, and the patient's today."""
    with db.session() as session:
        today = patient_clock(patients.get_settings(session, patient_id)).today()
        due = set(questionnaire_responses.due(session, patient_id, today))
        rows = questionnaire_responses.list_for(session, patient_id)
    statuses = []
    for questionnaire in asked_questionnaires():
        mine = [row for row in rows if row.instrument == questionnaire.id]
        statuses.append(
            QuestionnaireStatus(
                questionnaire=questionnaire,
                due=questionnaire.id in due,
                last_day=mine[-1].day if mine else None,
                last_score=mine[-1].score if mine else None,
                count=len(mine),
                readings=change_readings(mine),
            )
        )
    return today, statuses


def last_activities(db: Database, patient_id: int) -> list[str]:
    """The PSFS activities named last time: the scale compares the same activities (§3).

    Before the first PSFS, the goals named at the end of the safety check ("What do you want to
    get back to?") seed the form, so the person does not name them twice.
    """
    with db.session() as session:
        rows = questionnaire_responses.list_for(session, patient_id, "psfs")
        goals = patients.get_settings(session, patient_id).get(GOALS) or []
    if rows:
        return list(rows[-1].answers)
    return [str(goal) for goal in goals]


# -- goals: "What do you want to get back to?" ----------------------------------------------------

GOALS = "goals"
"""Patient setting: the activities named as goals, oldest first (they seed the PSFS, §3)."""
COMMON_GOALS = (
    "Walking",
    "Sitting",
    "Sleeping through the night",
    "Getting dressed",
    "Driving",
    "Work",
    "Housework",
    "Sport or exercise",
)
"""Everyday activities offered as one tap; anything else can be typed."""
MAX_GOALS = 5
"""The PSFS rates 3 to 5 activities (§3), so no more goals than it can carry."""
GOAL_LENGTH = 80


def clean_goals(named: Sequence[str]) -> list[str]:
    """Trimmed, without repeats (ignoring case), at most ``MAX_GOALS`` of ``GOAL_LENGTH`` each."""
    goals: list[str] = []
    for raw in named:
        goal = " ".join(raw.split())[:GOAL_LENGTH]
        if goal and goal.casefold() not in {g.casefold() for g in goals}:
            goals.append(goal)
    return goals[:MAX_GOALS]


def save_goals(db: Database, patient_id: int, named: Sequence[str]) -> list[str]:
    """Store the goals (replacing earlier ones) and return them as stored."""
    goals = clean_goals(named)
    with db.session() as session:
        patients.update_settings(session, patient_id, **{GOALS: goals})
    return goals


def goal_activities(db: Database, patient_id: int) -> list[str]:
    """The goals named so far (empty before the first)."""
    with db.session() as session:
        return [str(goal) for goal in patients.get_settings(session, patient_id).get(GOALS) or []]


@dataclass(frozen=True)
class SavedResponse:
    id: int
    day: dt.date
    score: Score
    readings: list[ChangeReading]


def record_response(
    db: Database, patient_id: int, questionnaire_id: str, answers: Mapping[str, Any]
) -> SavedResponse:
    """Score (raises ``QuestionnaireError`` naming the item), store, and read the change."""
    scored = score(questionnaire_id, answers)
    with db.session() as session:
        today = patient_clock(patients.get_settings(session, patient_id)).today()
        patients.program_start(session, patient_id, today)
        response_id = questionnaire_responses.save(session, patient_id, scored, today)
        rows = questionnaire_responses.list_for(session, patient_id, questionnaire_id)
    return SavedResponse(response_id, today, scored, change_readings(rows))
