"""A real browser: the offline outbox never loses an entry, never downgrades a session, never sends
one person's entry for another, and forgets everything on sign-out (issue 8, item 11).

Offline is ``context.set_offline``; requests made with ``page.request`` stand for another device.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import PASSWORD, Axe, Shoot
from tests.web.diary_entries import calm_checkin
from tests.web.safety_check import calm_answers

pytestmark = pytest.mark.browser

READ_OUTBOX = """async () => {
  const known = await indexedDB.databases();
  if (!known.some((d) => d.name === "sciatica-offline")) return [];
  return await new Promise((resolve, reject) => {
    const open = indexedDB.open("sciatica-offline");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains("outbox")) { db.close(); resolve([]); return; }
      const all = db.transaction("outbox").objectStore("outbox").getAll();
      all.onsuccess = () => { db.close(); resolve(all.result); };
    };
  });
}"""

PERSONAL_CACHES = """async () => (await caches.keys())
  .filter((name) => !name.startsWith("sciatica-static-"))"""


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 360, "height": 740})
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


def _sign_up(page: Any, base: str, email: str, screened: bool = True) -> str:
    """A new account in the page's cookie jar (signed in), screened calm unless told; its id."""
    created = page.request.post(base + "/api/accounts", data={"email": email, "password": PASSWORD})
    assert created.ok, created.text()
    me = created.json()
    page.request.post(base + "/api/me/disclaimer", headers={"X-CSRF-Token": me["csrf_token"]})
    if screened:
        screen = page.request.post(
            base + "/api/screenings",
            data=calm_answers(),
            headers={"X-CSRF-Token": me["csrf_token"]},
        )
        assert screen.ok, screen.text()
    return str(me["id"])


def _sign_in(page: Any, base: str, email: str) -> None:
    page.context.clear_cookies()
    answer = page.request.post(base + "/api/session", data={"email": email, "password": PASSWORD})
    assert answer.ok, answer.text()


def _open(page: Any, url: str) -> None:
    """Open a page and wait until the service worker runs it (so it can work offline)."""
    page.goto(url)
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")


def _csrf(page: Any, base: str) -> str:
    token: str = page.request.get(base + "/api/me").json()["csrf_token"]
    return token


def _session(client_id: str, *, final: bool, version: int) -> dict[str, Any]:
    """A save of a one-exercise session; a final one is completed."""
    started = (datetime.now(UTC) - timedelta(minutes=10)).isoformat()
    item = {
        "exercise_id": "pelvic-tilt",
        "level": 2,
        "dose": {"sets": 1, "reps": 10, "hold_s": 3, "per_side": False},
        "sides_done": [],
        "reps_done": 10 if final else 4,
        "holds_done": 0,
        "hold_seconds": 0.0,
        "pain": 2 if final else None,
        "spread_down_leg": False,
        "completed": final,
    }
    return {
        "client_id": client_id,
        "started_at": started,
        "final": final,
        "version": version,
        "record": {"status": "completed", "elapsed_s": 80.0 if final else 30.0, "items": [item]},
    }


def _queue(page: Any, url: str, body: dict[str, Any]) -> None:
    """Make an entry while offline: it goes to the outbox."""
    result = page.evaluate("([url, body]) => window.sciaticaOffline.post(url, body)", [url, body])
    assert result["status"] == "queued"


def _pending(page: Any) -> int:
    count: int = page.evaluate("() => window.sciaticaOffline.pending()")
    return count


