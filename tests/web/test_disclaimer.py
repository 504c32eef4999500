"""The onboarding disclaimer (clinical-spec.md §7.6) comes before anything else."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient

from sciatica_care.store import accounts
from sciatica_care.store.database import Database
from sciatica_care.web.security import SignedIn, current_patient
from tests.web.conftest import PASSWORD, form_csrf


def _add_patient_page(app: FastAPI, path: str) -> None:
    """A stand-in for the pages the lead adds, guarded by ``current_patient`` as theirs will be."""

    @app.get(path)
    def patient_page(caller: Annotated[SignedIn, Depends(current_patient)]) -> PlainTextResponse:
        return PlainTextResponse(f"hello {caller.patient_id}")


def _sign_up(client: TestClient) -> int:
    response = client.post("/api/accounts", json={"email": "ann@example.org", "password": PASSWORD})
    return int(response.json()["id"])


def test_the_disclaimer_page_says_what_the_app_is_and_is_not(client: TestClient) -> None:
    _sign_up(client)

    html = client.get("/disclaimer").text

    assert "not a substitute for care" in html
    assert "pregnancy, past spinal surgery, osteoporosis" in html
    assert 'type="checkbox"' in html


def test_every_patient_page_sends_you_to_the_disclaimer_until_you_acknowledge_it(
    web_app: FastAPI,
) -> None:
    _add_patient_page(web_app, "/today")
    with TestClient(web_app) as client:
        _sign_up(client)

        for path in ("/", "/today"):
            response = client.get(path, follow_redirects=False)
            assert response.status_code == 303
            assert response.headers["location"] == "/disclaimer"


def test_api_calls_of_a_patient_need_the_disclaimer_too(web_app: FastAPI) -> None:
    _add_patient_page(web_app, "/api/probe")
    with TestClient(web_app) as client:
        _sign_up(client)

        response = client.get("/api/probe")

    assert response.status_code == 403
    assert "disclaimer" in response.json()["detail"]


def test_continuing_without_ticking_the_box_explains_what_to_do(
    client: TestClient, database: Database
) -> None:
    patient_id = _sign_up(client)
    token = form_csrf(client.get("/disclaimer").text)

    response = client.post("/disclaimer", data={"csrf_token": token})

    assert response.status_code == 400
    assert "Tick the box" in response.text
    assert 'aria-describedby="understood-error"' in response.text
    with database.session() as s:
        assert accounts.get(s, patient_id).disclaimer_acknowledged_at is None


def test_acknowledging_records_the_time_and_leads_to_the_safety_check(
    client: TestClient, database: Database
) -> None:
    patient_id = _sign_up(client)
    token = form_csrf(client.get("/disclaimer").text)

    response = client.post("/disclaimer", data={"csrf_token": token, "understood": "yes"})

    assert response.status_code == 200
    assert str(response.url).endswith("/screening")
    assert "safety" in response.text.lower()
    with database.session() as s:
        assert accounts.get(s, patient_id).disclaimer_acknowledged_at is not None


def test_acknowledging_redirects_to_the_screening_page_once_it_exists(web_app: FastAPI) -> None:
    _add_patient_page(web_app, "/screening")
    with TestClient(web_app) as client:
        _sign_up(client)
        token = form_csrf(client.get("/disclaimer").text)

        response = client.post(
            "/disclaimer", data={"csrf_token": token, "understood": "yes"}, follow_redirects=False
        )

    assert response.headers["location"] == "/screening"


def test_api_acknowledgement(client: TestClient) -> None:
    token = client.post(
        "/api/accounts", json={"email": "ann@example.org", "password": PASSWORD}
    ).json()["csrf_token"]

    response = client.post("/api/me/disclaimer", headers={"X-CSRF-Token": token})

    assert response.status_code == 200
    assert client.get("/api/me").json()["disclaimer_acknowledged"] is True


def test_a_page_for_patients_sends_a_stranger_to_sign_in_and_back(web_app: FastAPI) -> None:
    _add_patient_page(web_app, "/today")
    with TestClient(web_app) as client:
        response = client.get("/today?day=2", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Ftoday%3Fday%3D2"


def _sign_up_on_the_page(client: TestClient, **extra: str) -> None:
    token = form_csrf(client.get("/signup").text)
    fields = {"csrf_token": token, "email": "ann@example.org", "password": PASSWORD, **extra}
    client.post("/signup", data=fields, follow_redirects=False)
    shown = client.get("/recovery-code")
    client.post("/recovery-code", data={"csrf_token": form_csrf(shown.text), "saved": "yes"})


def test_acknowledged_on_the_sign_up_page_the_safety_check_opens_without_a_second_page(
    client: TestClient,
) -> None:
    _sign_up_on_the_page(client, understood="yes")

    response = client.get("/screening", follow_redirects=False)

    assert response.status_code == 200
    assert "Safety check" in response.text


def test_without_the_acknowledgement_nothing_clinical_opens(client: TestClient) -> None:
    _sign_up_on_the_page(client)

    for path in ("/screening", "/today", "/session"):
        response = client.get(path, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/disclaimer")
