"""Downloading my data: one JSON document, or CSV files in a zip."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from fastapi.testclient import TestClient

from tests.web.conftest import Account
from tests.web.diary_entries import post_checkin


def test_settings_links_to_the_export_page(client: TestClient, account: Account) -> None:
    assert 'href="/export"' in client.get("/settings").text
    html = client.get("/export").text
    assert 'href="/export/download?format=json"' in html
    assert 'href="/export/download?format=csv"' in html


def test_the_json_download_holds_my_check_ins(client: TestClient, account: Account) -> None:
    post_checkin(client, account, leg_pain=7, note="Bad night")

    response = client.get("/export/download?format=json")

    assert response.headers["content-type"] == "application/json"
    assert 'attachment; filename="sciatica-care-' in response.headers["content-disposition"]
    document = json.loads(response.content)
    assert document["format"] == "sciatica-care-export"
    [entry] = document["checkins"]
    assert entry["leg_pain"] == 7 and entry["entry"]["note"] == "Bad night"


def test_the_csv_zip_has_a_table_per_kind_of_record(client: TestClient, account: Account) -> None:
    post_checkin(client, account, leg_pain=4)

    response = client.get("/api/export?format=csv")

    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert {"checkins.csv", "exercise_sessions.csv", "therapy_uses.csv"} <= set(archive.namelist())
    rows = list(csv.DictReader(io.StringIO(archive.read("checkins.csv").decode())))
    assert [row["leg_pain"] for row in rows] == ["4"]


def test_the_export_leaves_out_the_calendar_feed_secret(
    client: TestClient, account: Account
) -> None:
    client.post("/api/reminders/feed", headers=account.headers)

    document = client.get("/api/export?format=json").json()

    assert "reminder_feed_hash" not in document["profile"]["settings"]


def test_export_needs_a_session_and_a_known_format(client: TestClient, account: Account) -> None:
    assert client.get("/api/export?format=xml").status_code == 422
    client.cookies.clear()
    assert client.get("/api/export").status_code == 401
    assert client.get("/export/download", follow_redirects=False).status_code == 303
