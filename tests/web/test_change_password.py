"""Changing the password from Settings or the API."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from sciatica_care.store.database import Database
from sciatica_care.store.models import AuthSession, Patient
from tests.web.conftest import PASSWORD, Account, form_csrf

NEW = "a brand new passphrase"


def _change(client: TestClient, current: str, new: str) -> httpx.Response:
    token = form_csrf(client.get("/settings").text)
    return client.post(
        "/settings/password",
        data={"csrf_token": token, "current_password": current, "new_password": new},
    )


def test_changing_the_password_keeps_me_signed_in_and_signs_out_other_devices(
    account: Account, web_app: FastAPI, client: TestClient, database: Database
) -> None:
    with TestClient(web_app) as phone:
        phone.post("/api/session", json={"email": account.email, "password": PASSWORD})
        assert phone.get("/api/me").status_code == 200

        response = _change(client, PASSWORD, NEW)

        assert response.status_code == 200
        assert str(response.url).endswith("/settings")
        assert "Your password is changed." in response.text
        assert phone.get("/api/me").status_code == 401
    assert client.get("/api/me").status_code == 200
    with database.session() as s:
        assert len(s.scalars(select(AuthSession)).all()) == 1
    client.cookies.clear()
    assert client.post("/api/session", json={"email": account.email, "password": NEW}).is_success
    old = client.post("/api/session", json={"email": account.email, "password": PASSWORD})
    assert old.status_code == 401


def test_a_wrong_current_password_is_shown_next_to_that_field(
    account: Account, client: TestClient, database: Database
) -> None:
    with database.session() as s:
        before = s.scalars(select(Patient.password_hash)).one()

    response = _change(client, "not my password", NEW)

    assert response.status_code == 400
    assert 'id="current_password-error"' in response.text
    assert "That is not your current password." in response.text
    assert NEW not in response.text
    with database.session() as s:
        assert s.scalars(select(Patient.password_hash)).one() == before


def test_a_short_new_password_is_refused(account: Account, client: TestClient) -> None:
    response = _change(client, PASSWORD, "short")

    assert response.status_code == 400
    assert 'id="new_password-error"' in response.text
    assert "Use at least 10 characters." in response.text


def test_api_change_password(account: Account, client: TestClient) -> None:
    response = client.put(
        "/api/me/password",
        json={"current_password": PASSWORD, "new_password": NEW},
        headers=account.headers,
    )

    assert response.status_code == 200
    assert response.json()["csrf_token"] != account.csrf_token
    client.cookies.clear()
    assert client.post("/api/session", json={"email": account.email, "password": NEW}).is_success


def test_api_change_password_with_a_wrong_current_password_is_400(
    account: Account, client: TestClient
) -> None:
    response = client.put(
        "/api/me/password",
        json={"current_password": "wrong one!", "new_password": NEW},
        headers=account.headers,
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "That is not your current password."


def test_api_change_password_names_a_short_new_password(
    account: Account, client: TestClient
) -> None:
    response = client.put(
        "/api/me/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=account.headers,
    )

    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "new_password"]]
