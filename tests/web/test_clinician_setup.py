"""A clinician opens the one-time set-up link the operator gave them, chooses a password and lands
on their caseload (issue 10 item 1); a used, expired or wrong link says to ask for a new one."""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update

from sciatica_care.services import clinicians
from sciatica_care.store.database import Database
from sciatica_care.store.models import Clinician
from tests.web.conftest import PASSWORD, Account, form_csrf

GONE = "Ask the person who runs Sciatica Care at your clinic for a new link."


def _setup_path(database: Database) -> str:
    account = clinicians.create_clinician(database, "sam@clinic.example", "Sam Lee, PT")
    path = account.setup_path()
    assert path is not None
    return path


def _choose(client: TestClient, path: str, password: str) -> Response:
    token = form_csrf(client.get(path).text)
    return client.post(
        path, data={"password": password, "csrf_token": token}, follow_redirects=False
    )


def test_the_link_asks_for_a_password_for_the_clinicians_email(
    client: TestClient, database: Database
) -> None:
    response = client.get(_setup_path(database))

    assert response.status_code == 200
    assert "Choose your password" in response.text
    assert "sam@clinic.example" in response.text
    assert 'autocomplete="new-password"' in response.text


def test_choosing_a_password_signs_in_and_lands_on_the_caseload(
    web_app: FastAPI, client: TestClient, database: Database
) -> None:
    path = _setup_path(database)

    response = _choose(client, path, PASSWORD)

    assert response.status_code == 303
    assert response.headers["location"] == "/clinic"
    assert client.get("/", follow_redirects=False).headers["location"] == "/clinic"
    assert client.get("/api/clinician/patients").status_code == 200
    with TestClient(web_app) as elsewhere:
        signed = elsewhere.post(
            "/api/session", json={"email": "sam@clinic.example", "password": PASSWORD}
        )
        assert signed.status_code == 200
        assert signed.json()["role"] == "clinician"


def test_the_sign_up_password_rules_apply(client: TestClient, database: Database) -> None:
    path = _setup_path(database)

    response = _choose(client, path, "short")

    assert response.status_code == 400
    assert "Use at least 10 characters." in response.text
    assert 'value="short"' not in response.text
    assert clinicians.setup_link_valid(database, path.rsplit("/", 1)[1])


def test_a_used_link_says_to_ask_for_a_new_one(
    web_app: FastAPI, client: TestClient, database: Database
) -> None:
    path = _setup_path(database)
    assert _choose(client, path, PASSWORD).status_code == 303

    with TestClient(web_app) as other:
        page = other.get(path)
        token = form_csrf(other.get("/login").text)
        post = other.post(path, data={"password": "another long one", "csrf_token": token})

    assert page.status_code == post.status_code == 404
    assert GONE in page.text and GONE in post.text


def test_an_expired_link_and_a_wrong_one_get_the_same_page(
    client: TestClient, database: Database
) -> None:
    path = _setup_path(database)
    with database.session() as session:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        session.execute(update(Clinician).values(setup_expires_at=past))

    expired = client.get(path)
    wrong = client.get("/clinic/setup/not-a-real-token")

    assert expired.status_code == wrong.status_code == 404
    assert GONE in expired.text and GONE in wrong.text
    assert "sam@clinic.example" not in expired.text


def test_a_patient_signed_in_on_the_same_browser_is_signed_out_by_the_setup(
    client: TestClient, account: Account, database: Database
) -> None:
    path = _setup_path(database)

    response = _choose(client, path, PASSWORD)

    assert response.status_code == 303
    assert client.get("/api/me").status_code == 403
    assert client.get("/api/clinician/patients").status_code == 200
