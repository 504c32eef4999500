"""Nothing acknowledged is lost when the writing process is killed (issue 12 item 7).

A writer process (forked by ``tests.store.kill_writer``, a new one each round) records check-ins and
guided sessions through the use cases every interface calls and prints each id only after its
commit. We kill it with SIGKILL at seeded random moments, several rounds, restarting it each time,
and then check: every acknowledged write is there with what was sent; a session has all its
exercise results or none; a check-in that raised a daily screen has it (same transaction); SQLite
passes ``integrity_check`` and PostgreSQL reads everything back through the export.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

from sqlalchemy import func, select, text

from sciatica_care.services import screening
from sciatica_care.services.clock import Clock
from sciatica_care.services.context import PatientContext
from sciatica_care.services.data import export_document
from sciatica_care.services.permissions import Actor
from sciatica_care.store import patients
from sciatica_care.store.database import Database
from sciatica_care.store.models import CheckIn, ExerciseResult, ExerciseSession, Screening
from tests.data_answers import SELF_CARE_ANSWERS
from tests.store.kill_writer import NOW, ZONE, expected_checkin, expected_items

REPO_ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 6
SEED = 20261120
MAX_DELAY_S = 0.8
"""A writer is killed at a random moment up to this long after its first commit."""
START_WAIT_S = 120.0
"""How long the writer program may take to import the app, or a writer to commit its first
write, on a busy machine (a limit for a hung process, not a measure)."""


Ack = tuple[str, int, str]
"""An acknowledged write: (``checkin`` or ``session``, row id, client id)."""


class Writers:
    """The ``kill_writer`` program: forks one writer per round; we kill each with SIGKILL."""

    def __init__(self, url: str, patient_id: int, stderr: IO[str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.store.kill_writer", url, str(patient_id)],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        self.lines: queue.Queue[list[str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def wait_ready(self) -> None:
        assert self._next() == ["ready"], "the writer program did not start"

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.endswith("\n"):  # a line cut off by the kill was never acknowledged
                self.lines.put(line.split())
        self.lines.put(["closed"])

    def _next(self, timeout: float = START_WAIT_S) -> list[str]:
        line = self.lines.get(timeout=timeout)
        assert line != ["closed"], "the writer program ended"
        return line

    def run_and_kill(self, number: int, delay: float) -> list[Ack]:
        """Start writer ``number``, let it write ``delay`` seconds after its first commit, kill
        it with SIGKILL; the writes it acknowledged."""
        assert self.process.stdin is not None
        self.process.stdin.write(f"round {number}\n")
        self.process.stdin.flush()
        started, _, pid = self._next()
        assert started == "started"
        acknowledged: list[Ack] = []
        line = self._next()
        if line[0] != "ended":
            acknowledged.append((line[0], int(line[1]), line[2]))
            time.sleep(delay)
            os.kill(int(pid), signal.SIGKILL)
            while (line := self._next())[0] != "ended":
                acknowledged.append((line[0], int(line[1]), line[2]))
        status = int(line[3])
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
            "the writer ended by itself before it was killed (see its stderr)"
        )
        return acknowledged

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=START_WAIT_S)


def _patient_with_a_screen(database: Database) -> int:
    """The local patient, in London, screened (self-care) so the program gate is open."""
    with database.session() as session:
        patient_id = patients.local_patient_id(session)
        patients.update_settings(session, patient_id, timezone=ZONE.key)
    ctx = PatientContext(database, Actor.patient(patient_id), patient_id, Clock(ZONE, lambda: NOW))
    screening.submit_screen(ctx, SELF_CARE_ANSWERS)
    return patient_id


def _check_everything_acknowledged_is_stored(
    database: Database, patient_id: int, acknowledged: list[Ack]
) -> None:
    with database.session() as session:
        checkins = {row.id: row for row in session.scalars(select(CheckIn))}
        sessions = {row.id: row for row in session.scalars(select(ExerciseSession))}
        daily_screens = session.scalar(
            select(func.count()).select_from(Screening).where(Screening.kind == "daily")
        )
        results = session.scalar(select(func.count()).select_from(ExerciseResult))
        for kind, row_id, client_id in acknowledged:
            if kind == "checkin":
                stored = checkins.get(row_id)
                assert stored is not None, f"acknowledged check-in {client_id} is lost"
                wanted = expected_checkin(client_id)
                assert stored.client_id == client_id
                assert stored.leg_pain == wanted["leg_pain"]
                assert stored.entry["note"] == wanted["note"]
                assert (stored.daily_action != "SELF_CARE") == wanted["urgent"]
            else:
                saved = sessions.get(row_id)
                assert saved is not None, f"acknowledged session {client_id} is lost"
                assert saved.client_id == client_id
        for saved in sessions.values():  # acknowledged or not: all of a session or none of it
            assert saved.client_id is not None
            assert [item.position for item in saved.items] == list(
                range(expected_items(saved.client_id))
            ), f"session {saved.client_id} is stored in part"
        urgent = [row for row in checkins.values() if row.daily_action != "SELF_CARE"]
        assert daily_screens == len(urgent), "a check-in and its daily screen were split"
        assert results == sum(len(saved.items) for saved in sessions.values())
    document = export_document(database, patient_id)
    assert len(document["checkins"]) == len(checkins)
    assert len(document["exercise_sessions"]) == len(sessions)


def test_no_acknowledged_write_is_lost_when_the_writer_is_killed(
    database: Database, tmp_path: Path
) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    patient_id = _patient_with_a_screen(database)
    rng = random.Random(f"{SEED}-{database.engine.dialect.name}")
    acknowledged: list[Ack] = []
    with (tmp_path / "writer-stderr.txt").open("w+") as stderr:
        writers = Writers(url, patient_id, stderr)
        try:
            writers.wait_ready()
            for number in range(ROUNDS):
                acknowledged += writers.run_and_kill(number, rng.uniform(0.0, MAX_DELAY_S))
                _check_everything_acknowledged_is_stored(database, patient_id, acknowledged)
            writers.close()
        finally:
            if writers.process.poll() is None:
                writers.process.kill()
            stderr.seek(0)
            print(stderr.read()[-4000:])  # shown by pytest when the test fails
    kinds = {kind for kind, _, _ in acknowledged}
    assert kinds == {"checkin", "session"}, "the writers must have written both kinds"
    if database.engine.dialect.name == "sqlite":
        with database.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
