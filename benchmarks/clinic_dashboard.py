"""The clinician dashboard over a generated clinic, against a plain indexed ``count(*)`` (issue 10).

5,000 patients linked to one clinician, each with a year of daily morning check-ins (about 1.8
million rows), five weeks of sessions, a full safety check each and a few urgent answers, RED
sessions and legs whose pain spreads, so every alert kind is on the page. Generated once and
reused by later runs: with SQLAlchemy Core ``executemany`` into a SQLite file under /tmp, and on
PostgreSQL with ``COPY`` (the same rows from the same seed, in one transaction) into the server
``SCIATICA_BENCH_PG_URL`` names or, when Debian's PostgreSQL is installed, into a cluster kept
under /tmp/sciatica-bench/pg (benchmarks/pg_cluster.py). A SQLite file whose generation was cut
short is detected and made again.

Measured in one run, side by side: the time to first page of ``services.caseload.caseload`` and of
``GET /api/clinician/patients`` (in-process, so server time), and ``SELECT count(*)`` of the same
check-in rows (the clinician's patients' last 28 days) through the same index. Target: under 200
ms. A fixed clock, so a file made on another day gives the same numbers.

The dashboard reads one derived summary per patient (``services.caseload_summary``). A clinic
generated here (or made before migration 0008) has none: the first dashboard read builds and
stores all 5,000, and is reported as the cold read; the best of the warm reads is the figure.
``SCIATICA_BENCH_COLD=1`` drops the summaries first, to measure the cold read again.
"""

from __future__ import annotations

import os
import random
import tempfile
import timeit
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from psycopg import Cursor
from psycopg.types.json import Jsonb
from sqlalchemy import delete, func, insert, make_url, select, text
from sqlalchemy.engine import Connection

from benchmarks.pg_cluster import postgres_url
from sciatica_care.config import Settings
from sciatica_care.services import caseload
from sciatica_care.services.credentials import hash_password
from sciatica_care.store.database import Database, open_database
from sciatica_care.store.models import (
    CareLink,
    CaseloadSummary,
    CheckIn,
    Clinician,
    ExerciseResult,
    ExerciseSession,
    Patient,
    Screening,
)
from sciatica_care.web.app import create_app

PATIENTS = 5_000
DAYS = 365
SESSION_DAYS = 35
NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
ZONE = "Europe/London"
EMAIL = "bench-clinician@clinic.example"
PASSWORD = "a long bench password"
SQLITE_FILE = Path(tempfile.gettempdir()) / "sciatica-bench" / f"clinic-{PATIENTS}.sqlite3"
CHUNK = 50_000
PG_DATABASE = f"clinic_{PATIENTS}"
TARGET_S = 0.200


