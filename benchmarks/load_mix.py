"""Speed under a realistic mix (issue 12 item 8): patients using the app as people do and their
clinician reading the caseload, on the real server on loopback, beside a bare FastAPI endpoint
under the same server settings, in one run.

Route by route (``load.py``) a read asked again and again is mostly served from the views the
app keeps until a patient's data changes (``services.view_cache``). Here the patients also write:
each visit plays a guided session (five saves, the last running progression) and posts a
check-in, so the reads after them are composed afresh, as people really get them. The visit and
the open-loop generator are ``load_mix_traffic.py`` (its own process).

What runs: ``PATIENTS`` patients, half with 30 and half with 365 days of history
(``progress_page.seed_year``, after a calm safety check, a real time zone), and one clinician
linked to all of them (through ``services.links``, as a share code does), on ``sciatica serve``
(one uvicorn worker, SQLite: ``load_servers.serve_app``); the bare endpoint in its own process
(``serve_bare``). One patient of each history is seeded through the real code; the others are
copies of them made with SQL in the same database file (a year of history through the ORM takes
seconds a patient), each with its own e-mail, public id, revision and link.

Figures: the mix at a fixed ``RATE`` (open loop, latency from when each request was due), per
route: count, p50, p99 (and p99 by history), late (still unanswered ``GRACE_S`` after the last
was due: infinitely slow) and errors (any status but 2xx/3xx, or a broken connection, named); the
bare endpoint at the same rate (``load_rate.py``). The capacity of the mix, closed loop with
``CONNECTIONS`` connections, against the bare endpoint's (``wrk``, as ``load.py``), and what the
generator itself drives against the bare endpoint, to show it is not the limit. When the
capacity is below the rate, the server can only fall behind at it, so the mix is also played at
half its capacity: the latencies people get at a load the server carries. Target (issue 12): p99
under 50 ms at 100 requests/s. Between runs the server is left to finish what the last one left
it (``settle``).

``python -m benchmarks.load_mix [--quick] [--rate 100] [--patients 20]`` runs it alone;
``python -m benchmarks.load`` runs it after the route-by-route tables (``--mix-only``: only this);
``make bench`` runs it with the others (``BENCH=mix``: only this).
"""

from __future__ import annotations

import argparse
import graphlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Connection, inspect, text

from benchmarks import load_mix_traffic as traffic
from benchmarks.load import (
    CLINICIAN,
    PASSWORD,
    SECRET,
    TARGET_P99_MS,
    ZONE,
    Route,
    _session_body,
    closed_loop,
    sign_in,
)
from benchmarks.load_rate import _percentile
from benchmarks.load_servers import BARE_PATH, REPO_ROOT, serve_app, serve_bare
from benchmarks.progress_page import seed_year
from sciatica_care.config import Settings
from sciatica_care.services import clinicians, links
from sciatica_care.services.context import patient_context
from sciatica_care.services.permissions import Actor
from sciatica_care.store.database import Database
from sciatica_care.web.app import create_app

PATIENTS = 20
HISTORIES = (30, 365)
RATE = 100.0
OPEN_S = 20.0
CLOSED_S = 10.0
WARM_UP_S = 3.0
QUICK = {"open": 5.0, "closed": 3.0, "warm_up": 1.0}
CONNECTIONS = 4
CLINICIAN_EVERY = 20

NOT_COPIED = frozenset(
    {
        "patients",  # the copy gets its own row: e-mail, public id
        "patient_revisions",  # made by the patients trigger
        "auth_sessions",  # it signs in itself
        "share_codes",
        "care_links",  # linked through services.links
        "audit_events",
        "alerts_seen",
        "caseload_summaries",  # derived; the clinician's first read builds it
    }
)
"""Tables with a patient_id that a copied patient does not take from its original."""


@dataclass(frozen=True)
class MixPatient:
    email: str
    days: int
    public_id: str


# -- the data ------------------------------------------------------------------------------------


def patient_email(n: int, days: int) -> str:
    return f"mix-{n}-{days}-days@example.org"


