"""Sharing my diary with my clinician: a PDF report and a FHIR file, mine only, signed in only."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codesystem import CodeSystem

from sciatica_care.reports.fhir_bundle import CODE_SYSTEM, NPRS_CODE
from tests.web.conftest import Account, api_sign_up
from tests.web.diary_entries import post_checkin


def _pain_observations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e["resource"]
        for e in document["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == NPRS_CODE
    ]


def test_the_export_page_links_to_both_clinician_downloads(
    client: TestClient, account: Account
) -> None:
    html = client.get("/export").text
    assert 'href="/export/report.pdf"' in html
    assert 'href="/export/download?format=fhir"' in html


def test_the_fhir_download_holds_two_pain_scores_per_check_in_and_no_email(
    client: TestClient, account: Account
) -> None:
    yesterday = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)).isoformat()
    post_checkin(client, account, leg_pain=7, back_pain=2, day=yesterday)
    post_checkin(client, account, leg_pain=6, back_pain=2)
    post_checkin(client, account, leg_pain=8, back_pain=2, moment="after_session")

    response = client.get("/export/download?format=fhir")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/fhir+json"
    assert '.fhir.json"' in response.headers["content-disposition"]
    Bundle.model_validate_json(response.content)
    document = json.loads(response.content)
    pain = _pain_observations(document)
    assert len(pain) == 2 * 2
    assert sorted(o["valueInteger"] for o in pain if o["bodySite"]["text"] == "leg") == [6, 7]
    assert {o["effectiveDateTime"][:10] for o in pain} == {
        yesterday,
        dt.datetime.now(dt.UTC).date().isoformat(),
    }
    assert account.email not in response.text and "@" not in response.text


def test_the_api_gives_the_same_fhir_bundle(client: TestClient, account: Account) -> None:
    post_checkin(client, account, leg_pain=4)
    response = client.get("/api/export?format=fhir")
    assert response.status_code == 200
    assert len(_pain_observations(response.json())) == 2


def test_the_pdf_report_downloads_from_the_page_and_the_api(
    client: TestClient, account: Account
) -> None:
    post_checkin(client, account, leg_pain=5)

    page = client.get("/export/report.pdf")
    api = client.get("/api/report.pdf")

    for response in (page, api):
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert "sciatica-care-report-" in response.headers["content-disposition"]
        assert response.headers["cache-control"] == "no-store"


def test_clinician_exports_need_a_session(client: TestClient, account: Account) -> None:
    client.cookies.clear()
    assert client.get("/api/report.pdf").status_code == 401
    assert client.get("/api/export?format=fhir").status_code == 401
    assert client.get("/export/report.pdf", follow_redirects=False).status_code == 303
    assert client.get("/export/download?format=fhir", follow_redirects=False).status_code == 303


def test_another_patients_diary_is_not_in_my_exports(client: TestClient, account: Account) -> None:
    post_checkin(client, account, leg_pain=9, back_pain=8)
    ann = client.get("/api/export?format=fhir").json()
    client.cookies.clear()
    bob_account = api_sign_up(client, "bob@example.org")
    post_checkin(client, bob_account, leg_pain=1, back_pain=1)

    bob = client.get("/api/export?format=fhir").json()

    assert [o["valueInteger"] for o in _pain_observations(bob)] == [1, 1]
    bob_patient = _entries(bob, "Patient")[0]["identifier"][0]["value"]
    ann_patient = _entries(ann, "Patient")[0]["identifier"][0]["value"]
    assert bob_patient != ann_patient
    assert ann_patient not in json.dumps(bob)
    assert client.get("/api/report.pdf").content.startswith(b"%PDF-")


def _entries(document: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == kind]


def test_a_red_flag_answer_is_in_the_fhir_download(client: TestClient, account: Account) -> None:
    flags = {f"Q{n}": "no" for n in range(1, 8)} | {"Q4": "yes"}
    post_checkin(client, account, red_flags=flags)

    document = client.get("/api/export?format=fhir").json()

    [flag] = _entries(document, "Flag")
    assert flag["status"] == "active" and flag["code"]["coding"][0]["code"] == "EMERGENCY_NOW"
    [daily] = [
        o
        for o in _entries(document, "Observation")
        if o["code"]["coding"][0]["code"] == "daily-safety-questions"
    ]
    assert {"Q4": "yes"}.items() <= {
        c["code"]["coding"][0]["code"]: c["valueCodeableConcept"]["coding"][0]["code"]
        for c in daily["component"]
    }.items()


def test_a_transaction_bundle_from_the_page_and_the_api(
    client: TestClient, account: Account
) -> None:
    post_checkin(client, account, leg_pain=4)

    page = client.get("/export/download?format=fhir&bundle_type=transaction")
    api = client.get("/api/export?format=fhir&bundle_type=transaction")

    for response in (page, api):
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/fhir+json"
        bundle = Bundle.model_validate_json(response.content)
        assert bundle.type == "transaction"
        document = json.loads(response.content)
        assert all(e["request"]["method"] == "POST" for e in document["entry"])
        assert all(e["fullUrl"].startswith("urn:uuid:") for e in document["entry"])
    assert "fhir-transaction.json" in page.headers["content-disposition"]


def test_a_bundle_type_that_does_not_exist_is_refused(client: TestClient, account: Account) -> None:
    assert client.get("/api/export?format=fhir&bundle_type=batch").status_code == 422
    assert client.get("/export/download?format=fhir&bundle_type=batch").status_code == 422
    assert client.get("/export/download?format=json&bundle_type=transaction").status_code == 422


def test_the_code_system_is_served_to_anyone(client: TestClient) -> None:
    response = client.get("/fhir/CodeSystem/sciatica-care")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/fhir+json"
    codes = CodeSystem.model_validate_json(response.content)
    assert codes.url == CODE_SYSTEM and codes.content == "complete"
    assert "EMERGENCY_NOW" in response.text and "@" not in response.text
