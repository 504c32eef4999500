"""Every changing request must carry the caller's CSRF token: forms in a field, the API in a header."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from sciatica_care.store.database import Database
from sciatica_care.store.models import Patient
from tests.web.conftest import PASSWORD, Account, api_sign_up, form_csrf


def test_a_form_without_the_token_is_refused_with_a_page(
    account: Account, client: TestClient, database: Database
) -> None:
    response = client.post("/settings/delete", data={"password": PASSWORD})

    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert "Not a diagnosis." in response.text
    with database.session() as s:
        assert s.scalars(select(Patient)).one().email == account.email


def test_a_form_with_another_sessions_token_is_refused(
    account: Account, client: TestClient
) -> None:
    with TestClient(client.app) as other_client:
        other = api_sign_up(other_client, "other@example.org")

    response = client.post(
        "/settings/password",
        data={
            "csrf_token": other.csrf_token,
            "current_password": PASSWORD,
            "new_password": "x" * 12,
        },
    )

    assert response.status_code == 403


def test_sign_up_form_needs_the_token_from_its_own_cookie(
    client: TestClient, database: Database
) -> None:
    response = client.post(
        "/signup", data={"csrf_token": "guessed", "email": "a@example.org", "password": PASSWORD}
    )

    assert response.status_code == 403
    with database.session() as s:
        assert s.scalars(select(Patient)).all() == []


def test_signing_in_from_another_site_is_refused(account: Account, client: TestClient) -> None:
    client.cookies.clear()  # a browser that never loaded our form has no sc_csrf cookie

    response = client.post("/login", data={"email": account.email, "password": PASSWORD})

    assert response.status_code == 403


def test_each_session_has_its_own_token_in_its_forms(account: Account, client: TestClient) -> None:
    html = client.get("/settings").text

    assert form_csrf(html) == account.csrf_token
    assert f'<meta name="csrf-token" content="{account.csrf_token}">' in html


def test_api_change_without_the_header_is_403(account: Account, client: TestClient) -> None:
    response = client.put(
        "/api/me/password", json={"current_password": PASSWORD, "new_password": "y" * 12}
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_api_change_with_a_wrong_header_is_403(account: Account, client: TestClient) -> None:
    response = client.delete("/api/session", headers={"X-CSRF-Token": "wrong"})

    assert response.status_code == 403
    assert client.get("/api/me").status_code == 200


def test_reading_needs_no_token(account: Account, client: TestClient) -> None:
    assert client.get("/api/me").status_code == 200
    assert client.get("/settings").status_code == 200
