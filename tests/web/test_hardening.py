"""Every answer carries the security headers; oversized or hostile bodies are refused cheaply.

Checked route by route from the app's own route table, so a new route cannot miss them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from sciatica_care.web.hardening import CONTENT_SECURITY_POLICY, DEFAULT_BODY_LIMIT
from tests.web.conftest import Account, form_csrf

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


# -- regressions found by the fuzz runs (test_schema_fuzz.py, test_form_fuzz.py) -----------------

PAST_64_BITS = str(2**63)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/api/checkins/{PAST_64_BITS}"),
        ("GET", f"/check-in/{PAST_64_BITS}"),
        ("GET", f"/screening/{PAST_64_BITS}"),
        ("POST", f"/screening/{PAST_64_BITS}/acknowledge"),
        ("POST", f"/api/screenings/{PAST_64_BITS}/acknowledge"),
    ],
)
def test_an_id_past_64_bits_is_refused_before_the_database(
    client: TestClient, account: Account, method: str, path: str
) -> None:
    """It once reached SQLite: ``OverflowError``, a 500."""
    response = client.request(method, path, headers=account.headers, json={"assessed": True})
    assert response.status_code == 422, response.text
    if path.startswith("/api/"):
        assert response.json()["detail"][0]["loc"][0] == "path"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"email": "a\xff@example.org", "password": "a long passphrase"}',  # not UTF-8
        b'{"email": "a@example.org", "password": 1e999}',  # infinite once parsed
        b'{"email": "a@example.org", "password": ' + b"9" * 5000 + b"}",  # past int()'s digits
    ],
)
def test_json_fastapi_would_refuse_with_a_bare_400_is_a_422(client: TestClient, raw: bytes) -> None:
    response = client.post(
        "/api/accounts", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["body"] and error["msg"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("/api/me/audit?before=yesterday", "before"),
        ("/api/export?bundle_type=transaction", "bundle_type"),
    ],
)
def test_a_route_s_own_422_has_the_documented_shape(
    client: TestClient, account: Account, query: str, field: str
) -> None:
    """A list of field errors, as the OpenAPI document says every 422 is (it was a bare string)."""
    response = client.get(query)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == [field] and error["msg"] and error["type"] == "value_error"


def test_a_forged_camera_seal_with_non_ascii_text_is_a_422(
    client: TestClient, screened: Account
) -> None:
    """``hmac.compare_digest`` raises on non-ASCII text: that was a 500."""
    body = {
        "exercise": "pelvic-tilt",
        "frames": [],
        "snapshot": {"detector": "{}", "seal": "é" * 64},
    }
    response = client.post("/api/motion/track", json=body, headers=screened.headers)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "snapshot"]


def test_the_openapi_document_lists_what_every_route_shares(client: TestClient) -> None:
    """Sign-in, role and CSRF refusals and the body limit come from shared machinery, not the
    route: they are documented all the same (``web/api_responses.py``)."""
    paths = client.get("/api/openapi.json").json()["paths"]
    me = paths["/api/me"]["get"]["responses"]
    assert {"200", "401", "403"} <= set(me)
    checkin = paths["/api/checkins"]["post"]["responses"]
    assert {"201", "200", "401", "403", "413", "422"} <= set(checkin)
    sign_in = paths["/api/session"]["post"]["responses"]
    assert {"200", "401", "413", "422", "429"} <= set(sign_in) and "403" not in sign_in
    [checkin_id] = paths["/api/checkins/{checkin_id}"]["get"]["parameters"]
    assert checkin_id["schema"]["maximum"] == 2**63 - 1


NOT_WHOLE_NUMBERS = ["²", "9" * 5000, "١٢", "1_0", "--1"]
"""``str.isdigit`` says yes to the first three; ``int()`` takes the fourth or raises on the rest."""


@pytest.mark.parametrize("raw", NOT_WHOLE_NUMBERS)
def test_a_check_in_with_a_number_that_is_not_one_shows_the_form_again(
    client: TestClient, account: Account, raw: str
) -> None:
    token = form_csrf(client.get("/check-in").text)
    response = client.post("/check-in", data={"csrf_token": token, "leg_pain": raw})
    assert response.status_code == 400
    assert 'class="error' in response.text


@pytest.mark.parametrize("raw", NOT_WHOLE_NUMBERS)
def test_a_safety_check_with_a_number_that_is_not_one_shows_the_form_again(
    client: TestClient, account: Account, raw: str
) -> None:
    token = form_csrf(client.get("/screening").text)
    fields = {"csrf_token": token, "age": raw, "S2_leg": raw, "S1_left_pain": raw}
    response = client.post("/screening", data=fields)
    assert response.status_code == 400
    assert 'class="error' in response.text


@pytest.mark.parametrize("raw", NOT_WHOLE_NUMBERS)
def test_a_questionnaire_with_a_number_that_is_not_one_shows_the_form_again(
    client: TestClient, account: Account, raw: str
) -> None:
    page = client.get("/questionnaires/sbi").text
    names = set(re.findall(r'<input[^>]*name="([^"]+)"', page)) - {"csrf_token"}
    fields = {"csrf_token": form_csrf(page), **dict.fromkeys(names, raw)}
    response = client.post("/questionnaires/sbi", data=fields)
    assert response.status_code == 400
    assert 'class="error' in response.text


@pytest.mark.parametrize(
    ("started_at", "minutes"),
    [
        ("2026-06-01T10:00:00", "20"),  # no zone
        ("9999-12-31T23:59:00+00:00", "20"),
        ("0001-01-01T00:00:00+00:00", "20"),
        ("{now}", "nan"),
        ("{now}", "1e999"),
        ("{now}", "-5"),
    ],
)
def test_a_heat_or_cold_log_from_no_timer_of_ours_is_refused_with_a_page(
    client: TestClient, account: Account, started_at: str, minutes: str
) -> None:
    """What the timer page never sends once reached date arithmetic: a 500."""
    now = dt.datetime.now(dt.UTC).isoformat()
    token = form_csrf(client.get("/heat-cold/heat").text)
    fields = {
        "csrf_token": token,
        "started_at": started_at.format(now=now),
        "minutes": minutes,
        "duration_s": "nan",
        "skin_after": "ok",
    }
    response = client.post("/heat-cold/heat/log", data=fields)
    assert response.status_code == 400
    assert "Start the timer again" in response.text
