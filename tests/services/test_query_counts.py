"""A request costs a fixed number of SQL statements, whatever the length of the history.

Issue 12 item 8: My progress and a check-in used to read the diary several times a request;
Today, the program API and a session save read the gate twice, the sessions three times and,
for a final save, every session of the year one by one (progression). Each now reads what it
needs once (one query per table). The statements a request sends to the database are counted
on the app's own engine (``before_cursor_execute``) for a patient with a month of history and
one with a year of the same diary (benchmarks.progress_page.seed_year): the counts must be
equal and small.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from benchmarks.progress_page import seed_year
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from sciatica_care.config import Settings
from sciatica_care.content.exercises import exercise_library
from sciatica_care.store.database import Database
from sciatica_care.store.models import ExerciseResult, ExerciseSession, Patient
from sciatica_care.web.app import create_app
from tests.web.conftest import PASSWORD
from tests.web.safety_check import calm_answers

NOW = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
ZONE = "Europe/Berlin"
"""Noon in Berlin: the patient's today is the same day whatever the hour the test runs."""
TODAY = NOW.astimezone(ZoneInfo(ZONE)).date()
HISTORIES = (30, 365)
NO_FLAGS = {f"Q{n}": "no" for n in range(1, 8)}

MOST = {
    "/api/progress?days=365": 13,
    "/progress?days=365": 13,
    "POST /api/checkins": 26,
    "/today": 12,
    "/api/program/today": 9,
    "POST /api/sessions": 38,
}
"""The statements each request may send: sign-in lookup, the reads of its use case (one per
table) and, for a check-in or a session, the write, progression's catch-up (a decision per
exercise, each dose written without reading it first) and the clinician's summary. Today and
the program API read the program in one transaction (tests/services/test_today_reads.py)."""


class Statements:
    """Counts the SQL statements an engine sends while it is listened to."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.count = 0

    def _seen(self, *_: Any) -> None:
        self.count += 1

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


@pytest.fixture
def app(database: Database, tmp_path: Path) -> FastAPI:
    url = database.engine.url.render_as_string(hide_password=False)
    web_app = create_app(Settings(data_dir=tmp_path, database_url=url, secret_key="test-secret"))
    web_app.state.now = lambda: NOW
    return web_app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def _patient_with_history(client: TestClient, app: FastAPI, days: int) -> dict[str, str]:
    """A signed-in patient (calm safety check, Berlin) with ``days`` of diary up to today."""
    client.cookies.clear()
    body = {"email": f"days{days}@example.org", "password": PASSWORD, "timezone": ZONE}
    created = client.post("/api/accounts", json=body)
    assert created.status_code == 201, created.text
    me = created.json()
    headers = {"X-CSRF-Token": me["csrf_token"]}
    assert client.post("/api/me/disclaimer", headers=headers).status_code == 200
    screened = client.post("/api/screenings", json=calm_answers(), headers=headers)
    assert screened.status_code == 201, screened.text
    with app.state.db.session() as session:
        seed_year(session, me["id"], TODAY, days=days)
    return headers


def _checkin() -> dict[str, Any]:
    return {
        "client_id": str(uuid.uuid4()),
        "leg_pain": 4,
        "back_pain": 2,
        "zones": {"left": {"pain": 3, "numbness": 0}, "right": {"pain": 0, "numbness": 0}},
        "red_flags": NO_FLAGS,
    }


def _session() -> dict[str, Any]:
    """A finished session of the four exercises, calm pain checks: a final save runs progression
    over the history (``services.program.catch_up``)."""
    items = [
        {
            "exercise_id": exercise.id,
            "level": 2,
            "dose": exercise.level(2).dose.model_dump(mode="json"),
            "sides_done": [],
            "reps_done": 10,
            "holds_done": 0,
            "hold_seconds": 0.0,
            "pain": 2,
            "spread_down_leg": False,
            "new_numbness_or_weakness": False,
            "completed": True,
        }
        for exercise in exercise_library().exercises
    ]
    return {
        "client_id": str(uuid.uuid4()),
        "started_at": (NOW - timedelta(minutes=30)).isoformat(),
        "final": True,
        "version": 0,
        "record": {"status": "completed", "elapsed_s": 540.0, "items": items},
    }


def _counts(client: TestClient, app: FastAPI, headers: dict[str, str]) -> dict[str, int]:
    """Statements per request, each request made once before it is counted (caches warm)."""

    def get(path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200, response.text

    def post() -> None:
        response = client.post("/api/checkins", json=_checkin(), headers=headers)
        assert response.status_code == 201, response.text

    def save() -> None:
        response = client.post("/api/sessions", json=_session(), headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["program_update"]["decisions"], "progression decided"

    requests = {
        "/api/progress?days=365": lambda: get("/api/progress?days=365"),
        "/progress?days=365": lambda: get("/progress?days=365"),
        "POST /api/checkins": post,
        "/today": lambda: get("/today"),
        "/api/program/today": lambda: get("/api/program/today"),
        "POST /api/sessions": save,
    }
    counts = {}
    for name, request in requests.items():
        request()
        with Statements(app.state.db.engine) as seen:
            request()
        counts[name] = seen.count
    return counts


def test_progress_today_and_the_writes_cost_the_same_statements_at_a_month_and_a_year(
    client: TestClient, app: FastAPI
) -> None:
    counts = {
        days: _counts(client, app, _patient_with_history(client, app, days)) for days in HISTORIES
    }

    assert counts[30] == counts[365]
    for name, most in MOST.items():
        assert 0 < counts[365][name] <= most, (name, counts[365][name])


def test_a_year_of_history_is_charted_from_one_read_of_the_diary(
    client: TestClient, app: FastAPI
) -> None:
    """What the counted requests answer is the year's diary (the counts are not of an error)."""
    _patient_with_history(client, app, 365)

    shown = client.get("/api/progress?days=365").json()

    assert len(shown["series"]["pain"]) == 365
    assert shown["series"]["pain"][-1]["day"] == TODAY.isoformat()
    assert shown["series"]["flares"], "the seeded year has flare-ups"
    assert shown["summary"][0].startswith("Leg pain down")