def seed(
    data_dir: Path, patients: int = PATIENTS, histories: tuple[int, ...] = HISTORIES
) -> list[MixPatient]:
    """``patients`` patients, histories in turn, all linked to one clinician (``CLINICIAN``); one
    of each history seeded through the real code, the rest copied from it."""
    from tests.web.safety_check import calm_answers  # the calm §8.1 answers the tests use

    app = create_app(Settings(data_dir=data_dir, secret_key=SECRET))
    today = datetime.now(ZoneInfo(ZONE)).date()
    seeded: list[MixPatient] = []
    with TestClient(app) as client:
        db: Database = app.state.db
        clinician = clinicians.create_clinician(db, CLINICIAN, "Bench Clinician", PASSWORD)
        originals: dict[int, int] = {}
        for n in range(patients):
            days = histories[n % len(histories)]
            email = patient_email(n, days)
            if days in originals:
                with db.session() as session:
                    patient_id = copy_patient(session.connection(), originals[days], email)
            else:
                patient_id = _sign_up_with_history(client, db, email, days, today, calm_answers())
                originals[days] = patient_id
            ctx = patient_context(db, Actor.patient(patient_id), patient_id)
            code = links.create_share_code(ctx)
            seeded.append(
                MixPatient(email, days, links.link_with_code(db, clinician.id, code.code))
            )
    return seeded


def _sign_up_with_history(
    client: TestClient, db: Database, email: str, days: int, today: date, screen: dict[str, Any]
) -> int:
    """As ``load.seed``: an account in ``ZONE``, the disclaimer, a calm safety check, a diary."""
    client.cookies.clear()
    created = client.post(
        "/api/accounts", json={"email": email, "password": PASSWORD, "timezone": ZONE}
    )
    assert created.status_code == 201, created.text
    me = created.json()
    headers = {"X-CSRF-Token": me["csrf_token"]}
    assert client.post("/api/me/disclaimer", headers=headers).status_code == 200
    screened = client.post("/api/screenings", json=screen, headers=headers)
    assert screened.status_code == 201, screened.text
    with db.session() as session:
        seed_year(session, me["id"], today, days=days)
    patient_id: int = me["id"]
    return patient_id


def copy_patient(connection: Connection, source_id: int, email: str) -> int:
    """A new patient holding a copy of ``source_id``'s rows (screenings, diary, sessions with
    their results, doses, questionnaires, ...): every table with a ``patient_id`` but
    ``NOT_COPIED``, found in the schema, so a new table is copied too. Ids are the original's
    plus the table's highest id, and references between copied tables follow them."""
    inspector = inspect(connection)
    tables: dict[str, tuple[list[str], dict[str, str]]] = {}
    for table in inspector.get_table_names():
        columns = [column["name"] for column in inspector.get_columns(table)]
        if "patient_id" in columns and table not in NOT_COPIED:
            refers = {
                fk["constrained_columns"][0]: fk["referred_table"]
                for fk in inspector.get_foreign_keys(table)
                if fk["referred_table"] not in ("patients", "clinicians")
            }
            tables[table] = (columns, refers)
    patient_columns = [column["name"] for column in inspector.get_columns("patients")]
    new_id = connection.execute(text("SELECT max(id) + 1 FROM patients")).scalar_one()
    fresh = {"id": ":new_id", "email": ":email", "public_id": ":public_id"}
    connection.execute(
        text(
            f"INSERT INTO patients ({', '.join(patient_columns)}) "
            f"SELECT {', '.join(fresh.get(c, c) for c in patient_columns)} "
            "FROM patients WHERE id = :source"
        ),
        {"new_id": new_id, "email": email, "public_id": str(uuid.uuid4()), "source": source_id},
    )
    order = graphlib.TopologicalSorter(
        {
            table: {r for r in refers.values() if r in tables}
            for table, (_, refers) in tables.items()
        }
    )
    offsets: dict[str, int] = {}
    for table in order.static_order():
        columns, refers = tables[table]
        offsets[table] = connection.execute(
            text(f"SELECT coalesce(max(id), 0) FROM {table}")
        ).scalar_one()
        values = []
        for column in columns:
            if column == "patient_id":
                values.append(":new_id")
            elif column == "id":
                values.append(f"id + {offsets[table]}")
            elif column in refers and refers[column] in offsets:
                values.append(f"{column} + {offsets[refers[column]]}")
            else:
                values.append(f'"{column}"')
        quoted = ", ".join(f'"{column}"' for column in columns)
        connection.execute(
            text(
                f"INSERT INTO {table} ({quoted}) "
                f"SELECT {', '.join(values)} FROM {table} WHERE patient_id = :source"
            ),
            {"new_id": new_id, "source": source_id},
        )
    return int(new_id)


# -- driving it ----------------------------------------------------------------------------------


