"""Composed views kept until the patient's data changes (issue 12, ``services.view_cache``).

Today, the program the player fetches and My progress are composed once and kept under the
patient's data revision, which the database changes with every write to their data. Whatever
writes, this app, another process on the same database, a red flag in the diary, the next read
shows it; a kept view is never another patient's and never yesterday's.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from sciatica_care.config import Settings
from sciatica_care.services import view_cache
from sciatica_care.store.database import Database
from sciatica_care.web.app import create_app
from tests.web.conftest import PASSWORD, Account
from tests.web.diary_entries import calm_checkin, post_checkin
from tests.web.safety_check import calm_answers

ZONE = "America/Chicago"
NOON = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)  # 12:00 in Chicago


def _sign_up(client: TestClient, email: str) -> Account:
    created = client.post(
        "/api/accounts", json={"email": email, "password": PASSWORD, "timezone": ZONE}
    )
    assert created.status_code == 201, created.text
    me = created.json()
    headers = {"X-CSRF-Token": me["csrf_token"]}
    assert client.post("/api/me/disclaimer", headers=headers).status_code == 200
    assert client.post("/api/screenings", json=calm_answers(), headers=headers).status_code == 201
    return Account(me["id"], me["email"], PASSWORD, me["csrf_token"])


def _legs(client: TestClient) -> list[int]:
    data: dict[str, Any] = client.get("/api/progress?days=14").json()
    return [point["leg_pain"] for point in data["series"]["pain"]]


def _counts(app: FastAPI) -> tuple[int, int]:
    return view_cache.counts(app.state.db)


def test_a_view_asked_again_is_the_kept_one_until_the_patient_writes(
    web_app: FastAPI, client: TestClient
) -> None:
    web_app.state.now = lambda: NOON
    account = _sign_up(client, "ann@example.org")
    assert _legs(client) == []  # the first read starts the program: a write of its own
    assert _legs(client) == []
    hits, misses = _counts(web_app)

    assert _legs(client) == []
    assert _counts(web_app) == (hits + 1, misses)  # kept

    post_checkin(client, account, leg_pain=6, day="2026-11-20")
    assert _legs(client) == [6]  # composed afresh: the check-in changed the revision
    assert _counts(web_app) == (hits + 1, misses + 1)


def test_a_write_by_another_process_shows_on_the_next_read(
    web_app: FastAPI, client: TestClient, database: Database, tmp_path: Any
) -> None:
    web_app.state.now = lambda: NOON
    account = _sign_up(client, "ann@example.org")
    client.get("/today")
    assert _legs(client) == []
    url = database.engine.url.render_as_string(hide_password=False)
    other = create_app(Settings(data_dir=tmp_path, database_url=url, secret_key="test-secret"))
    with TestClient(other) as second:  # another process on the same database, its own memory
        second.cookies.update(client.cookies)
        saved = second.post(
            "/api/checkins",
            json=calm_checkin(leg_pain=7, day="2026-11-20"),
            headers=account.headers,
        )
        assert saved.status_code == 201, saved.text
    assert _legs(client) == [7]


def test_a_red_flag_shuts_a_kept_today_at_once(web_app: FastAPI, client: TestClient) -> None:
    web_app.state.now = lambda: NOON
    account = _sign_up(client, "ann@example.org")
    before = client.get("/today")
    assert before.status_code == 200 and "Start" in before.text
    assert client.get("/api/program/today").status_code == 200
    client.get("/today")  # kept now

    red = {**calm_checkin()["red_flags"], "Q1": "yes"}
    post_checkin(client, account, red_flags=red, day="2026-11-20")

    after = client.get("/today", follow_redirects=True)
    assert "Start" not in after.text
    assert "emergency" in after.text.lower()
    assert client.get("/api/program/today").status_code in (409, 423)


def test_two_patients_never_share_a_kept_view(web_app: FastAPI) -> None:
    web_app.state.now = lambda: NOON
    with TestClient(web_app) as ann_client, TestClient(web_app) as bob_client:
        ann = _sign_up(ann_client, "ann@example.org")
        _sign_up(bob_client, "bob@example.org")
        post_checkin(ann_client, ann, leg_pain=8, day="2026-11-20")
        assert _legs(ann_client) == [8]
        assert _legs(bob_client) == []
        assert _legs(ann_client) == [8]


def test_the_next_local_day_is_composed_afresh(web_app: FastAPI, client: TestClient) -> None:
    now = [NOON]
    web_app.state.now = lambda: now[0]
    _sign_up(client, "ann@example.org")
    first = client.get("/api/progress").json()["today"]
    now[0] = NOON + timedelta(hours=11)  # 23:00 in Chicago: the same local day
    assert client.get("/api/progress").json()["today"] == first
    now[0] = NOON + timedelta(hours=13)  # 01:00 the next day in Chicago
    assert client.get("/api/progress").json()["today"] == "2026-11-21"


def test_a_kept_check_in_form_carries_each_requests_own_token_and_client_id(
    web_app: FastAPI, client: TestClient
) -> None:
    web_app.state.now = lambda: NOON
    account = _sign_up(client, "ann@example.org")
    pages = [client.get("/check-in").text for _ in range(3)]
    with TestClient(web_app) as phone:  # the same person on a second device: another session
        signed = phone.post("/api/session", json={"email": account.email, "password": PASSWORD})
        phone_page = phone.get("/check-in").text
    client_ids = [re.search(r'name="client_id" value="([^"]+)"', page) for page in pages]
    assert all(found is not None for found in client_ids)
    assert len({found.group(1) for found in client_ids if found}) == 3
    assert all(f'name="csrf_token" value="{account.csrf_token}"' in page for page in pages)
    phone_token = signed.json()["csrf_token"]
    assert phone_token != account.csrf_token
    assert f'name="csrf_token" value="{phone_token}"' in phone_page
    assert account.csrf_token not in phone_page
    assert not any("kept-form" in page for page in [*pages, phone_page])


def test_a_kept_today_carries_each_sessions_own_token(web_app: FastAPI, client: TestClient) -> None:
    web_app.state.now = lambda: NOON
    account = _sign_up(client, "ann@example.org")
    pages = [client.get("/today").text for _ in range(2)]
    with TestClient(web_app) as phone:
        signed = phone.post("/api/session", json={"email": account.email, "password": PASSWORD})
        phone_page = phone.get("/today").text
    token = f'name="csrf_token" value="{account.csrf_token}"'
    assert all(token in page for page in pages)
    assert f'name="csrf_token" value="{signed.json()["csrf_token"]}"' in phone_page
    assert account.csrf_token not in phone_page
    assert not any("kept-today" in page for page in [*pages, phone_page])
