"""A real browser through the whole first visit: safety check, Today, a guided session stopped
for pain; and the emergency screen. Each page is checked with axe-core and photographed at 360
and 1280 px (/tmp/shots/)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import expect
from sqlalchemy import select

from sciatica_care.store.models import ExerciseSession
from tests.web.conftest import PASSWORD, Axe, Shoot

pytestmark = pytest.mark.browser

FAST = 100
"""How many times faster than real time the player's clock runs once the hold is photographed."""


def _sign_up(page: Any, base: str, email: str) -> None:
    page.goto(base + "/signup")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_label("I have saved my recovery code").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/screening")


def _answer_no_everywhere(page: Any) -> None:
    page.evaluate(
        """() => document.querySelectorAll('fieldset.question:not([hidden])').forEach(fs => {
            const no = fs.querySelector('input[value="no"]');
            if (no) no.checked = true;
        })"""
    )
    page.fill("#age", "44")
    page.check("#S2_leg-5")
    page.check("#S2_back-3")


def test_first_session_stopped_for_pain_is_saved(
    app_server: str, server_app: FastAPI, page: Any, axe: Axe, shoot: Shoot
) -> None:
    _sign_up(page, app_server, "ann@example.org")
    axe(page)
    shoot(page, "10-screening")
    _answer_no_everywhere(page)
    page.check("#S3")  # pain below the knee: yes
    page.get_by_role("button", name="See what to do").click()

    expect(
        page.get_by_role("heading", name="None of your answers is a warning sign.")
    ).to_be_visible()
    expect(page.get_by_text("fit a pattern often seen with sciatica")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="Go to today’s exercises").click()

    page.wait_for_url("**/today")
    expect(page.get_by_role("link", name="Pelvic tilt")).to_be_visible()
    axe(page)
    shoot(page, "11-today")
    page.get_by_role("link", name="Start today’s session").click()

    page.wait_for_url("**/session")
    page.wait_for_selector("#player[data-ready=true]")
    axe(page)
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_role("heading", name="Pelvic tilt")).to_be_visible()
    expect(page.get_by_role("button", name="Stop", exact=True)).to_be_visible()
    axe(page)
    page.get_by_role("button", name="I am in position: go").click()

    page.wait_for_function("document.getElementById('timed-prompt').textContent === 'Hold'")
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
    _answer_no_everywhere(page)
    page.get_by_role("button", name="See what to do").click()
    page.goto(app_server + f"/session?speed={FAST}")
    page.wait_for_selector("#player[data-ready=true]")
    page.get_by_role("button", name="Start", exact=True).click()
    page.get_by_role("button", name="I am in position: go").click()
    page.wait_for_selector("#view-pain:not([hidden])", timeout=20_000)

    page.check("#pain-2")
    page.check("#spread-no")
    page.get_by_role("button", name="Save and go on").click()
    expect(page.get_by_role("link", name=re.compile("any new numbness"))).to_be_visible()
    page.check("#numbness-unsure")  # "not sure" counts as yes (clinical-spec.md §1)
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


def test_an_emergency_answer_is_the_whole_screen(
    app_server: str, page: Any, axe: Axe, shoot: Shoot
) -> None:
    _sign_up(page, app_server, "bob@example.org")
    _answer_no_everywhere(page)
    page.check("#Q1")  # numbness between the legs: yes
    expect(page.locator("#q-CES_ASSESSED")).to_be_visible()  # the follow-up appears
    page.get_by_role("button", name="See what to do").click()

    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text().startswith("Go to an emergency department now")
    call = page.get_by_role("link", name="Call 999")
    assert call.get_attribute("href") == "tel:999"
    assert call.bounding_box()["height"] >= 44
    assert page.get_by_role("navigation", name="Main").count() == 0
    assert "exercise" not in page.locator("main").inner_text().lower()
    axe(page)
    shoot(page, "15-emergency")

    page.goto(app_server + "/today")
    expect(page.get_by_role("link", name="Call 999")).to_be_visible()


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
