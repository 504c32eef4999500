"""Logs hold nothing personal (issue 12 item 5): a whole journey through the app served the way
``sciatica serve`` serves it (web/serving.py), logged at DEBUG to a file, leaves none of the
e-mails, passwords, note texts, activity names or recovery codes it used in any log line — not
even a 500 whose exception message holds a person's words, nor SQL with its parameters."""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request

from sciatica_care.config import Settings
from sciatica_care.services import clinicians
from sciatica_care.web.app import create_app
from sciatica_care.web.serving import QUIET_LIBRARIES, uvicorn_options
from tests.web.diary_entries import calm_checkin
from tests.web.safety_check import calm_answers

EMAIL = "ann.log-test@example.org"
PASSWORD = "first-secret-Passphrase"
NEW_PASSWORD = "second-secret-Passphrase"
WRONG_PASSWORD = "wrong-secret-Passphrase"
BAD_EMAIL = "not-an-email-ann-log-test"
BAD_EMAIL_PASSWORD = "third-secret-Passphrase"
CLINICIAN_EMAIL = "sam.log-test@clinic.example"
CLINICIAN_PASSWORD = "clinician-secret-Passphrase"
NOTE = "Walked the dog to Greenfield Park, knee twinged"
ACTIVITIES = ("Lifting my granddaughter", "Tending the allotment", "Driving to Aberdeen")
CRASH_TEXT = "Zebra crossing confession"
_RECOVERY_CODE = re.compile(r"\b[2-9A-HJ-NP-Z]{4}(?:-[2-9A-HJ-NP-Z]{4}){3}\b")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

STARTED = "2026-11-20T09:00:00Z"
SESSION_ITEM = {
    "exercise_id": "pelvic-tilt",
    "level": 2,
    "dose": {"sets": 1, "reps": 10, "hold_s": 3, "per_side": False},
    "sides_done": [],
    "reps_done": 10,
    "holds_done": 0,
    "hold_seconds": 0.0,
    "pain": 3,
    "spread_down_leg": False,
    "completed": True,
}


def _logger_names() -> list[str]:
    return ["uvicorn", "uvicorn.error", "uvicorn.access", "sciatica_care", *QUIET_LIBRARIES]


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """The served app configures logging process-wide: put every touched logger back after."""
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in _logger_names())]
    saved = [(lg, lg.level, list(lg.handlers), lg.propagate, lg.disabled) for lg in loggers]
    try:
        yield
    finally:
        for lg, level, handlers, propagate, disabled in saved:
            for handler in lg.handlers:
                if handler not in handlers:
                    handler.close()
            lg.handlers[:] = handlers
            lg.setLevel(level)
            lg.propagate = propagate
            lg.disabled = disabled


def _serve(app: FastAPI, log_path: Path) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, lifespan="on", **uvicorn_options("debug", log_path))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _csrf(client: httpx.Client, path: str) -> str:
    match = _CSRF.search(client.get(path).text)
    assert match, f"{path} has no form"
    return match.group(1)


def _form(client: httpx.Client, path: str, **fields: str) -> httpx.Response:
    return client.post(path, data={"csrf_token": _csrf(client, path), **fields})


