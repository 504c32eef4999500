"""Five failed sign-ins for one e-mail in 15 minutes lock it for the rest of that window."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from sciatica_care.services.credentials import email_digest
from sciatica_care.store.base import utcnow
from sciatica_care.store.database import Database
from sciatica_care.store.models import LoginAttempt
from tests.web.conftest import PASSWORD, Account, form_csrf


def _fail(client: TestClient, email: str, times: int) -> None:
    for _ in range(times):
        response = client.post("/api/session", json={"email": email, "password": "wrong guess!"})
        assert response.status_code == 401


def test_the_sixth_attempt_is_refused_even_with_the_right_password(
    account: Account, client: TestClient, database: Database
) -> None:
    client.cookies.clear()
    _fail(client, account.email, 5)

    token = form_csrf(client.get("/login").text)
    response = client.post(
        "/login", data={"csrf_token": token, "email": account.email, "password": PASSWORD}
    )

    assert response.status_code == 429
    assert "Too many sign-in attempts for this email. Wait 15 minutes" in response.text
    assert 0 < int(response.headers["retry-after"]) <= 15 * 60 + 1
    assert client.get("/api/me").status_code == 401
    with database.session() as s:
        stored = s.scalars(select(LoginAttempt.email_hash)).all()
    assert stored == [email_digest(account.email)] * 5  # a hash, never the address


def test_api_answers_429_with_retry_after(account: Account, client: TestClient) -> None:
    client.cookies.clear()
    _fail(client, account.email, 5)

    response = client.post("/api/session", json={"email": account.email, "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.json()["detail"]
    assert "retry-after" in response.headers


def test_failures_older_than_15_minutes_do_not_count(
    account: Account, client: TestClient, database: Database
) -> None:
    client.cookies.clear()
    _fail(client, account.email, 5)
    with database.session() as s:
        s.execute(update(LoginAttempt).values(attempted_at=utcnow() - timedelta(minutes=16)))

    response = client.post("/api/session", json={"email": account.email, "password": PASSWORD})

    assert response.status_code == 200


def test_the_limit_is_shared_by_every_web_process(
    account: Account, web_app: FastAPI, client: TestClient
) -> None:
    client.cookies.clear()
    _fail(client, account.email, 5)
    settings = web_app.state.settings
    from sciatica_care.web.app import create_app

    with TestClient(create_app(settings)) as second_process:
        response = second_process.post(
            "/api/session", json={"email": account.email, "password": PASSWORD}
        )

    assert response.status_code == 429


def test_a_successful_sign_in_clears_the_count(
    account: Account, client: TestClient, database: Database
) -> None:
    client.cookies.clear()
    _fail(client, account.email, 4)

    assert client.post(
        "/api/session", json={"email": account.email, "password": PASSWORD}
    ).is_success
    with database.session() as s:
        assert s.scalars(select(LoginAttempt)).all() == []


def test_other_emails_are_not_affected(account: Account, client: TestClient) -> None:
    client.cookies.clear()
    _fail(client, "someone-else@example.org", 6 - 1)

    response = client.post("/api/session", json={"email": account.email, "password": PASSWORD})

    assert response.status_code == 200
