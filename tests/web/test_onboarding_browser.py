"""A real browser: sign up (acknowledging the disclaimer on the same page, clinical-spec.md §7.6),
save the recovery code, land on the safety check, where a yes to an emergency question shows the
emergency at once (§7.2).

Every page on the way is checked with axe-core and photographed at 360 and 1280 px (/tmp/shots/).
The whole journey to the first exercise, counted in taps, is test_first_exercise_journey_browser.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from sciatica_care.web.templating import NAV_ITEMS
from tests.web.conftest import PASSWORD, Axe, Shoot

pytestmark = pytest.mark.browser


CREATE = "I understand — create account"
SAVED = "I have saved it — continue"


def _sign_up(page: Any, base: str, email: str) -> None:
    page.goto(base + "/signup")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=CREATE).click()
    page.get_by_role("button", name=SAVED).click()
    page.wait_for_url("**/screening")


def test_sign_up_then_disclaimer_then_the_safety_check(
    app_server: str, page: Any, axe: Axe, shoot: Shoot
) -> None:
    page.goto(app_server + "/")
    axe(page)
    shoot(page, "01-home")
    page.get_by_role("main").get_by_role("link", name="Create an account").click()

    page.wait_for_url("**/signup")
    axe(page)
    page.get_by_label("Email address").fill("ann@example.org")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name=CREATE).click()

    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Password").input_value() == ""
    assert page.get_by_label("Email address").input_value() == "ann@example.org"
    axe(page)
    shoot(page, "02-signup-errors")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=CREATE).click()

    page.wait_for_url("**/recovery-code")
    assert page.get_by_role("heading", name="Save your recovery code").is_visible()
    expect(page.locator("#recovery-code")).to_have_text(re.compile(r"^(\w{4}-){3}\w{4}$"))
    axe(page)
    shoot(page, "03a-recovery-code")
    page.get_by_role("button", name=SAVED).click()

    page.wait_for_url("**/screening")  # the disclaimer was acknowledged on the sign-up page
    assert page.get_by_role("heading", level=1).is_visible()
    # the conversation keeps the person's attention: no site navigation competing with it
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    axe(page)
    shoot(page, "04-next-step")

    page.goto(app_server + "/settings")
    assert page.get_by_role("navigation", name="Main").get_by_role("link").count() >= 1
    axe(page)
    shoot(page, "05-settings")


def test_the_full_navigation_fits_a_phone(
    app_server: str, page: Any, axe: Axe, shoot: Shoot
) -> None:
    _sign_up(page, app_server, "nav@example.org")
    page.goto(app_server + "/settings")

    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    assert links.all_inner_texts() == [item.label for item in NAV_ITEMS]
    for link in links.all():
        box = link.bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0
        assert box["x"] + box["width"] <= page.viewport_size["width"]
    axe(page)
    shoot(page, "06-full-nav")


def test_pages_fit_the_screen_without_sideways_scrolling(app_server: str, page: Any) -> None:
    for path in ("/", "/signup", "/login", "/no-such-page"):
        page.goto(app_server + path)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path


def test_touch_targets_are_at_least_44_px(app_server: str, page: Any) -> None:
    page.goto(app_server + "/signup")
    small = page.evaluate(
        """() => [...document.querySelectorAll('button, .button, input, .top-link, .nav a')]
            .filter(el => el.type !== 'hidden')
            .map(el => [el.outerHTML.slice(0, 60), el.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)"""
    )
    assert small == []


def test_keyboard_users_can_skip_to_the_content_and_see_focus(app_server: str, page: Any) -> None:
    page.goto(app_server + "/login")
    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.bounding_box()["y"] >= 0  # on screen when focused
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"


UNLOCK_QUESTION = (
    "Has a doctor checked you for this since it started, and is it no worse and no different since?"
)


def _follows(page: Any, first: str, second: str) -> bool:
    """Whether element ``#second`` comes after ``#first`` in the page."""
    return bool(
        page.evaluate(
            """([a, b]) => !!(document.getElementById(a).compareDocumentPosition(
                document.getElementById(b)) & Node.DOCUMENT_POSITION_FOLLOWING)""",
            [first, second],
        )
    )


@pytest.mark.parametrize("page", ["phone"], indirect=True)  # layouts: the sign-up story
def test_a_yes_to_question_1_shows_the_emergency_before_the_next_question(
    app_server: str, page: Any, axe: Axe, shoot: Shoot
) -> None:
    _sign_up(page, app_server, "eve@example.org")
    page.get_by_role("button", name="Yes, or not sure").click()  # "Do you have any of these?"
    page.check("#Q1")  # yes

    emergency = page.locator("#so-far-emergency")
    expect(emergency).to_be_visible()
    expect(emergency.get_by_role("heading", level=2)).to_have_text(
        "Go to an emergency department now, or call your emergency number."
    )
    expect(emergency).to_contain_text("Why: You said there is numbness or pins and needles")
    # The browser's language is en-US: its country's number first, 112 always (§9 ruling 10).
    expect(emergency.get_by_role("link", name="Call 911")).to_be_visible()
    expect(emergency.get_by_role("link", name="Call 112")).to_be_visible()
    expect(emergency).to_be_focused()
    assert _follows(page, "q-Q1", "so-far") and _follows(page, "so-far", "q-Q2")
    # the "already checked" follow-up of the Q1-Q7 block, naming the answer (§9 ruling 1)
    assessed = page.locator("#so-far #q-CES_ASSESSED")
    expect(assessed).to_be_visible()
    expect(assessed).to_contain_text(UNLOCK_QUESTION)
    expect(assessed).to_contain_text("numbness or pins and needles between your legs")
    axe(page)
    shoot(page, "07-emergency-inline")

    page.check("#CES_ASSESSED")  # yes: checked by a doctor, no worse: not an emergency now
    expect(emergency).to_be_hidden()
    expect(assessed).to_be_visible()
    page.check("#CES_ASSESSED-unsure")  # not sure counts as no: the emergency again
    expect(emergency).to_be_visible()

    page.get_by_role("button", name="Stop here and save my answers").click()
    page.wait_for_url("**/screening/*")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Go to an emergency department now, or call your emergency number."
    )
    expect(page.get_by_text(UNLOCK_QUESTION)).to_be_visible()
    axe(page)
    shoot(page, "08-emergency-page")