def sign_in_all(base: str, patients: list[MixPatient]) -> dict[str, Any]:
    """Everybody signed in on the server: the users part of the generator's config."""
    callers = []
    for patient in patients:
        caller = sign_in(base, patient.email)
        callers.append({"cookie": caller.cookie, "csrf": caller.csrf, "days": patient.days})
    clinician = sign_in(base, CLINICIAN)
    return {
        "patients": callers,
        "clinician": {"cookie": clinician.cookie, "csrf": clinician.csrf},
        "session_template": _session_body(datetime.now(ZoneInfo(ZONE)).replace(microsecond=0)),
        "clinician_every": CLINICIAN_EVERY,
    }


def play(config: dict[str, Any], tmp: Path) -> list[traffic.Record]:
    """``load_mix_traffic`` in its own process on ``config``; the requests it counted."""
    path = tmp / f"mix-{uuid.uuid4().hex}.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    command = [sys.executable, "-m", "benchmarks.load_mix_traffic", str(path)]
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    records: list[traffic.Record] = [tuple(r) for r in json.loads(out.stdout)["records"]]
    return records


def bare_at_rate(bare: str, rate: float, duration: float) -> dict[str, Any]:
    """``load_rate.py`` against the bare endpoint, open loop at ``rate``, its own process."""
    httpx.get(bare + BARE_PATH)  # one first request: the connection machinery warmed
    command = [
        sys.executable,
        "-m",
        "benchmarks.load_rate",
        bare + BARE_PATH,
        "--rate",
        str(rate),
        "--duration",
        str(duration),
    ]
    ran = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    result: dict[str, Any] = json.loads(ran.stdout.strip().splitlines()[-1])
    return result


# -- the figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteFigures:
    route: str
    count: int
    answered: int
    p50_ms: float
    p99_ms: float
    p99_by_days: dict[int, float]
    errors: Counter[str]

    @property
    def unanswered(self) -> int:
        return self.count - self.answered


def is_error(status: int | str) -> bool:
    """Anything but an answer in 2xx or 3xx, or a request that broke, or a redirect where the
    page itself was asked (``load_mix_traffic`` reports it as "303 to /login"). A request still
    waiting when the run ends is not an error: it is late, and counts as infinitely slow."""
    if status == traffic.UNANSWERED:
        return False
    return not (isinstance(status, int) and 200 <= status < 400)


def figures(records: list[traffic.Record], route: str | None = None) -> RouteFigures:
    """One route's figures (``None``: the whole mix); an unanswered request counts as infinitely
    slow, so it is in the p99."""
    mine = [r for r in records if r[4] and (route is None or r[0] == route)]
    latencies = sorted(math.inf if r[2] is None else r[2] for r in mine)
    by_days: dict[int, float] = {}
    for days in sorted({r[1] for r in mine}):
        of_days = sorted(math.inf if r[2] is None else r[2] for r in mine if r[1] == days)
        by_days[days] = _percentile(of_days, 99)
    return RouteFigures(
        route=route or "whole mix",
        count=len(mine),
        answered=sum(1 for r in mine if r[2] is not None),
        p50_ms=_percentile(latencies, 50),
        p99_ms=_percentile(latencies, 99),
        p99_by_days=by_days,
        errors=Counter(str(r[3]) for r in mine if is_error(r[3])),
    )


def achieved_rate(records: list[traffic.Record]) -> float:
    """Answers a second over the whole run, warm-up included: from the first request due to the
    last answer (what the server got through, whether or not it kept up)."""
    answered = [r[5] + r[2] / 1000 for r in records if r[2] is not None]
    if not answered:
        return 0.0
    return len(answered) / max(max(answered) - min(r[5] for r in records), 1e-9)


def _counts(counts: Counter[str]) -> str:
    return ", ".join(f"{kind} ×{n}" for kind, n in counts.most_common())


