"""Kept page bodies (``web.templating.kept_body``): drawn once, each request's own values put in.

The check-in form and Today draw their body once per kept view (``services.view_cache``) with
marks where the session's CSRF token and a form's one-use client id go. A mark is random and
made in the process, so a person's own words that happen to look like one stay as written.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.requests import Request

from sciatica_care.services import view_cache
from sciatica_care.services.clock import Clock
from sciatica_care.services.context import PatientContext
from sciatica_care.services.permissions import Actor
from sciatica_care.store.database import Database, make_engine
from sciatica_care.web.security import ANONYMOUS_CSRF_COOKIE
from sciatica_care.web.templating import CSRF_MARK, kept_body, kept_mark
from tests.web.conftest import PASSWORD
from tests.web.safety_check import calm_answers

NOON = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)  # 12:00 in Chicago
CLIENT = kept_mark("test-client")


def _context(tmp_path: Path) -> PatientContext:
    """A patient's context whose views are kept (nothing here reads the database)."""
    db = Database(make_engine(f"sqlite:///{tmp_path / 'kept.db'}"))
    view_cache.enable(db)
    clock = Clock(ZoneInfo("America/Chicago"), lambda: NOON)
    return PatientContext(db, Actor.patient(1), 1, clock, revision=1)


def _request(csrf_token: str) -> Request:
    """A request from someone not signed in, whose forms carry ``csrf_token`` (their cookie)."""
    cookie = f"{ANONYMOUS_CSRF_COOKIE}={csrf_token}".encode()
    return Request({"type": "http", "method": "GET", "headers": [(b"cookie", cookie)]})


def test_a_kept_body_is_drawn_once_and_each_request_puts_in_its_own_values(
    tmp_path: Path,
) -> None:
    ctx = _context(tmp_path)
    drawn: list[str] = []

    def draw() -> str:
        drawn.append("body")
        return f'<input name="csrf_token" value="{CSRF_MARK}"><input value="{CLIENT}">'

    first = kept_body(_request("token-one"), ctx, "form", draw, marks={CLIENT: "id-1"})
    second = kept_body(_request("token-two"), ctx, "form", draw, marks={CLIENT: "id-2"})
    assert drawn == ["body"]
    assert first == '<input name="csrf_token" value="token-one"><input value="id-1">'
    assert second == '<input name="csrf_token" value="token-two"><input value="id-2">'


def test_values_put_in_a_kept_body_are_escaped(tmp_path: Path) -> None:
    body = kept_body(
        _request("a&b"),
        _context(tmp_path),
        "form",
        lambda: f'<input value="{CSRF_MARK}"><input value="{CLIENT}">',
        marks={CLIENT: '"><script>'},
    )
    assert body == '<input value="a&amp;b"><input value="&#34;&gt;&lt;script&gt;">'


def test_words_that_look_like_a_mark_stay_as_written(tmp_path: Path) -> None:
    lookalikes = ["kept-csrf-" + "0" * 32, "kept-form-csrf-b3f1c0d2", "kept-today-csrf-5d8e2a71"]
    note = " ".join(lookalikes)
    body = kept_body(
        _request("secret-token"),
        _context(tmp_path),
        "today",
        lambda: f'<p>{note}</p><input value="{CSRF_MARK}">',
    )
    assert body == f'<p>{note}</p><input value="secret-token">'


def test_marks_are_random_and_name_their_purpose() -> None:
    made = {kept_mark("form-client") for _ in range(20)}
    assert len(made) == 20
    assert all(re.fullmatch(r"kept-form-client-[0-9a-f]{32}", mark) for mark in made)
    assert re.fullmatch(r"kept-csrf-[0-9a-f]{32}", CSRF_MARK)


def test_no_mark_is_left_on_the_check_in_form_or_today(
    web_app: FastAPI, client: TestClient
) -> None:
    web_app.state.now = lambda: NOON
    created = client.post(
        "/api/accounts",
        json={"email": "ann@example.org", "password": PASSWORD, "timezone": "America/Chicago"},
    )
    token = created.json()["csrf_token"]
    headers = {"X-CSRF-Token": token}
    assert client.post("/api/me/disclaimer", headers=headers).status_code == 200
    assert client.post("/api/screenings", json=calm_answers(), headers=headers).status_code == 201
    for path in ("/check-in", "/today", "/check-in", "/today"):
        page = client.get(path)
        assert page.status_code == 200
        assert "kept-" not in page.text
        assert f'name="csrf_token" value="{token}"' in page.text
