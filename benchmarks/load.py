"""Speed under load (issue 12 item 8): the real server on loopback, route by route, against a bare
FastAPI endpoint served the same way, in one run.

What runs: ``sciatica serve`` (one uvicorn worker, the production settings; benchmarks/
load_servers.py) on a temporary SQLite database holding a patient with 30 days and one with 365
days of history (check-ins, sessions, dose steps, questionnaires: ``progress_page.seed_year``) and
a clinician linked to both; and, in its own process, a FastAPI app with one trivial endpoint under
the same uvicorn options. Each route is driven by ``wrk`` (Debian; ``load_route.lua`` signs the
requests in and varies write bodies) for ``DURATION_S`` with 4 connections, closed loop: that
gives its capacity (requests/s) and its p50/p99 at that load, and the ratio of its capacity to the
bare endpoint's. Then, where the route can take it, an open-loop run at a fixed ``RATE`` requests/s
(``load_rate.py``, its own process) gives the p99 a person would see at that traffic. A route
whose capacity is below the rate would only queue up: it is reported as saturated, not run.

Targets (issue 12): every patient page and API read at least 0.25x the bare endpoint, p99 under
50 ms at 100 requests/s, and the 365-day figures within 20 % of the 30-day ones.

The app keeps each composed patient view until the patient's data changes
(``services.view_cache``), so a read asked again is served from memory. The reads are therefore
measured twice: first on a server that keeps nothing (every read composed afresh, what the first
read after a write costs), then on the server as it runs, where wrk's repeated reads are the
kept case. Both tables are printed; neither hides the other.

Writes are real: every check-in is a new entry, session saves play whole sessions (four saves
after an exercise, then the final one, which runs progression). They run after the reads of the
same patient so the history being read stays the seeded one.

``python -m benchmarks.load`` runs this alone (``--quick`` or ``SCIATICA_BENCH_QUICK=1``: 3 s per
route), then, unless ``--only`` picks routes, the realistic mix of ``load_mix.py`` (``--mix-only``:
only the mix); ``make bench`` runs both with the others.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from fastapi.testclient import TestClient

from benchmarks.load_servers import BARE_PATH, serve_app, serve_bare
from benchmarks.progress_page import seed_year
from sciatica_care.config import Settings
from sciatica_care.content.exercises import exercise_library
from sciatica_care.services import clinicians, links
from sciatica_care.services.context import patient_context
from sciatica_care.services.permissions import Actor
from sciatica_care.web.app import create_app
from sciatica_care.web.security import SESSION_COOKIE

HISTORIES = (30, 365)
DURATION_S = 10
QUICK_DURATION_S = 3
RATE = 100.0
CONNECTIONS = 4
TARGET_RATIO = 0.25
TARGET_P99_MS = 50.0
HISTORY_SLACK = 0.20
ZONE = "Europe/London"
PASSWORD = "a long bench password"
CLINICIAN = "bench-clinician@clinic.example"
SECRET = "load-bench"
LUA = Path(__file__).with_name("load_route.lua")
RED_FLAGS = {f"Q{n}": "no" for n in range(1, 8)}


@dataclass(frozen=True)
class Route:
    """One route as the browser or the player calls it."""

    label: str
    method: str
    path: str
    clinician: bool = False
    mode: str = "plain"  # load_route.lua's MODE
    body: str | None = None
    patient_read: bool = True  # counts against the 0.25x / 50 ms targets


@dataclass(frozen=True)
class Caller:
    """A signed-in browser: its cookie and CSRF header."""

    cookie: str
    csrf: str

    def headers(self) -> dict[str, str]:
        return {"Cookie": self.cookie, "X-CSRF-Token": self.csrf}


@dataclass
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    bad: int
    fixed_p99_ms: float | None = None  # None: saturated, not run
    fixed_bad: int = 0
    fixed_failures: str = ""  # what went wrong at the fixed rate, if anything


# -- the data ------------------------------------------------------------------------------------


def _checkin_body() -> str:
    return json.dumps(
        {"client_id": "@CLIENT_ID@", "leg_pain": 4, "back_pain": 2, "red_flags": RED_FLAGS}
    )


def _session_body(started: datetime) -> str:
    """A four-exercise session; load_route.lua fills in the client id, version and final."""
    items = []
    for exercise in exercise_library().exercises[:4]:
        dose = exercise.level(2).dose
        items.append(
            {
                "exercise_id": exercise.id,
                "level": 2,
                "dose": dose.model_dump(mode="json"),
                "sides_done": [],
                "reps_done": 10,
                "holds_done": 0,
                "hold_seconds": 0.0,
                "pain": 2,
                "spread_down_leg": False,
                "new_numbness_or_weakness": False,
                "completed": True,
            }
        )
    body = json.dumps(
        {
            "client_id": "@CLIENT_ID@",
            "started_at": started.isoformat(),
            "final": "@FINAL@",
            "version": "@VERSION@",
            "record": {
                "status": "completed",
                "elapsed_s": 540.0,
                "items": items,
                "planned_exercises": [item["exercise_id"] for item in items],
            },
        }
    )
    return body.replace('"@FINAL@"', "@FINAL@").replace('"@VERSION@"', "@VERSION@")


def _email(days: int) -> str:
    return f"bench-{days}-days@example.org"


def seed(data_dir: Path) -> dict[int, str]:
    """The patients (one per history length, calm safety check, a year or a month of diary) and a
    clinician linked to all; the patients' public ids by history length."""
    from tests.web.safety_check import calm_answers  # the calm §8.1 answers the tests use

    app = create_app(Settings(data_dir=data_dir, secret_key=SECRET))
    public_ids: dict[int, str] = {}
    today = datetime.now(ZoneInfo(ZONE)).date()
    with TestClient(app) as client:
        db = app.state.db
        clinician = clinicians.create_clinician(db, CLINICIAN, "Bench Clinician", PASSWORD)
        for days in HISTORIES:
            client.cookies.clear()
            created = client.post(
                "/api/accounts",
                json={"email": _email(days), "password": PASSWORD, "timezone": ZONE},
            )
            assert created.status_code == 201, created.text
            me = created.json()
            headers = {"X-CSRF-Token": me["csrf_token"]}
            assert client.post("/api/me/disclaimer", headers=headers).status_code == 200
            screened = client.post("/api/screenings", json=calm_answers(), headers=headers)
            assert screened.status_code == 201, screened.text
            with db.session() as session:
                seed_year(session, me["id"], today, days=days)
            ctx = patient_context(db, Actor.patient(me["id"]), me["id"])
            code = links.create_share_code(ctx)
            public_ids[days] = links.link_with_code(db, clinician.id, code.code)
    return public_ids