def _errors(f: RouteFigures) -> str:
    return f"{f.errors.total()} ({_counts(f.errors)})" if f.errors else "0"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def report_open(records: list[traffic.Record], rate: float, duration: float) -> RouteFigures:
    """The per-route table of an open-loop run; the whole mix's figures."""
    share = traffic.weights(CLINICIAN_EVERY)
    days = sorted({r[1] for r in records if r[1]})
    by_days = "".join(f" {f'p99 {d}d':>9}" for d in days)
    print(
        f"{'route':<40} {'weight':>6} {'count':>6} {'p50 ms':>8} {'p99 ms':>8}{by_days} "
        f"{'late':>5}  errors"
    )
    rows = [figures(records, route) for route in traffic.ROUTES] + [figures(records)]
    for f in rows:
        weight = share.get(f.route, 1.0)
        if not f.count:
            print(f"{f.route:<40} {weight:6.1%} {0:6d}  (none due in this run)")
            continue
        columns = "".join(f" {_ms(f.p99_by_days.get(d)):>9}" for d in days)
        print(
            f"{f.route:<40} {weight:6.1%} {f.count:6d} {f.p50_ms:8.1f} {f.p99_ms:8.1f}{columns} "
            f"{f.unanswered:5d}  {_errors(f)}"
        )
    whole = rows[-1]
    worst = max((f for f in rows[:-1] if f.count), key=lambda f: f.p99_ms)
    print(
        f"Achieved {achieved_rate(records):.1f} req/s answered (warm-up included) of "
        f"{rate:.0f} due; {whole.answered} of the {whole.count} counted answered, late: still "
        f"unanswered {traffic.GRACE_S:.0f} s after the last was due, counted as infinitely slow. "
        f"Slowest route: {worst.route}, p99 {worst.p99_ms:.1f} ms."
    )
    if whole.errors:
        print(f"ERRORS: {_errors(whole)}; every request should answer 2xx or 3xx.")
    warm = Counter(f"{r[0]} {r[3]}" for r in records if not r[4] and is_error(r[3]))
    if warm:
        print("ERRORS while warming up (not counted above): " + _counts(warm))
    return whole


def report_bare(bare: dict[str, Any], rate: float) -> None:
    errors = bare["bad_status"] + bare["not_sent"]
    print(
        f"{'bare FastAPI GET ' + BARE_PATH + ', same rate':<40} {'':>6} {bare['due']:6d} "
        f"{_ms(bare['p50_ms']):>8} {_ms(bare['p99_ms']):>8}  ({bare['achieved_rps']:.1f} req/s "
        f"of {rate:.0f}; {errors} errors)"
    )


# -- the run -------------------------------------------------------------------------------------


def warm_up(base: str, users: dict[str, Any]) -> None:
    """What a running server has done long before (not what a visit costs): the clinician's
    caseload summaries built, the chart converter and the exercise pictures loaded."""
    clinician = {"Cookie": users["clinician"]["cookie"]}
    patient = {"Cookie": users["patients"][0]["cookie"]}
    for path, headers in (("/api/clinician/patients", clinician), ("/progress", patient)):
        response = httpx.get(base + path, headers=headers, timeout=300)
        assert response.status_code == 200, f"{path}: {response.status_code}"
    response = httpx.get(base + "/today", headers=patient, timeout=300)
    assert response.status_code == 200, f"/today: {response.status_code}"


def learn_s(base: str) -> float:
    """How long /learn (no database, no session) takes now: the server's idle yardstick."""
    began = time.perf_counter()
    httpx.get(base + "/learn", timeout=60)
    return time.perf_counter() - began


