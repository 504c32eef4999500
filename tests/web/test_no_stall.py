"""One client's oversized body never holds up another client (issue 12 item 2).

The probe that found the stall sent a 10.5 MB JSON with 700,000 keys to ``POST /api/session``:
the server parsed it for 24 s and every other request waited. Here a real uvicorn server (in a
thread, as the browser tests run it) receives such a body, streamed without a length, while a
signed-in client reads its data. The big request is held open mid-body until the other client's
GET has answered, so the GET can only pass if the server is not queued behind the big body; then
the rest is sent and the server refuses it (413) as soon as it passes the limit. No timings are
asserted: only what answered and in which order.
"""

from __future__ import annotations

import json
import select
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import pytest

from sciatica_care.web.hardening import DEFAULT_BODY_LIMIT
from tests.web.conftest import PASSWORD

BIG_BODY = json.dumps({f"k{n}": n for n in range(700_000)}).encode()
CHUNK = 64 * 1024
HOLD = 30.0
"""Seconds the big request waits for the other client at most (a stalled server fails before)."""


@dataclass
class BigUpload:
    """What the client sending the big body saw."""

    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    sent: int = 0
    status_line: bytes = b""
    answered_while_held: bool = False


def _chunks(body: bytes) -> Iterator[bytes]:
    for start in range(0, len(body), CHUNK):
        piece = body[start : start + CHUNK]
        yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    yield b"0\r\n\r\n"


def _post_big_body(base_url: str, upload: BigUpload) -> None:
    """Send BIG_BODY chunked, pausing after the first chunk; stop when the server answers."""
    url = urlsplit(base_url)
    with socket.create_connection((url.hostname, url.port), timeout=HOLD) as sock:
        sock.sendall(
            b"POST /api/session HTTP/1.1\r\n"
            + f"Host: {url.netloc}\r\n".encode()
            + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        for number, chunk in enumerate(_chunks(BIG_BODY)):
            if number == 1:
                upload.holding.set()
                upload.release.wait(HOLD)
                upload.answered_while_held = bool(select.select([sock], [], [], 0)[0])
            if select.select([sock], [], [], 0)[0]:
                break  # the server has answered: a real client stops sending too
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            upload.sent += len(chunk)
        answer = b""
        while b"\r\n" not in answer:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
        upload.status_line = answer.split(b"\r\n")[0]


@pytest.fixture
def signed_in(app_server: str) -> Iterator[httpx.Client]:
    """Another person, signed in on the same server, disclaimer acknowledged."""
    with httpx.Client(base_url=app_server, timeout=HOLD) as other:
        created = other.post(
            "/api/accounts", json={"email": "bo@example.org", "password": PASSWORD}
        )
        assert created.status_code == 201, created.text
        csrf = {"X-CSRF-Token": created.json()["csrf_token"]}
        assert other.post("/api/me/disclaimer", headers=csrf).status_code == 200
        yield other


def test_another_client_is_answered_while_a_huge_body_is_being_refused(
    app_server: str, signed_in: httpx.Client
) -> None:
    assert len(BIG_BODY) > 10_000_000
    upload = BigUpload()
    sender = threading.Thread(target=_post_big_body, args=(app_server, upload), daemon=True)
    sender.start()
    assert upload.holding.wait(HOLD), "the big request never started"

    during = signed_in.get("/api/me")  # the big request is open, its body half sent
    still_open = sender.is_alive()
    upload.release.set()
    sender.join(HOLD)

    assert during.status_code == 200 and during.json()["email"] == "bo@example.org"
    assert still_open, "the big request had already ended: the GET did not run beside it"
    assert not upload.answered_while_held, "the server answered the big request before the GET"
    assert not sender.is_alive()
    assert b" 413 " in upload.status_line, upload.status_line
    assert upload.sent > DEFAULT_BODY_LIMIT  # refused for its size, not for anything before
    assert signed_in.get("/api/me").status_code == 200  # and the server is still well


def test_an_announced_huge_body_is_refused_without_being_read(
    app_server: str, signed_in: httpx.Client
) -> None:
    """With its length announced, the 10 MB body is refused from its headers alone."""
    refused = httpx.post(
        app_server + "/api/session",
        content=BIG_BODY,
        headers={"content-type": "application/json"},
        timeout=HOLD,
    )
    assert refused.status_code == 413
    assert signed_in.get("/api/me").status_code == 200
