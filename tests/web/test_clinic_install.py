"""A clinic install: several web processes on one database, behind a TLS proxy.

Two app instances stand for two processes: they share nothing in memory, only the database (on
SQLite and on a real PostgreSQL server) and the configured secret key.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from sciatica_care.config import Settings
from sciatica_care.store.database import Database
from sciatica_care.web.app import create_app
from sciatica_care.web.security import SESSION_COOKIE
from tests.web.conftest import api_sign_up


def _process(database: Database, tmp_path: Path, **options: str) -> TestClient:
    url = database.engine.url.render_as_string(hide_password=False)
    settings = Settings(data_dir=tmp_path, database_url=url, secret_key="clinic-secret", **options)
    return TestClient(create_app(settings))


def test_a_session_made_by_one_process_is_valid_on_another(
    database: Database, tmp_path: Path
) -> None:
    with _process(database, tmp_path) as first, _process(database, tmp_path) as second:
        account = api_sign_up(first, "ann@example.org")
        second.cookies.set(SESSION_COOKIE, first.cookies[SESSION_COOKIE])

        me = second.get("/api/me")
        assert me.status_code == 200 and me.json()["email"] == "ann@example.org"
        saved = second.put(
            "/api/reminders",
            json={"times": {"checkin": "07:45"}, "timezone": "Europe/London"},
            headers={"X-CSRF-Token": account.csrf_token},
        )
        assert saved.status_code == 200, saved.text
        assert first.get("/api/reminders").json()["times"]["checkin"] == "07:45"


def test_behind_a_trusted_tls_proxy_the_session_cookie_is_secure(
    database: Database, tmp_path: Path
) -> None:
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    with _process(database, tmp_path, trusted_proxies="*") as behind_proxy:
        created = behind_proxy.post(
            "/api/accounts",
            json={"email": "ann@example.org", "password": "a long passphrase 1"},
            headers=https,
        )
        assert created.status_code == 201, created.text
        cookie = created.headers["set-cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie


def test_proxy_headers_from_an_untrusted_address_are_ignored(
    database: Database, tmp_path: Path
) -> None:
    https = {"X-Forwarded-Proto": "https"}
    with _process(database, tmp_path, trusted_proxies="10.0.0.5") as direct:
        created = direct.post(
            "/api/accounts",
            json={"email": "bob@example.org", "password": "a long passphrase 1"},
            headers=https,
        )
        assert created.status_code == 201, created.text
        assert "Secure" not in created.headers["set-cookie"]