def settle(base: str, idle_s: float, timeout_s: float = 60.0) -> None:
    """Wait until the server has finished what an earlier run left it (requests whose generator
    has gone), so the next measurement starts on an idle server: /learn as fast as when it was
    idle (``idle_s``), give or take the machine's noise."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and learn_s(base) > 2 * idle_s + 0.01:
        time.sleep(0.2)


@dataclass(frozen=True)
class OpenRun:
    rate: float
    duration: float
    records: list[traffic.Record]


def _phase(began: float, what: str) -> None:
    print(f"  {time.perf_counter() - began:5.0f} s  {what}", file=sys.stderr)


def carried_duration(rate: float, duration: float, patients: int) -> float:
    """At a low rate, long enough for three rounds of the patients (and the clinician): every
    route of a visit is then asked, whatever step each patient started at."""
    return max(duration, 3 * (patients + 1) / rate)


def run(
    quick: bool | None = None, rate: float = RATE, patients: int = PATIENTS
) -> tuple[str, float, float]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `make bench` installs Debian's wrk")
    if quick is None:
        quick = bool(os.environ.get("SCIATICA_BENCH_QUICK"))
    times = QUICK if quick else {"open": OPEN_S, "closed": CLOSED_S, "warm_up": WARM_UP_S}
    open_s, closed_s = times["open"], times["closed"]
    load_at_start = os.getloadavg()[0]
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        _phase(began, f"seeding {patients} patients")
        seeded = seed(tmp / "data", patients)
        seeding_s = time.perf_counter() - began
        with serve_bare() as bare, serve_app(tmp / "data", SECRET) as base:
            _phase(began, f"signing {patients + 1} people in")
            users = sign_in_all(base, seeded)
            _phase(began, "warming up: the caseload's summaries, the chart converter")
            warm_up(base, users)
            idle_s = min(learn_s(base) for _ in range(5))
            mix: dict[str, Any] = {"base": base, **users, "connections": CONNECTIONS}
            _phase(began, f"the mix, closed loop, {closed_s:.0f} s")
            closed = play(mix | {"mode": "closed", "duration": closed_s}, tmp)
            capacity = figures(closed).answered / closed_s
            plans = [(rate, open_s)]
            if capacity < rate:  # it falls behind at the rate: also show what it can carry
                carried = max(1.0, round(capacity / 2))
                plans.append((carried, carried_duration(carried, open_s, patients)))
            opened = []
            for at, duration in plans:
                settle(base, idle_s)
                _phase(began, f"the mix, open loop at {at:.0f} req/s, {duration:.0f} s")
                at_rate = {"mode": "open", "rate": at, "duration": duration}
                records = play(mix | at_rate | {"warm_up": times["warm_up"]}, tmp)
                opened.append(OpenRun(at, duration, records))
            _phase(began, "the bare endpoint")
            bare_open = bare_at_rate(bare, rate, open_s)
            bare_route = Route(f"bare FastAPI GET {BARE_PATH}", "GET", BARE_PATH)
            bare_closed = closed_loop(bare, bare_route, None, round(closed_s), tmp)
            ceiling = play(
                {"base": bare, "mode": "closed", "bare": True, "duration": closed_s}
                | {"connections": CONNECTIONS},
                tmp,
            )
    print(
        f"\nThe mix on loopback (issue 12 item 8): sciatica serve (1 uvicorn worker, SQLite) "
        f"and a bare FastAPI endpoint; {patients} patients ("
        + ", ".join(f"{sum(p.days == d for p in seeded)} with {d} days" for d in HISTORIES)
        + f" of history; seeded in {seeding_s:.0f} s) and their clinician; "
        f"{os.cpu_count()} cores, load average {load_at_start:.1f} at start.\n"
        "A visit: Today, the player's program, a session (a save after each of 4 exercises, "
        "then the final save), the check-in form, posted, its redirect, then My progress (the "
        f"page or the API in turn); every {CLINICIAN_EVERY}th request is the clinician's "
        "(/clinic and its API in turn). Open loop: latency from when each request was due."
    )
    for run_ in opened:
        print(
            f"\nOpen loop at {run_.rate:.0f} req/s for {run_.duration:.0f} s (after "
            f"{times['warm_up']:.0f} s not counted)"
            + ("" if run_.rate == rate else ": half the capacity below, a load it can carry")
        )
        whole = report_open(run_.records, run_.rate, run_.duration)
        if run_.rate == rate:
            report_bare(bare_open, rate)
            meets = whole.p99_ms < TARGET_P99_MS and all(
                figures(run_.records, route).p99_ms < TARGET_P99_MS for route in traffic.ROUTES
            )
            print(
                f"Target (issue 12): p99 under {TARGET_P99_MS:.0f} ms at 100 req/s, every route: "
                f"{'meets' if meets else 'BELOW'} at {rate:.0f} req/s"
                + ("" if capacity >= rate else f" (the mix's capacity is {capacity:.1f} req/s)")
            )
    mixed = figures(closed)
    generator_rps = figures(ceiling).answered / closed_s
    print(
        f"\nCapacity, closed loop, {CONNECTIONS} connections, {closed_s:.0f} s: the mix "
        f"{capacity:.1f} req/s (p50 {mixed.p50_ms:.1f} ms, p99 {mixed.p99_ms:.1f} ms, errors "
        f"{_errors(mixed)}); bare FastAPI (wrk) {bare_closed.rps:.1f} req/s (p50 "
        f"{bare_closed.p50_ms:.1f} ms, p99 {bare_closed.p99_ms:.1f} ms): "
        f"{capacity / bare_closed.rps:.3f}x bare. This generator against the bare endpoint: "
        f"{generator_rps:.0f} req/s, so it is not what limits the mix."
    )
    print(
        f"Load average {os.getloadavg()[0]:.1f} at the end; "
        f"{time.perf_counter() - began:.0f} s in all."
    )
    name = "Load mix: closed-loop req/s of the mix (vs bare FastAPI)"
    return name, 1 / max(capacity, 1e-3), 1 / bare_closed.rps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK['open']:.0f} s at the rate, {QUICK['closed']:.0f} s closed loop",
    )
    parser.add_argument("--rate", type=float, default=RATE, help="requests/s, open loop")
    parser.add_argument("--patients", type=int, default=PATIENTS)
    args = parser.parse_args()
    name, ours, baseline = run(args.quick or None, args.rate, args.patients)
    print(f"{name}: ratio {baseline / ours:.3f}x")


if __name__ == "__main__":
    main()
