"""A local patient's recent past, written straight to the store, for CLI tests that need history.

Days are counted back from today in this computer's time zone, as the CLI counts them.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sciatica_care.content.exercises import exercise_library
from sciatica_care.domain.diary import BodyMap, CheckIn, LegZones
from sciatica_care.domain.session import ExerciseResult, SessionRecord, SessionStatus
from sciatica_care.store import checkins, exercise_sessions, patients
from sciatica_care.store.database import open_database

NO_FLAGS = {q: "no" for q in ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7")}


def days_ago(n: int) -> date:
    return date.today() - timedelta(days=n)


def seed_mornings(legs: dict[int, int], zone: int = 3) -> None:
    """Morning check-ins ``n`` days ago with the given leg pain."""
    db = open_database()
    with db.session() as s:
        pid = patients.local_patient_id(s)
        patients.program_start(s, pid, days_ago(max(legs)))
        for n, leg in legs.items():
            entry = CheckIn(
                day=days_ago(n),
                leg_pain=leg,
                back_pain=2,
                zones=BodyMap(left=LegZones(pain=zone)),
                red_flags=NO_FLAGS,
            )
            checkins.save(s, pid, entry, daily_action="SELF_CARE")
    db.dispose()


def seed_session(n: int, pains: dict[str, int]) -> None:
    """A completed session ``n`` days ago at 10:00 local time, standard doses."""
    library = exercise_library()
    items = [
        ExerciseResult(
            exercise_id=exercise_id,
            level=2,
            dose=library.get(exercise_id).level(2).dose,
            sides_done=[],
            reps_done=10,
            holds_done=0,
            hold_seconds=0.0,
            pain=pain,
            spread_down_leg=False,
            completed=True,
        )
        for exercise_id, pain in pains.items()
    ]
    record = SessionRecord(status=SessionStatus.COMPLETED, elapsed_s=200.0, items=items)
    started = datetime.combine(days_ago(n), time(10)).astimezone()
    db = open_database()
    with db.session() as s:
        exercise_sessions.save(s, patients.local_patient_id(s), record, started)
    db.dispose()


def seed_two_good_pelvic_tilt_sessions() -> None:
    """A usual week at leg pain 3, then pelvic tilt at pain 2 two and one days ago."""
    seed_mornings({n: 3 for n in range(1, 10)})
    seed_session(2, {"pelvic-tilt": 2})
    seed_session(1, {"pelvic-tilt": 2})


def morning_answers(tmp_path: Path, name: str = "today.json", **changes: Any) -> Path:
    """A check-in answers file (today, morning pain 3, no red flags) with ``changes``."""
    data: dict[str, Any] = {
        "leg_pain": 3,
        "back_pain": 2,
        "zones": {"left": {"pain": 3, "numbness": 0}, "right": {"pain": 0, "numbness": 0}},
        "red_flags": dict(NO_FLAGS),
        "sleep_quality": "good",
        "medication": None,
        "heat_or_cold": "none",
        "note": "stiff getting up",
    }
    data.update(changes)
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