def sign_in(base: str, email: str) -> Caller:
    response = httpx.post(f"{base}/api/session", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return Caller(
        f"{SESSION_COOKIE}={response.cookies[SESSION_COOKIE]}", response.json()["csrf_token"]
    )


def routes(public_id: str) -> list[Route]:
    """Reads first, writes last (so the reads see the seeded history)."""
    started = datetime.now(ZoneInfo(ZONE)).replace(microsecond=0)
    return [
        Route("Today page  GET /today", "GET", "/today"),
        Route("GET /api/program/today", "GET", "/api/program/today"),
        Route("My progress  GET /progress", "GET", "/progress"),
        Route("GET /api/progress", "GET", "/api/progress"),
        Route("Diary  GET /check-in", "GET", "/check-in"),
        Route(
            "Clinic dashboard  GET /clinic",
            "GET",
            "/clinic",
            clinician=True,
            patient_read=False,
        ),
        Route(
            "Clinician's patient page",
            "GET",
            f"/clinic/patients/{public_id}",
            clinician=True,
            patient_read=False,
        ),
        Route(
            "Check-in  POST /api/checkins",
            "POST",
            "/api/checkins",
            mode="checkin",
            body=_checkin_body(),
            patient_read=False,
        ),
        Route(
            "Session save  POST /api/sessions",
            "POST",
            "/api/sessions",
            mode="session",
            body=_session_body(started),
            patient_read=False,
        ),
    ]


# -- driving it ----------------------------------------------------------------------------------


def _body_file(route: Route, tmp: Path) -> str:
    if route.body is None:
        return "-"
    path = tmp / f"body-{route.mode}.json"
    path.write_text(route.body, encoding="utf-8")
    return str(path)


def _warm_up(base: str, route: Route, caller: Caller | None) -> None:
    """A few requests first (caches, query plans), and proof the route answers as it should."""
    headers = caller.headers() if caller else {}
    for n in range(3):
        body = None
        if route.body is not None:
            body = (
                route.body.replace("@CLIENT_ID@", f"00000000-0000-4000-8000-{n:012x}")
                .replace("@VERSION@", "0")
                .replace("@FINAL@", "false")
            )
            headers = headers | {"Content-Type": "application/json"}
        response = httpx.request(
            route.method, base + route.path, headers=headers, content=body, timeout=30
        )
        assert response.status_code in (200, 201), f"{route.path}: {response.status_code}"


def closed_loop(
    base: str, route: Route, caller: Caller | None, duration: int, tmp: Path
) -> Figures:
    """wrk, CONNECTIONS connections, one thread, as fast as the server answers."""
    args = [
        route.method,
        route.path,
        caller.cookie if caller else "-",
        caller.csrf if caller else "-",
        route.mode,
        _body_file(route, tmp),
    ]
    command = [
        "wrk",
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        base,
        "--",
        *args,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    seconds = result["duration_us"] / 1e6
    return Figures(
        rps=result["requests"] / seconds,
        p50_ms=result["p50_us"] / 1000,
        p99_ms=result["p99_us"] / 1000,
        bad=result["bad_status"] + result["socket_errors"],
    )


def fixed_rate(
    base: str, route: Route, caller: Caller | None, duration: int, tmp: Path
) -> dict[str, Any]:
    """load_rate.py in its own process: open loop at RATE requests/s."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.load_rate",
        base + route.path,
        "--rate",
        str(RATE),
        "--duration",
        str(duration),
        "--method",
        route.method,
        "--mode",
        route.mode,
    ]
    if route.body is not None:
        command += ["--body-file", _body_file(route, tmp)]
    if caller is not None:
        command += [
            "--header",
            f"Cookie: {caller.cookie}",
            "--header",
            f"X-CSRF-Token: {caller.csrf}",
        ]
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(command, capture_output=True, text=True, check=True, cwd=root).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def measure(base: str, route: Route, caller: Caller | None, duration: int, tmp: Path) -> Figures:
    _warm_up(base, route, caller)
    figures = closed_loop(base, route, caller, duration, tmp)
    time.sleep(0.5)
    if figures.rps >= RATE:
        rate = fixed_rate(base, route, caller, duration, tmp)
        p99 = rate["p99_ms"]
        figures.fixed_p99_ms = float("inf") if p99 is None else p99
        figures.fixed_bad = rate["bad_status"] + rate["not_sent"]
        failures = dict(rate["failures"])
        if rate["not_sent"]:
            failures["not sent"] = rate["not_sent"]
        figures.fixed_failures = ", ".join(f"{kind} {n}" for kind, n in failures.items())
        time.sleep(0.5)
    return figures


# -- the report ----------------------------------------------------------------------------------


def _fixed(figures: Figures) -> str:
    if figures.fixed_p99_ms is None:
        return "saturates"
    return f"{figures.fixed_p99_ms:9.1f}"


def _line(
    label: str, f: Figures, bare_rps: float, target: bool, days: str = "", change: str = ""
) -> str:
    ratio = f.rps / bare_rps
    verdict = ""
    if target:
        ok = ratio >= TARGET_RATIO and f.fixed_p99_ms is not None and f.fixed_p99_ms < TARGET_P99_MS
        verdict = "meets" if ok else "BELOW"
    errors = f"  {f.bad + f.fixed_bad} errors" if f.bad + f.fixed_bad else ""
    if f.fixed_failures:
        errors += f" ({f.fixed_failures})"
    return (
        f"{days:>5} {label:<34} {f.rps:7.1f} {f.p50_ms:7.1f} {f.p99_ms:7.1f} {ratio:7.3f}x "
        f"{_fixed(f):>10} {change:>7}  {verdict}{errors}"
    )


HEADER = (
    f"{'days':>5} {'route':<34} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'x bare':>8} "
    f"{'p99@' + str(int(RATE)) + '/s':>10} {'365/30':>7}  target"
)


def run(duration: int | None = None, only: str | None = None) -> tuple[str, float, float]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `make bench` installs Debian's wrk")
    if duration is None:
        quick = bool(os.environ.get("SCIATICA_BENCH_QUICK"))
        duration = QUICK_DURATION_S if quick else DURATION_S
    print(
        f"Load on loopback: sciatica serve (1 uvicorn worker, SQLite) vs a bare FastAPI endpoint, "
        f"wrk {CONNECTIONS} connections {duration} s per route; p99 at a fixed {RATE:.0f} req/s "
        f"(open loop, {duration} s); {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at start"
    )
    indexes = [n for n, r in enumerate(routes("-")) if only is None or only in r.label]
    reads = [n for n in indexes if routes("-")[n].patient_read]
    bare_route = Route(f"bare FastAPI GET {BARE_PATH}", "GET", BARE_PATH)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        public_ids = seed(tmp / "data")
        with serve_bare() as bare:
            bare_before = measure(bare, bare_route, None, duration, tmp)
            # Every read composed afresh first (no view kept: the first read after a write),
            # then the app as it is served, reads and then writes.
            with serve_app(tmp / "data", SECRET, keep_views=False) as base:
                cold = _measure_all(base, reads, public_ids, duration, tmp)
            with serve_app(tmp / "data", SECRET) as base:
                results = _measure_all(base, indexes, public_ids, duration, tmp)
            bare_after = measure(bare, bare_route, None, duration, tmp)
    bare_rps = (bare_before.rps + bare_after.rps) / 2
    print(f"\n{HEADER}")
    for label, figures in (("first", bare_before), ("last", bare_after)):
        print(_line(f"{bare_route.label} ({label})", figures, bare_rps, False))
    _table(results, indexes, bare_rps)
    print(
        f"x bare: against the mean of the two bare runs. 365/30: throughput at 365 days over 30 "
        f"days (! more than {HISTORY_SLACK:.0%} slower); /clinic reads the same caseload in both "
        f"rows, a yardstick of the noise."
    )
    if reads:
        print(
            "\nThe same reads with no view kept (SCIATICA_VIEW_CACHE_ENTRIES=0): each composed "
            "afresh, as the first read after the patient's data changed"
        )
        _table(cold, reads, bare_rps)
    print(f"Load average {os.getloadavg()[0]:.1f} at the end.")
    answered = [f for (days, label), f in results.items() if days == 365 and _is_read(label)]
    slowest = max(min((f.rps for f in answered), default=0.0), 1e-3)  # 0: nothing answered
    name = "Load: slowest patient read at 365 days, req/s (vs bare FastAPI)"
    return name, 1 / slowest, 1 / bare_rps


def _measure_all(
    base: str, indexes: list[int], public_ids: dict[int, str], duration: int, tmp: Path
) -> dict[tuple[int, str], Figures]:
    """Route by route, each history right after the other: the two are compared under the same
    machine load (other work on a shared machine drifts over minutes)."""
    callers = {days: sign_in(base, _email(days)) for days in HISTORIES}
    clinician = sign_in(base, CLINICIAN)
    results: dict[tuple[int, str], Figures] = {}
    for index in indexes:
        for days in HISTORIES:
            route = routes(public_ids[days])[index]
            print(f"  measuring {route.label}, {days} days", file=sys.stderr)
            caller = clinician if route.clinician else callers[days]
            results[(days, route.label)] = measure(base, route, caller, duration, tmp)
    return results


def _table(results: dict[tuple[int, str], Figures], indexes: list[int], bare_rps: float) -> None:
    for index in indexes:
        route = routes("-")[index]
        for days in HISTORIES:
            figures = results[(days, route.label)]
            change = ""
            if days == HISTORIES[-1]:
                ratio = figures.rps / max(results[(HISTORIES[0], route.label)].rps, 1e-9)
                change = f"{ratio:.2f}x" + ("" if ratio >= 1 - HISTORY_SLACK else "!")
            print(_line(route.label, figures, bare_rps, route.patient_read, str(days), change))


def _is_read(label: str) -> bool:
    return any(r.label == label and r.patient_read for r in routes("-"))


def main() -> None:
    from benchmarks import load_mix  # it imports this module: imported when it runs

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_DURATION_S} s per route")
    parser.add_argument("--only", help="only the routes whose label holds this text")
    parser.add_argument(
        "--mix-only", action="store_true", help="only the realistic mix (benchmarks/load_mix.py)"
    )
    args = parser.parse_args()
    if not args.mix_only:
        name, ours, baseline = run(QUICK_DURATION_S if args.quick else None, args.only)
        print(f"{name}: ratio {baseline / ours:.3f}x")
    if args.mix_only or args.only is None:
        name, ours, baseline = load_mix.run(args.quick or None)
        print(f"{name}: ratio {baseline / ours:.3f}x")


if __name__ == "__main__":
    main()
