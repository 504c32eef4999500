"""Building blocks for store tests that tell a patient's story: mornings and exercise sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from sciatica_care.content.exercises import exercise_library
from sciatica_care.domain.diary import BodyMap, CheckIn, LegZones
from sciatica_care.domain.session import ExerciseResult, SessionRecord, SessionStatus
from sciatica_care.store import checkins, exercise_sessions

START = date(2026, 11, 1)


def day(n: int) -> date:
    """Day ``n`` of the story (day 1 is ``START``)."""
    return date.fromordinal(START.toordinal() + n - 1)


def morning(
    s: Session, pid: int, n: int, leg: int, back: int = 2, zone: int = 3, **extra: object
) -> int:
    """A morning check-in on day ``n``; ``zone`` is how far down the left leg the pain reaches."""
    entry = CheckIn(
        day=day(n),
        moment="morning",
        leg_pain=leg,
        back_pain=back,
        zones=BodyMap(left=LegZones(pain=zone)),
        red_flags={q: "no" for q in ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7")},
        **extra,
    )
    at = datetime.combine(day(n), time(7), tzinfo=UTC)
    return checkins.save(s, pid, entry, daily_action="SELF_CARE", at=at)


def exercise_session(
    s: Session,
    pid: int,
    n: int,
    pains: dict[str, int],
    spread: frozenset[str] = frozenset(),
    numb: frozenset[str] = frozenset(),
    status: SessionStatus = SessionStatus.COMPLETED,
) -> int:
    """A session on day ``n`` at 10:00 UTC with a pain check per exercise, at the standard dose."""
    library = exercise_library()
    items = []
    for exercise_id, pain in pains.items():
        dose = library.get(exercise_id).level(2).dose
        items.append(
            ExerciseResult(
                exercise_id=exercise_id,
                level=2,
                dose=dose,
                sides_done=[],
                reps_done=dose.reps,
                holds_done=0,
                hold_seconds=0.0,
                pain=pain,
                spread_down_leg=exercise_id in spread,
                new_numbness_or_weakness=exercise_id in numb,
                completed=True,
            )
        )
    record = SessionRecord(status=status, elapsed_s=300.0, items=items)
    started = datetime.combine(day(n), time(10), tzinfo=UTC)
    return exercise_sessions.save(s, pid, record, started)
