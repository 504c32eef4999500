"""A patient's export restores into another database with nothing lost."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from sciatica_care.domain.portable_data import TABLE_NAMES
from sciatica_care.store import StoreError, patients
from sciatica_care.store.database import Database
from sciatica_care.store.models import (
    CheckIn,
    DoseDecision,
    ExerciseDose,
    ExerciseResult,
    ExerciseSession,
    Patient,
    QuestionnaireResponse,
    Screening,
    TherapyUse,
)
from sciatica_care.store.portability import (
    TABLES,
    export_patient,
    import_patient,
    stored_counts,
)
from tests.domain.test_portable_data import valid_document

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _fill(database: Database) -> int:
    """One row of every table, made of real domain values (``valid_document`` holds them)."""
    values = valid_document()
    screening = values["screenings"][0]
    result = values["exercise_sessions"][0]["items"][0]
    decision = values["dose_decisions"][0]["decision"]
    with database.session() as s:
        pid = patients.local_patient_id(s)
        patients.update_settings(s, pid, auto_progression=False)
        patients.program_start(s, pid, date(2026, 11, 1))
        s.add_all(
            [
                Screening(
                    patient_id=pid,
                    created_at=AT,
                    answers=screening["answers"],
                    result=screening["result"],
                    action=screening["action"],
                    pattern=screening["pattern"],
                    content_version=screening["content_version"],
                ),
                ExerciseSession(
                    patient_id=pid,
                    started_at=AT,
                    status="stopped",
                    stop_reason="pain",
                    stop_note="sharp",
                    elapsed_s=61.5,
                    client_id="abc",
                    items=[
                        ExerciseResult(
                            patient_id=pid,
                            position=0,
                            exercise_id="pelvic-tilt",
                            level=2,
                            dose=result["dose"],
                            sides_done=[],
                            reps_done=6,
                            pain=8,
                            spread_down_leg=True,
                        )
                    ],
                ),
                CheckIn(
                    patient_id=pid,
                    recorded_at=AT,
                    day=date(2026, 11, 20),
                    entry=values["checkins"][0]["entry"],
                    leg_pain=5,
                    back_pain=3,
                ),
                QuestionnaireResponse(
                    patient_id=pid,
                    instrument="sbi",
                    recorded_at=AT,
                    day=date(2026, 11, 20),
                    answers={"leg_pain": 3, "numbness": 2, "weakness": 1, "sitting_pain": 3},
                    score=9.0,
                ),
                TherapyUse(
                    patient_id=pid,
                    kind="heat",
                    started_at=AT,
                    duration_s=900.0,
                    detail={"skin_ok_after": True},
                ),
                DoseDecision(
                    patient_id=pid,
                    exercise_id="pelvic-tilt",
                    decided_at=AT,
                    decision=decision,
                    action=decision["action"],
                ),
                ExerciseDose(
                    patient_id=pid,
                    exercise_id="pelvic-tilt",
                    level=2,
                    dose={"sets": 1, "reps": 12},
                    paused_until=date(2026, 11, 22),
                    updated_at=AT,
                ),
            ]
        )
    return pid


def test_export_then_import_into_an_empty_database_loses_nothing(
    database: Database, tmp_path: object
) -> None:
    pid = _fill(database)
    with database.session() as s:
        original = export_patient(s, pid)
    text = json.dumps(original)
    with database.session() as s:
        other = Patient(email="copy@example.org", settings={})
        s.add(other)
        s.flush()
        counts = import_patient(s, other.id, json.loads(text))
        other_id = other.id
    assert counts["exercise_sessions"] == 1 and counts["checkins"] == 1
    with database.session() as s:
        restored = export_patient(s, other_id)
    assert restored == original
    assert restored["exercise_sessions"][0]["items"][0]["pain"] == 8


def test_import_replaces_and_a_damaged_file_changes_nothing(database: Database) -> None:
    pid = _fill(database)
    with database.session() as s:
        document = export_patient(s, pid)
    broken = json.loads(json.dumps(document))
    broken["checkins"][0]["day"] = "not a date"
    with pytest.raises(StoreError), database.session() as s:
        import_patient(s, pid, broken)
    with database.session() as s:
        assert export_patient(s, pid) == document
    with pytest.raises(StoreError), database.session() as s:
        import_patient(s, pid, {"format": "something else"})


def test_a_bad_dose_is_refused_before_anything_is_deleted(database: Database) -> None:
    pid = _fill(database)
    with database.session() as s:
        document = export_patient(s, pid)
    broken = json.loads(json.dumps(document))
    broken["exercise_doses"][0]["dose"]["reps"] = 40
    with pytest.raises(StoreError, match=r"exercise_doses\.0\.dose\.reps"), database.session() as s:
        import_patient(s, pid, broken)
    with database.session() as s:
        assert export_patient(s, pid) == document


def test_every_column_of_every_table_survives_the_check() -> None:
    """The domain check returns each column the store has: none is dropped on the way in."""
    assert tuple(TABLES) == TABLE_NAMES
    document = valid_document()
    for name, model in TABLES.items():
        columns = {c.key for c in model.__table__.columns} - {"id", "patient_id", "session_id"}
        assert columns <= set(document[name][0]), name
    item_columns = {c.key for c in ExerciseResult.__table__.columns}
    assert item_columns - {"id", "patient_id", "session_id"} <= set(
        document["exercise_sessions"][0]["items"][0]
    )


def test_stored_counts_say_what_an_import_replaces(database: Database) -> None:
    pid = _fill(database)
    with database.session() as s:
        counts = stored_counts(s, pid)
    assert counts == dict.fromkeys(TABLE_NAMES, 1)
