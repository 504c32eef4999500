"""Downloading my data: one JSON document, CSV files in a zip, or FHIR (in a real browser too)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle

from tests.web.conftest import PASSWORD, VIEWPORTS, Account, Axe, Shoot
from tests.web.diary_entries import calm_checkin, post_checkin


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


@pytest.fixture(params=sorted(VIEWPORTS))
def csp_free_page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A page at 360 and 1280 px with the app's CSP bypassed, so ``axe`` can inject axe-core."""
    context = browser.new_context(viewport=VIEWPORTS[request.param], accept_downloads=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.browser
def test_the_export_page_downloads_a_fhir_file_and_a_transaction(
    app_server: str, csp_free_page: Any, axe: Axe, shoot: Shoot
) -> None:
    page = csp_free_page
    created = page.request.post(
        app_server + "/api/accounts", data={"email": "ann@example.org", "password": PASSWORD}
    )
    token = created.json()["csrf_token"]
    page.request.post(app_server + "/api/me/disclaimer", headers={"X-CSRF-Token": token})
    flags = {f"Q{n}": "no" for n in range(1, 8)} | {"Q3": "yes"}
    saved = page.request.post(
        app_server + "/api/checkins",
        data=calm_checkin(red_flags=flags),
        headers={"X-CSRF-Token": token},
    )
    assert saved.status == 201, saved.text()

    page.goto(app_server + "/export")
    axe(page)
    shoot(page, "80-export-fhir")
    downloads = {}
    for name in ("Download FHIR file", "the same data as a FHIR transaction"):
        with page.expect_download() as info:
            page.get_by_role("link", name=name).click()
        downloads[name] = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))

    collection = downloads["Download FHIR file"]
    transaction = downloads["the same data as a FHIR transaction"]
    assert Bundle.model_validate(collection).type == "collection"
    assert Bundle.model_validate(transaction).type == "transaction"
    for document in (collection, transaction):
        kinds = [e["resource"]["resourceType"] for e in document["entry"]]
        assert "Flag" in kinds  # the bladder answer is in both
