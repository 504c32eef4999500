"""A clinician signs in on the same app and lands on their caseload; roles never cross (issue 10 item 1)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from sciatica_care.store.database import Database
from tests.web.clinic import create_clinician
from tests.web.conftest import PASSWORD, Account, form_csrf


def test_clinician_signs_in_on_the_login_form_and_lands_on_the_caseload(
    web_app: FastAPI, client: TestClient, database: Database
) -> None:
    create_clinician(database, "sam@clinic.example", "Sam Lee, PT")
    with TestClient(web_app) as browser:
        token = form_csrf(browser.get("/login").text)
        response = browser.post(
            "/login",
            data={"email": "Sam@Clinic.example", "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/clinic"
        assert browser.get("/", follow_redirects=False).headers["location"] == "/clinic"
        assert browser.get("/today", follow_redirects=False).headers["location"] == "/clinic"


def test_a_clinician_cannot_use_patient_routes(clinician: Any) -> None:
    response = clinician.client.get("/api/program/today")
    assert response.status_code == 403
    response = clinician.client.post(
        "/api/checkins", json={"leg_pain": 3, "back_pain": 2}, headers=clinician.headers
    )
    assert response.status_code == 403


def test_a_patient_cannot_use_clinician_routes(client: TestClient, screened: Account) -> None:
    assert client.get("/api/clinician/patients").status_code == 403
    assert client.get("/clinic", follow_redirects=False).headers["location"] == "/"


def test_a_patient_cannot_sign_up_with_a_clinicians_email(
    client: TestClient, database: Database
) -> None:
    create_clinician(database, "sam@clinic.example", "Sam Lee, PT")
    response = client.post(
        "/api/accounts", json={"email": "sam@clinic.example", "password": "another long password"}
    )
    assert response.status_code == 409
