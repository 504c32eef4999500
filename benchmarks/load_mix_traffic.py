"""The load mix's traffic (issue 12 item 8), in its own process: virtual patients and their
clinician playing visits against ``sciatica serve`` on loopback, as people use it.

A patient's visit is what the app is for, in the order a person does it: Today, the player's
program, a guided session (a save after each of four exercises, then the final save, which runs
progression; bodies as ``load_rate.py``'s session mode makes them), the check-in form, the form
posted (CSRF token in the form, as a browser sends it), the saved entry the answer redirects to,
then My progress (the page or its API, every other visit). Every ``clinician_every``-th request is
the clinician's: the caseload page and its API in turn. The patients' writes change their data,
so the reads that follow are composed afresh, not served from kept views.

Open loop (``mode: open``): request ``i`` is due at ``start + i / rate``. The clinician takes every
``clinician_every``-th one; the others go round the patients in turn, so each patient's requests
are ``patients / rate`` apart (200 ms for 20 patients at 100 req/s), and the patients start at
different steps of their first visit, so at any moment every route is asked. Each patient is one
browser: its requests go out in order, each after the one before has answered (nobody posts a form
before it has loaded) and never before it is due, and its latency counts from when it was DUE. A
server that falls behind makes every later request late and it shows in the percentiles
(no coordinated omission). Requests due in the first ``warm_up`` seconds are sent, not counted;
anything unanswered ``GRACE_S`` after the last is due is counted as unanswered.

Closed loop (``mode: closed``): ``connections`` workers, each playing its own share of the
patients (and the clinician's every ``clinician_every``-th request) back to back, as fast as the
server answers, for ``duration`` seconds: the mix's capacity. ``bare: true`` plays only
``GET /ping`` instead: what this generator itself can drive, to show it is not the limit.

``python -m benchmarks.load_mix_traffic CONFIG.json`` prints one line of JSON: ``records``, each
request as ``[route, days of history (0: the clinician), latency ms or null, status code or what
went wrong, counted (false: due during the warm-up), due (or sent) s from the start]``, and
``elapsed_s``. Standard library only, so it starts fast and costs
little CPU beside the server (raw HTTP/1.1 with keep-alive, like ``load_rate.py``).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from benchmarks.load_rate import KEEP_ALIVE_S, _bodies

GRACE_S = 10.0
UNANSWERED = "unanswered"

TODAY = "GET /today"
PROGRAM = "GET /api/program/today"
SAVE = "POST /api/sessions (after an exercise)"
FINAL = "POST /api/sessions (final save)"
FORM = "GET /check-in"
CHECK_IN = "POST /check-in (the form)"
SAVED = "GET /check-in/{id} (its redirect)"
PROGRESS_PAGE = "GET /progress"
PROGRESS_API = "GET /api/progress"
CASELOAD = "GET /clinic"
CASELOAD_API = "GET /api/clinician/patients"
BARE = "GET /ping (bare FastAPI)"

VISIT = (TODAY, PROGRAM, SAVE, SAVE, SAVE, SAVE, FINAL, FORM, CHECK_IN, SAVED, "progress")
"""One visit's requests; "progress" is My progress, the page or the API in turn."""
CLINICIAN_ROUTES = (CASELOAD, CASELOAD_API)
ROUTES = (
    TODAY,
    PROGRAM,
    SAVE,
    FINAL,
    FORM,
    CHECK_IN,
    SAVED,
    PROGRESS_PAGE,
    PROGRESS_API,
    *CLINICIAN_ROUTES,
)
"""Every route of the mix, in the order of a visit."""


def weights(clinician_every: int) -> dict[str, float]:
    """Each route's planned share of the requests (the schedule's, not a measurement)."""
    patient_share = (clinician_every - 1) / clinician_every
    share: dict[str, float] = dict.fromkeys(ROUTES, 0.0)
    for route in VISIT:
        if route == "progress":
            share[PROGRESS_PAGE] += patient_share / len(VISIT) / 2
            share[PROGRESS_API] += patient_share / len(VISIT) / 2
        else:
            share[route] += patient_share / len(VISIT)
    for route in CLINICIAN_ROUTES:
        share[route] += 1 / clinician_every / len(CLINICIAN_ROUTES)
    return share


@dataclass(frozen=True)
class Step:
    """One request of a visit. ``path`` None: the Location the previous answer redirected to."""

    route: str
    method: str
    path: str | None
    body: bytes | None = None
    form: bool = False  # a form post (token in the body) rather than JSON (token in a header)
    redirects: bool = False  # answered with a redirect (any other 3xx is reported, as an error)


@dataclass
class User:
    """One signed-in browser: its cookie and CSRF token, the history it has, what it plays."""

    cookie: str
    csrf: str
    days: int
    steps: Iterator[Step]
    location: str | None = None  # where its last answer redirected


