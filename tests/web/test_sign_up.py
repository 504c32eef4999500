"""Creating an account, on the page and through the API."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from sciatica_care.services.accounts import NOT_CREATED
from sciatica_care.store.database import Database
from sciatica_care.store.models import AuthSession, Patient
from tests.web.conftest import PASSWORD, api_sign_up, form_csrf


def _submit(client: TestClient, **fields: str) -> httpx.Response:
    token = form_csrf(client.get("/signup").text)
    return client.post("/signup", data={"csrf_token": token, **fields}, follow_redirects=False)


def test_signing_up_creates_a_hashed_account_and_shows_the_recovery_code_first(
    client: TestClient, database: Database
) -> None:
    response = _submit(client, email="  Ann@Example.ORG ", password=PASSWORD)

    assert response.status_code == 303
    assert response.headers["location"] == "/recovery-code"  # then the disclaimer
    with database.session() as s:
        patient = s.scalars(select(Patient)).one()
        sessions = s.scalars(select(AuthSession)).all()
    assert patient.email == "ann@example.org"
    assert patient.password_hash is not None
    assert patient.password_hash.startswith("$argon2id$")
    assert PASSWORD not in patient.password_hash
    assert patient.disclaimer_acknowledged_at is None
    cookie_token = client.cookies.get("sc_session")
    assert cookie_token
    assert [row.patient_id for row in sessions] == [patient.id]
    assert sessions[0].token_hash != cookie_token and len(sessions[0].token_hash) == 64


def test_session_cookie_is_httponly_lax_and_kept_for_the_session_maximum(
    client: TestClient,
) -> None:
    """The cookie lives as long as a session may (90 days); the server ends it after 14 idle days."""
    response = _submit(client, email="ann@example.org", password=PASSWORD)

    cookie = next(c for c in response.headers.get_list("set-cookie") if "sc_session=" in c)
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Max-Age=7776000" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_over_https(web_app: FastAPI) -> None:
    with TestClient(web_app, base_url="https://testserver") as client:
        response = client.post(
            "/api/accounts", json={"email": "a@example.org", "password": PASSWORD}
        )
    cookie = next(c for c in response.headers.get_list("set-cookie") if "sc_session=" in c)
    assert "Secure" in cookie


def test_bad_input_shows_messages_next_to_the_fields_and_keeps_the_email(
    client: TestClient, database: Database
) -> None:
    response = _submit(client, email="ann.example.org", password="short")

    assert response.status_code == 400
    html = response.text
    assert 'id="email-error"' in html
    assert "Enter an email address like name@example.org." in html
    assert 'aria-describedby="email-error"' in html  # the short sign-up page has no email hint
    assert 'value="ann.example.org"' in html
    assert "Use at least 10 characters." in html
    assert 'aria-describedby="password-hint password-error"' in html
    assert 'value="short"' not in html
    with database.session() as s:
        assert s.scalars(select(Patient)).all() == []


def test_a_taken_email_gets_the_generic_answer_and_creates_nothing(
    client: TestClient, database: Database
) -> None:
    api_sign_up(client, "ann@example.org")
    client.cookies.clear()

    response = _submit(client, email="ANN@example.org", password="another long password")

    assert response.status_code == 400
    assert NOT_CREATED in response.text  # never "this e-mail has an account" (issue 12 item 4)
    with database.session() as s:
        assert len(s.scalars(select(Patient)).all()) == 1


def test_api_sign_up_returns_the_account_and_signs_in(client: TestClient) -> None:
    response = client.post("/api/accounts", json={"email": "Bo@Example.org", "password": PASSWORD})

    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "bo@example.org"
    assert body["disclaimer_acknowledged"] is False
    assert len(body["csrf_token"]) >= 32
    assert len(body["recovery_code"]) == 19  # shown once: see test_recover_account.py
    assert client.get("/api/me").json()["id"] == body["id"]


def test_api_sign_up_with_a_taken_email_is_409(client: TestClient) -> None:
    api_sign_up(client, "ann@example.org")
    client.cookies.clear()

    response = client.post(
        "/api/accounts", json={"email": "ann@example.org", "password": "another long password"}
    )

    assert response.status_code == 409
    assert response.json()["detail"] == NOT_CREATED


def test_api_sign_up_with_a_short_password_is_422_naming_the_field(client: TestClient) -> None:
    response = client.post("/api/accounts", json={"email": "ann@example.org", "password": "short"})

    assert response.status_code == 422
    errors = response.json()["detail"]
    assert [e["loc"] for e in errors] == [["body", "password"]]
    assert "at least 10 characters" in errors[0]["msg"]


def test_api_sign_up_with_a_bad_email_is_422_naming_the_field(client: TestClient) -> None:
    response = client.post("/api/accounts", json={"email": "not-an-email", "password": PASSWORD})

    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "email"]]


def test_the_zone_the_browser_reports_becomes_the_patients_clock(
    client: TestClient, database: Database
) -> None:
    page = client.get("/signup").text
    assert 'name="timezone"' in page and "/static/timezone.js" in page

    response = _submit(
        client, email="zoe@example.org", password=PASSWORD, timezone="Australia/Sydney"
    )

    assert response.status_code == 303
    with database.session() as session:
        patient = session.scalars(select(Patient)).one()
        assert patient.settings["timezone"] == "Australia/Sydney"


def test_an_unknown_zone_is_ignored_and_the_clock_stays_utc(
    client: TestClient, database: Database
) -> None:
    response = _submit(client, email="zoe@example.org", password=PASSWORD, timezone="Mars/Olympus")

    assert response.status_code == 303
    with database.session() as session:
        assert "timezone" not in session.scalars(select(Patient)).one().settings


def test_the_sign_up_button_acknowledges_the_disclaimer_so_the_safety_check_comes_next(
    client: TestClient, database: Database
) -> None:
    page = client.get("/signup").text
    assert "not a substitute for care" in page
    assert "pregnancy, past spinal surgery" in page
    assert 'name="understood" value="yes">I understand — create account</button>' in page

    response = _submit(client, email="ann@example.org", password=PASSWORD, understood="yes")

    assert response.headers["location"] == "/recovery-code"
    with database.session() as s:
        patient = s.scalars(select(Patient)).one()
    assert patient.disclaimer_acknowledged_at is not None
    shown = client.get("/recovery-code")
    saved = client.post(
        "/recovery-code",
        data={"csrf_token": form_csrf(shown.text), "saved": "yes"},
        follow_redirects=False,
    )
    assert saved.headers["location"] == "/screening"


def test_a_sign_up_sent_without_the_acknowledgement_still_asks_for_it(
    client: TestClient, database: Database
) -> None:
    _submit(client, email="ann@example.org", password=PASSWORD)

    with database.session() as s:
        assert s.scalars(select(Patient)).one().disclaimer_acknowledged_at is None
    shown = client.get("/recovery-code")
    saved = client.post(
        "/recovery-code",
        data={"csrf_token": form_csrf(shown.text), "saved": "yes"},
        follow_redirects=False,
    )
    assert saved.headers["location"] == "/disclaimer"


def test_bad_input_does_not_acknowledge_anything(client: TestClient, database: Database) -> None:
    response = _submit(client, email="ann@example.org", password="short", understood="yes")

    assert response.status_code == 400
    with database.session() as s:
        assert s.scalars(select(Patient)).all() == []
