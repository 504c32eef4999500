"""One driver per interface, so a safety story is written once and told to each of them.

Issue 8: every rule passed its own tests, yet the CLI, the pages, the JSON API and the offline
outbox each did a use case their own way. A driver does only what a person (or their browser) does
with that interface and reports what the interface *shows*, in the same plain values for all:

* ``cli``: the ``sciatica`` Typer app through ``CliRunner``, on the SQLite file of the data dir
  (``tests/conftest.py`` points it at a temp dir), in the machine zone from ``TZ``. The terminal
  player cannot take a prepared record, so a session is saved the way ``sciatica session`` saves
  it after playing: ``services.sessions.record_session`` in ``cli.local.local_context()``.
* ``api``: the JSON API through ``TestClient``.
* ``forms``: the HTML pages through ``TestClient``, posting the real forms with the CSRF token of
  the page they are on; the browser player posts sessions to ``/api/sessions`` from ``/session``.

The story's clock is the patient's wall clock (``StoryClock``): the web app reads it through
``app.state.now`` (``web.context.now_source``); the CLI has no such seam (its clock is
``Clock(machine_zone())`` on the real time), so its driver puts the same "now" behind
``cli.local.machine_clock`` and keeps the zone from ``TZ``.
"""

from __future__ import annotations

import contextlib
import html
import importlib
import io
import json
import pkgutil
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import pytest
import typer
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from sciatica_care.config import Settings
from sciatica_care.content.exercises import Dose, exercise_library
from sciatica_care.domain.session import (
    ExerciseResult,
    SessionRecord,
    SessionStatus,
    StopReason,
    build_program,
)
from sciatica_care.services import credentials, sessions
from sciatica_care.services.clock import Clock, machine_zone
from sciatica_care.services.gate import MESSAGES, GateState
from sciatica_care.services.program import SCREEN_PAUSE_NOTE
from sciatica_care.web.app import create_app

PASSWORD = "correct horse battery"
FIRST_DAY = date(2025, 5, 5)
"""Day 1 of every story (a Monday, weeks away from either zone's daylight-saving change)."""

OPEN = GateState.OPEN.value
NEEDS_SCREENING = GateState.NEEDS_SCREENING.value
LOCKED = GateState.LOCKED.value
SAFETY_RECHECK = GateState.SAFETY_RECHECK.value

ACCEPTED = "accepted"
HELD = "held"
"""A step up refused while step-ups are held (§9 ruling 4)."""
NOT_WAITING = "not_waiting"

_CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
_CLIENT_ID = re.compile(r'name="client_id" value="([^"]+)"')
_CARD = re.compile(
    r'<h2><a href="/exercises/(?P<id>[a-z-]+)">[^<]*</a></h2>\s*'
    r'<p class="dose"><strong>(?P<dose>[^<]*)</strong></p>\s*'
    r'<p class="muted">Level (?P<level>\d):'
)
_PAUSED = re.compile(r'<li class="paused-item">\s*<h3>(?P<name>[^<]*)</h3>')
_SUGGESTION = re.compile(r'action="/today/suggestions/(?P<id>[a-z-]+)/accept"')
_FLASH = re.compile(r'<div class="flash flash-\w+"[^>]*>(?P<text>[^<]*)</div>')
_OUTCOME = re.compile(r'class="outcome outcome-(?P<action>[a-z0-9_]+)"')
_DAY = re.compile(r"<dt>Day</dt><dd>(?P<day>[^<]*)</dd>")
_EMERGENCY_PAGE = '<section class="emergency"'
_MESSAGE_STATES = {message: state.value for state, message in MESSAGES.items()}
_NAMES = {exercise.name: exercise.id for exercise in exercise_library().exercises}
_REDIRECT_STATES = {"/screening": NEEDS_SCREENING, "/screening/recheck": SAFETY_RECHECK}


# --- the story's values --------------------------------------------------------------------------


