"""A partial screening (stopped at an emergency answer) locks the program like any other kind."""

from __future__ import annotations

from sciatica_care.domain.screening import screen_so_far
from sciatica_care.store import patients, program_access, screenings
from sciatica_care.store.database import Database


def test_an_unassessed_partial_emergency_locks_until_assessed(database: Database) -> None:
    answers = {"age": 45, "Q1": "yes"}
    with database.session() as s:
        pid = patients.local_patient_id(s)
        row_id = screenings.save(s, pid, answers, screen_so_far(answers), kind="partial")
    with database.session() as s:
        locked = program_access.program_access(s, pid)
        assert locked.access is program_access.Access.LOCKED
        assert locked.locking is not None and locked.locking.id == row_id
        assert locked.locking.pattern is None
        screenings.acknowledge(s, pid, row_id, assessed=False)
    with database.session() as s:
        assert program_access.program_access(s, pid).access is program_access.Access.LOCKED
        screenings.acknowledge(s, pid, row_id, assessed=True)
    with database.session() as s:
        # Assessed, but a partial screen is not a full one: the questions are still due.
        after = program_access.program_access(s, pid)
        assert after.access is program_access.Access.NEEDS_SCREENING
