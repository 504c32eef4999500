"""Patients in real time zones: "today" is their own day, on either side of local midnight.

Issue 8 item 8: the day of a check-in, the next-morning pairing of a session (clinical-spec.md
§4.1) and every "today" follow the zone the browser reported at sign-up, not UTC.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sciatica_care.store import patients
from sciatica_care.store.database import Database
from tests.web.conftest import PASSWORD, Account
from tests.web.safety_check import screen_via_api

NO_FLAGS = {f"Q{n}": "no" for n in range(1, 8)}


class Now:
    """A settable "now" for the app (``app.state.now``)."""

    def __init__(self) -> None:
        self.value = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.value


@pytest.fixture
def now(web_app: FastAPI) -> Iterator[Now]:
    clock = Now()
    web_app.state.now = clock
    yield clock
    web_app.state.now = None


def _sign_up(client: TestClient, zone: str) -> Account:
    body = {"email": f"{zone.split('/')[1].lower()}@example.org", "password": PASSWORD}
    created = client.post("/api/accounts", json={**body, "timezone": zone})
    assert created.status_code == 201, created.text
    me = created.json()
    headers = {"X-CSRF-Token": me["csrf_token"]}
    assert client.post("/api/me/disclaimer", headers=headers).status_code == 200
    account = Account(me["id"], me["email"], PASSWORD, me["csrf_token"])
    screen_via_api(client, account)
    return account


def _checkin(client: TestClient, account: Account, leg: int = 3) -> dict[str, Any]:
    body = {"leg_pain": leg, "back_pain": 2, "red_flags": NO_FLAGS, "client_id": str(uuid.uuid4())}
    response = client.post("/api/checkins", json=body, headers=account.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.mark.parametrize(
    ("zone", "before", "after", "day_before", "day_after"),
    [
        # 23:30 and 00:30 in Los Angeles (UTC-8 in November)
        (
            "America/Los_Angeles",
            "2026-11-20T07:30Z",
            "2026-11-20T08:30Z",
            "2026-11-19",
            "2026-11-20",
        ),
        # 23:30 and 00:30 in Sydney (UTC+11 in November)
        ("Australia/Sydney", "2026-11-20T12:30Z", "2026-11-20T13:30Z", "2026-11-20", "2026-11-21"),
    ],
)
def test_check_ins_either_side_of_local_midnight_land_on_the_local_day(
    client: TestClient,
    now: Now,
    database: Database,
    zone: str,
    before: str,
    after: str,
    day_before: str,
    day_after: str,
) -> None:
    account = _sign_up(client, zone)
    with database.session() as s:
        assert patients.get_settings(s, account.id)["timezone"] == zone

    now.value = datetime.fromisoformat(before)
    late = _checkin(client, account)
    now.value = datetime.fromisoformat(after)
    early = _checkin(client, account)

    assert (late["entry"]["day"], early["entry"]["day"]) == (day_before, day_after)
    assert early["entry"]["moment"] == "morning"
    assert client.get("/api/program/today").json()["date"] == day_after


def test_a_late_evening_session_pairs_with_the_next_local_morning(
    client: TestClient, now: Now
) -> None:
    """A session at 23:00 in Los Angeles (07:00 UTC the next day) is judged by the next morning
    in Los Angeles: with UTC days it would pair with the morning after that, and no decision
    would be made at the first morning check-in."""
    account = _sign_up(client, "America/Los_Angeles")
    for day in range(13, 20):  # a usual week of mornings at leg pain 3, 08:00 local
        now.value = datetime(2026, 11, day, 16, 0, tzinfo=UTC)
        _checkin(client, account)
    now.value = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)  # 23:00 on 19 November in LA
    item = {
        "exercise_id": "pelvic-tilt",
        "level": 2,
        "dose": {"sets": 1, "reps": 10, "hold_s": 3, "per_side": False},
        "sides_done": [],
        "reps_done": 10,
        "holds_done": 0,
        "hold_seconds": 0.0,
        "pain": 2,
        "spread_down_leg": False,
        "new_numbness_or_weakness": False,
        "completed": True,
    }
    session = {
        "client_id": str(uuid.uuid4()),
        "started_at": "2026-11-20T06:50:00+00:00",
        "record": {"status": "completed", "elapsed_s": 300.0, "items": [item]},
    }
    saved = client.post("/api/sessions", json=session, headers=account.headers)
    assert saved.status_code == 200, saved.text

    now.value = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # 08:00 on 20 November in LA
    morning = _checkin(client, account)

    assert morning["entry"]["day"] == "2026-11-20"
    assert any(note.startswith("Pelvic tilt:") for note in morning["notes"]), morning["notes"]
