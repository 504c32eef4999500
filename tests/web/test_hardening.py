"""Every answer carries the security headers; oversized or hostile bodies are refused cheaply.

Checked route by route from the app's own route table, so a new route cannot miss them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from sciatica_care.web.hardening import CONTENT_SECURITY_POLICY, DEFAULT_BODY_LIMIT
from tests.web.conftest import Account

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def _plain_get_paths(client: TestClient) -> list[str]:
    app: Any = client.app
    return sorted(
        {
            route.path
            for route in iter_route_contexts(app.routes)
            if route.path and "GET" in (route.methods or ()) and "{" not in route.path
        }
    )


def test_every_page_and_api_answer_has_the_security_headers(
    client: TestClient, account: Account
) -> None:
    paths = _plain_get_paths(client)
    assert "/today" in paths and "/api/program/today" in paths
    for path in paths:
        response = client.get(path, follow_redirects=False)
        assert response.status_code < 500, path
        headers = response.headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "'unsafe-inline'" not in _directive(headers["content-security-policy"], "script-src")
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "no-referrer", path
        assert headers["x-frame-options"] == "DENY", path


def _directive(policy: str, name: str) -> str:
    return next(part for part in policy.split("; ") if part.startswith(name))


@pytest.mark.parametrize("path", ["/check-in", "/api/checkins", "/progress", "/api/export"])
def test_health_data_is_never_cached(client: TestClient, account: Account, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert "no-store" in response.headers["cache-control"]


def test_static_assets_may_be_cached(client: TestClient) -> None:
    response = client.get("/static/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("cache-control", "")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_body_over_the_limit_is_refused_before_it_is_read(client: TestClient) -> None:
    huge = json.dumps({f"k{n}": n for n in range(700_000)})
    assert len(huge) > DEFAULT_BODY_LIMIT

    response = client.post(
        "/api/session", content=huge, headers={"content-type": "application/json"}
    )

    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"email": "'
        for _ in range(DEFAULT_BODY_LIMIT // 1024 + 2):
            yield b"a" * 1024
        yield b'"}'

    response = client.post(
        "/api/session", content=chunks(), headers={"content-type": "application/json"}
    )

    assert response.status_code == 413


def test_a_form_over_the_limit_gets_a_page_not_a_trace(client: TestClient) -> None:
    response = client.post(
        "/login",
        content=b"email=" + b"a" * (DEFAULT_BODY_LIMIT + 1),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert "text/html" in response.headers["content-type"]


def test_many_unexpected_fields_are_one_short_error(client: TestClient, account: Account) -> None:
    body = {"day": "2026-12-01", **{f"extra{n}": n for n in range(5_000)}}

    response = client.post("/api/checkins", json=body, headers=account.headers)

    assert response.status_code == 422
    assert len(response.content) < 5_000
    detail = response.json()["detail"]
    [extra] = [d for d in detail if d["type"] == "extra_forbidden"]
    assert extra["msg"].startswith("Unexpected fields: extra0, extra1")
    assert "and 4995 more" in extra["msg"]


def test_a_validation_error_never_echoes_what_was_sent(client: TestClient) -> None:
    secret = "my secret passphrase"
    response = client.post("/api/accounts", json={"email": "not-an-email", "password": secret})
    assert response.status_code == 422
    assert secret not in response.text
    assert all("input" not in error for error in response.json()["detail"])


@pytest.mark.parametrize(
    "raw",
    [
        b'{"email": "a@example.org", "password": NaN}',
        b'{"email": "a@example.org", "password": Infinity}',
        b'{"email": "\\ud800@example.org", "password": "a long passphrase"}',
        b'{"\\udfff": 1}',
        b'{"email": "a\\u0000@example.org", "password": "a long passphrase"}',
    ],
)
def test_hostile_json_gets_a_422_not_a_500(client: TestClient, raw: bytes) -> None:
    response = client.post(
        "/api/accounts", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    json.loads(response.text)  # the error itself is valid JSON


def test_the_api_docs_come_from_this_app_without_inline_scripts(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    assert "<script>" not in page.text
    for asset in ("/api/docs/assets/swagger-ui-bundle.js", "/static/api-docs.js"):
        assert asset in page.text
        assert client.get(asset).status_code == 200
    assert client.get("/api/openapi.json").json()["info"]["title"] == "Sciatica Care"


@pytest.mark.browser
def test_the_api_docs_run_in_a_browser_under_our_policy(app_server: str, page: Any) -> None:
    """Swagger UI starts from our own files; the page fixture fails on any CSP violation."""
    page.goto(app_server + "/api/docs")
    page.locator(".opblock").first.wait_for()
    assert "Sciatica Care" in page.locator(".swagger-ui .info").inner_text()
    assert page.locator(".opblock").count() > 10
