"""Loading a year of sessions with their results: one eager query (ours) vs lazy loading per session.

The history page and the progression rules read every session with its exercise results; the
baseline is what a plain lazy relationship would do (one query per session, the N+1 pattern).
"""

from __future__ import annotations

import tempfile
import timeit
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from sciatica_care.config import Settings
from sciatica_care.store import exercise_sessions, patients
from sciatica_care.store.database import open_database
from sciatica_care.store.models import ExerciseResult, ExerciseSession


def _fill(database: object, days: int = 365) -> int:
    with database.session() as s:  # type: ignore[attr-defined]
        pid = patients.local_patient_id(s)
        start = datetime(2025, 11, 1, 8, tzinfo=UTC)
        for day in range(days):
            s.add(
                ExerciseSession(
                    patient_id=pid,
                    started_at=start + timedelta(days=day),
                    status="completed",
                    elapsed_s=600.0,
                    items=[
                        ExerciseResult(
                            patient_id=pid,
                            position=i,
                            exercise_id=f"ex-{i}",
                            level=2,
                            dose={"sets": 1, "reps": 10},
                            sides_done=[],
                            pain=2,
                        )
                        for i in range(4)
                    ],
                )
            )
    return pid


def run() -> tuple[str, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        database = open_database(Settings(data_dir=Path(tmp)))
        pid = _fill(database)

        def ours() -> None:
            with database.session() as s:
                sessions = exercise_sessions.list_for(s, pid)
                assert sum(len(x.items) for x in sessions) == 365 * 4

        def baseline() -> None:
            with database.session() as s:
                query = (
                    select(ExerciseSession)
                    .where(ExerciseSession.patient_id == pid)
                    .options(lazyload(ExerciseSession.items))
                )
                sessions = list(s.scalars(query))
                assert sum(len(x.items) for x in sessions) == 365 * 4

        ours_t = min(timeit.repeat(ours, number=3, repeat=5)) / 3
        base_t = min(timeit.repeat(baseline, number=3, repeat=5)) / 3
        database.dispose()
    return "history: 365 sessions x 4 results (vs N+1)", ours_t, base_t