class StoryClock:
    """The patient's wall clock: day 1 is ``FIRST_DAY`` in ``zone``; ``at`` moves "now"."""

    def __init__(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        self.now = datetime.combine(FIRST_DAY, time(9), self.zone)

    def day(self, n: int) -> date:
        return FIRST_DAY + timedelta(days=n - 1)

    def at(self, day: int, hhmm: str) -> datetime:
        """Set "now" to ``hhmm`` local time on story day ``day``; returns it."""
        self.now = datetime.combine(self.day(day), time.fromisoformat(hhmm), self.zone)
        return self.now

    def read(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class Entry:
    """A daily check-in as the person fills it in (clinical-spec.md §1 Q1–Q7, §3 NPRS, §6)."""

    leg_pain: int = 3
    back_pain: int = 2
    left_pain: int = 3
    left_numbness: int = 0
    right_pain: int = 0
    right_numbness: int = 0
    red_flags: Mapping[str, str] = field(
        default_factory=lambda: {f"Q{n}": "no" for n in range(1, 8)}
    )
    moment: str = "morning"
    activities_impossible: bool = False

    def json(self) -> dict[str, Any]:
        return {
            "leg_pain": self.leg_pain,
            "back_pain": self.back_pain,
            "zones": {
                "left": {"pain": self.left_pain, "numbness": self.left_numbness},
                "right": {"pain": self.right_pain, "numbness": self.right_numbness},
            },
            "red_flags": dict(self.red_flags),
            "moment": self.moment,
            "activities_impossible": self.activities_impossible,
        }


def done(exercise_id: str, pain: int, spread: bool = False) -> ExerciseResult:
    """An exercise done at the standard dose with its pain check answered."""
    dose = exercise_library().get(exercise_id).level(2).dose
    return ExerciseResult(
        exercise_id=exercise_id,
        level=2,
        dose=dose,
        sides_done=[],
        reps_done=dose.reps * dose.sets,
        holds_done=0,
        hold_seconds=0.0,
        pain=pain,
        spread_down_leg=spread,
        new_numbness_or_weakness=False,
        completed=True,
    )


def unchecked(exercise_id: str) -> ExerciseResult:
    """An exercise done but stopped before its pain check (as ``player.js`` records it)."""
    return done(exercise_id, 0).model_copy(
        update={"pain": None, "spread_down_leg": None, "new_numbness_or_weakness": None}
    )


def completed_session(*items: ExerciseResult) -> SessionRecord:
    return SessionRecord(
        status=SessionStatus.COMPLETED,
        elapsed_s=300.0,
        items=list(items),
        planned_exercises=[item.exercise_id for item in items],
    )


def stopped_session(reason: StopReason, *items: ExerciseResult) -> SessionRecord:
    return SessionRecord(
        status=SessionStatus.STOPPED,
        stop_reason=reason,
        elapsed_s=120.0,
        items=list(items),
        planned_exercises=[exercise.id for exercise in exercise_library().exercises],
    )


# --- what an interface shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class DoseView:
    level: int
    text: str
    """The dose in words, as ``PlannedExercise.dose_text`` says it ("10 reps, ...")."""


@dataclass(frozen=True)
class Today:
    """The program as the interface shows it now; ``doses`` only when the gate is open."""

    state: str
    doses: dict[str, DoseView] = field(default_factory=dict)
    resting: frozenset[str] = frozenset()
    suggestions: frozenset[str] = frozenset()
    hold_step_ups: bool = False


@dataclass(frozen=True)
class CheckedIn:
    """A check-in as the interface answered it: the day it is filed under, the daily action,
    and whether it shows a flare-up (§4.3)."""

    day: date
    action: str
    flare: bool


@dataclass(frozen=True)
class Saved:
    """The answer to a session save: refused with the gate's state, or what was stored."""

    refused: str | None
    items: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    escalation: str | None = None
    gate: str | None = None

    def decision(self, exercise_id: str) -> dict[str, Any]:
        found = [d for d in self.decisions if d["exercise"] == exercise_id]
        assert found, f"no decision for {exercise_id} in {self.decisions}"
        return found[-1]


class Interface(Protocol):
    name: str
    clock: StoryClock

    def screen(self, answers: Mapping[str, Any]) -> str:
        """The full safety screen; the action it shows."""

    def recheck(self, answers: Mapping[str, Any]) -> str:
        """The Q1–Q10 questions after a RED stop (§9 ruling 5); the action it shows."""

    def checkin(self, entry: Entry) -> CheckedIn:
        """A check-in now, on the day the interface files it under."""

    def record_session(self, record: SessionRecord) -> Saved:
        """Save a finished or stopped session that started now."""

    def gate(self) -> str:
        """Whether a session can start: the gate state the interface shows."""

    def today(self) -> Today: ...

    def accept(self, exercise_id: str) -> str:
        """Accept a suggested change: ``ACCEPTED``, ``HELD``, ``NOT_WAITING`` or a gate state."""

    def set_auto_progression(self, on: bool) -> None: ...

    def clinician_seen(self) -> None: ...

    def session_count(self) -> int: ...


def dose_texts(doses: Mapping[str, tuple[int, Dose]]) -> dict[str, DoseView]:
    """Doses in words, as the pages and the player say them."""
    planned = build_program(exercise_library(), dict(doses))
    return {
        p.exercise_id: DoseView(p.level, p.dose_text.lower())
        for p in planned
        if p.exercise_id in doses
    }


# --- the CLI -------------------------------------------------------------------------------------


def _clock_readers() -> list[ModuleType]:
    """Every CLI module with its own name for the computer's clock (``machine_clock``), all
    imported before any is patched: a module first imported while ``local`` is patched would
    bind the story's clock, and monkeypatch would "restore" it to that for every later test."""
    import sciatica_care.cli as cli

    modules = [
        importlib.import_module(f"sciatica_care.cli.{info.name}")
        for info in pkgutil.iter_modules(cli.__path__)
    ]
    return [module for module in modules if hasattr(module, "machine_clock")]


class CliDriver:
    """``sciatica`` in this computer's zone (``TZ``), on the data dir's SQLite file."""

    name = "cli"

    def __init__(self, clock: StoryClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        self.clock = clock
        self.tmp_path = tmp_path
        self.runner = CliRunner()
        self.files = 0
        monkeypatch.setenv("TZ", str(clock.zone))

        def story_machine_clock() -> Clock:
            return Clock(machine_zone(), clock.read)

        for module in _clock_readers():
            monkeypatch.setattr(module, "machine_clock", story_machine_clock)

    def _run(self, *args: str) -> Result:
        from sciatica_care.cli.main import app

        return self.runner.invoke(app, list(args), catch_exceptions=False)

    def _file(self, data: Mapping[str, Any]) -> str:
        self.files += 1
        path = self.tmp_path / f"answers-{self.files}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        return str(path)

    @staticmethod
    def _closed_state(stderr: str) -> str:
        """The gate state a refusal names (the CLI prints the gate's message on stderr)."""
        flat = " ".join(stderr.split())
        found = [state for message, state in _MESSAGE_STATES.items() if message in flat]
        assert len(found) == 1, f"the CLI did not say why it refused: {stderr!r}"
        return found[0]

    def _json(self, result: Result, *codes: int) -> Any:
        assert result.exit_code in codes, (result.exit_code, result.stdout, result.stderr)
        return json.loads(result.stdout)

    def screen(self, answers: Mapping[str, Any]) -> str:
        result = self._run("screen", "--answers", self._file(answers), "--json")
        return str(self._json(result, 0)["action"])

    def recheck(self, answers: Mapping[str, Any]) -> str:
        result = self._run("screen", "--recheck", "--answers", self._file(answers), "--json")
        return str(self._json(result, 0)["action"])

    def checkin(self, entry: Entry) -> CheckedIn:
        result = self._run("checkin", "--answers", self._file(entry.json()), "--json")
        data = self._json(result, 0)
        day = date.fromisoformat(data["entry"]["day"])
        return CheckedIn(day, str(data["daily_screen"]["action"]), data["flare"] is not None)

    def record_session(self, record: SessionRecord) -> Saved:
        from sciatica_care.cli.local import local_context
        from sciatica_care.store import exercise_sessions

        stderr = io.StringIO()
        try:
            with contextlib.redirect_stderr(stderr), local_context() as ctx:
                save = sessions.SessionSave(record=record, started_at=ctx.clock.now_fn())
                saved = sessions.record_session(ctx, save)
        except typer.Exit as exc:
            assert exc.exit_code == 1, (exc.exit_code, stderr.getvalue())
            return Saved(refused=self._closed_state(stderr.getvalue()))
        update = saved.update.to_json() if saved.update is not None else {}
        return Saved(
            refused=None,
            items=[exercise_sessions.result_json(item) for item in saved.row.items],
            decisions=update.get("decisions", []),
            escalation=update.get("escalation"),
            gate=saved.gate.state.value,
        )

    def _plan(self) -> tuple[int, dict[str, Any]]:
        result = self._run("plan", "--json")
        data = self._json(result, 0, 1)
        return result.exit_code, data

    def gate(self) -> str:
        """What ``sciatica plan`` says; when closed, ``sciatica session`` must refuse alike.

        (An open gate is not tried with ``sciatica session``: it would start the player.)
        """
        code, data = self._plan()
        state = str(data["gate"]["state"])
        assert (code == 0) == (state == OPEN), (code, state)
        if state != OPEN:
            session = self._run("session", "--json")
            assert session.exit_code == 1, (session.exit_code, session.stderr)
            if state == LOCKED:
                assert "EMERGENCY" in session.stderr, session.stderr
            else:
                assert self._closed_state(session.stderr) == state, session.stderr
        return state

    def today(self) -> Today:
        code, data = self._plan()
        state = str(data["gate"]["state"])
        if code != 0:
            return Today(state, hold_step_ups=bool(data["gate"]["hold_step_ups"]))
        on = {
            e["exercise"]: (e["level"], Dose.model_validate(e["dose"]))
            for e in data["exercises"]
            if not e["resting"]
        }
        return Today(
            state,
            doses=dose_texts(on),
            resting=frozenset(e["exercise"] for e in data["exercises"] if e["resting"]),
            suggestions=frozenset(s["exercise"] for s in data["suggestions"]),
            hold_step_ups=bool(data["gate"]["hold_step_ups"]),
        )

    def accept(self, exercise_id: str) -> str:
        result = self._run("plan", "accept", exercise_id, "--json")
        if result.exit_code == 0:
            return ACCEPTED
        if result.exit_code == 1:
            return self._closed_state(result.stderr)
        assert result.exit_code == 2, (result.exit_code, result.stderr)
        flat = " ".join(result.stderr.split())
        if SCREEN_PAUSE_NOTE in flat:
            return HELD
        assert "no suggestion is waiting" in flat, flat
        return NOT_WAITING

    def set_auto_progression(self, on: bool) -> None:
        result = self._run("settings", "--auto-progression", "on" if on else "off", "--json")
        assert self._json(result, 0) == {"auto_progression": on}

    def clinician_seen(self) -> None:
        self._json(self._run("plan", "clinician-seen", "--json"), 0)

    def session_count(self) -> int:
        return len(self._json(self._run("history", "--limit", "200", "--json"), 0))


# --- the web -------------------------------------------------------------------------------------


def web_app(tmp_path: Path, clock: StoryClock) -> FastAPI:
    """The real app on a temp SQLite file, reading "now" from the story's clock."""
    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    settings = Settings(
        data_dir=tmp_path / "web-data", database_url=url, secret_key="x", auto_migrate=True
    )
    app = create_app(settings)
    app.state.now = clock.read
    return app


def _page_csrf(text: str) -> str:
    match = _CSRF_INPUT.search(text) or _CSRF_META.search(text)
    assert match, "the page has no CSRF token"
    return match.group(1)


class ApiDriver:
    """The JSON API, for an account whose zone the browser reported at sign-up."""

    name = "api"

    def __init__(self, client: TestClient, clock: StoryClock, csrf_token: str) -> None:
        self.client = client
        self.clock = clock
        self.headers = {"X-CSRF-Token": csrf_token}

    @classmethod
    def sign_up(cls, client: TestClient, clock: StoryClock) -> ApiDriver:
        """A new account whose zone the client reports, with the disclaimer acknowledged."""
        created = client.post(
            "/api/accounts",
            json={"email": "api@example.org", "password": PASSWORD, "timezone": str(clock.zone)},
        )
        assert created.status_code == 201, created.text
        driver = cls(client, clock, created.json()["csrf_token"])
        ack = client.post("/api/me/disclaimer", headers=driver.headers)
        assert ack.status_code == 200, ack.text
        return driver

    def _post(self, url: str, body: Any, *codes: int) -> Any:
        response = self.client.post(url, json=body, headers=self.headers)
        assert response.status_code in codes, (url, response.status_code, response.text)
        return response.json()

    def screen(self, answers: Mapping[str, Any]) -> str:
        return str(self._post("/api/screenings", dict(answers), 201)["action"])

    def recheck(self, answers: Mapping[str, Any]) -> str:
        return str(self._post("/api/screenings/recheck", dict(answers), 201)["action"])

    def checkin(self, entry: Entry) -> CheckedIn:
        data = self._post("/api/checkins", entry.json(), 201)
        day = date.fromisoformat(data["entry"]["day"])
        return CheckedIn(day, str(data["daily"]["action"]), data["flare"] is not None)

    def record_session(self, record: SessionRecord) -> Saved:
        return self.upload(record, self.headers)

    def upload(self, record: SessionRecord, headers: Mapping[str, str]) -> Saved:
        """``POST /api/sessions`` as ``player.js`` and the offline outbox send it."""
        body = {
            "client_id": str(uuid.uuid4()),
            "started_at": self.clock.now.isoformat(),
            "final": True,
            "version": 0,
            "record": record.model_dump(mode="json"),
        }
        response = self.client.post("/api/sessions", json=body, headers=dict(headers))
        if response.status_code in (409, 423):
            state = str(response.json()["gate"]["state"])
            assert (response.status_code == 423) == (state == LOCKED), (response.status_code, state)
            return Saved(refused=state)
        assert response.status_code == 200, response.text
        data = response.json()
        update = data["program_update"] or {}
        return Saved(
            refused=None,
            items=data["items"],
            decisions=update.get("decisions", []),
            escalation=update.get("escalation"),
            gate=data["gate"]["state"],
        )

    def _program(self) -> tuple[int, dict[str, Any]]:
        response = self.client.get("/api/program/today")
        assert response.status_code in (200, 409, 423), response.text
        return response.status_code, response.json()

    def gate(self) -> str:
        code, data = self._program()
        if code == 200:
            return OPEN
        state = str(data["gate"]["state"])
        assert (code == 423) == (state == LOCKED), (code, state)
        return state

    def today(self) -> Today:
        code, data = self._program()
        if code != 200:
            return Today(self.gate(), hold_step_ups=bool(data["gate"]["hold_step_ups"]))
        return Today(
            OPEN,
            doses={
                e["exercise_id"]: DoseView(e["level"], e["dose_text"].lower())
                for e in data["exercises"]
            },
            resting=frozenset(p["exercise_id"] for p in data["paused"]),
            suggestions=frozenset(s["exercise_id"] for s in data["suggestions"]),
            hold_step_ups=bool(data["hold_step_ups"]),
        )

    def accept(self, exercise_id: str) -> str:
        url = f"/api/program/suggestions/{exercise_id}/accept"
        response = self.client.post(url, headers=self.headers)
        if response.status_code == 200:
            return ACCEPTED
        if response.status_code == 404:
            return NOT_WAITING
        data = response.json()
        if "gate" in data:
            state = str(data["gate"]["state"])
            assert (response.status_code == 423) == (state == LOCKED), (response.status_code, state)
            return state
        assert response.status_code == 409 and data["detail"] == SCREEN_PAUSE_NOTE, response.text
        return HELD

    def set_auto_progression(self, on: bool) -> None:
        # There is no JSON route for this setting: an API client uses the settings form.
        response = self.client.post(
            "/settings/progression",
            data={
                "auto_progression": "on" if on else "off",
                "csrf_token": self.headers["X-CSRF-Token"],
            },
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text

    def clinician_seen(self) -> None:
        self._post("/api/program/clinician-seen", None, 200)

    def session_count(self) -> int:
        response = self.client.get("/api/sessions", params={"limit": 200})
        assert response.status_code == 200, response.text
        return len(response.json())


class FormsDriver:
    """The HTML pages, as a browser without JavaScript uses them (the player posts to the API)."""

    name = "forms"

    def __init__(self, client: TestClient, clock: StoryClock) -> None:
        self.client = client
        self.clock = clock
        page = client.get("/signup")
        response = client.post(
            "/signup",
            data={
                "csrf_token": _page_csrf(page.text),
                "email": "forms@example.org",
                "password": PASSWORD,
                "timezone": str(clock.zone),  # what timezone.js fills in
            },
            follow_redirects=False,
        )
        assert response.headers.get("location") == "/recovery-code", response.text
        page = client.get("/recovery-code")
        response = client.post(
            "/recovery-code",
            data={"csrf_token": _page_csrf(page.text), "saved": "yes"},
            follow_redirects=False,
        )
        assert response.headers.get("location") == "/disclaimer", response.text
        page = client.get("/disclaimer")
        response = client.post(
            "/disclaimer",
            data={"csrf_token": _page_csrf(page.text), "understood": "yes"},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        self.api = ApiDriver(client, clock, _page_csrf(client.get("/settings").text))

    def _get(self, url: str) -> Any:
        return self.client.get(url, follow_redirects=False)

    def _submit(self, page_url: str, action: str, data: Mapping[str, Any]) -> Any:
        """Post the form of ``page_url`` with that page's CSRF token; no redirect followed."""
        page = self.client.get(page_url)
        form = {key: str(value) for key, value in data.items()}
        form["csrf_token"] = _page_csrf(page.text)
        return self.client.post(action, data=form, follow_redirects=False)

    def _shown(self, response: Any) -> str:
        """The gate state a page shows: the program, a redirect to the questions, the emergency."""
        if response.status_code == 303:
            location = response.headers["location"]
            if location in _REDIRECT_STATES:
                return _REDIRECT_STATES[location]
            response = self.client.get(location, follow_redirects=False)
        assert response.status_code == 200, (response.status_code, response.text[:300])
        return LOCKED if _EMERGENCY_PAGE in response.text else OPEN

    def _action(self, response: Any) -> str:
        assert response.status_code == 303, (response.status_code, response.text[:500])
        page = self.client.get(response.headers["location"], follow_redirects=False)
        if page.status_code == 303:  # the re-check goes back to Today when all is calm
            return "SELF_CARE"
        if _EMERGENCY_PAGE in page.text:
            return "EMERGENCY_NOW"
        match = _OUTCOME.search(page.text)
        return match.group("action").upper() if match else "SELF_CARE"

    def screen(self, answers: Mapping[str, Any]) -> str:
        return self._action(self._submit("/screening", "/screening", answers))

    def recheck(self, answers: Mapping[str, Any]) -> str:
        return self._action(self._submit("/screening/recheck", "/screening/recheck", answers))

    def checkin(self, entry: Entry) -> CheckedIn:
        page = self.client.get("/check-in")
        client_id = _CLIENT_ID.search(page.text)
        day = re.search(r'name="day" value="([^"]+)"', page.text)
        assert client_id and day
        form = {
            "csrf_token": _page_csrf(page.text),
            "client_id": client_id.group(1),
            "day": day.group(1),
            "leg_pain": str(entry.leg_pain),
            "back_pain": str(entry.back_pain),
            "left_pain": str(entry.left_pain),
            "left_numbness": str(entry.left_numbness),
            "right_pain": str(entry.right_pain),
            "right_numbness": str(entry.right_numbness),
            "moment": entry.moment,
            **dict(entry.red_flags),
        }
        if entry.activities_impossible:
            form["activities_impossible"] = "yes"
        response = self.client.post("/check-in", data=form, follow_redirects=False)
        assert response.status_code == 303, response.text[:500]
        shown = self.client.get(response.headers["location"], follow_redirects=False)
        if _EMERGENCY_PAGE in shown.text:
            return CheckedIn(date.fromisoformat(day.group(1)), "EMERGENCY_NOW", False)
        words = _DAY.search(shown.text)
        assert words, shown.text[:500]
        stored = datetime.strptime(f"{words.group('day')} {self.clock.now.year}", "%A %d %B %Y")
        outcome = _OUTCOME.search(shown.text)
        action = outcome.group("action").upper() if outcome else "SELF_CARE"
        return CheckedIn(stored.date(), action, 'id="flare-title"' in shown.text)

    def record_session(self, record: SessionRecord) -> Saved:
        """Open the player (``/session``) and let it save to ``/api/sessions``, as ``player.js``.

        When the page does not open the player, the browser never gets to save; the save is
        still sent (a stale tab, the offline outbox) and both must refuse it alike.
        """
        page = self._get("/session")
        shown = self._shown(page)
        saved = self.api.upload(record, self.api.headers)
        if shown != OPEN or saved.refused is not None:
            assert saved.refused == shown, f"player page shows {shown}, its API said {saved}"
        return saved

    def gate(self) -> str:
        today, player = self._shown(self._get("/today")), self._shown(self._get("/session"))
        assert today == player, f"/today shows {today}, /session shows {player}"
        return today

    def today(self) -> Today:
        response = self._get("/today")
        state = self._shown(response)
        if state != OPEN:
            return Today(state)
        text = response.text
        return Today(
            OPEN,
            doses={
                m["id"]: DoseView(int(m["level"]), html.unescape(m["dose"]).lower())
                for m in _CARD.finditer(text)
            },
            resting=frozenset(_NAMES[html.unescape(m["name"])] for m in _PAUSED.finditer(text)),
            suggestions=frozenset(m["id"] for m in _SUGGESTION.finditer(text)),
            hold_step_ups='action="/today/clinician-seen"' in text,
        )

    def accept(self, exercise_id: str) -> str:
        action = f"/today/suggestions/{exercise_id}/accept"
        response = self._submit("/today", action, {})
        if response.status_code != 303 or response.headers["location"] != "/today":
            return self._shown(response)
        page = self.client.get("/today", follow_redirects=False)
        flash = _FLASH.search(page.text)
        assert flash, "no message after accepting"
        said = " ".join(html.unescape(flash["text"]).split())
        if said.startswith("Accepted for"):
            return ACCEPTED
        if said == SCREEN_PAUSE_NOTE:
            return HELD
        assert "no longer waiting" in said, said
        return NOT_WAITING

    def set_auto_progression(self, on: bool) -> None:
        choice = {"auto_progression": "on" if on else "off"}
        response = self._submit("/settings", "/settings/progression", choice)
        assert response.status_code == 303, response.text[:500]

    def clinician_seen(self) -> None:
        response = self._submit("/today", "/today/clinician-seen", {})
        assert response.status_code == 303, response.text[:500]

    def session_count(self) -> int:
        return self.api.session_count()


@contextlib.contextmanager
def start(
    name: str, zone: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Interface]:
    """A fresh patient in ``zone`` using the interface ``name``."""
    clock = StoryClock(zone)
    # Passwords are not what this suite is about: sign up with a cheap argon2 run.
    monkeypatch.setattr(credentials, "_hasher", PasswordHasher(time_cost=1, memory_cost=64))
    if name == "cli":
        yield CliDriver(clock, tmp_path, monkeypatch)
        return
    with TestClient(web_app(tmp_path, clock)) as client:
        yield ApiDriver.sign_up(client, clock) if name == "api" else FormsDriver(client, clock)
