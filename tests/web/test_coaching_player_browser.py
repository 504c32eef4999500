"""The guided player coaches (issue 9, item 2): full screen, a figure driven by the player's own
state, the stop choices above the Stop bar, leaving and resuming, the easier version, one short
pain check and an end screen that celebrates. Screenshots go to /tmp/shots/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import expect
from sqlalchemy import select

from sciatica_care.store.models import ExerciseSession
from tests.web.conftest import PASSWORD, Axe, Shoot
from tests.web.safety_check import calm_answers

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 800}


def _page(browser: Any, viewport: dict[str, int]) -> Any:
    context = browser.new_context(viewport=viewport)  # under the app's Content-Security-Policy
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A page at 360×780, the phone the issue was tried on."""
    page = _page(browser, PHONE)
    yield page
    page.context.close()


@pytest.fixture(params=["phone", "desktop"])
def screen(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A page at 360×780 and at 1280×800."""
    page = _page(browser, PHONE if request.param == "phone" else DESKTOP)
    yield page
    page.context.close()


def _ready_to_exercise(page: Any, base: str, email: str) -> None:
    """Sign up, accept the disclaimer and pass a calm safety check through the API (same cookies)."""
    created = page.request.post(base + "/api/accounts", data={"email": email, "password": PASSWORD})
    assert created.ok, created.text()
    headers = {"X-CSRF-Token": created.json()["csrf_token"]}
    assert page.request.post(base + "/api/me/disclaimer", headers=headers).ok
    screened = page.request.post(base + "/api/screenings", data=calm_answers(), headers=headers)
    assert screened.ok, screened.text()


def _open_player(page: Any, base: str) -> None:
    page.goto(base + "/session")
    page.wait_for_selector("#player[data-ready=true]")


def _step(page: Any) -> str:
    return str(page.evaluate("document.getElementById('player').dataset.step || ''"))


def _figure_phase(page: Any) -> float:
    return float(page.evaluate("Number(document.querySelector('#figure svg').dataset.phase)"))


def _speed(page: Any, speed: float) -> None:
    page.evaluate(f"window.__SCIATICA_SPEED = {speed}")


_REACHED = """([prefix, speed]) => {
    const step = document.getElementById('player').dataset.step || '';
    if (step.startsWith(prefix)) { window.__SCIATICA_SPEED = speed; return 'reached'; }
    if (step.startsWith('instructions') || step.startsWith('pain_check')) return step;
    return false;
}"""


def _run_until(
    page: Any, prefix: str, *, pain: int = 2, then: float = 1, fast: float = 100
) -> None:
    """Let the player run ``fast``, answering "go" and calm pain checks, until a step starting with
    ``prefix``; the clock drops to ``then`` times real time there (checked on every frame). The
    player moves on every 0.2 s, so a 5 s step needs ``fast`` at most 25 to be seen."""
    _speed(page, fast)
    for _ in range(20):
        waiting = page.wait_for_function(
            _REACHED, arg=[prefix, then], polling="raf", timeout=60_000
        )
        step = waiting.json_value()
        if step == "reached":
            return
        if step.startswith("instructions"):
            page.get_by_role("button", name="I am in position: go").click()
        else:
            page.check(f"#pain-{pain}")
            page.check("#spread-no")
            page.check("#numbness-no")
            page.get_by_role("button", name="Save and go on").click()
    raise AssertionError(f"the player never reached {prefix!r} (at {_step(page)!r})")


def test_the_player_is_full_screen_and_its_figure_follows_the_timer(
    app_server: str, screen: Any, axe: Axe, shoot: Shoot
) -> None:
    page = screen
    _ready_to_exercise(page, app_server, "full@example.org")
    _open_player(page, app_server)

    assert page.get_by_role("navigation", name="Main").count() == 0
    assert page.get_by_role("button", name="Sign out").count() == 0
    assert page.locator("footer").count() == 0
    expect(page.get_by_text("Not a diagnosis.")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Start", exact=True).click()
    page.get_by_role("button", name="I am in position: go").click()

    page.wait_for_function(
        "() => document.getElementById('player').dataset.step.startsWith('work|hold|0')"
    )
    assert _figure_phase(page) == pytest.approx(0.15)  # the flat-back pose, held while it counts
    page.wait_for_function(
        "() => document.getElementById('player').dataset.step.startsWith('work|relax|0')"
    )
    page.wait_for_function(
        "() => Number(document.querySelector('#figure svg').dataset.phase) > 0.5"
    )
    shoot(page, "30-player-figure-arching")
    page.get_by_role("button", name="Pause").click()
    paused = _figure_phase(page)
    page.wait_for_timeout(600)
    assert _figure_phase(page) == paused  # the figure stops when the session pauses
    expect(page.locator("#timed-prompt")).to_have_text("Paused")
    axe(page)
    page.get_by_role("button", name="Go on").click()

    _run_until(page, "work||1|right knee")
    page.wait_for_function(
        "() => Number(document.querySelector('#figure svg').dataset.phase) >= 0.159"
    )
    expect(page.locator("#figure-side")).to_have_text("Working: right knee")
    shoot(page, "31-player-figure-right-knee")
    _run_until(page, "side_switch||1|left knee", fast=20)
    expect(page.locator("#next-up")).to_have_text("Next up: left knee.")
    _run_until(page, "rest||1|", fast=20)
    expect(page.locator("#next-up")).to_contain_text("Next up: Lower trunk rotation")
    shoot(page, "32-player-rest-next-up")
    axe(page)


def test_every_stop_choice_is_on_screen_and_uncovered_on_a_phone(
    app_server: str, phone: Any, axe: Axe, shoot: Shoot
) -> None:
    _ready_to_exercise(phone, app_server, "stop@example.org")
    _open_player(phone, app_server)
    phone.get_by_role("button", name="Start", exact=True).click()
    phone.get_by_role("button", name="I am in position: go").click()

    phone.get_by_role("button", name="Stop", exact=True).click()

    expect(phone.get_by_role("heading", name="Why are you stopping?")).to_be_visible()
    expect(phone.locator("#stop-bar")).to_be_hidden()
    names = ["It hurts", "Pain spread down my leg", "I am tired", "Another reason", "Carry on"]
    for name in names:
        button = phone.get_by_role("button", name=name, exact=True)
        box = button.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], name
        assert box["height"] >= 44, name
        on_top = phone.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).closest('button')?.textContent",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
        assert on_top == name  # nothing covers it
    axe(phone)
    shoot(phone, "33-player-stop-choices")

    phone.get_by_role("button", name="Carry on").click()
    expect(phone.locator("#stop-bar")).to_be_visible()


def test_leaving_asks_first_and_coming_back_resumes_where_you_left_off(
    app_server: str, phone: Any, axe: Axe, shoot: Shoot
) -> None:
    _ready_to_exercise(phone, app_server, "resume@example.org")
    _open_player(phone, app_server)
    phone.get_by_role("button", name="Start", exact=True).click()
    _run_until(phone, "instructions||1|")
    expect(phone.get_by_role("heading", name="Knee to chest")).to_be_visible()

    phone.get_by_role("link", name="Leave session").click()
    expect(phone.get_by_role("heading", name="Leave session?")).to_be_visible()
    axe(phone)
    phone.get_by_role("button", name="Stay and carry on").click()
    expect(phone.get_by_role("heading", name="Knee to chest")).to_be_visible()
    phone.get_by_role("link", name="Leave session").click()
    phone.get_by_role("link", name="Leave", exact=True).click()
    phone.wait_for_url("**/today")

    _open_player(phone, app_server)
    expect(phone.get_by_text(re.compile("at exercise 2 of 4, Knee to chest"))).to_be_visible()
    shoot(phone, "34-player-resume")
    axe(phone)
    phone.get_by_role("button", name="Resume where you left off").click()
    expect(phone.get_by_role("heading", name="Knee to chest")).to_be_visible()
    expect(phone.locator("#player-where")).to_have_text("Exercise 2 of 4")

    # The back button after that: the page comes back with the same offer.
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.goto(app_server + "/today")
    phone.go_back()
    phone.wait_for_selector("#player[data-ready=true]")
    expect(phone.get_by_role("button", name="Resume where you left off")).to_be_visible()
    phone.get_by_role("button", name="Start again from the beginning").click()
    expect(phone.get_by_role("heading", name="Pelvic tilt")).to_be_visible()


def test_this_one_hurts_switches_to_the_easier_version_and_is_saved(
    app_server: str, server_app: FastAPI, phone: Any, shoot: Shoot
) -> None:
    _ready_to_exercise(phone, app_server, "easier@example.org")
    _open_player(phone, app_server)
    phone.get_by_role("button", name="Start", exact=True).click()
    phone.get_by_role("button", name="I am in position: go").click()

    phone.get_by_role("button", name="This one hurts — give me the easier version").click()

    expect(phone.locator("#ins-dose")).to_contain_text("level 1: Small and easy")
    expect(phone.locator("#save-status")).to_contain_text("Switched to the easier version")
    shoot(phone, "35-player-easier")
    _run_until(phone, "pain_check||0|")
    phone.check("#pain-3")
    phone.check("#spread-no")
    phone.check("#numbness-no")
    phone.get_by_role("button", name="Save and go on").click()
    expect(phone.locator("#save-status")).to_have_text("Saved: 1 exercise of 4 recorded so far.")
    phone.get_by_role("button", name="Stop", exact=True).click()
    phone.get_by_role("button", name="I am tired").click()
    phone.wait_for_selector("#player[data-saved=saved-final]")

    with server_app.state.db.session() as session:
        saved = session.scalars(select(ExerciseSession)).one()
        tilt = saved.items[0]
        assert (tilt.level, tilt.reps_done, tilt.asked_easier) == (1, 5, True)


def test_a_finished_session_celebrates_once_and_says_what_comes_next(
    app_server: str, phone: Any, axe: Axe, shoot: Shoot
) -> None:
    _ready_to_exercise(phone, app_server, "done@example.org")
    _open_player(phone, app_server)
    phone.get_by_role("button", name="Start", exact=True).click()

    _run_until(phone, "done")
    phone.wait_for_selector("#player[data-saved=saved-final]")

    expect(phone.get_by_role("heading", name="Session complete")).to_be_visible()
    assert phone.locator("main").inner_text().count("Session complete") == 1
    expect(phone.get_by_text("Well done!")).to_be_visible()
    expect(phone.locator("#done-summary li")).to_have_count(4)
    expect(phone.locator("#done-summary")).to_contain_text("Pelvic tilt: 10 reps of 10, all done")
    expect(phone.get_by_role("heading", name="What comes next")).to_be_visible()
    expect(phone.get_by_role("link", name="Back to Today").first).to_be_visible()
    expect(phone.locator("#save-status")).to_have_text("Your session is saved in your diary.")
    axe(phone)
    shoot(phone, "36-player-done")
