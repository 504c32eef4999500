"""Sharing with my clinician, under my control (issue 10 items 2, 5 and 6).

Ann makes a one-time share code in Settings (or through the API), gives it to her
physiotherapist, sees who is linked, stops sharing at any time (access ends on the clinician's
next request) and reads who saw her data. Her export carries that log; an import never links.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from sciatica_care.domain.wording import spelled_date
from sciatica_care.services import program
from sciatica_care.services.links import CODE_ALPHABET
from sciatica_care.store import audit, patients, prescriptions
from sciatica_care.store.database import Database
from sciatica_care.store.models import CareLink, ShareCode
from sciatica_care.store.portability import import_patient
from tests.web.clinic import clinician_client
from tests.web.conftest import Account, form_csrf

LONDON = ZoneInfo("Europe/London")


def _live_in_london(database: Database, patient_id: int) -> None:
    with database.session() as session:
        patients.update_settings(session, patient_id, timezone="Europe/London", country="GB")


def _make_code(client: TestClient, account: Account) -> dict[str, Any]:
    response = client.post("/api/me/share-codes", headers=account.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _link(clinician: Any, code: str) -> Any:
    return clinician.client.post(
        "/api/clinician/patients", json={"code": code}, headers=clinician.headers
    )


def _everything(clinician: Any, public_id: str) -> Any:
    return clinician.client.get(f"/api/fhir/Patient/{public_id}/$everything")


# -- making a code --------------------------------------------------------------------------------


def test_the_api_makes_a_one_time_code_valid_for_24_hours(
    client: TestClient, screened: Account
) -> None:
    before = dt.datetime.now(dt.UTC)
    body = _make_code(client, screened)

    group_a, group_b = body["code"].split("-")
    assert len(group_a) == len(group_b) == 5
    assert set(group_a + group_b) <= set(CODE_ALPHABET)
    assert body["link"] == f"/clinic/link?code={body['code']}"
    lifetime = dt.datetime.fromisoformat(body["expires_at"]) - before
    assert dt.timedelta(hours=23, minutes=59) < lifetime <= dt.timedelta(hours=24, minutes=1)


def test_settings_makes_a_code_and_shows_it_with_its_link_expiry_and_the_alert_statement(
    client: TestClient, screened: Account, database: Database
) -> None:
    _live_in_london(database, screened.id)
    token = form_csrf(client.get("/settings").text)

    response = client.post("/settings/share-code", data={"csrf_token": token})

    assert response.status_code == 200
    html = response.text
    start = html.index('id="share-code"')
    code = html[html.index(">", start) + 1 : html.index("</code>", start)]
    assert f"http://testserver/clinic/link?code={code}" in html
    with database.session() as session:
        expires = session.scalars(select(ShareCode.expires_at)).one().astimezone(LONDON)
    words = " ".join(html.split())
    assert f"until <strong>{spelled_date(expires.date())} at {expires:%H:%M}</strong>" in words
    assert "(your time, Europe/London)" in words
    assert "Nobody watches the app around the clock." in words
    assert (
        'In an emergency, do not wait for your clinician: call <a href="tel:999">999</a>' in words
    )
    assert "stop two exercise sessions because of pain within 7 days" in words


def test_settings_explains_what_clinicians_are_alerted_to_with_the_patients_own_number(
    client: TestClient, screened: Account, database: Database
) -> None:
    with database.session() as session:
        patients.update_settings(session, screened.id, timezone="America/New_York", country="US")

    words = " ".join(client.get("/settings").text.split())

    assert "What your clinician is alerted to" in words
    assert "see a doctor within 48 hours, or get emergency help" in words
    assert "your pain reaches further down your leg for 3 days" in words
    assert 'call <a href="tel:911">911</a>' in words
    assert "You are not sharing your data with any clinician." in words


# -- spending it ----------------------------------------------------------------------------------


def test_a_code_links_once_and_a_second_clinician_cannot_reuse_it(
    web_app: FastAPI, client: TestClient, screened: Account, clinician: Any, database: Database
) -> None:
    code = _make_code(client, screened)["code"]

    first = _link(clinician, code)
    assert first.status_code == 201, first.text
    public_id = first.json()["patient_id"]
    assert first.json()["label"] == "ann@example.org"
    assert _everything(clinician, public_id).status_code == 200

    with clinician_client(web_app, database, "kim@clinic.example", "Kim Ito, GP") as second:
        again = _link(second, code)
        assert again.status_code == 404
        assert _everything(second, public_id).status_code == 404
    assert [c["name"] for c in client.get("/api/me/clinicians").json()] == ["Sam Lee, PT"]


def test_an_expired_code_gets_the_same_answer_as_a_code_that_never_existed(
    client: TestClient, screened: Account, clinician: Any, database: Database
) -> None:
    code = _make_code(client, screened)["code"]
    with database.session() as session:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        session.execute(update(ShareCode).values(expires_at=past))

    expired = _link(clinician, code)
    never = _link(clinician, "ABCDE-FGHJK" if code != "ABCDE-FGHJK" else "KKKKK-KKKKK")

    assert expired.status_code == never.status_code == 404
    assert expired.json() == never.json()
    assert client.get("/api/me/clinicians").json() == []


# -- stopping -------------------------------------------------------------------------------------


def test_stopping_through_the_api_ends_access_on_the_clinicians_next_request(
    client: TestClient, linked: tuple[Account, Any, str]
) -> None:
    patient, clinician, public_id = linked
    assert _everything(clinician, public_id).status_code == 200
    unknown = _everything(clinician, "00000000-0000-4000-8000-000000000000")

    response = client.delete(f"/api/me/clinicians/{clinician.public_id}", headers=patient.headers)

    assert response.status_code == 204
    gone = _everything(clinician, public_id)
    assert gone.status_code == 404
    assert gone.json() == unknown.json()
    assert client.get("/api/me/clinicians").json() == []
    again = client.delete(f"/api/me/clinicians/{clinician.public_id}", headers=patient.headers)
    assert again.status_code == 404


def test_stop_sharing_in_settings(client: TestClient, linked: tuple[Account, Any, str]) -> None:
    _, clinician, public_id = linked
    html = client.get("/settings").text
    assert "Stop sharing with Sam Lee, PT" in html
    action = f"/settings/clinicians/{clinician.public_id}/stop"
    assert f'action="{action}"' in html

    response = client.post(action, data={"csrf_token": form_csrf(html)}, follow_redirects=True)

    assert response.status_code == 200
    assert (
        "You stopped sharing with Sam Lee, PT. They can no longer see your data." in response.text
    )
    assert "You are not sharing your data with any clinician." in response.text
    assert _everything(clinician, public_id).status_code == 404


def test_stopping_a_clinician_who_is_not_linked_is_not_found(
    client: TestClient, screened: Account, clinician: Any
) -> None:
    response = client.delete(f"/api/me/clinicians/{clinician.public_id}", headers=screened.headers)
    assert response.status_code == 404


# -- who saw my data ------------------------------------------------------------------------------


def test_the_audit_log_lists_the_link_and_a_clinician_read_newest_first(
    client: TestClient, linked: tuple[Account, Any, str], database: Database
) -> None:
    patient, clinician, public_id = linked
    _live_in_london(database, patient.id)
    assert _everything(clinician, public_id).status_code == 200

    entries = client.get("/api/me/audit").json()["entries"]

    assert {e["clinician"] for e in entries} == {"Sam Lee, PT"}
    assert entries[0]["action"] == "read"
    assert (entries[-1]["action"], entries[-1]["what"]) == ("link", "linked with your code")
    linked_at = dt.datetime.fromisoformat(entries[-1]["at"]).astimezone(LONDON)
    words = " ".join(client.get("/settings").text.split())
    assert "Who saw your data" in words
    assert f"{spelled_date(linked_at.date())} at {linked_at:%H:%M}" in words
    assert "Sam Lee, PT</span>: linked with your code" in words
    assert f"Sam Lee, PT</span>: {entries[0]['what']}" in words


def _fill_log(database: Database, patient_id: int, clinician_id: int, count: int) -> None:
    start = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    with database.session() as session:
        for n in range(count):
            at = start + dt.timedelta(hours=n)
            audit.record(
                session, patient_id, clinician_id, "Sam Lee, PT", "read", f"viewed #{n}", at
            )


def test_the_audit_api_pages_newest_first(
    client: TestClient, screened: Account, clinician: Any, database: Database
) -> None:
    _fill_log(database, screened.id, clinician.id, 5)

    seen: list[str] = []
    url = "/api/me/audit?limit=2"
    while url:
        page = client.get(url).json()
        assert len(page["entries"]) <= 2
        seen += [entry["what"] for entry in page["entries"]]
        before = page["next_before"]
        url = f"/api/me/audit?limit=2&before={before.replace('+', '%2B')}" if before else ""

    assert seen == [f"viewed #{n}" for n in range(4, -1, -1)]


def test_a_bad_page_cursor_is_refused_naming_the_field(
    client: TestClient, screened: Account
) -> None:
    response = client.get("/api/me/audit?before=yesterday")
    assert response.status_code == 422
    assert "before" in response.text
    assert client.get("/api/me/audit?limit=0").status_code == 422


def test_settings_shows_the_latest_20_and_links_to_the_whole_log(
    client: TestClient, screened: Account, clinician: Any, database: Database
) -> None:
    _fill_log(database, screened.id, clinician.id, 60)

    settings = client.get("/settings").text
    assert settings.count("Sam Lee, PT</span>: viewed #") == 20
    assert "viewed #59<" in settings and "viewed #39<" not in settings
    assert 'href="/settings/audit"' in settings

    first = client.get("/settings/audit").text
    assert first.count("Sam Lee, PT</span>: viewed #") == 50
    assert "Older entries" in first
    older_link = first[first.index('href="/settings/audit?before=') + 6 :]
    older = client.get(older_link[: older_link.index('"')].replace("&amp;", "&")).text
    assert older.count("Sam Lee, PT</span>: viewed #") == 10
    assert "viewed #0<" in older and "Older entries" not in older


# -- the export -----------------------------------------------------------------------------------


def test_the_export_carries_the_log_and_the_linked_clinicians_and_import_links_no_one(
    web_app: FastAPI,
    client: TestClient,
    linked: tuple[Account, Any, str],
    database: Database,
) -> None:
    patient, clinician, public_id = linked

    document = client.get("/api/export?format=json").json()

    assert document["linked_clinicians"][0]["name"] == "Sam Lee, PT"
    assert document["linked_clinicians"][0]["linked_since"]
    assert document["audit_log"][0]["what"] == "linked with your code"
    client.delete(f"/api/me/clinicians/{clinician.public_id}", headers=patient.headers)
    with database.session() as session:
        active = select(func.count()).select_from(CareLink).where(CareLink.ended_at.is_(None))
        assert session.scalar(active) == 0
        import_patient(session, patient.id, json.loads(json.dumps(document)))
    with database.session() as session:
        assert session.scalar(active) == 0
    assert _everything(clinician, public_id).status_code == 404


def test_the_spreadsheet_export_has_the_log_as_its_own_file(
    client: TestClient, linked: tuple[Account, Any, str]
) -> None:
    archive = zipfile.ZipFile(io.BytesIO(client.get("/api/export?format=csv").content))

    log = list(csv.DictReader(io.StringIO(archive.read("audit_log.csv").decode("utf-8-sig"))))
    assert [(row["clinician"], row["action"], row["what"]) for row in log] == [
        ("Sam Lee, PT", "link", "linked with your code")
    ]
    linked_rows = archive.read("linked_clinicians.csv").decode("utf-8-sig")
    assert linked_rows.startswith("name,linked_since")


# -- a clinician's progression mode ---------------------------------------------------------------


def test_a_progression_mode_set_by_the_clinician_names_them_instead_of_the_switch(
    client: TestClient, linked: tuple[Account, Any, str], database: Database
) -> None:
    patient, clinician, _ = linked
    with database.session() as session:
        program.set_progression_mode(session, patient.id, "off")
        prescriptions.add_change(
            session,
            patient.id,
            clinician.id,
            "Sam Lee, PT",
            dt.datetime.now(dt.UTC),
            [],
            {"progression": "off"},
            "flare-up",
            None,
        )

    html = client.get("/settings").text

    assert "Set by Sam Lee, PT — ask them to change it." in html
    assert 'name="auto_progression"' not in html
    refused = client.post(
        "/settings/progression", data={"csrf_token": form_csrf(html), "auto_progression": "on"}
    )
    assert refused.status_code == 409
    with database.session() as session:
        assert program.progression_mode(session, patient.id) == "off"


# -- roles ----------------------------------------------------------------------------------------


def test_a_clinician_cannot_make_codes_or_read_a_patients_log(clinician: Any) -> None:
    assert (
        clinician.client.post("/api/me/share-codes", headers=clinician.headers).status_code == 403
    )
    assert clinician.client.get("/api/me/audit").status_code == 403
    assert clinician.client.get("/api/me/clinicians").status_code == 403
