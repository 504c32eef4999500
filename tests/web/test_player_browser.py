"""A real browser from Today through a guided session stopped for pain, a pain check with new
numbness, and the emergency lock. Each page is checked with axe-core and photographed at 360 and
1280 px (/tmp/shots/). The safety check's own screens are tested in the onboarding journey."""

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

FAST = 100
"""How many times faster than real time the player's clock runs once the hold is photographed."""


@pytest.fixture(params=["phone", "desktop"])
def page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """360 × 740 and 1280 × 800, under the app's Content-Security-Policy."""
    size = {"phone": (360, 740), "desktop": (1280, 800)}[request.param]
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _sign_up(page: Any, base: str, email: str, **answers: Any) -> None:
    """Sign up, accept the disclaimer and answer the safety check through the API (the screens
    before the player are other tests' subject); the browser keeps the session cookie."""
    created = page.request.post(base + "/api/accounts", data={"email": email, "password": PASSWORD})
    assert created.ok, created.text()
    headers = {"X-CSRF-Token": created.json()["csrf_token"]}
    assert page.request.post(base + "/api/me/disclaimer", headers=headers).ok
    screened = page.request.post(
        base + "/api/screenings", data=calm_answers(**answers), headers=headers
    )
    assert screened.ok, screened.text()


def test_first_session_stopped_for_pain_is_saved(
    app_server: str, server_app: FastAPI, page: Any, axe: Axe, shoot: Shoot
) -> None:
    _sign_up(page, app_server, "ann@example.org")
    page.goto(app_server + "/today")
    expect(page.get_by_role("link", name="Pelvic tilt")).to_be_visible()
    axe(page)
    shoot(page, "11-today")
    page.get_by_role("link", name=re.compile("^Start")).first.click()

    page.wait_for_url("**/session")
    page.wait_for_selector("#player[data-ready=true]")
    axe(page)
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_role("heading", name="Pelvic tilt")).to_be_visible()
    expect(page.get_by_role("button", name="Stop", exact=True)).to_be_visible()
    axe(page)
    page.get_by_role("button", name="I am in position: go").click()

    page.wait_for_function("() => document.getElementById('timed-prompt').textContent === 'Hold'")
    assert page.locator("#timed-countdown").inner_text() in ("1", "2", "3")
    assert page.locator("#announce").get_attribute("aria-live") == "polite"
    shoot(page, "12-player-hold")
    axe(page)
    page.evaluate(f"window.__SCIATICA_SPEED = {FAST}")

    page.wait_for_selector("#view-pain:not([hidden])", timeout=20_000)
    expect(page.get_by_role("heading", name="Pain check")).to_be_visible()
    axe(page)
    shoot(page, "13-pain-check")
    page.check("#pain-8")
    page.check("#spread-no")
    page.check("#numbness-no")
    page.get_by_role("button", name="Save and go on").click()

    alert = page.get_by_role("alert").filter(has_text="Stop. Pain that spreads down your leg")
    expect(alert).to_be_visible()
    page.wait_for_selector("#player[data-saved=saved-final]")
    axe(page)
    shoot(page, "14-stopped")
    with server_app.state.db.session() as session:
        saved = session.scalars(select(ExerciseSession)).one()
        assert saved.status == "stopped"
        assert saved.stop_reason == "pain"
        assert saved.stop_note == "pain 8/10 after Pelvic tilt"
        assert [(i.exercise_id, i.reps_done, i.pain) for i in saved.items] == [
            ("pelvic-tilt", 10, 8)
        ]


def test_new_numbness_at_the_pain_check_stops_and_points_to_the_safety_questions(
    app_server: str, server_app: FastAPI, page: Any, axe: Axe
) -> None:
    _sign_up(page, app_server, "cat@example.org")
    page.goto(app_server + f"/session?speed={FAST}")
    page.wait_for_selector("#player[data-ready=true]")
    page.get_by_role("button", name="Start", exact=True).click()
    page.get_by_role("button", name="I am in position: go").click()
    page.wait_for_selector("#view-pain:not([hidden])", timeout=20_000)

    page.check("#pain-2")
    page.check("#spread-no")
    page.get_by_role("button", name="Save and go on").click()
    expect(page.get_by_role("link", name=re.compile("any new numbness"))).to_be_visible()
    page.check("#numbness-yes")
    page.get_by_role("button", name="Save and go on").click()

    alert = page.get_by_role("alert").filter(has_text="Answer the safety questions now")
    expect(alert).to_be_visible()
    expect(page.locator("#stopped-message")).to_be_hidden()
    expect(alert.get_by_role("link", name="Answer the safety questions")).to_be_visible()
    page.wait_for_selector("#player[data-saved=saved-final]")
    axe(page)
    with server_app.state.db.session() as session:
        saved = session.scalars(select(ExerciseSession)).one()
        assert saved.stop_reason == "new_numbness_or_weakness"
        assert [(i.pain, i.spread_down_leg, i.new_numbness_or_weakness) for i in saved.items] == [
            (2, False, True)
        ]


def test_an_emergency_answer_locks_the_player_behind_the_emergency_screen(
    app_server: str, page: Any, axe: Axe, shoot: Shoot
) -> None:
    _sign_up(page, app_server, "bob@example.org", Q1="yes", CES_ASSESSED="no")

    page.goto(app_server + "/session")

    call = page.get_by_role("link", name="Call 999")
    expect(call).to_be_visible()
    assert call.get_attribute("href") == "tel:999"
    assert call.bounding_box()["height"] >= 44
    assert page.locator("#player").count() == 0
    axe(page)
    shoot(page, "15-emergency")


def test_learning_and_exercise_pages_are_accessible_and_fit_a_phone(
    app_server: str, page: Any, axe: Axe, shoot: Shoot
) -> None:
    for path, name in (
        ("/learn", "16-learn"),
        ("/learn/what-is-sciatica", "17-learn-topic"),
        ("/exercises/knee-to-chest", "18-exercise"),
    ):
        page.goto(app_server + path)
        axe(page)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path
        shoot(page, name)