def _rows_in_chunks(rows: Iterator[dict[str, object]]) -> Iterator[list[dict[str, object]]]:
    chunk: list[dict[str, object]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _checkins(first_id: int) -> Iterator[dict[str, object]]:
    rng = random.Random(7)
    first = TODAY - timedelta(days=DAYS - 1)
    for pid in range(first_id, first_id + PATIENTS):
        spreading = pid % 50 == 0
        base = rng.randint(2, 7)
        for n in range(DAYS):
            day = first + timedelta(days=n)
            zone = 4 if spreading and n >= DAYS - 4 else 3
            leg = max(0, min(10, base - n // 120 + rng.randint(-1, 1)))
            yield {
                "patient_id": pid,
                "client_id": None,
                "recorded_at": datetime.combine(day, time(7, 30), tzinfo=UTC),
                "day": day,
                "entry": {
                    "day": day.isoformat(),
                    "moment": "morning",
                    "leg_pain": leg,
                    "back_pain": max(0, leg - 2),
                    "zones": {
                        "left": {"pain": zone, "numbness": 0},
                        "right": {"pain": 0, "numbness": 0},
                    },
                },
                "leg_pain": leg,
                "back_pain": max(0, leg - 2),
                "daily_action": "SELF_CARE",
                "progressed_at": NOW,
            }


def _sessions(first_id: int) -> Iterator[dict[str, object]]:
    for pid in range(first_id, first_id + PATIENTS):
        for n in range(SESSION_DAYS):
            if (pid + n) % 7 in (3, 5):
                continue
            red = pid % 40 == 0 and n in (SESSION_DAYS - 2, SESSION_DAYS - 5)
            day = TODAY - timedelta(days=SESSION_DAYS - 1 - n)
            yield {
                "patient_id": pid,
                "started_at": datetime.combine(day, time(10), tzinfo=UTC),
                "status": "stopped" if red else "completed",
                "stop_reason": "spread_down_leg" if red else None,
                "elapsed_s": 600.0,
                "final": True,
                "version": 0,
                "progressed_at": NOW,
            }


def generate(db: Database) -> None:
    """The clinic: with COPY on PostgreSQL, with Core executemany on SQLite (minutes on first
    use, then reused)."""
    if db.engine.dialect.name == "postgresql":
        _generate_by_copy(db)
        return
    with db.engine.begin() as conn:
        first_id = _people(conn)
    for chunk in _rows_in_chunks(_checkins(first_id)):
        with db.engine.begin() as conn:
            conn.execute(insert(CheckIn), chunk)
    for chunk in _rows_in_chunks(_sessions(first_id)):
        with db.engine.begin() as conn:
            _insert_sessions(conn, chunk)


def _people(conn: Connection) -> int:
    """The clinician, the patients, their care links and safety checks; the first patient id."""
    clinician_id = conn.execute(
        insert(Clinician).returning(Clinician.id),
        [
            {
                "email": EMAIL,
                "display_name": "Bench Clinician",
                "password_hash": hash_password(PASSWORD),
            }
        ],
    ).scalar_one()
    conn.execute(
        insert(Patient),
        [
            {
                "email": f"patient{n:05d}@example.org",
                "settings": {"timezone": ZONE},
                "program_started_on": TODAY - timedelta(days=DAYS - 1),
                "is_local": False,
                "created_at": NOW - timedelta(days=DAYS),
            }
            for n in range(PATIENTS)
        ],
    )
    first_id = conn.execute(select(func.min(Patient.id))).scalar_one()
    conn.execute(
        insert(CareLink),
        [
            {
                "patient_id": pid,
                "clinician_id": clinician_id,
                "linked_at": NOW - timedelta(days=DAYS),
            }
            for pid in range(first_id, first_id + PATIENTS)
        ],
    )
    screens = []
    for pid in range(first_id, first_id + PATIENTS):
        screens.append(_screen(pid, "full", "SELF_CARE", NOW - timedelta(days=DAYS)))
        if pid % 60 == 0:
            screens.append(_screen(pid, "daily", "URGENT_24_48H", NOW - timedelta(hours=pid % 90)))
    conn.execute(insert(Screening), screens)
    return first_id


def _screen(pid: int, kind: str, action: str, at: datetime) -> dict[str, object]:
    return {
        "patient_id": pid,
        "created_at": at,
        "kind": kind,
        "answers": {},
        "result": {"action": action, "reasons": []},
        "action": action,
        "pattern": None,
        "content_version": "bench",
    }


def _insert_sessions(conn: Connection, chunk: list[dict[str, object]]) -> None:
    ids = (
        conn.execute(
            insert(ExerciseSession).returning(ExerciseSession.id, sort_by_parameter_order=True),
            chunk,
        )
        .scalars()
        .all()
    )
    conn.execute(
        insert(ExerciseResult),
        [
            {
                "session_id": sid,
                "patient_id": row["patient_id"],
                "position": 0,
                "exercise_id": "pelvic-tilt",
                "level": 2,
                "dose": {"sets": 1, "reps": 10},
                "sides_done": [],
                "pain": 3,
                "spread_down_leg": row["stop_reason"] is not None,
                "completed": True,
            }
            for sid, row in zip(ids, chunk, strict=True)
        ],
    )


CHECKIN_COLUMNS = (
    "patient_id",
    "client_id",
    "recorded_at",
    "day",
    "entry",
    "leg_pain",
    "back_pain",
    "daily_action",
    "progressed_at",
)
SESSION_COLUMNS = (
    "patient_id",
    "started_at",
    "status",
    "stop_reason",
    "elapsed_s",
    "final",
    "version",
    "progressed_at",
)
RESULT_COLUMNS = (
    "session_id",
    "patient_id",
    "position",
    "exercise_id",
    "level",
    "dose",
    "sides_done",
    "reps_done",
    "holds_done",
    "hold_seconds",
    "pain",
    "spread_down_leg",
    "asked_easier",
    "completed",
)


def _generate_by_copy(db: Database) -> None:
    """The same clinic as ``generate`` writes on SQLite, check-ins, sessions and results
    streamed with PostgreSQL's COPY (psycopg 3 ``cursor.copy``): executemany took many minutes
    for the 1.8 million check-ins. One transaction, so a run cut short leaves nothing behind.

    Columns ``insert()`` would have left out are written with the values it would have given
    them (the models' Python defaults for ``reps_done``, ``holds_done``, ``hold_seconds`` and
    ``asked_easier``; NULL for the rest, which COPY leaves NULL when not named)."""
    with db.engine.begin() as conn:
        first_id = _people(conn)
        dbapi = conn.connection.driver_connection
        assert dbapi is not None
        with dbapi.cursor() as cursor:
            _copy(cursor, "checkins", CHECKIN_COLUMNS, _checkin_rows(first_id))
            before = conn.execute(select(func.coalesce(func.max(ExerciseSession.id), 0)))
            last_id = before.scalar_one()
            sessions = list(_sessions(first_id))
            _copy(
                cursor,
                "exercise_sessions",
                SESSION_COLUMNS,
                ([row[name] for name in SESSION_COLUMNS] for row in sessions),
            )
            # COPY takes ids from the sequence row by row, in the order written.
            ids = (
                conn.execute(
                    select(ExerciseSession.id)
                    .where(ExerciseSession.id > last_id)
                    .order_by(ExerciseSession.id)
                )
                .scalars()
                .all()
            )
            _copy(
                cursor,
                "exercise_results",
                RESULT_COLUMNS,
                (_result_row(sid, row) for sid, row in zip(ids, sessions, strict=True)),
            )


def _result_row(session_id: int, session: dict[str, object]) -> list[object]:
    """The one exercise result ``_insert_sessions`` writes for a session, in RESULT_COLUMNS."""
    values: dict[str, object] = {
        "session_id": session_id,
        "patient_id": session["patient_id"],
        "position": 0,
        "exercise_id": "pelvic-tilt",
        "level": 2,
        "dose": Jsonb({"sets": 1, "reps": 10}),
        "sides_done": Jsonb([]),
        "reps_done": 0,
        "holds_done": 0,
        "hold_seconds": 0.0,
        "pain": 3,
        "spread_down_leg": session["stop_reason"] is not None,
        "asked_easier": False,
        "completed": True,
    }
    return [values[name] for name in RESULT_COLUMNS]


def _checkin_rows(first_id: int) -> Iterator[list[object]]:
    for row in _checkins(first_id):
        values = [row[name] for name in CHECKIN_COLUMNS]
        values[CHECKIN_COLUMNS.index("entry")] = Jsonb(row["entry"])
        yield values


def _copy(
    cursor: Cursor[tuple[object, ...]],
    table: str,
    columns: tuple[str, ...],
    rows: Iterator[list[object]],
) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _state(db: Database) -> str:
    """``"empty"``, ``"ready"``, or ``"partial"`` (a generation cut short: SQLite commits chunk
    by chunk). The last patient's exercise results are the last rows written."""
    with db.engine.connect() as conn:
        linked = conn.execute(select(func.count()).select_from(CareLink)).scalar_one()
        if linked == 0:
            return "empty"
        last_patient = conn.execute(select(func.max(Patient.id))).scalar_one()
        done = conn.execute(
            select(ExerciseResult.id).where(ExerciseResult.patient_id == last_patient).limit(1)
        ).first()
    return "ready" if linked >= PATIENTS and done is not None else "partial"


def _best(action: Callable[[], object], repeat: int = 7) -> float:
    action()  # warm-up: caches, the first query plans
    return min(timeit.repeat(action, number=1, repeat=repeat))


def _cold(db: Database, clinician_id: int) -> float | None:
    """The first dashboard read when summaries are missing (it builds and stores them), in
    seconds; None when every patient already has one."""
    if os.environ.get("SCIATICA_BENCH_COLD"):
        with db.engine.begin() as conn:
            conn.execute(delete(CaseloadSummary))
    with db.engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(CaseloadSummary)).scalar_one()
    if have >= PATIENTS:
        return None
    started = timeit.default_timer()
    caseload.caseload(db, clinician_id, lambda: NOW)
    return timeit.default_timer() - started


def measure(db: Database, url: str, data_dir: Path) -> tuple[float, float, float]:
    """(service, API, count(*)) best warm times in seconds, on the database at ``url``."""
    with db.session() as session:
        clinician_id = session.scalar(select(Clinician.id).where(Clinician.email == EMAIL))
    assert clinician_id is not None
    cold = _cold(db, clinician_id)
    if cold is not None:
        print(f"  cold read: {cold:.1f} s (built and stored {PATIENTS} caseload summaries)")
    first_day = TODAY - timedelta(days=27)
    count_sql = text(
        "SELECT count(*) FROM checkins JOIN care_links ON care_links.patient_id = checkins.patient_id "
        "WHERE care_links.clinician_id = :c AND care_links.ended_at IS NULL AND checkins.day >= :d"
    )

    def count() -> None:
        with db.engine.connect() as conn:
            conn.execute(count_sql, {"c": clinician_id, "d": first_day}).scalar_one()

    def service() -> None:
        page = caseload.caseload(db, clinician_id, lambda: NOW)
        assert len(page.rows) == caseload.PAGE_SIZE

    app = create_app(Settings(data_dir=data_dir, database_url=url, secret_key="bench"))
    app.state.now = lambda: NOW
    with TestClient(app) as client:
        signed = client.post("/api/session", json={"email": EMAIL, "password": PASSWORD})
        assert signed.status_code == 200, signed.text

        def api() -> None:
            response = client.get("/api/clinician/patients")
            assert response.status_code == 200

        return _best(service), _best(api), _best(count)


def _report(name: str, times: tuple[float, float, float]) -> None:
    ours, api, base = times
    verdict = "under" if max(ours, api) < TARGET_S else "OVER"
    print(
        f"  {name:<10} caseload() {ours * 1000:7.1f} ms   GET /api/clinician/patients "
        f"{api * 1000:7.1f} ms   count(*) {base * 1000:7.1f} ms   ({verdict} 200 ms)"
    )


def _prepared(url: str, data_dir: Path, where: str) -> Database:
    """The database at ``url`` with the clinic in it: generated (and analysed) when missing,
    made again when a generation was cut short (SQLite only: PostgreSQL writes it in one
    transaction)."""
    db = open_database(Settings(data_dir=data_dir), url=url)
    state = _state(db)
    if state == "partial" and db.engine.dialect.name == "sqlite":
        print(f"  {where} holds a clinic cut short: made again")
        db.dispose()
        SQLITE_FILE.unlink()
        db = open_database(Settings(data_dir=data_dir), url=url)
        state = "empty"
    if state == "partial":
        raise SystemExit(f"{where} holds a clinic cut short: drop that database and run again")
    if state == "empty":
        print(f"  generating the clinic in {where} (once; reused by later runs)")
        started = timeit.default_timer()
        generate(db)
        # PostgreSQL: VACUUM too, as autovacuum would soon, so index-only scans (the count(*)
        # baseline) find the visibility map set rather than visiting every fresh heap page.
        maintain = "VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(maintain))
        print(f"  generated in {timeit.default_timer() - started:.0f} s")
    return db


def run() -> tuple[str, float, float]:
    print(f"Clinic dashboard: {PATIENTS} patients x {DAYS} days of check-ins, time to first page")
    SQLITE_FILE.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{SQLITE_FILE}"
    with tempfile.TemporaryDirectory() as tmp:
        db = _prepared(url, Path(tmp), str(SQLITE_FILE))
        sqlite_times = measure(db, url, Path(tmp))
        db.dispose()
    _report("SQLite", sqlite_times)
    with postgres_url(PG_DATABASE) as pg_url, tempfile.TemporaryDirectory() as tmp:
        if pg_url is None:
            print("  PostgreSQL: not measured (set SCIATICA_BENCH_PG_URL or install postgresql)")
        else:
            where = f"PostgreSQL database {make_url(pg_url).database}"
            db = _prepared(pg_url, Path(tmp), where)
            _report("PostgreSQL", measure(db, pg_url, Path(tmp)))
            db.dispose()
    ours, api, base = sqlite_times
    return "Clinic dashboard, 5,000 patients, SQLite (vs count(*))", max(ours, api), base