def test_today_after_a_session_at_a_year_shows_the_days_habit(
    client: TestClient, app: FastAPI
) -> None:
    """What the counted Today reads is the year's habit and the saved session (not an error)."""
    headers = _patient_with_history(client, app, 365)
    saved = client.post("/api/sessions", json=_session(), headers=headers)
    assert saved.status_code == 200, saved.text

    page = client.get("/today")
    program = client.get("/api/program/today").json()

    assert page.status_code == 200
    assert "Pelvic tilt" in page.text
    assert "week 53" in page.text.lower()
    assert [item["exercise_id"] for item in program["exercises"]] == [
        exercise.id for exercise in exercise_library().exercises
    ]


def test_a_streak_longer_than_the_days_today_reads_first_is_counted_whole(
    client: TestClient, app: FastAPI
) -> None:
    """Today reads the last weeks of session days first (``program.HABIT_WINDOW``) and the
    earlier ones only when the streak runs past them: 60 days in a row stay 60."""
    headers = _patient_with_history(client, app, 30)
    zone = ZoneInfo(ZONE)
    with app.state.db.session() as session:
        patient = session.scalars(
            select(Patient).where(Patient.email == "days30@example.org")
        ).one()
        patient_id = patient.id
        patient.program_started_on = TODAY - timedelta(days=90)
        for row in session.scalars(
            select(ExerciseSession).where(ExerciseSession.patient_id == patient_id)
        ):
            session.delete(row)
        for n in range(1, 60):
            day = TODAY - timedelta(days=n)
            started = datetime.combine(day, time(9), tzinfo=zone).astimezone(UTC)
            session.add(_seeded_session(patient_id, started))
    assert client.post("/api/sessions", json=_session(), headers=headers).status_code == 200

    page = client.get("/today")

    assert page.status_code == 200
    assert "60 days</span> in a row" in page.text


def _seeded_session(patient_id: int, started: datetime) -> ExerciseSession:
    exercise = exercise_library().exercises[0]
    return ExerciseSession(
        patient_id=patient_id,
        started_at=started,
        status="completed",
        elapsed_s=300.0,
        final=True,
        progressed_at=started,
        items=[
            ExerciseResult(
                patient_id=patient_id,
                position=0,
                exercise_id=exercise.id,
                level=2,
                dose=exercise.level(2).dose.model_dump(),
                sides_done=[],
                pain=2,
                spread_down_leg=False,
                new_numbness_or_weakness=False,
                completed=True,
            )
        ],
    )
