"""Check-in entries for web tests: a calm morning by default; change what a story is about."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import Account, form_csrf

DAILY = tuple(f"Q{n}" for n in range(1, 8))
_CLIENT_ID = re.compile(r'name="client_id" value="([^"]+)"')
_DAY = re.compile(r'name="day" value="([^"]+)"')


def calm_checkin(**changes: Any) -> dict[str, Any]:
    """The JSON of ``POST /api/checkins``: leg pain 5 reaching the left calf, no warning sign."""
    body: dict[str, Any] = {
        "leg_pain": 5,
        "back_pain": 3,
        "zones": {"left": {"pain": 4, "numbness": 0}, "right": {"pain": 0, "numbness": 0}},
        "red_flags": {item: "no" for item in DAILY},
    }
    body.update(changes)
    return body


def post_checkin(client: TestClient, account: Account, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/checkins", json=calm_checkin(**changes), headers=account.headers)
    assert response.status_code == 201, response.text
    saved: dict[str, Any] = response.json()
    return saved


def checkin_form(client: TestClient, **changes: str) -> dict[str, str]:
    """The same calm entry as the HTML form sends it, with the page's CSRF token and client id."""
    html = client.get("/check-in").text
    match = _CLIENT_ID.search(html)
    assert match
    data = {
        "csrf_token": form_csrf(html),
        "client_id": match.group(1),
        "leg_pain": "5",
        "back_pain": "3",
        "left_pain": "4",
        "left_numbness": "0",
        "right_pain": "0",
        "right_numbness": "0",
        **{item: "no" for item in DAILY},
    }
    data.update(changes)
    return data


def quick_form(client: TestClient, **changes: str) -> dict[str, str]:
    """The quick check-in as the page sends it when nothing changed (issue 9 item 4): the pain
    scales, "same as yesterday" for the map and "no" to the grouped "Any of these today?"."""
    html = client.get("/check-in").text
    client_id, day = _CLIENT_ID.search(html), _DAY.search(html)
    assert client_id and day
    data = {
        "csrf_token": form_csrf(html),
        "client_id": client_id.group(1),
        "day": day.group(1),
        "leg_pain": "3",
        "back_pain": "2",
        "map_offered": "yes",
        "map_same": "yes",
        "left_pain": "0",
        "left_numbness": "0",
        "right_pain": "0",
        "right_numbness": "0",
        "daily_any": "no",
    }
    if 'name="map_offered"' not in html:
        del data["map_offered"], data["map_same"]
    data.update(changes)
    return {name: value for name, value in data.items() if value != ""}


def page_today(client: TestClient) -> dt.date:
    """The patient's today, as the check-in page dates a new entry."""
    day = _DAY.search(client.get("/check-in").text)
    assert day
    return dt.date.fromisoformat(day.group(1))
