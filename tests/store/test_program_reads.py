"""The program's reads and writes as values (issue 12): what they return is what the ORM reads
returned, on SQLite and PostgreSQL.

Doses are written without reading them first, the days a person moved come with the first such
day in one statement, and a clinician's changes come numbered without loading every version.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sciatica_care.content.exercises import exercise_library
from sciatica_care.store import doses, exercise_sessions, patients, prescriptions, program_changes
from sciatica_care.store.database import Database
from tests.store.diary_story import day, exercise_session


def _dose(reps: int) -> dict[str, object]:
    return {"sets": 1, "reps": reps, "hold_s": 3, "per_side": False}


def test_a_dose_is_added_once_then_changed_in_place(database: Database) -> None:
    with database.session() as s:
        pid = patients.local_patient_id(s)
        doses.set_dose(
            s,
            pid,
            "pelvic-tilt",
            level=2,
            dose=_dose(10),
            active=True,
            paused_until=None,
            reason="first",
        )
        doses.set_dose(
            s,
            pid,
            "pelvic-tilt",
            level=3,
            dose=_dose(12),
            active=False,
            paused_until=day(5),
            reason="second",
        )
        doses.set_dose(
            s, pid, "bird-dog", level=1, dose=_dose(5), active=True, paused_until=None, reason=None
        )
    with database.session() as s:
        stored = doses.dose_rows(s, pid)

    assert sorted(stored) == ["bird-dog", "pelvic-tilt"]
    tilt = stored["pelvic-tilt"]
    assert (tilt.level, tilt.dose, tilt.active, tilt.paused_until, tilt.reason) == (
        3,
        _dose(12),
        False,
        day(5),
        "second",
    )
    assert (stored["bird-dog"].level, stored["bird-dog"].reason) == (1, None)


def test_the_days_moved_and_the_first_one_come_in_one_read(database: Database) -> None:
    with database.session() as s:
        pid = patients.local_patient_id(s)
        for n in (1, 3, 20, 21, 25):
            exercise_session(s, pid, n, {"pelvic-tilt": 2})
        other = patients.local_patient_id(s) + 1000
        since = datetime.combine(day(20), time.min, tzinfo=UTC)

        starts, first = exercise_sessions.moved_since_and_first(s, pid, since)

        assert sorted(starts) == sorted(exercise_sessions.moved_at(s, pid, since))
        assert sorted(at.date() for at in starts) == [day(20), day(21), day(25)]
        assert first == exercise_sessions.first_moved_at(s, pid)
        assert first is not None and first.date() == day(1)
        assert exercise_sessions.moved_since_and_first(s, other, since) == ([], None)


def test_a_clinicians_changes_come_numbered_newest_first(database: Database) -> None:
    start = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    library = exercise_library()
    with database.session() as s:
        pid = patients.local_patient_id(s)
        assert program_changes.latest_and_since(s, pid, start) == []
        for n in range(5):
            prescriptions.add_change(
                s,
                pid,
                None,
                f"Clinician {n}",
                start + timedelta(days=3 * n),
                [{"field": "exercise", "sentence": f"change {n}"}],
                {"exercises": [e.id for e in library.exercises]},
                f"reason {n}",
                f"note {n}",
            )

        whole = prescriptions.history(s, pid)
        recent = program_changes.latest_and_since(s, pid, start + timedelta(days=6))
        only_latest = program_changes.latest_and_since(s, pid, start + timedelta(days=100))
        newest_two = program_changes.latest(s, pid, limit=2)
        prescription = program_changes.latest_prescription(s, pid)

    numbered = [(len(whole) - n, row.changed_at, row.changes) for n, row in enumerate(whole)]
    assert [(r.version, r.changed_at, r.changes) for r in recent] == numbered[:3]
    assert [(r.version, r.clinician_name, r.note) for r in only_latest] == [
        (5, "Clinician 4", "note 4")
    ]
    assert [(r.version, r.reason) for r in newest_two] == [(5, "reason 4"), (4, "reason 3")]
    assert prescription == whole[0].prescription
