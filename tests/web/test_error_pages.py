"""Errors: pages in the site layout, JSON under /api, never a traceback."""

from __future__ import annotations

import logging

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import Account


def _add_failing_routes(app: FastAPI) -> None:
    @app.get("/broken")
    def broken_page() -> None:
        raise RuntimeError("secret detail ann@example.org")

    @app.get("/api/broken")
    def broken_api() -> None:
        raise RuntimeError("secret detail")

    @app.get("/needs-number")
    def needs_number(n: int) -> dict[str, int]:
        return {"n": n}


def test_unknown_page_is_a_404_page_in_the_layout(client: TestClient) -> None:
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Page not found</h1>" in response.text
    assert "Not a diagnosis. If worried, contact a health professional." in response.text
    assert 'href="#main"' in response.text


def test_unknown_api_path_is_json(client: TestClient) -> None:
    response = client.get("/api/no-such-thing")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_a_bad_query_on_a_page_is_a_422_page(web_app: FastAPI) -> None:
    _add_failing_routes(web_app)
    with TestClient(web_app) as client:
        response = client.get("/needs-number?n=abc")

    assert response.status_code == 422
    assert "Some information was missing or not right" in response.text


def test_a_crash_is_a_500_page_without_the_details(web_app: FastAPI) -> None:
    _add_failing_routes(web_app)
    with TestClient(web_app, raise_server_exceptions=False) as client:
        page = client.get("/broken")
        api = client.get("/api/broken")

    assert page.status_code == 500
    assert "Something went wrong on our side" in page.text
    assert "secret detail" not in page.text
    assert "Traceback" not in page.text
    assert api.status_code == 500
    assert api.json() == {"detail": "Internal error."}


def test_a_crash_log_names_no_person(web_app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    _add_failing_routes(web_app)
    with caplog.at_level(logging.INFO), TestClient(web_app, raise_server_exceptions=False) as c:
        c.get("/broken")
        c.post("/api/accounts", json={"email": "ann@example.org", "password": "x" * 12})
        c.post("/api/session", json={"email": "ann@example.org", "password": "wrong!"})

    assert "RuntimeError" in caplog.text
    assert "ann@example.org" not in caplog.text


def test_openapi_lists_the_account_endpoints(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]

    assert {"/api/accounts", "/api/session", "/api/me", "/api/me/password"} <= set(paths)
    assert set(paths["/api/session"]) == {"post", "delete"}
    assert set(paths["/api/me"]) == {"get", "delete"}


def test_settings_links_to_export_and_reminders(account: Account, client: TestClient) -> None:
    html = client.get("/settings").text
    assert 'href="/export"' in html
    assert 'href="/settings/reminders"' in html