def _check_in_form(csrf: str, visit: int) -> bytes:
    """The check-in form as a browser posts it after a session: the same map as before, none of
    the daily safety questions (clinical-spec.md §1) answered yes, a fresh client id."""
    fields = {
        "csrf_token": csrf,
        "client_id": str(uuid.uuid4()),
        "map_offered": "yes",
        "map_same": "yes",
        "leg_pain": str(3 + visit % 3),
        "back_pain": str(2 + visit % 2),
        "daily_any": "no",
        "moment": "after_session",
        "sleep_quality": "fair",
        "heat_or_cold": "none",
    }
    return urlencode(fields).encode()


def patient_steps(index: int, patients: int, csrf: str, session_template: str) -> Iterator[Step]:
    """Visit after visit of patient ``index`` of ``patients``, the first visit joined part way,
    so the patients are spread evenly over its steps (about two at each, neighbours, whose
    histories differ) rather than all asking the same route at once."""
    visit = 0
    skip = index * len(VISIT) // max(patients, 1)
    if VISIT[skip] == SAVED:  # a redirect is followed only after the form that makes it
        skip += 1
    while True:
        saves = _bodies(session_template, "session")  # versions 0-3, then the final one
        for position, route in enumerate(VISIT[skip:], start=skip):
            if route in (SAVE, FINAL):
                save = saves[position - VISIT.index(SAVE)]
                yield Step(route, "POST", "/api/sessions", save)
            elif route == CHECK_IN:
                form = _check_in_form(csrf, visit)
                yield Step(route, "POST", "/check-in", form, form=True, redirects=True)
            elif route == SAVED:
                yield Step(route, "GET", None)
            elif route == "progress":
                page = (index // 2 + visit) % 2 == 0  # both histories ask both, every other visit
                yield (
                    Step(PROGRESS_PAGE, "GET", "/progress")
                    if page
                    else Step(PROGRESS_API, "GET", "/api/progress")
                )
            else:
                yield Step(route, "GET", route.split(" ")[1])
        skip = 0
        visit += 1


def clinician_steps() -> Iterator[Step]:
    while True:
        for route in CLINICIAN_ROUTES:
            yield Step(route, "GET", route.split(" ")[1])


def bare_steps() -> Iterator[Step]:
    while True:
        yield Step(BARE, "GET", "/ping")


# -- the connections -----------------------------------------------------------------------------


class Connections:
    """Keep-alive HTTP/1.1 connections to one server, each used by one request at a time: plain
    asyncio streams as in ``load_rate._Pool``, for any path, keeping each answer's Location."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self.opened: list[asyncio.StreamWriter] = []

    def request_bytes(self, user: User, step: Step, path: str) -> bytes:
        lines = [f"{step.method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if user.cookie:
            lines.append(f"Cookie: {user.cookie}")
        if step.body is not None:
            if step.form:
                lines.append("Content-Type: application/x-www-form-urlencoded")
            else:
                lines += ["Content-Type: application/json", f"X-CSRF-Token: {user.csrf}"]
            lines.append(f"Content-Length: {len(step.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (step.body or b"")

    async def send(self, raw: bytes) -> tuple[int, str | None]:
        """Send one request and read the whole answer: its status and Location. A kept-alive
        connection the server has just closed is retried once on a new one, as browsers do."""
        while self.idle:
            reader, writer, idle_since = self.idle.pop()
            if time.perf_counter() - idle_since < KEEP_ALIVE_S:
                try:
                    return await self._exchange(reader, writer, raw)
                except (ConnectionError, asyncio.IncompleteReadError):
                    writer.close()
                    break
            writer.close()
        reader, writer = await asyncio.open_connection(self.host, self.port)
        self.opened.append(writer)
        return await self._exchange(reader, writer, raw)

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes
    ) -> tuple[int, str | None]:
        writer.write(raw)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        fields = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(b":") for line in head.split(b"\r\n")[1:])
        }
        if fields.get(b"transfer-encoding") == b"chunked":
            while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
                await reader.readexactly(size + 2)
            await reader.readuntil(b"\r\n")
        else:
            await reader.readexactly(int(fields.get(b"content-length", b"0")))
        if fields.get(b"connection") == b"close":
            writer.close()
        else:
            self.idle.append((reader, writer, time.perf_counter()))
        location = fields.get(b"location")
        return status, location.decode("latin-1") if location is not None else None

    def close(self) -> None:
        for writer in self.opened:
            writer.close()


Record = tuple[str, int, float | None, int | str, bool, float]
"""[route, days of history, latency ms or None, status code or what went wrong, counted, due s
from the start]: a request due during the warm-up is not counted in the figures, but its errors
are reported."""

FAILURES = (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError)


async def _ask(pool: Connections, user: User, step: Step) -> int | str:
    """One request of ``user``: its status code, or what went wrong instead."""
    path = step.path if step.path is not None else user.location
    user.location = None
    if path is None:
        return "no redirect to follow"
    try:
        status, user.location = await pool.send(pool.request_bytes(user, step, path))
    except FAILURES as exc:
        return type(exc).__name__
    if user.location is not None and user.location.startswith("http"):
        user.location = urlsplit(user.location).path
    if 300 <= status < 400 and not step.redirects:  # sent to sign in, or to a safety question
        return f"{status} to {user.location}"
    return status


# -- the two loops -------------------------------------------------------------------------------


@dataclass
class Plan:
    """What the config file says: the server, the users and how to drive them."""

    base: str
    mode: str
    duration: float
    rate: float = 100.0
    warm_up: float = 0.0
    connections: int = 4
    clinician_every: int = 20
    bare: bool = False
    patients: list[User] = field(default_factory=list)
    clinician: User | None = None


def plan_from(config: dict[str, Any]) -> Plan:
    template = config.get("session_template", "")
    people = config.get("patients", [])
    patients = [
        User(p["cookie"], p["csrf"], p["days"], patient_steps(n, len(people), p["csrf"], template))
        for n, p in enumerate(people)
    ]
    clinician = None
    if config.get("clinician"):
        c = config["clinician"]
        clinician = User(c["cookie"], c["csrf"], 0, clinician_steps())
    return Plan(
        base=config["base"],
        mode=config["mode"],
        duration=config["duration"],
        rate=config.get("rate", 100.0),
        warm_up=config.get("warm_up", 0.0),
        connections=config.get("connections", 4),
        clinician_every=config.get("clinician_every", 20),
        bare=config.get("bare", False),
        patients=patients,
        clinician=clinician,
    )


async def open_loop(plan: Plan) -> list[Record]:
    """Every request due at its time, each patient's in order; latency from when it was due."""
    assert plan.patients and plan.clinician is not None, "the open loop plays patients"
    users = [*plan.patients, plan.clinician]
    total = round(plan.rate * (plan.warm_up + plan.duration))
    counted_from = round(plan.rate * plan.warm_up)
    slots: list[list[tuple[int, Step]]] = [[] for _ in users]
    turn = 0
    for i in range(total):
        if i % plan.clinician_every == plan.clinician_every - 1:
            who = len(users) - 1
        else:
            who, turn = turn % len(plan.patients), turn + 1
        slots[who].append((i, next(users[who].steps)))
    pool = Connections(plan.base)
    answers: dict[int, tuple[float | None, int | str]] = {}
    start = time.perf_counter() + 0.1

    async def browse(user: User, mine: list[tuple[int, Step]]) -> None:
        for i, step in mine:
            due = start + i / plan.rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            status = await _ask(pool, user, step)
            answers[i] = ((time.perf_counter() - due) * 1000, status)

    tasks = [asyncio.create_task(browse(u, s)) for u, s in zip(users, slots, strict=True)]
    deadline = start + total / plan.rate + GRACE_S
    _, pending = await asyncio.wait(tasks, timeout=max(0.0, deadline - time.perf_counter()))
    for task in pending:
        task.cancel()
    pool.close()
    records: list[Record] = []
    for user, mine in zip(users, slots, strict=True):
        for i, step in mine:
            latency, status = answers.get(i, (None, UNANSWERED))
            due = i / plan.rate
            records.append((step.route, user.days, latency, status, i >= counted_from, due))
    return records


async def closed_loop(plan: Plan) -> list[Record]:
    """``connections`` workers back to back for ``duration`` s; latency from when each was sent."""
    pool = Connections(plan.base)
    records: list[Record] = []
    start = time.perf_counter()
    end = start + plan.duration

    async def work(mine: list[User]) -> None:
        n = turn = 0
        while time.perf_counter() < end:
            n += 1
            if plan.clinician is not None and n % plan.clinician_every == 0:
                user = plan.clinician
            else:
                user, turn = mine[turn % len(mine)], turn + 1
            step = next(user.steps)
            sent = time.perf_counter()
            status = await _ask(pool, user, step)
            answered = time.perf_counter()
            if answered <= end:
                latency = (answered - sent) * 1000
                records.append((step.route, user.days, latency, status, True, sent - start))

    if plan.bare:
        shares = [[User("", "", 0, bare_steps())] for _ in range(plan.connections)]
    else:
        shares = [plan.patients[w :: plan.connections] for w in range(plan.connections)]
        shares = [share for share in shares if share]
    await asyncio.gather(*(work(share) for share in shares))
    pool.close()
    return records


async def play(plan: Plan) -> list[Record]:
    return await (open_loop(plan) if plan.mode == "open" else closed_loop(plan))


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as file:
        plan = plan_from(json.load(file))
    started = time.perf_counter()
    records = asyncio.run(play(plan))
    print(json.dumps({"records": records, "elapsed_s": time.perf_counter() - started}))


if __name__ == "__main__":
    main()
