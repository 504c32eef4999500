"""The caseload over HTTP (issue 10 items 4–5): the page and ``GET /api/clinician/patients``,
filters, sort and pages, marking an alert seen, the patient page, 404 for an unlinked patient
and 403 for a patient. Data is built through the services (``tests.services.caseload_story``)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sciatica_care.store.database import Database
from tests.services.caseload_story import NOW, Clinic, build_clinic, patient
from tests.web.clinic import Clinician, clinician_client, patient_public_id
from tests.web.conftest import form_csrf


@pytest.fixture
def clinic(web_app: FastAPI, database: Database) -> Clinic:
    web_app.state.now = lambda: NOW
    return build_clinic(database)


@pytest.fixture
def sam(web_app: FastAPI, database: Database, clinic: Clinic) -> Any:
    """Sam, the clinic's clinician (made by ``build_clinic``), signed in on their own client."""
    with TestClient(web_app) as client:
        signed = client.post(
            "/api/session",
            json={"email": "sam@clinic.example", "password": "correct horse battery"},
        )
        assert signed.status_code == 200, signed.text
        yield Clinician(
            clinic.clinician_id,
            "",
            "sam@clinic.example",
            "Sam Lee, PT",
            client,
            signed.json()["csrf_token"],
        )


def test_the_api_lists_alerts_first_with_reasons(sam: Clinician) -> None:
    body = sam.client.get("/api/clinician/patients").json()

    assert [r["label"] for r in body["rows"]] == [
        "uma@example.org",
        "pia@example.org",
        "reg@example.org",
        "cal@example.org",
    ]
    assert body["rows"][0]["alerts"][0]["key"].startswith("red-flag:")
    assert body["rows"][3]["adherence"]["7d"] == {"done": 3, "planned": 7, "percent": 43}
    assert body["rows"][3]["leg_pain"]["meaningful"] is True
    assert body["alerting"] == 3 and body["total"] == 4


def test_filters_sort_and_pages_over_the_api(sam: Clinician) -> None:
    alerts = sam.client.get("/api/clinician/patients", params={"filter": "alerts"}).json()
    assert len(alerts["rows"]) == 3

    page2 = sam.client.get(
        "/api/clinician/patients", params={"sort": "name", "page": 2, "page_size": 3}
    ).json()
    assert [r["label"] for r in page2["rows"]] == ["cal@example.org"]
    assert page2["pages"] == 2

    bad = sam.client.get("/api/clinician/patients", params={"sort": "age"})
    assert bad.status_code == 422 and "sort" in bad.text
    bad = sam.client.get("/api/clinician/patients", params={"page_size": "500"})
    assert bad.status_code == 422 and "page_size" in bad.text


def test_the_page_shows_the_table_and_mark_as_seen_works(
    sam: Clinician, clinic: Clinic, database: Database
) -> None:
    page = sam.client.get("/clinic")
    assert page.status_code == 200
    html = page.text
    assert html.index("uma@example.org") < html.index("cal@example.org")
    assert "Mark as seen" in html and "Urgent red-flag answer" in html

    uma = patient_public_id(database, clinic.uma)
    key = sam.client.get("/api/clinician/patients").json()["rows"][0]["alerts"][0]["key"]
    done = sam.client.post(
        f"/clinic/patients/{uma}/alerts/{key}/seen",
        data={"csrf_token": form_csrf(html), "next": "/clinic?sort=name"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/clinic?sort=name"
    after = sam.client.get("/api/clinician/patients").json()
    assert after["rows"][0]["label"] == "pia@example.org"

    reg = patient_public_id(database, clinic.reg)
    key = next(r for r in after["rows"] if r["label"] == "reg@example.org")["alerts"][0]["key"]
    seen = sam.client.post(f"/api/clinician/patients/{reg}/alerts/{key}/seen", headers=sam.headers)
    assert seen.status_code == 200 and seen.json()["seen"] is True
    again = sam.client.post(f"/api/clinician/patients/{reg}/alerts/nope/seen", headers=sam.headers)
    assert again.status_code == 404


def test_sort_links_and_filters_render(sam: Clinician) -> None:
    html = sam.client.get("/clinic", params={"filter": "inactive"}).text
    assert "No patient matches these filters." in html
    html = sam.client.get("/clinic", params={"sort": "name", "page_size": 2}).text
    assert 'rel="next"' in html and "Page 1 of 2" in html
    assert sam.client.get("/clinic", params={"sort": "age"}).status_code == 422


def test_the_patient_page_and_its_json(sam: Clinician, clinic: Clinic, database: Database) -> None:
    reg = patient_public_id(database, clinic.reg)

    page = sam.client.get(f"/clinic/patients/{reg}")

    assert page.status_code == 200
    assert "Stopped early: pain spread down the leg" in page.text
    assert f"/clinic/patients/{reg}/program" in page.text
    assert f"/clinic/patients/{reg}/report.pdf" in page.text
    body = sam.client.get(f"/api/clinician/patients/{reg}").json()
    assert body["patient"]["red_sessions_7d"] == 2
    assert [s["stop_reason"] for s in body["sessions"]] == ["spread_down_leg"] * 2


def test_unlinked_and_unknown_patients_are_404(
    web_app: FastAPI, sam: Clinician, database: Database
) -> None:
    stranger = patient(database, "sol@example.org", None)
    for public_id in (patient_public_id(database, stranger), "0" * 36):
        assert sam.client.get(f"/clinic/patients/{public_id}").status_code == 404
        assert sam.client.get(f"/api/clinician/patients/{public_id}").status_code == 404


def test_removing_a_patient_from_the_caseload(
    sam: Clinician, clinic: Clinic, database: Database
) -> None:
    cal = patient_public_id(database, clinic.cal)
    html = sam.client.get(f"/clinic/patients/{cal}").text

    gone = sam.client.post(
        f"/clinic/patients/{cal}/unlink",
        data={"csrf_token": form_csrf(html)},
        follow_redirects=False,
    )

    assert gone.status_code == 303
    assert sam.client.get(f"/clinic/patients/{cal}").status_code == 404
    labels = [r["label"] for r in sam.client.get("/api/clinician/patients").json()["rows"]]
    assert "cal@example.org" not in labels


def test_a_patient_gets_403_from_the_api_and_is_sent_home_from_the_page(
    client: TestClient, account: Any
) -> None:
    assert client.get("/api/clinician/patients").status_code == 403
    page = client.get("/clinic", follow_redirects=False)
    assert page.status_code in (302, 303) and page.headers["location"] == "/"


def test_a_clinician_with_no_patient_sees_how_to_link(web_app: FastAPI, database: Database) -> None:
    with clinician_client(web_app, database, "new@clinic.example", "New Doc") as doc:
        html = doc.client.get("/clinic").text
        assert "No patient has linked you yet" in html
        assert doc.client.get("/api/clinician/patients").json()["rows"] == []
