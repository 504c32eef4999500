"""Saved guided sessions: the pain check's answers survive saving, export and an old database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from sciatica_care.domain.session import ExerciseResult, SessionRecord, SessionStatus, StopReason
from sciatica_care.store import exercise_sessions, patients, portability
from sciatica_care.store.database import Database, alembic_config

STARTED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TILT = {"sets": 1, "reps": 10, "hold_s": 3, "per_side": False}


def _result(exercise_id: str, numb: bool | None, pain: int | None = 2) -> ExerciseResult:
    return ExerciseResult.model_validate(
        {
            "exercise_id": exercise_id,
            "level": 2,
            "dose": TILT,
            "sides_done": [],
            "reps_done": 10,
            "holds_done": 0,
            "hold_seconds": 0.0,
            "pain": pain,
            "spread_down_leg": False if pain is not None else None,
            "new_numbness_or_weakness": numb,
            "completed": True,
        }
    )


def test_the_numbness_answer_is_kept_yes_no_or_unknown(database: Database) -> None:
    record = SessionRecord(
        status=SessionStatus.STOPPED,
        stop_reason=StopReason.NEW_NUMBNESS_OR_WEAKNESS,
        stop_note="pain 2/10 after Pelvic tilt, new numbness, tingling or weakness",
        elapsed_s=120.0,
        items=[
            _result("pelvic-tilt", False),
            _result("knee-to-chest", True),
            _result("bird-dog", None, pain=None),
        ],
    )
    with database.session() as s:
        pid = patients.local_patient_id(s)
        exercise_sessions.save(s, pid, record, STARTED)

    with database.session() as s:
        [saved] = exercise_sessions.list_for(s, pid)
        assert saved.stop_reason == "new_numbness_or_weakness"
        assert [i.new_numbness_or_weakness for i in saved.items] == [False, True, None]
        exported = portability.export_patient(s, pid)
    items = exported["exercise_sessions"][0]["items"]
    assert [i["new_numbness_or_weakness"] for i in items] == [False, True, None]


def test_results_saved_before_the_question_existed_read_as_unknown_after_upgrading(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = alembic_config(engine)
    command.upgrade(config, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO patients (id, is_local, settings, created_at) "
                "VALUES (1, 1, '{}', '2026-11-01 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO exercise_sessions (id, patient_id, started_at, status, elapsed_s) "
                "VALUES (1, 1, '2026-11-20 09:00:00', 'completed', 60)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO exercise_results (session_id, patient_id, position, exercise_id, "
                "level, dose, sides_done, reps_done, holds_done, hold_seconds, pain, "
                "spread_down_leg, completed) VALUES (1, 1, 0, 'pelvic-tilt', 2, '{}', '[]', "
                "10, 0, 0, 2, 0, 1)"
            )
        )

    command.upgrade(config, "head")

    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT pain, new_numbness_or_weakness FROM exercise_results")
        ).all()
    assert [tuple(row) for row in rows] == [(2, None)]
    command.downgrade(config, "0001")
    engine.dispose()
