"""Web fixtures: a TestClient on each database, signed-in accounts, and the browser harness.

TestClient fixtures: ``web_app`` (the app on the ``database`` param: SQLite and PostgreSQL),
``client``, ``account`` (signed up + disclaimer acknowledged through the API) and the helper
``form_csrf``. Browser fixtures (tests marked ``@pytest.mark.browser``): ``app_server`` (uvicorn in
a thread on 127.0.0.1, temp SQLite; yields the base URL), ``browser`` (Debian's Chromium through
Playwright, never a downloaded browser), ``server_app`` (the FastAPI app behind ``app_server``), ``page`` (run at 360 px and at 1280 px wide), ``axe``
(axe-core from node_modules, fails on serious or critical violations) and ``shoot`` (screenshots
under /tmp/shots/).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sciatica_care.config import Settings
from sciatica_care.store.database import Database
from sciatica_care.web.app import create_app

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
SHOTS_DIR = Path("/tmp/shots")
PASSWORD = "correct horse battery"

_CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_csrf(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = _CSRF_INPUT.search(html)
    assert match, "page has no form with a CSRF token"
    return match.group(1)


# -- TestClient -----------------------------------------------------------------------------------

POSTGRES_TOO = frozenset(
    {
        "test_caseload",
        "test_clinician_exports",
        "test_database_full",
        "test_delete_account",
        "test_export",
        "test_fhir_everything",
        "test_link_patient",
        "test_kept_views",
        "test_log_pain",
        "test_prescribe",
        "test_rate_limit",
        "test_session_api",
        "test_share_with_clinician",
        "test_time_zones",
    }
)
"""Web tests that also run on PostgreSQL: the ones whose use cases lean on what differs between the
two databases (conditional updates, concurrency, cascades, time zones, the dashboard's queries).
Every store and service test runs on both; the rest of the web tests exercise HTTP on SQLite."""


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Web tests outside ``POSTGRES_TOO`` take the ``database`` fixture on SQLite only."""
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    chosen = any(
        "database" in str(marker.args[0])
        for marker in metafunc.definition.iter_markers("parametrize")
    )
    if "database" in metafunc.fixturenames and module not in POSTGRES_TOO and not chosen:
        # as a mark, so pytest's own fixture parametrisation sees the choice and steps aside
        metafunc.definition.add_marker(
            pytest.mark.parametrize("database", ["sqlite"], indirect=True)
        )


@pytest.fixture
def web_app(database: Database, tmp_path: Path) -> FastAPI:
    """The real app, bound to the test database (runs on SQLite and on PostgreSQL)."""
    url = database.engine.url.render_as_string(hide_password=False)
    return create_app(Settings(data_dir=tmp_path, database_url=url, secret_key="test-secret"))


@pytest.fixture
def client(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app) as test_client:
        yield test_client


@dataclass(frozen=True)
class Account:
    """A signed-in account on ``client``: use ``headers`` for changing API requests."""

    id: int
    email: str
    password: str
    csrf_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.csrf_token}


def api_sign_up(client: TestClient, email: str, password: str = PASSWORD) -> Account:
    """Create an account through the API, acknowledge the disclaimer; the client is signed in."""
    created = client.post("/api/accounts", json={"email": email, "password": password})
    assert created.status_code == 201, created.text
    me = created.json()
    ack = client.post("/api/me/disclaimer", headers={"X-CSRF-Token": me["csrf_token"]})
    assert ack.status_code == 200, ack.text
    return Account(me["id"], me["email"], password, me["csrf_token"])


@pytest.fixture
def account(client: TestClient) -> Account:
    return api_sign_up(client, "ann@example.org")


# -- browser harness ------------------------------------------------------------------------------


def _need(condition: bool, message: str) -> None:
    """Skip on a developer machine without the tool; fail in CI, where `make test` installs it."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def server_app(tmp_path: Path) -> FastAPI:
    """The app ``app_server`` serves (temp SQLite); a test may add routes to it while it runs."""
    return create_app(Settings(data_dir=tmp_path / "server-data", secret_key="browser-test"))


@pytest.fixture
def app_server(server_app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn in a background thread on a free loopback port; the base URL."""
    app = server_app
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the web app did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright's sync API."""
    _need(CHROMIUM.exists(), "Chromium is not installed (make test installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(params=sorted(VIEWPORTS))
def page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A fresh browser context and page, once 360 px wide (phone) and once 1280 px (desktop)."""
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    context.set_default_timeout(10_000)
    new_page = context.new_page()
    blocked: list[str] = []
    new_page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield new_page
    context.close()
    assert not blocked, f"the page broke its Content-Security-Policy: {blocked}"


Axe = Callable[[Any], None]


@pytest.fixture(scope="session")
def axe() -> Axe:
    """``axe(page)`` runs axe-core on the page and fails on any serious or critical violation."""
    _need(AXE_SCRIPT.exists(), "axe-core is not installed: run `npm ci` in the repository root")
    script = AXE_SCRIPT.read_text(encoding="utf-8")

    def check(target: Any) -> None:
        if not target.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, which our Content-Security-Policy (no
            # inline scripts) does not block, unlike an injected <script> tag.
            target.evaluate(script + "\n;undefined")
        results = target.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        report = "\n".join(
            f"{v['impact']}: {v['id']}: {v['help']} -> "
            + "; ".join(str(node.get("target")) for node in v["nodes"][:5])
            for v in bad
        )
        assert not bad, f"accessibility violations on {target.url}:\n{report}"

    return check


Shoot = Callable[[Any, str], Path]


@pytest.fixture(scope="session")
def shoot() -> Shoot:
    """``shoot(page, name)`` saves a full-page screenshot as /tmp/shots/<name>-<width>.png."""
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)

    def take(target: Any, name: str) -> Path:
        width = target.viewport_size["width"]
        path = SHOTS_DIR / f"{name}-{width}.png"
        target.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def screened(client: TestClient, account: Account) -> Account:
    """``account`` after a calm full safety screen: the program gate is open."""
    from tests.web.safety_check import screen_via_api

    screen_via_api(client, account)
    return account


# -- clinicians (issue 10) ------------------------------------------------------------------------


@pytest.fixture
def clinician(web_app: FastAPI, database: Database, client: TestClient) -> Iterator[Any]:
    """A clinician signed in on their own client (``tests.web.clinic.Clinician``), linked to no one."""
    from tests.web.clinic import clinician_client

    with clinician_client(web_app, database) as signed_in:
        yield signed_in


@pytest.fixture
def linked(database: Database, screened: Account, clinician: Any) -> tuple[Account, Any, str]:
    """``screened`` (Ann, after a calm safety check) has linked ``clinician``: (patient,
    clinician, the patient's public id)."""
    from tests.web.clinic import link

    public_id = link(database, screened.id, clinician.id)
    return screened, clinician, public_id
