"""Writers for the kill -9 test: check-ins and guided sessions through the use cases, forever.

Run as ``python -m tests.store.kill_writer DATABASE_URL PATIENT_ID``. The program imports the app
once, says ``ready``, then for each line ``round N`` on stdin forks one writer process, says
``started N <pid>``, waits for it to end and says ``ended N <pid> <wait status>``. A writer opens
the database itself (nothing is opened before the fork) and writes through
``services.checkins.record_checkin`` and ``services.sessions.record_session``, the use cases the web
pages, the JSON API and the CLI call. It prints one line per write only after the use case has
returned (so after its commit): ``checkin <row id> <client id>`` or ``session <row id> <client id>``.
A line on stdout is an acknowledged write; the test kills the writer with SIGKILL at a random
moment and checks that every acknowledged write is stored, complete. Forking from an imported
program spares each restart the seconds of imports, so a round costs only its writes.

What each write holds follows from its client id (``expected_checkin``, ``expected_items``), so the
test can check a stored row against what was sent without a second channel.
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sciatica_care.content.exercises import exercise_library
from sciatica_care.content.questionnaires import questionnaire_set
from sciatica_care.content.triage import triage_content
from sciatica_care.domain import diary
from sciatica_care.domain.session import ExerciseResult, SessionRecord, SessionStatus
from sciatica_care.services.checkins import record_checkin
from sciatica_care.services.clock import Clock
from sciatica_care.services.context import PatientContext
from sciatica_care.services.permissions import Actor
from sciatica_care.services.sessions import SessionSave, record_session
from sciatica_care.store.database import Database, make_engine

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ZONE = ZoneInfo("Europe/London")
EXERCISES = ("pelvic-tilt", "knee-to-chest", "lower-trunk-rotation", "bird-dog")
LIMIT = 100_000
"""Writes before the writer stops by itself (it is always killed long before)."""


def number_of(client_id: str) -> int:
    """The write number in a client id such as ``r2-c17``."""
    return int(client_id.rsplit("-", 1)[1][1:])


def expected_checkin(client_id: str) -> dict[str, object]:
    """The leg pain, note and daily action a check-in with this client id was sent with: every
    third one answers Q1 yes (already assessed by a doctor: URGENT), which stores a daily screen
    beside the entry in the same transaction."""
    n = number_of(client_id)
    return {
        "leg_pain": n % 11,
        "note": f"entry {client_id}",
        "urgent": n % 3 == 0,
    }


def expected_items(client_id: str) -> int:
    """How many exercise results a session with this client id was sent with (1 to 4)."""
    return 1 + number_of(client_id) % 4


def _checkin(ctx: PatientContext, client_id: str) -> int:
    wanted = expected_checkin(client_id)
    red_flags = {f"Q{n}": "no" for n in range(1, 8)}
    if wanted["urgent"]:
        red_flags["Q1"] = "yes"
    entry = diary.CheckIn(
        day=NOW.astimezone(ZONE).date(),
        moment="other",
        leg_pain=int(str(wanted["leg_pain"])),
        back_pain=2,
        red_flags=red_flags,  # type: ignore[arg-type]
        note=str(wanted["note"]),
    )
    ces = "yes" if wanted["urgent"] else None
    return record_checkin(ctx, entry, ces_assessed=ces, client_id=client_id).id


def _session(ctx: PatientContext, client_id: str) -> int:
    library = exercise_library()
    items = []
    for position in range(expected_items(client_id)):
        exercise = library.get(EXERCISES[position])
        dose = exercise.level(1).dose
        items.append(
            ExerciseResult(
                exercise_id=exercise.id,
                level=1,
                dose=dose,
                sides_done=[],
                reps_done=dose.reps,
                holds_done=0,
                hold_seconds=0.0,
                pain=position,
                spread_down_leg=False,
                completed=True,
            )
        )
    record = SessionRecord(
        status=SessionStatus.COMPLETED,
        elapsed_s=60.0 * len(items),
        items=items,
        planned_exercises=list(EXERCISES[: len(items)]),
    )
    started = NOW - timedelta(minutes=30)
    save = SessionSave(record=record, started_at=started, client_id=client_id)
    return record_session(ctx, save).row.id


def write(url: str, patient_id: int, round_number: int) -> None:
    """One writer: check-ins and sessions in turn, each acknowledged after its use case returns.
    Odd rounds start with a session, even ones with a check-in, so both kinds are acknowledged
    however early the kills come."""
    database = Database(make_engine(url))
    ctx = PatientContext(database, Actor.patient(patient_id), patient_id, Clock(ZONE, lambda: NOW))
    for n in range(round_number % 2, LIMIT):
        if n % 2 == 0:
            client_id = f"r{round_number}-c{n}"
            print(f"checkin {_checkin(ctx, client_id)} {client_id}", flush=True)
        else:
            client_id = f"r{round_number}-s{n}"
            print(f"session {_session(ctx, client_id)} {client_id}", flush=True)


def main(url: str, patient_id: int) -> None:
    for load in (exercise_library, triage_content, questionnaire_set):
        load()  # the content files are read once here, not again by every writer
    print("ready", flush=True)
    for line in sys.stdin:
        round_number = int(line.split()[1])
        pid = os.fork()
        if pid == 0:
            try:
                write(url, patient_id, round_number)
            except BaseException:
                traceback.print_exc()
                sys.stderr.flush()
                os._exit(1)
            os._exit(0)
        print(f"started {round_number} {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"ended {round_number} {pid} {status}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
