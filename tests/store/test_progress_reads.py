"""The narrow reads My progress makes say what the whole history would: the diary's first and
latest morning, the final sessions' count and first start, the window's sessions, and the dose
changes decided in the window, each patient's apart."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import update
from sqlalchemy.orm import Session

from sciatica_care.domain.diary import BodyMap, CheckIn, LegZones
from sciatica_care.domain.progression import ProgressionAction
from sciatica_care.domain.session import SessionStatus
from sciatica_care.services import program
from sciatica_care.store import checkins, doses, exercise_sessions, patients
from sciatica_care.store.database import Database
from sciatica_care.store.models import CheckIn as CheckInRow
from sciatica_care.store.models import ExerciseSession, Patient
from tests.store.diary_story import day, exercise_session, morning


def _other_patient(s: Session) -> int:
    other = Patient(email="other@example.org", settings={"timezone": "Europe/Paris"})
    s.add(other)
    s.flush()
    return other.id


Moment = Literal["morning", "after_session", "other"]


def _entry(n: int, moment: Moment, leg: int, back: int = 2) -> CheckIn:
    return CheckIn(
        day=day(n),
        moment=moment,
        leg_pain=leg,
        back_pain=back,
        zones=BodyMap(right=LegZones(pain=2, numbness=1)),
    )


def test_first_and_latest_morning_are_each_days_first_morning_entry(database: Database) -> None:
    with database.session() as s:
        pid = patients.local_patient_id(s)
        other = _other_patient(s)
        morning(s, other, 1, leg=9)  # another patient's earlier diary is not read
        at = datetime.combine(day(2), time(6), tzinfo=UTC)
        checkins.save(s, pid, _entry(2, "other", leg=8), at=at)  # earlier that day, not a morning
        checkins.save(s, pid, _entry(2, "morning", leg=6), at=at + timedelta(hours=1))
        checkins.save(s, pid, _entry(2, "morning", leg=1), at=at + timedelta(hours=2))
        morning(s, pid, 5, leg=4, back=3)
        checkins.save(s, pid, _entry(5, "morning", leg=0), at=datetime(2026, 11, 5, 9, tzinfo=UTC))
        checkins.save(s, pid, _entry(6, "after_session", leg=7))

    with database.session() as s:
        first = checkins.first_morning(s, pid)
        latest = checkins.latest_morning(s, pid)
        every = checkins.readings(s, pid)

    assert first is not None and (first.day, first.leg_pain) == (day(2), 6)
    assert first.zones == BodyMap(right=LegZones(pain=2, numbness=1))
    assert latest is not None and (latest.day, latest.leg_pain, latest.back_pain) == (day(5), 4, 3)
    mornings = [e for e in every if e.moment == "morning"]
    assert (mornings[0], mornings[-2]) == (first, latest)


def test_an_entry_stored_without_a_moment_counts_as_a_morning(database: Database) -> None:
    """Entries saved before the moment existed read as mornings (the entry's default)."""
    with database.session() as s:
        pid = patients.local_patient_id(s)
        old = morning(s, pid, 1, leg=7)
        morning(s, pid, 2, leg=5)
        entry = checkins.entries(s, pid)[0].model_dump(mode="json")
        del entry["moment"]
        s.execute(update(CheckInRow).where(CheckInRow.id == old).values(entry=entry))

    with database.session() as s:
        first = checkins.first_morning(s, pid)
        [reading, _] = checkins.readings(s, pid, since=day(1), until=day(2))

    assert first is not None and (first.day, first.leg_pain, first.moment) == (day(1), 7, "morning")
    assert reading == first


def test_readings_keep_to_their_bounds(database: Database) -> None:
    with database.session() as s:
        pid = patients.local_patient_id(s)
        for n in range(1, 8):
            morning(s, pid, n, leg=n)
        assert [r.day for r in checkins.readings(s, pid, since=day(3))] == [
            day(n) for n in range(3, 8)
        ]
        assert [r.day for r in checkins.readings(s, pid, until=day(2))] == [day(1), day(2)]
        assert [r.leg_pain for r in checkins.readings(s, pid, since=day(4), until=day(5))] == [
            4,
            5,
        ]
        assert checkins.first_morning(s, _other_patient(s)) is None


def test_final_totals_count_only_saved_final_sessions(database: Database) -> None:
    with database.session() as s:
        pid = patients.local_patient_id(s)
        other = _other_patient(s)
        assert exercise_sessions.final_totals(s, pid) == (0, None)
        exercise_session(s, other, 1, {"pelvic-tilt": 2})
        exercise_session(s, pid, 3, {"pelvic-tilt": 2})
        exercise_session(s, pid, 4, {"bird-dog": 8}, status=SessionStatus.STOPPED)
        unfinished = exercise_session(s, pid, 2, {"pelvic-tilt": 2})
        s.execute(
            update(ExerciseSession).where(ExerciseSession.id == unfinished).values(final=False)
        )

    with database.session() as s:
        total, earliest = exercise_sessions.final_totals(s, pid)

    assert (total, earliest) == (2, datetime.combine(day(3), time(10), tzinfo=UTC))


def test_session_summaries_since_a_moment_oldest_first(database: Database) -> None:
    with database.session() as s:
        pid = patients.local_patient_id(s)
        exercise_session(s, _other_patient(s), 5, {"pelvic-tilt": 2})
        for n in (6, 4, 5):
            exercise_session(s, pid, n, {"pelvic-tilt": 2})
        exercise_session(s, pid, 7, {"bird-dog": 8}, status=SessionStatus.STOPPED)

    with database.session() as s:
        rows = exercise_sessions.summaries_since(
            s, pid, datetime.combine(day(5), time(10), tzinfo=UTC)
        )

    assert rows == [
        (datetime.combine(day(n), time(10), tzinfo=UTC), status, 300.0, True)
        for n, status in ((5, "completed"), (6, "completed"), (7, "stopped"))
    ]


def _decision(s: Session, pid: int, exercise: str, on: date, action: str, status: str) -> None:
    doses.add_decision(s, pid, exercise, {"decided_on": on.isoformat()}, action, status)


def test_dose_changes_since_a_day_follow_the_applied_changes_rule(database: Database) -> None:
    """The database's filter gives what ``program.applied_changes`` picks from every decision:
    applied or accepted, not HOLD, decided for the day or later, in the order they were made."""
    with database.session() as s:
        pid = patients.local_patient_id(s)
        _decision(s, _other_patient(s), "bird-dog", day(9), "PROGRESS", program.APPLIED)
        _decision(s, pid, "pelvic-tilt", day(3), "PROGRESS", program.APPLIED)  # before
        _decision(s, pid, "bird-dog", day(12), "REGRESS", program.APPLIED)  # for a later day
        _decision(s, pid, "pelvic-tilt", day(10), "PROGRESS", program.ACCEPTED)
        _decision(s, pid, "knee-to-chest", day(10), "HOLD", program.APPLIED)
        _decision(s, pid, "knee-to-chest", day(11), "PROGRESS", program.SUGGESTED)
        _decision(s, pid, "bird-dog", day(10), "PAUSE", program.SUPERSEDED)
        _decision(s, pid, "lower-trunk-rotation", day(10), "PAUSE", program.APPLIED)

    with database.session() as s:
        changes = doses.changes_since(
            s, pid, day(10), program.CHANGED, ProgressionAction.HOLD.value
        )
        expected = [
            (row.exercise_id, row.action, date.fromisoformat(row.decision["decided_on"]))
            for row in program.applied_changes(s, pid, since=day(10))
        ]

    assert changes == [
        ("bird-dog", "REGRESS", day(12)),
        ("pelvic-tilt", "PROGRESS", day(10)),
        ("lower-trunk-rotation", "PAUSE", day(10)),
    ]
    assert changes == expected
