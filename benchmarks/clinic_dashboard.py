"""The clinician dashboard over a generated clinic, against a plain indexed ``count(*)`` (issue 10).

5,000 patients linked to one clinician, each with a year of daily morning check-ins (about 1.8
million rows), five weeks of sessions, a full safety check each and a few urgent answers, RED
sessions and legs whose pain spreads, so every alert kind is on the page. Generated once with
SQLAlchemy Core ``executemany`` into a SQLite file under /tmp and reused when present; on
PostgreSQL when ``SCIATICA_BENCH_PG_URL`` is set, or on a server started the way the tests start
one (tests/postgres_server.py) when Debian's PostgreSQL is installed.

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
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import Connection

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
    """The clinic, written with Core executemany (minutes on first use, then reused)."""
    with db.engine.begin() as conn:
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
                screens.append(
                    _screen(pid, "daily", "URGENT_24_48H", NOW - timedelta(hours=pid % 90))
                )
        conn.execute(insert(Screening), screens)
    for chunk in _rows_in_chunks(_checkins(first_id)):
        with db.engine.begin() as conn:
            conn.execute(insert(CheckIn), chunk)
    for chunk in _rows_in_chunks(_sessions(first_id)):
        with db.engine.begin() as conn:
            _insert_sessions(conn, chunk)


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


def _ready(db: Database) -> bool:
    with db.engine.connect() as conn:
        return bool(
            conn.execute(select(func.count()).select_from(CareLink)).scalar_one() >= PATIENTS
        )


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


@contextmanager
def _postgres_url() -> Iterator[str | None]:
    given = os.environ.get("SCIATICA_BENCH_PG_URL")
    if given:
        yield given
        return
    try:
        from tests.postgres_server import find_bin_dir, running_server
    except ImportError:
        yield None
        return
    bin_dir = find_bin_dir()
    if bin_dir is None:
        yield None
        return
    with running_server(bin_dir) as url:
        yield url


def _report(name: str, times: tuple[float, float, float]) -> None:
    ours, api, base = times
    verdict = "under" if max(ours, api) < TARGET_S else "OVER"
    print(
        f"  {name:<10} caseload() {ours * 1000:7.1f} ms   GET /api/clinician/patients "
        f"{api * 1000:7.1f} ms   count(*) {base * 1000:7.1f} ms   ({verdict} 200 ms)"
    )


def run() -> tuple[str, float, float]:
    print(f"Clinic dashboard: {PATIENTS} patients x {DAYS} days of check-ins, time to first page")
    SQLITE_FILE.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{SQLITE_FILE}"
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Settings(data_dir=Path(tmp)), url=url)
        if not _ready(db):
            print(f"  generating {SQLITE_FILE} (once; reused by later runs)")
            generate(db)
            with db.engine.connect() as conn:
                conn.execute(text("ANALYZE"))
        sqlite_times = measure(db, url, Path(tmp))
        db.dispose()
    _report("SQLite", sqlite_times)
    with _postgres_url() as pg_url, tempfile.TemporaryDirectory() as tmp:
        if pg_url is None:
            print("  PostgreSQL: not measured (set SCIATICA_BENCH_PG_URL or install postgresql)")
        else:
            db = open_database(Settings(data_dir=Path(tmp)), url=pg_url)
            if not _ready(db):
                print("  generating the clinic on PostgreSQL")
                generate(db)
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("ANALYZE"))
            _report("PostgreSQL", measure(db, pg_url, Path(tmp)))
            db.dispose()
    ours, api, base = sqlite_times
    return "Clinic dashboard, 5,000 patients, SQLite (vs count(*))", max(ours, api), base
