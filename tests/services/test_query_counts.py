"""A request costs a fixed number of SQL statements, whatever the length of the history.

Issue 12 item 8: My progress and a check-in used to read the diary several times a request;
each now reads what it needs once (one query per table). The statements a request sends to the
database are counted on the app's own engine (``before_cursor_execute``) for a patient with a
month of history and one with a year of the same diary (benchmarks.progress_page.seed_year):
the counts must be equal and small.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from benchmarks.progress_page import seed_year
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from sciatica_care.config import Settings
from sciatica_care.store.database import Database
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
}
"""The statements each request may send: sign-in lookup, the reads of its use case (one per
table) and, for a check-in, the write, progression's catch-up and the clinician's summary."""


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


def _counts(client: TestClient, app: FastAPI, headers: dict[str, str]) -> dict[str, int]:
    """Statements per request, each request made once before it is counted (caches warm)."""

    def get(path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200, response.text

    def post() -> None:
        response = client.post("/api/checkins", json=_checkin(), headers=headers)
        assert response.status_code == 201, response.text

    requests = {
        "/api/progress?days=365": lambda: get("/api/progress?days=365"),
        "/progress?days=365": lambda: get("/progress?days=365"),
        "POST /api/checkins": post,
    }
    counts = {}
    for name, request in requests.items():
        request()
        with Statements(app.state.db.engine) as seen:
            request()
        counts[name] = seen.count
    return counts


def test_progress_and_a_check_in_cost_the_same_statements_at_a_month_and_a_year(
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
