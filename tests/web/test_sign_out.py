"""Signing out ends the session on the server, not only in the browser."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from sciatica_care.store.database import Database
from sciatica_care.store.models import AuthSession
from tests.web.conftest import Account, form_csrf


def test_signing_out_deletes_the_session_and_says_so(
    account: Account, client: TestClient, database: Database
) -> None:
    token = form_csrf(client.get("/settings").text)
    old_cookie = client.cookies.get("sc_session")

    response = client.post("/logout", data={"csrf_token": token})

    assert response.status_code == 200
    assert "You are signed out." in response.text
    assert 'action="/logout"' not in response.text
    with database.session() as s:
        assert s.scalars(select(AuthSession)).all() == []
    client.cookies.set("sc_session", old_cookie or "")
    assert client.get("/api/me").status_code == 401  # the old cookie is worthless now


def test_the_message_is_shown_only_once(account: Account, client: TestClient) -> None:
    token = form_csrf(client.get("/settings").text)
    client.post("/logout", data={"csrf_token": token})

    assert "You are signed out." not in client.get("/").text


def test_api_sign_out(account: Account, client: TestClient, database: Database) -> None:
    response = client.delete("/api/session", headers=account.headers)

    assert response.status_code == 204
    assert client.get("/api/me").status_code == 401
    with database.session() as s:
        assert s.scalars(select(AuthSession)).all() == []
