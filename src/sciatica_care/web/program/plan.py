"""Today's program for one patient, as Today, the player and ``/api/program/today`` show it.

One place decides which exercises are on today and at which dose, so the page, the JSON and the
guided player never disagree. The doses come from the patient's current prescription
(``services.program``, kept up to date by progression after each session, clinical-spec.md
§4.1–4.2), each with the reason for its latest change; an exercise paused by the RED rule (§4.1)
or removed (§6) is listed with its resume date instead of being played. With automatic
progression off, a decision waits as a suggested change until the person accepts it (§7 "Lower-risk
design": progression offered as a rule the user applies); the page and the API accept it here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sciatica_care.domain.session import PlannedExercise
from sciatica_care.services import program


@dataclass(frozen=True)
class PausedExercise:
    """An exercise left out today (§4.1 RED: stop 24–48 h, then one level easier; §6 removed)."""

    exercise_id: str
    name: str
    resume_on: date | None
    reason: str | None


@dataclass(frozen=True)
class PendingChange:
    """A dose change waiting for the person's yes (automatic progression is off, §7)."""

    exercise_id: str
    name: str
    reason: str


@dataclass(frozen=True)
class TodaysPlan:
    """What to do today: the exercises in order, and those paused with the date they come back."""

    exercises: list[PlannedExercise]
    paused: list[PausedExercise]
    suggestions: list[PendingChange] = field(default_factory=list)
    automatic: bool = True


def plan_of(current: program.TodaysProgram) -> TodaysPlan:
    """Today's program as the pages and the player show it."""
    paused = [
        PausedExercise(
            exercise_id=item.exercise.id,
            name=item.exercise.name,
            resume_on=item.current.paused_until if item.current.active else None,
            reason=item.current.reason,
        )
        for item in current.resting
    ]
    paused += [  # the clinician's own exercises resting after a RED result (§4.1)
        PausedExercise(rest.key, rest.name, rest.resume_on, rest.reason)
        for rest in current.custom_resting.values()
    ]
    suggestions = [
        PendingChange(s.exercise_id, s.exercise_name, s.decision.reason)
        for s in current.suggestions
    ]
    return TodaysPlan(
        exercises=current.planned(),
        paused=paused,
        suggestions=suggestions,
        automatic=current.automatic,
    )


def accepted_text(outcome: program.DecisionOutcome) -> str:
    """What the person is told after accepting: the decision's own sentence."""
    return f"Accepted for {outcome.exercise_name}: {outcome.decision.reason}"
