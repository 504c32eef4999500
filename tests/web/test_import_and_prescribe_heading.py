"""``POST /api/import`` puts back an export and a linked clinician's caseload shows it on the next
read (issue 10 item 4: the summary is rebuilt after an import, as after any entry); the prescribe
form names its patient as the caseload does (item 3)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from sciatica_care.store import patients
from sciatica_care.store.database import Database
from tests.services.caseload_story import NOW, TODAY
from tests.services.import_story import LEG_PAIN, beas_export
from tests.web.conftest import Account


def _anns_row(clinician: Any) -> dict[str, Any]:
    response = clinician.client.get("/api/clinician/patients")
    assert response.status_code == 200, response.text
    (row,) = response.json()["rows"]
    return row


def test_a_web_import_shows_on_the_clinicians_caseload(
    web_app: FastAPI, database: Database, client: TestClient, linked: tuple[Account, Any, str]
) -> None:
    ann, clinician, _ = linked
    web_app.state.now = lambda: NOW
    with database.session() as session:
        patients.update_settings(session, ann.id, timezone="Europe/London")
    document = beas_export(database)
    assert _anns_row(clinician)["last_activity"] is None  # the summary is made and kept here

    refused = client.post("/api/import", json=document, headers=ann.headers)
    assert refused.status_code == 422 and "replace" in refused.text
    done = client.post("/api/import?replace=true", json=document, headers=ann.headers)
    assert done.status_code == 200, done.text
    assert done.json()["imported"]["checkins"] == 3

    row = _anns_row(clinician)
    assert row["last_activity"] == TODAY.isoformat()
    assert row["leg_pain"]["last_7_days_mean"] == LEG_PAIN


def test_a_bad_value_is_a_422_naming_it_and_nothing_changes(
    database: Database, client: TestClient, linked: tuple[Account, Any, str]
) -> None:
    ann, _, _ = linked
    document = beas_export(database)
    document["checkins"][1]["leg_pain"] = 11

    response = client.post("/api/import?replace=true", json=document, headers=ann.headers)

    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"] == ["body", "checkins", 1, "leg_pain"]
    exported = client.get("/api/export").json()
    assert exported["checkins"] == [] and len(exported["screenings"]) == 1


def test_the_prescribe_form_names_the_patient(linked: tuple[Account, Any, str]) -> None:
    ann, clinician, public_id = linked
    label = _anns_row(clinician)["label"]
    assert label == ann.email

    page = clinician.client.get(f"/clinic/patients/{public_id}/program")

    assert page.status_code == 200
    assert f"<title>Program for {label} · Sciatica Care</title>" in page.text
    assert f"<h1>Program for {label}</h1>" in page.text

    bad = clinician.client.post(
        f"/clinic/patients/{public_id}/program",
        data={"csrf_token": clinician.csrf_token, "version": "0", "sessions_per_week": "99"},
    )
    assert bad.status_code == 422
    assert f"<h1>Program for {label}</h1>" in bad.text
