"""argon2 is bounded and kept off the event loop (issue 12 item 2): at most
``MAX_PARALLEL_ARGON2`` runs at once per process, so 60 parallel sign-ins cannot take a gigabyte,
and no route runs one on the event loop, where it would stall every other request."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sciatica_care.config import Settings
from sciatica_care.services import accounts, credentials
from sciatica_care.services.permissions import Actor
from sciatica_care.store.database import Database
from sciatica_care.web.app import create_app
from tests.web.conftest import form_csrf

PASSWORD = "correct horse battery"
_SHOWN_CODE = re.compile(r'id="recovery-code"[^>]*>([^<]+)<')
BOUND = credentials.MAX_PARALLEL_ARGON2


class WatchedHasher:
    """The real hasher, counting runs that overlap and the thread each run is made in.

    With ``gather`` on, each run lingers (a quarter of a second, or until more than ``BOUND`` are
    in) so that callers overlap: with the bound, ``BOUND`` runs are in at once; without it, more.

    A run is "on the event loop" when its thread is the one that runs the app's loop. Asking
    ``asyncio.get_running_loop()`` instead is not enough: once a browser test of the same process
    has used Playwright's sync API, the main thread reports Playwright's loop as running between
    its calls (``asyncio._set_running_loop`` in ``playwright/_impl/_greenlets.py``)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.active = 0
        self.most = 0
        self.runs = 0
        self.threads: Counter[int] = Counter()
        self.gather = False
        self.changed = threading.Condition()

    def _run(self, work: Any, *args: Any) -> Any:
        with self.changed:
            self.threads[threading.get_ident()] += 1
            self.active += 1
            self.runs += 1
            self.most = max(self.most, self.active)
            self.changed.notify_all()
            if self.gather:
                self.changed.wait_for(lambda: self.active > BOUND, timeout=0.25)
        try:
            return work(*args)
        finally:
            with self.changed:
                self.active -= 1

    def hash(self, password: str) -> str:
        return str(self._run(self.real.hash, password))

    def verify(self, password_hash: str, password: str) -> bool:
        return bool(self._run(self.real.verify, password_hash, password))

    def check_needs_rehash(self, password_hash: str) -> bool:
        return bool(self.real.check_needs_rehash(password_hash))


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> Iterator[WatchedHasher]:
    hasher = WatchedHasher(credentials._hasher)
    monkeypatch.setattr(credentials, "_hasher", hasher)
    yield hasher


def test_parallel_hashes_and_checks_never_exceed_the_bound(watched: WatchedHasher) -> None:
    stored = credentials.hash_password(PASSWORD)
    watched.gather = True

    def work(n: int) -> object:
        if n % 2:
            return credentials.verify_password(stored, PASSWORD)
        return credentials.hash_password(f"password number {n}")

    with ThreadPoolExecutor(max_workers=24) as pool:
        list(pool.map(work, range(48)))

    assert watched.runs == 49
    assert watched.most == BOUND


def test_sixty_parallel_sign_ins_run_at_most_the_bound_of_argon2_at_once(
    database: Database, watched: WatchedHasher
) -> None:
    emails = [f"person{n}@example.org" for n in range(60)]
    for email in emails:
        accounts.sign_up(database, email, PASSWORD)
    before = watched.runs
    watched.gather = True

    def sign_in(n: int) -> Actor:  # each from its own address: none is throttled
        return accounts.sign_in(database, emails[n], PASSWORD, client=f"10.0.{n}.1")

    with ThreadPoolExecutor(max_workers=60) as pool:
        actors = list(pool.map(sign_in, range(60)))

    assert len({actor.id for actor in actors}) == 60
    assert watched.runs - before == 60
    assert watched.most == BOUND


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_no_page_or_api_route_runs_argon2_on_the_event_loop(
    database: Database, tmp_path: Path, watched: WatchedHasher
) -> None:
    """Form routes are ``async def`` (they read the form), so their argon2 work goes to the
    thread pool; the JSON routes are plain ``def`` and run there already.

    Every argon2 run here is made by a route (the recovery code is read off its page, not made
    by calling the service from the test), and none in the thread of the app's event loop."""
    url = database.engine.url.render_as_string(hide_password=False)
    app = create_app(Settings(data_dir=tmp_path, database_url=url, secret_key="test-secret"))
    email, first, second = "ann@example.org", PASSWORD, "a newer long password"
    with TestClient(app) as client:
        assert client.portal is not None
        event_loop_thread = client.portal.call(threading.get_ident)

        def post_form(path: str, **fields: str) -> int:
            me = client.get("/api/me")
            token = me.json()["csrf_token"] if me.status_code == 200 else None
            token = token or form_csrf(client.get("/login").text)
            sent = {"csrf_token": token, **fields}
            return client.post(path, data=sent, follow_redirects=False).status_code

        assert post_form("/signup", email=email, password=first, understood="yes") == 303
        assert post_form("/settings/password", current_password=first, new_password=second) == 303
        assert post_form("/settings/recovery-code", recovery_password=second) == 303
        code = _SHOWN_CODE.search(client.get("/recovery-code").text)
        assert code, "no recovery code on the page"
        assert post_form("/logout") == 303
        assert post_form("/login", email=email, password=second) == 303
        assert post_form("/logout") == 303
        assert post_form("/recover", email=email, recovery_code=code[1], new_password=first) == 303
        client.cookies.clear()
        assert client.post("/api/session", json={"email": email, "password": first}).is_success
        assert post_form("/settings/delete", password=first) == 303

    # sign-up 3, password 2, new code 2, its page 1 (is it still current?), sign-in 1, recovery
    # 3, API sign-in 1, deletion 1; the dummy hash for a missing account is made before (conftest)
    assert watched.runs == 14
    assert threading.get_ident() not in watched.threads  # all made by routes, none by the test
    assert watched.threads[event_loop_thread] == 0
