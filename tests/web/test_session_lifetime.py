"""Sessions slide with an absolute maximum and rotate on a password change (issue 12 item 4)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from sciatica_care.store.base import utcnow
from sciatica_care.store.database import Database
from sciatica_care.store.models import AuthSession
from sciatica_care.web.security import SESSION_COOKIE, SESSION_IDLE, SESSION_MAX
from tests.web.conftest import PASSWORD, Account

NEW = "a brand new passphrase"


def _row(database: Database) -> tuple[int, object, object]:
    with database.session() as s:
        row = s.scalars(select(AuthSession)).one()
        return row.id, row.created_at, row.expires_at


def _age(database: Database, *, created: timedelta, expires_in: timedelta) -> None:
    now = utcnow()
    with database.session() as s:
        s.execute(update(AuthSession).values(created_at=now - created, expires_at=now + expires_in))


def test_a_session_in_use_slides_forward(
    client: TestClient, account: Account, database: Database
) -> None:
    _age(database, created=timedelta(days=20), expires_in=timedelta(days=1))
    assert client.get("/api/me").status_code == 200
    _, _, expires = _row(database)
    assert expires - utcnow() > SESSION_IDLE - timedelta(minutes=5)  # type: ignore[operator]


def test_a_session_never_outlives_its_maximum(
    client: TestClient, account: Account, database: Database
) -> None:
    _age(database, created=SESSION_MAX - timedelta(hours=2), expires_in=timedelta(minutes=30))
    assert client.get("/api/me").status_code == 200
    _, created, expires = _row(database)
    assert expires <= created + SESSION_MAX  # type: ignore[operator]
    _age(database, created=SESSION_MAX + timedelta(hours=1), expires_in=timedelta(seconds=-1))
    assert client.get("/api/me").status_code == 401


def test_an_idle_session_ends(client: TestClient, account: Account, database: Database) -> None:
    _age(database, created=timedelta(days=15), expires_in=timedelta(seconds=-1))
    assert client.get("/api/me").status_code == 401


def test_a_password_change_gives_this_browser_a_new_session_and_ends_the_old_token(
    client: TestClient, account: Account
) -> None:
    old_token = client.cookies[SESSION_COOKIE]
    changed = client.put(
        "/api/me/password",
        json={"current_password": PASSWORD, "new_password": NEW},
        headers=account.headers,
    )
    assert changed.status_code == 200
    new_token = client.cookies[SESSION_COOKIE]
    assert new_token != old_token
    assert client.get("/api/me").json()["csrf_token"] == changed.json()["csrf_token"]
    client.cookies.set(SESSION_COOKIE, old_token)
    assert client.get("/api/me").status_code == 401
