"""A whole export can be imported on the web; every other route keeps the small body limit
(issue 12 item 2: "a body limit, a few hundred KB, larger only where an import needs it, streamed").

A year of one person's diary (``benchmarks.progress_page.seed_year``) exports to about 1.1 MB,
four times ``DEFAULT_BODY_LIMIT``: ``POST /api/import`` alone takes up to ``IMPORT_BODY_LIMIT``
(20 MB), counted while the body streams in, and its body still passes the JSON checks.
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from benchmarks.progress_page import seed_year
from fastapi.testclient import TestClient

from sciatica_care.store import patients
from sciatica_care.store.database import Database
from sciatica_care.web.hardening import DEFAULT_BODY_LIMIT, IMPORT_BODY_LIMIT
from tests.web.conftest import PASSWORD, Account, api_sign_up

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

LAST_DAY = date(2026, 3, 18)
"""The seeded diary's last day: fixed, in the past, whatever day the suite runs."""
ZONE = "Europe/London"
SCIATICA = [str(Path(sys.executable).with_name("sciatica"))]
JSON = {"content-type": "application/json"}


def _years_export(db: Database, patient_id: int, export: Any, days: int = 365) -> bytes:
    """The patient's export, as ``GET /api/export`` sends it, after ``days`` of seeded diary
    (the benchmark's year: check-ins, sessions, step-ups, questionnaires)."""
    with db.session() as session:
        patients.update_settings(session, patient_id, timezone=ZONE)
        seed_year(session, patient_id, LAST_DAY, days=days)
    response = export("/api/export")
    assert response.status_code == 200, response.text
    document = response.json()
    assert len(document["checkins"]) == days and document["dose_decisions"]
    return json.dumps(document, indent=2).encode()


def _import(client: TestClient, account: Account, body: bytes) -> httpx.Response:
    return client.post(
        "/api/import?replace=true", content=body, headers={**JSON, **account.headers}
    )


def _stored(client: TestClient) -> dict[str, int]:
    exported = client.get("/api/export").json()
    return {name: len(rows) for name, rows in exported.items() if isinstance(rows, list)}


def test_a_years_export_imports_through_the_web(
    client: TestClient, database: Database, account: Account
) -> None:
    body = _years_export(database, account.id, client.get)
    assert len(body) > 4 * DEFAULT_BODY_LIMIT  # about 1.1 MB: the old limit refused it

    bo = api_sign_up(client, "bo@example.org")  # the client is now Bo's, who has nothing
    with database.session() as session:
        patients.update_settings(session, bo.id, timezone=ZONE)
    assert _stored(client)["checkins"] == 0
    done = _import(client, bo, body)

    assert done.status_code == 200, done.text
    assert done.json()["imported"]["checkins"] == 365
    stored = _stored(client)
    assert stored["checkins"] == 365 and stored["exercise_sessions"] == 313
    assert stored["questionnaire_responses"] > 50


def _padded_import(size: int) -> bytes:
    """A valid empty-ish import document, padded with JSON whitespace to exactly ``size`` bytes."""
    document = b'{"checkins": []}'
    return document + b" " * (size - len(document))


def test_an_import_over_20_mb_is_refused_and_nothing_changes(
    client: TestClient, account: Account
) -> None:
    before = _stored(client)
    refused = _import(client, account, _padded_import(IMPORT_BODY_LIMIT + 1))

    assert refused.status_code == 413
    assert refused.json()["detail"] == "The request is too large (the limit is 20 MB)."
    assert _stored(client) == before


def test_an_import_just_over_the_old_limit_is_read(client: TestClient, account: Account) -> None:
    """256 KB + 1 reaches the import's own checks (an export needs its version): not a 413."""
    response = _import(client, account, _padded_import(DEFAULT_BODY_LIMIT + 1))
    assert response.status_code == 422, response.text


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/checkins"), ("PUT", "/api/reminders"), ("POST", "/api/import/")],
)
def test_every_other_route_still_refuses_256_kb_and_one_byte(
    client: TestClient, account: Account, method: str, path: str
) -> None:
    body = b'{"day": "2026-03-18"}' + b" " * DEFAULT_BODY_LIMIT
    assert len(body) > DEFAULT_BODY_LIMIT

    response = client.request(method, path, content=body, headers={**JSON, **account.headers})

    assert response.status_code == 413
    assert "256 KB" in response.json()["detail"]


