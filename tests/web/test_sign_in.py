"""Signing in, on the page and through the API, and what a missing session gets."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from sciatica_care.store.base import utcnow
from sciatica_care.store.database import Database
from sciatica_care.store.models import AuthSession
from tests.web.conftest import PASSWORD, Account, form_csrf


def _sign_in(client: TestClient, email: str, password: str, next: str = "/") -> httpx.Response:
    token = form_csrf(client.get("/login").text)
    return client.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": password, "next": next},
        follow_redirects=False,
    )


def test_signing_in_starts_a_session_and_follows_next(
    account: Account, client: TestClient, database: Database
) -> None:
    client.cookies.clear()

    response = _sign_in(client, "ANN@example.org", PASSWORD, next="/settings")

    assert response.status_code == 303
    assert response.headers["location"] == "/settings"
    assert client.get("/settings").status_code == 200
    with database.session() as s:
        assert len(s.scalars(select(AuthSession)).all()) == 2  # sign-up session + this one


def test_next_pointing_to_another_site_is_ignored(account: Account, client: TestClient) -> None:
    client.cookies.clear()

    response = _sign_in(client, account.email, PASSWORD, next="//evil.example/phish")

    assert response.headers["location"] == "/"


def test_a_wrong_password_shows_one_message_and_keeps_only_the_email(
    account: Account, client: TestClient
) -> None:
    client.cookies.clear()

    response = _sign_in(client, account.email, "wrong password here")

    assert response.status_code == 401
    assert "That email and password do not match an account." in response.text
    assert 'value="ann@example.org"' in response.text
    assert "wrong password here" not in response.text
    assert client.get("/api/me").status_code == 401


def test_an_unknown_email_gets_the_same_message(client: TestClient) -> None:
    response = _sign_in(client, "nobody@example.org", PASSWORD)

    assert response.status_code == 401
    assert "That email and password do not match an account." in response.text


def test_empty_fields_are_named(client: TestClient) -> None:
    response = _sign_in(client, "", "")

    assert response.status_code == 400
    assert "Enter your email address." in response.text
    assert "Enter your password." in response.text


def test_signing_in_before_the_disclaimer_goes_to_the_disclaimer(client: TestClient) -> None:
    client.post("/api/accounts", json={"email": "new@example.org", "password": PASSWORD})
    client.cookies.clear()

    response = _sign_in(client, "new@example.org", PASSWORD, next="/settings")

    assert response.headers["location"] == "/disclaimer"


def test_api_sign_in_returns_me_with_a_csrf_token(account: Account, client: TestClient) -> None:
    client.cookies.clear()

    response = client.post("/api/session", json={"email": account.email, "password": PASSWORD})

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == account.id
    assert body["disclaimer_acknowledged"] is True
    assert body["csrf_token"] != account.csrf_token  # a new session has its own token
    assert client.get("/api/me").json()["csrf_token"] == body["csrf_token"]


def test_api_sign_in_with_a_wrong_password_is_401(account: Account, client: TestClient) -> None:
    client.cookies.clear()

    response = client.post("/api/session", json={"email": account.email, "password": "nope"})

    assert response.status_code == 401
    assert response.json()["detail"] == "That email and password do not match an account."


def test_api_without_a_session_is_401(client: TestClient) -> None:
    response = client.get("/api/me")

    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in first."}


def test_an_expired_session_signs_no_one_in(
    account: Account, client: TestClient, database: Database
) -> None:
    with database.session() as s:
        s.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))

    assert client.get("/api/me").status_code == 401
    assert client.get("/settings", follow_redirects=False).headers["location"].startswith("/login")


def test_a_made_up_cookie_signs_no_one_in(client: TestClient) -> None:
    client.cookies.set("sc_session", "made-up-token")

    assert client.get("/api/me").status_code == 401