def _journey(base: str, app: FastAPI) -> list[str]:
    """Everything a patient and a clinician do; returns the recovery codes that were shown."""
    codes: list[str] = []
    with httpx.Client(base_url=base, follow_redirects=True, timeout=60) as ann:
        ann.get(f"/signup?email={quote(EMAIL)}")  # a query string the access log must not keep
        shown = _form(ann, "/signup", email=EMAIL, password=PASSWORD, understood="yes")
        assert shown.status_code == 200 and "/recovery-code" in str(shown.url)
        codes += _RECOVERY_CODE.findall(shown.text)
        _form(ann, "/recovery-code", saved="yes")
        headers = {"X-CSRF-Token": ann.get("/api/me").json()["csrf_token"]}

        assert ann.post("/api/screenings", json=calm_answers(), headers=headers).status_code == 201
        checkin = ann.post("/api/checkins", json=calm_checkin(note=NOTE), headers=headers)
        assert checkin.status_code == 201, checkin.text
        psfs: dict[str, str] = {}
        for n, activity in enumerate(ACTIVITIES, start=1):
            psfs |= {f"activity_{n}": activity, f"rating_{n}": str(n + 2)}
        assert "Activity score saved" in _form(ann, "/questionnaires/psfs", **psfs).text
        upload = {
            "client_id": "3f6c1f9e-5d7a-4a51-9a7e-2c1d0b8e4f11",
            "started_at": STARTED,
            "final": True,
            "record": {"status": "completed", "elapsed_s": 80.0, "items": [SESSION_ITEM]},
        }
        saved = ann.post("/api/sessions", json=upload, headers=headers)
        assert saved.status_code in (200, 201), saved.text

        changed = ann.put(
            "/api/me/password",
            json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
            headers=headers,
        )
        assert changed.status_code == 200, changed.text
        headers = {"X-CSRF-Token": changed.json()["csrf_token"]}
        share = ann.post("/api/me/share-codes", headers=headers)
        assert share.status_code == 201, share.text
        crash = ann.post("/api/test-crash", json={"note": NOTE}, headers=headers)
        assert crash.status_code == 500

    with httpx.Client(base_url=base, follow_redirects=True, timeout=60) as stranger:
        wrong = _form(stranger, "/login", email=EMAIL, password=WRONG_PASSWORD)
        assert wrong.status_code == 401
        bad = stranger.post(
            "/api/accounts", json={"email": BAD_EMAIL, "password": BAD_EMAIL_PASSWORD}
        )
        assert bad.status_code == 422

    clinicians.create_clinician(app.state.db, CLINICIAN_EMAIL, "Sam Lee, PT", CLINICIAN_PASSWORD)
    with httpx.Client(base_url=base, follow_redirects=True, timeout=60) as sam:
        signed_in = _form(sam, "/login", email=CLINICIAN_EMAIL, password=CLINICIAN_PASSWORD)
        assert "/clinic" in str(signed_in.url)
        linked = _form(sam, "/clinic/link", code=share.json()["code"])
        assert linked.status_code == 200 and "/clinic/patients/" in str(linked.url)
        assert sam.get(str(linked.url)).status_code == 200
    return codes


def test_a_whole_journey_logged_at_debug_leaves_nothing_personal(
    tmp_path: Path, restored_logging: None
) -> None:
    log_path = tmp_path / "served.log"
    app = create_app(Settings(data_dir=tmp_path / "data", secret_key="log-test"))

    @app.post("/api/test-crash")
    async def crash(request: Request) -> dict[str, Any]:
        """A bug whose message quotes what was sent, the way ``int('…')`` or pydantic do."""
        body = await request.json()
        raise ValueError(f"could not read {body['note']!r} ({CRASH_TEXT})")

    served = _serve(app, log_path)
    base = next(served)
    try:
        codes = _journey(base, app)
    finally:
        next(served, None)

    log = log_path.read_text(encoding="utf-8")
    assert "POST /signup" in log and "GET /signup HTTP" in log  # the access log was captured
    assert "ValueError (message not logged)" in log  # the 500's traceback, without its message
    assert codes, "the recovery code page showed no code"
    secrets = [
        EMAIL,
        PASSWORD,
        NEW_PASSWORD,
        WRONG_PASSWORD,
        BAD_EMAIL,
        BAD_EMAIL_PASSWORD,
        CLINICIAN_EMAIL,
        CLINICIAN_PASSWORD,
        NOTE,
        CRASH_TEXT,
        *ACTIVITIES,
        *codes,
    ]
    lowered = log.lower()
    found = [
        secret
        for secret in secrets
        if secret.lower() in lowered or quote(secret).lower() in lowered
    ]
    assert found == [], f"personal data in the log: {found}"
    for part in ("Greenfield", "granddaughter", "allotment", "Aberdeen", "log-test@"):
        assert part.lower() not in lowered, part
