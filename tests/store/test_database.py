"""The database opens, migrates, is transactional, and keeps each patient's data apart."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from pydantic import BaseModel
from sqlalchemy import select, text

from sciatica_care.config import Settings
from sciatica_care.store import StoreError, exercise_sessions, patients, screenings
from sciatica_care.store.base import Base
from sciatica_care.store.database import Database, open_database
from sciatica_care.store.models import ExerciseResult, Patient


class FakeResult(BaseModel):
    """A §8.2-shaped value: the store only needs its JSON form (not a mock of the database)."""

    action: str
    pattern: str
    reasons: list[dict[str, str]]
    content_version: str


def test_migrations_match_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_default_database_is_sqlite_in_wal_mode_in_the_data_dir(isolated_data_dir: Path) -> None:
    db = open_database(Settings(data_dir=isolated_data_dir))
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert (isolated_data_dir / "sciatica-care.sqlite3").exists()
    db.dispose()


def test_opening_twice_keeps_data(isolated_data_dir: Path) -> None:
    first = open_database(Settings(data_dir=isolated_data_dir))
    with first.session() as s:
        pid = patients.local_patient_id(s)
    first.dispose()
    second = open_database(Settings(data_dir=isolated_data_dir))
    with second.session() as s:
        assert patients.local_patient_id(s) == pid
    second.dispose()


def test_failed_unit_of_work_rolls_back_everything(database: Database) -> None:
    with pytest.raises(RuntimeError), database.session() as s:
        s.add(Patient(email="a@example.org", settings={}))
        s.flush()
        raise RuntimeError("boom")
    with database.session() as s:
        assert s.scalars(select(Patient)).all() == []


def test_duplicate_email_is_a_store_error_and_keeps_the_first(database: Database) -> None:
    with database.session() as s:
        s.add(Patient(email="a@example.org", settings={}))
    with pytest.raises(StoreError), database.session() as s:
        s.add(Patient(email="a@example.org", settings={}))
    with database.session() as s:
        assert len(s.scalars(select(Patient)).all()) == 1


def _record(status: str = "completed", pain: int = 2) -> dict[str, object]:
    return {
        "status": status,
        "stop_reason": None if status == "completed" else "pain",
        "stop_note": None,
        "elapsed_s": 300.5,
        "items": [
            {
                "exercise_id": "pelvic-tilt",
                "level": 2,
                "dose": {"sets": 1, "reps": 10, "hold_s": 3, "per_side": False},
                "sides_done": [],
                "reps_done": 10,
                "holds_done": 0,
                "hold_seconds": 0.0,
                "pain": pain,
                "spread_down_leg": False,
                "completed": True,
            }
        ],
    }


class Record(BaseModel):
    status: str
    stop_reason: str | None
    stop_note: str | None
    elapsed_s: float
    items: list[dict[str, object]]


def test_session_round_trip_and_resend_with_client_id_does_not_duplicate(
    database: Database,
) -> None:
    started = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    with database.session() as s:
        pid = patients.local_patient_id(s)
        first = exercise_sessions.save(s, pid, Record.model_validate(_record()), started, "c-1")
        again = exercise_sessions.save(
            s, pid, Record.model_validate(_record(pain=4)), started, "c-1"
        )
    assert first == again
    with database.session() as s:
        saved = exercise_sessions.list_for(s, pid)
        assert len(saved) == 1
        assert saved[0].started_at == started
        assert saved[0].items[0].pain == 4
        assert len(s.scalars(select(ExerciseResult)).all()) == 1


def test_queries_are_scoped_to_the_patient(database: Database) -> None:
    started = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    result = FakeResult(
        action="SELF_CARE", pattern="PATTERN_SCIATICA", reasons=[], content_version="t"
    )
    with database.session() as s:
        alice = Patient(email="alice@example.org", settings={})
        bob = Patient(email="bob@example.org", settings={})
        s.add_all([alice, bob])
        s.flush()
        exercise_sessions.save(s, alice.id, Record.model_validate(_record()), started)
        sid = screenings.save(s, alice.id, {"Q1": "no"}, result)
        alice_id, bob_id = alice.id, bob.id
    with database.session() as s:
        assert exercise_sessions.list_for(s, bob_id) == []
        assert screenings.latest(s, bob_id) is None
        assert exercise_sessions.results_for(s, bob_id, "pelvic-tilt") == []
        with pytest.raises(StoreError):
            screenings.acknowledge(s, bob_id, sid, assessed=True)
        assert screenings.latest(s, alice_id) is not None


def test_deleting_a_patient_removes_all_their_data(database: Database) -> None:
    started = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    with database.session() as s:
        pid = patients.local_patient_id(s)
        exercise_sessions.save(s, pid, Record.model_validate(_record()), started)
    with database.session() as s:
        s.delete(s.get(Patient, pid))
    with database.session() as s:
        assert s.scalars(select(ExerciseResult)).all() == []
