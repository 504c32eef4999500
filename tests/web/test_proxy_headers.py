"""Proxy headers are believed only from the configured proxies (issue 12 item 4): otherwise anyone
could send a new ``X-Forwarded-For`` with each guess and never be slowed by address."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sciatica_care.config import Settings
from sciatica_care.store.database import Database
from sciatica_care.web.app import create_app
from sciatica_care.web.serving import uvicorn_options
from tests.web.conftest import api_sign_up

PROXY = "192.0.2.10"
EMAIL = "ann@example.org"


def _app(database: Database, tmp_path: Path, trusted_proxies: str | None) -> FastAPI:
    url = database.engine.url.render_as_string(hide_password=False)
    return create_app(
        Settings(
            data_dir=tmp_path,
            database_url=url,
            secret_key="test-secret",
            trusted_proxies=trusted_proxies,
        )
    )


def _guesses(post: Callable[..., httpx.Response], count: int = 6) -> list[int]:
    """``count`` wrong passwords for Ann, each claiming another address in X-Forwarded-For."""
    return [
        post(
            "/api/session",
            json={"email": EMAIL, "password": "a wrong guess"},
            headers={"X-Forwarded-For": f"198.51.100.{n + 1}"},
        ).status_code
        for n in range(count)
    ]


def test_an_untrusted_client_cannot_choose_its_address(database: Database, tmp_path: Path) -> None:
    app = _app(database, tmp_path, trusted_proxies=None)
    with TestClient(app, client=(PROXY, 40000)) as client:
        api_sign_up(client, EMAIL)
        client.cookies.clear()
        answers = _guesses(client.post)
    assert answers == [401] * 5 + [429]  # one (account, address) pair: the socket's


def test_a_client_that_is_not_the_configured_proxy_cannot_either(
    database: Database, tmp_path: Path
) -> None:
    app = _app(database, tmp_path, trusted_proxies=PROXY)
    with TestClient(app, client=("203.0.113.77", 40000)) as client:
        api_sign_up(client, EMAIL)
        client.cookies.clear()
        answers = _guesses(client.post)
    assert answers == [401] * 5 + [429]


def test_the_configured_proxy_passes_on_each_persons_address(
    database: Database, tmp_path: Path
) -> None:
    app = _app(database, tmp_path, trusted_proxies=PROXY)
    with TestClient(app, client=(PROXY, 40000)) as proxy:
        api_sign_up(proxy, EMAIL)
        proxy.cookies.clear()
        answers = _guesses(proxy.post)
        same_person = [
            proxy.post(
                "/api/session",
                json={"email": EMAIL, "password": "a wrong guess"},
                headers={"X-Forwarded-For": "198.51.100.1"},
            ).status_code
            for _ in range(5)
        ]
    assert answers == [401] * 6  # six people behind the proxy, one guess each
    assert same_person == [401] * 4 + [429]  # the first person's sixth guess waits


@contextmanager
def _served(app: FastAPI) -> Iterator[httpx.Client]:
    """The app under uvicorn with ``sciatica serve``'s options (logging left as the test has it)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    options = {**uvicorn_options(), "log_config": None}
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", **options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}") as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_served_like_sciatica_serve_loopback_is_not_a_trusted_proxy(
    database: Database, tmp_path: Path
) -> None:
    """uvicorn alone believes X-Forwarded-For from 127.0.0.1: any program on the machine could
    pick its address. ``sciatica serve`` turns that off unless the proxy is configured."""
    with _served(_app(database, tmp_path, trusted_proxies=None)) as client:
        created = client.post("/api/accounts", json={"email": EMAIL, "password": "x" * 12})
        assert created.status_code == 201
        client.cookies.clear()
        untrusted = _guesses(client.post)
    assert untrusted == [401] * 5 + [429]


def test_served_like_sciatica_serve_a_configured_loopback_proxy_is_believed(
    database: Database, tmp_path: Path
) -> None:
    with _served(_app(database, tmp_path, trusted_proxies="127.0.0.1")) as client:
        created = client.post("/api/accounts", json={"email": EMAIL, "password": "x" * 12})
        assert created.status_code == 201
        client.cookies.clear()
        trusted = _guesses(client.post)
    assert trusted == [401] * 6