def _eventually(page: Any, script: str, timeout_s: float = 10) -> None:
    """Wait until ``script`` (it may be async, unlike ``wait_for_function``'s) answers true."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"still false after {timeout_s} s: {script}"
        page.wait_for_timeout(50)


def _wait_until_sent(page: Any) -> None:
    _eventually(page, "async () => (await window.sciaticaOffline.pending()) === 0")


# -- (a) a stale save never downgrades a finished session -----------------------------------------


def test_a_stale_save_from_the_outbox_does_not_undo_a_finished_session(
    app_server: str, context: Any
) -> None:
    page = context.new_page()
    _sign_up(page, app_server, "stale@example.org")
    _open(page, app_server + "/today")
    client_id = str(uuid.uuid4())

    context.set_offline(True)
    _queue(page, "/api/sessions", _session(client_id, final=False, version=1))
    # Meanwhile the finished session reaches the server from elsewhere (another tab, a retry).
    final = page.request.post(
        app_server + "/api/sessions",
        data=_session(client_id, final=True, version=2),
        headers={"X-CSRF-Token": _csrf(page, app_server)},
    )
    assert final.ok, final.text()
    context.set_offline(False)
    _wait_until_sent(page)

    [stored] = page.request.get(app_server + "/api/sessions").json()
    assert stored["status"] == "completed"
    assert stored["items"][0]["reps_done"] == 10
    assert page.evaluate(READ_OUTBOX) == []


def test_the_outbox_keeps_the_latest_save_of_a_session(app_server: str, context: Any) -> None:
    page = context.new_page()
    _sign_up(page, app_server, "latest@example.org")
    _open(page, app_server + "/today")
    client_id = str(uuid.uuid4())

    context.set_offline(True)
    _queue(page, "/api/sessions", _session(client_id, final=False, version=1))
    _queue(page, "/api/sessions", _session(client_id, final=True, version=3))
    _queue(page, "/api/sessions", _session(client_id, final=False, version=2))  # late, older

    [entry] = page.evaluate(READ_OUTBOX)
    assert entry["body"]["final"] is True and entry["body"]["version"] == 3
    context.set_offline(False)
    _wait_until_sent(page)
    [stored] = page.request.get(app_server + "/api/sessions").json()
    assert stored["status"] == "completed"


# -- (b) an entry the server refuses is kept and shown --------------------------------------------


def test_a_session_refused_by_the_safety_gate_is_kept_shown_and_can_be_discarded(
    app_server: str, context: Any, axe: Axe, shoot: Shoot
) -> None:
    page = context.new_page()
    _sign_up(page, app_server, "unscreened@example.org", screened=False)
    _open(page, app_server + "/check-in")

    context.set_offline(True)
    _queue(page, "/api/sessions", _session(str(uuid.uuid4()), final=True, version=1))
    context.set_offline(False)

    refused = page.get_by_role("alert")
    expect(refused).to_contain_text("1 entry could not be saved")
    expect(refused).to_contain_text("Exercise session of")
    expect(refused).to_contain_text("Answer the safety questions first")
    expect(refused.get_by_role("button", name="Try again")).to_be_visible()
    axe(page)
    shoot(page, "40-outbox-refused")
    page.reload()  # kept on this device, shown on every page
    expect(page.get_by_role("alert")).to_contain_text("Answer the safety questions first")
    assert _pending(page) == 1

    page.get_by_role("alert").get_by_role("button", name="Discard").click()

    expect(page.get_by_role("alert")).to_have_count(0)
    assert _pending(page) == 0
    assert page.evaluate(READ_OUTBOX) == []
    assert page.request.get(app_server + "/api/sessions").json() == []


def test_a_check_in_with_an_invalid_value_is_kept_with_the_field_and_reason(
    app_server: str, context: Any
) -> None:
    page = context.new_page()
    _sign_up(page, app_server, "invalid@example.org")
    _open(page, app_server + "/check-in")

    context.set_offline(True)
    _queue(page, "/api/checkins", calm_checkin(client_id=str(uuid.uuid4()), leg_pain=11))
    context.set_offline(False)

    refused = page.get_by_role("alert")
    expect(refused).to_contain_text("Check-in of")
    expect(refused).to_contain_text("leg_pain: ")
    expect(refused.get_by_role("button", name="Try again")).to_have_count(0)  # it would fail again
    [entry] = page.evaluate(READ_OUTBOX)
    assert entry["refused"]["status"] == 422

    refused.get_by_role("button", name="Discard").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    assert page.evaluate(READ_OUTBOX) == []


# -- (c) sign-out forgets; one person's entries are never sent for another ------------------------


def test_signing_out_deletes_the_outbox_and_the_cached_pages(app_server: str, context: Any) -> None:
    page = context.new_page()
    ann = _sign_up(page, app_server, "ann@example.org")
    _open(page, app_server + "/check-in")
    page.reload()
    _eventually(page, f"async () => (await caches.keys()).includes('sciatica-pages-{ann}')")
    context.set_offline(True)
    _queue(page, "/api/checkins", calm_checkin(client_id=str(uuid.uuid4()), leg_pain=11))
    context.set_offline(False)
    expect(page.get_by_role("alert")).to_contain_text("1 entry could not be saved")

    page.get_by_role("button", name="Sign out").click()
    ask = page.locator("#outbox-sign-out")
    expect(ask).to_contain_text("1 entry is not saved to your account yet")
    ask.get_by_role("button", name="Sign out anyway").click()

    page.wait_for_url(app_server + "/")
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.wait_for_function("() => !document.cookie.includes('sc_clear_device')")
    assert page.evaluate(READ_OUTBOX) == []
    assert page.evaluate(PERSONAL_CACHES) == []

    bob = _sign_up(page, app_server, "bob@example.org")
    _open(page, app_server + "/check-in")
    page.evaluate("() => window.sciaticaOffline.flush()")
    assert page.evaluate(READ_OUTBOX) == []
    assert f"sciatica-pages-{ann}" not in page.evaluate(PERSONAL_CACHES)
    assert bob != ann
    assert page.request.get(app_server + "/api/checkins").json() == []


def test_the_page_after_sign_out_cleans_up_where_clear_site_data_is_ignored(
    app_server: str, context: Any
) -> None:
    page = context.new_page()
    ann = _sign_up(page, app_server, "ann@example.org")
    _open(page, app_server + "/check-in")
    _eventually(page, f"async () => (await caches.keys()).includes('sciatica-pages-{ann}')")
    context.set_offline(True)
    _queue(page, "/api/checkins", calm_checkin(client_id=str(uuid.uuid4())))
    context.set_offline(False)
    context.clear_cookies()  # no session: the entry stays queued
    page.evaluate("() => window.sciaticaOffline.flush()")
    assert len(page.evaluate(READ_OUTBOX)) == 1

    # What the sign-out answer sets besides the header (pwa.forget_this_device).
    context.add_cookies([{"name": "sc_clear_device", "value": "1", "url": app_server}])
    page.goto(app_server + "/")

    page.wait_for_function("() => !document.cookie.includes('sc_clear_device')")
    assert page.evaluate(READ_OUTBOX) == []
    assert page.evaluate(PERSONAL_CACHES) == []
    assert page.evaluate("async () => !!(await navigator.serviceWorker.getRegistration())")


def test_an_entry_waits_for_its_owner_and_is_never_sent_for_someone_else(
    app_server: str, context: Any
) -> None:
    page = context.new_page()
    ann = _sign_up(page, app_server, "ann@example.org")
    _open(page, app_server + "/check-in")
    context.set_offline(True)
    _queue(page, "/api/checkins", calm_checkin(client_id=str(uuid.uuid4())))
    context.clear_cookies()  # Ann's session ends on this device without signing out
    context.set_offline(False)
    page.evaluate("() => window.sciaticaOffline.flush()")
    [waiting] = page.evaluate(READ_OUTBOX)
    assert waiting["owner"] == ann and waiting["refused"] is None

    _sign_up(page, app_server, "bob@example.org")  # Bob signs in on the same browser
    _open(page, app_server + "/check-in")
    assert page.evaluate("() => window.sciaticaOffline.flush()") == 0
    assert _pending(page) == 0  # not shown to Bob
    expect(page.locator("#offline-status")).to_be_hidden()
    assert page.request.get(app_server + "/api/checkins").json() == []
    _eventually(page, f"async () => !(await caches.keys()).includes('sciatica-pages-{ann}')")
    assert len(page.evaluate(READ_OUTBOX)) == 1

    _sign_in(page, app_server, "ann@example.org")
    _open(page, app_server + "/check-in")
    _wait_until_sent(page)
    assert len(page.request.get(app_server + "/api/checkins").json()) == 1


# -- (d) two tabs, one entry, one row -------------------------------------------------------------


def test_two_tabs_flushing_one_entry_send_it_once(app_server: str, context: Any) -> None:
    first = context.new_page()
    _sign_up(first, app_server, "tabs@example.org")
    _open(first, app_server + "/check-in")
    second = context.new_page()
    _open(second, app_server + "/today")
    posts: list[str] = []
    context.on(
        "request",
        lambda r: posts.append(r.url) if r.method == "POST" and "/api/checkins" in r.url else None,
    )

    context.set_offline(True)
    _queue(first, "/api/checkins", calm_checkin(client_id=str(uuid.uuid4())))
    context.set_offline(False)  # both tabs hear "online" and flush
    for page in (first, second):
        page.evaluate("() => { window.__flushed = window.sciaticaOffline.flush(); }")
    for page in (first, second):
        page.evaluate("() => window.__flushed")
        _wait_until_sent(page)

    assert len(posts) == 1
    assert len(first.request.get(app_server + "/api/checkins").json()) == 1


def test_two_copies_of_one_entry_sent_at_once_give_one_row(app_server: str, context: Any) -> None:
    first = context.new_page()
    _sign_up(first, app_server, "twice@example.org")
    _open(first, app_server + "/today")
    second = context.new_page()
    _open(second, app_server + "/today")
    body = _session(str(uuid.uuid4()), final=True, version=1)
    send = """(body) => { window.__sent = fetch("/api/sessions", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json",
                "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content},
      body: JSON.stringify(body)}).then((r) => r.status); }"""

    for page in (first, second):
        page.evaluate(send, body)
    statuses = [page.evaluate("() => window.__sent") for page in (first, second)]

    assert statuses == [200, 200]
    assert len(first.request.get(app_server + "/api/sessions").json()) == 1