def test_a_streamed_import_without_a_length_is_cut_off_at_20_mb(
    client: TestClient, account: Account
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"checkins": ['
        for _ in range(IMPORT_BODY_LIMIT // (1024 * 1024) + 1):
            yield b" " * (1024 * 1024)
        yield b"]}"

    before = _stored(client)
    response = client.post(
        "/api/import?replace=true", content=chunks(), headers={**JSON, **account.headers}
    )

    assert response.status_code == 413
    assert _stored(client) == before


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b'{"checkins": [{"leg_pain": NaN}]}', "NaN"),
        (b'{"checkins": [{"leg_pain": 1e999}]}', "finite"),
        (b'{"checkins": [{"note": "a\\u0000b"}]}', "NUL"),
        (b'{"checkins": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested"),
    ],
)
def test_the_json_checks_still_apply_to_a_large_import(
    client: TestClient, account: Account, raw: bytes, problem: str
) -> None:
    """Past the size where the body is checked in a worker thread, and on the import route."""
    body = raw[:-1] + b" " * (DEFAULT_BODY_LIMIT * 2) + b"}"

    response = _import(client, account, body)

    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["body"] and problem in error["msg"]


def test_malformed_json_in_a_large_import_names_its_position(
    client: TestClient, account: Account
) -> None:
    body = b'{"checkins": [' + b" " * (DEFAULT_BODY_LIMIT * 2) + b"}"

    response = _import(client, account, body)

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["type"] == "json_invalid" and error["loc"] == ["body", len(body) - 1]


# -- on a real server: streaming, and other clients while an import is parsed and stored ---------

CHUNK = 1024 * 1024
HOLD = 60.0
"""Seconds a client waits at most for the server (a stalled server fails long before)."""
ANSWER_WITHIN = 0.1
"""Seconds: the one timing bound issue 12 item 2 asks for. Another client's request is answered
within 100 ms while a large import is parsed, checked and stored: nine answers in ten, since on a
shared two-core machine the scheduler alone sometimes delays an idle server that long."""
STALL = 1.0
"""Seconds no answer may take: parsing a 20 MB body on the event loop, or a full garbage
collection of the objects an import makes, held every other client for 0.5 to 2 s."""


def _send_streamed_import(base_url: str, cookie: str, csrf: str, total: int) -> tuple[bytes, int]:
    """POST ``total`` bytes of import body chunked, stopping when the server answers."""
    url = urlsplit(base_url)
    sent = 0
    with socket.create_connection((url.hostname, url.port), timeout=HOLD) as sock:
        sock.sendall(
            b"POST /api/import?replace=true HTTP/1.1\r\n"
            + f"Host: {url.netloc}\r\nCookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n".encode()
            + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        while sent < total:
            if select.select([sock], [], [], 0)[0]:
                break  # the server has answered: a real client stops sending too
            try:
                sock.sendall(f"{CHUNK:x}\r\n".encode() + b" " * CHUNK + b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += CHUNK
        answer = b""
        while b"\r\n" not in answer:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
    return answer.split(b"\r\n")[0], sent


@pytest.fixture
def ann(app_server: str) -> Iterator[httpx.Client]:
    """Ann, signed in on the real server, disclaimer acknowledged."""
    with httpx.Client(base_url=app_server, timeout=HOLD) as ann:
        created = ann.post(
            "/api/accounts",
            json={"email": "ann@example.org", "password": PASSWORD, "timezone": ZONE},
        )
        assert created.status_code == 201, created.text
        ann.headers["X-CSRF-Token"] = created.json()["csrf_token"]
        assert ann.post("/api/me/disclaimer").status_code == 200
        yield ann


def test_a_streamed_import_is_refused_as_soon_as_it_passes_20_mb(
    app_server: str, ann: httpx.Client
) -> None:
    total = 2 * IMPORT_BODY_LIMIT
    cookie = "; ".join(f"{name}={value}" for name, value in ann.cookies.items())

    status_line, sent = _send_streamed_import(
        app_server, cookie, ann.headers["X-CSRF-Token"], total
    )

    assert b" 413 " in status_line, status_line
    assert IMPORT_BODY_LIMIT < sent < total  # refused for its size, before the rest was sent
    assert ann.get("/api/export").json()["checkins"] == []


@pytest.fixture
def own_process_server(tmp_path: Path) -> Iterator[str]:
    """``sciatica serve`` in its own process on a fresh SQLite database, as a person runs it: the
    time the other client waits is then the server's alone, not this test's threads'."""
    env = {**os.environ, "SCIATICA_DATA_DIR": str(tmp_path / "served"), "SCIATICA_SECRET_KEY": "s"}
    subprocess.run([*SCIATICA, "admin", "migrate"], env=env, check=True, capture_output=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    process = subprocess.Popen(
        [*SCIATICA, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + HOLD
        while True:
            assert process.poll() is None and time.monotonic() < deadline, "no server"
            try:
                if httpx.get(base + "/manifest.webmanifest", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_other_clients_are_answered_while_a_large_import_is_parsed_and_stored(
    client: TestClient, database: Database, account: Account, own_process_server: str
) -> None:
    """Three years of diary (about 3.3 MB) are imported while an anonymous client keeps asking
    for the app manifest (no database, no session): it is answered within 100 ms throughout."""
    body = _years_export(database, account.id, client.get, days=3 * 365)
    imported: dict[str, Any] = {}
    with httpx.Client(base_url=own_process_server, timeout=HOLD) as ann:
        created = ann.post(
            "/api/accounts",
            json={"email": "ann@example.org", "password": PASSWORD, "timezone": ZONE},
        )
        assert created.status_code == 201, created.text
        ann.headers["X-CSRF-Token"] = created.json()["csrf_token"]
        assert ann.post("/api/me/disclaimer").status_code == 200

        def run_import() -> None:
            imported["response"] = ann.post("/api/import?replace=true", content=body, headers=JSON)

        waits: list[float] = []
        with httpx.Client(base_url=own_process_server, timeout=HOLD) as other:
            assert other.get("/manifest.webmanifest").status_code == 200  # connected and warm
            importer = threading.Thread(target=run_import, daemon=True)
            importer.start()
            while importer.is_alive():
                asked = time.perf_counter()
                answer = other.get("/manifest.webmanifest")
                waits.append(time.perf_counter() - asked)
                assert answer.status_code == 200
            importer.join(HOLD)

    assert imported["response"].status_code == 200, imported["response"].text
    assert imported["response"].json()["imported"]["checkins"] == 3 * 365
    assert len(waits) > 5, "the import ended before the other client could ask"
    waits.sort()
    assert waits[len(waits) * 9 // 10] < ANSWER_WITHIN, waits[-10:]
    assert waits[-1] < STALL, waits[-10:]
