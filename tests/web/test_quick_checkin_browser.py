"""A check-in in 30 seconds (issue 9 item 4), in a real browser on a 360 × 780 phone.

When nothing changed it fits in two phone screens: the two pain scales, "same as yesterday" for the
body map and the grouped safety question "Any of these today?" (clinical-spec.md §9 ruling 11).
The body map's zones are thumb-sized and marking the calf fills the way down the leg (§6). Pages
are checked with axe-core and photographed under /tmp/shots/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import PASSWORD, SHOTS_DIR, Axe, Shoot
from tests.web.diary_entries import calm_checkin
from tests.web.safety_check import calm_answers

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 780}


def _context(browser: Any, viewport: dict[str, int], **options: Any) -> Any:
    """A browser context under the app's Content-Security-Policy, as a person's browser is."""
    context = browser.new_context(viewport=viewport, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A page on a 360 × 780 phone screen."""
    context = _context(browser, PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture(params=["phone", "desktop"])
def screen(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A page on a 360 × 780 phone and on a 1280 × 800 desktop screen."""
    viewport = PHONE if request.param == "phone" else {"width": 1280, "height": 800}
    context = _context(browser, viewport)
    yield context.new_page()
    context.close()


def _sign_up(page: Any, base: str, email: str) -> str:
    created = page.request.post(base + "/api/accounts", data={"email": email, "password": PASSWORD})
    token: str = created.json()["csrf_token"]
    page.request.post(base + "/api/me/disclaimer", headers={"X-CSRF-Token": token})
    return token


def _screened(page: Any, base: str, token: str) -> None:
    """A returning person: the safety check is done and calm (the program is open)."""
    saved = page.request.post(
        base + "/api/screenings", data=calm_answers(), headers={"X-CSRF-Token": token}
    )
    assert saved.status == 201, saved.text()


def _yesterday_entry(page: Any, base: str, token: str) -> dict[str, Any]:
    """Yesterday's check-in: pain down the left leg to the calf, numbness in the left foot."""
    page.goto(base + "/check-in")
    today = dt.date.fromisoformat(page.locator('input[name="day"]').input_value())
    zones = {"left": {"pain": 4, "numbness": 5}, "right": {"pain": 0, "numbness": 0}}
    body = calm_checkin(day=(today - dt.timedelta(days=1)).isoformat(), zones=zones)
    saved = page.request.post(base + "/api/checkins", data=body, headers={"X-CSRF-Token": token})
    assert saved.status == 201, saved.text()
    return zones


def test_nothing_changed_is_five_taps_on_two_phone_screens(
    app_server: str, phone: Any, axe: Axe, shoot: Shoot
) -> None:
    token = _sign_up(phone, app_server, "quick@example.org")
    _screened(phone, app_server, token)
    zones = _yesterday_entry(phone, app_server, token)
    phone.goto(app_server + "/check-in")
    expect(phone.locator("svg.bodymap-figure")).to_be_hidden()  # the map waits for "changed"
    expect(phone.locator("#daily-detail")).to_be_hidden()  # the seven questions wait for a yes
    axe(phone)
    shoot(phone, "quick-1-empty")

    taps = [
        phone.locator('label[for="leg_pain-3"]'),
        phone.locator('label[for="back_pain-2"]'),
        phone.get_by_text("Same as yesterday", exact=True),
        phone.get_by_text("No, none of these", exact=True),
    ]
    for tap in taps:
        tap.click()

    save = phone.get_by_role("button", name="Save check-in")
    bottom = phone.evaluate(
        "() => document.getElementById('save-checkin').getBoundingClientRect().bottom"
        " + window.scrollY"
    )
    assert bottom <= 2 * PHONE["height"], f"the Save button ends {bottom} px down the page"
    expect(phone.locator("svg.bodymap-figure")).to_be_hidden()
    axe(phone)
    shoot(phone, "quick-2-same-as-yesterday")
    save.click()  # the fifth tap

    phone.wait_for_url("**/check-in/*")
    expect(phone.get_by_role("heading", name="Check-in saved")).to_be_visible()
    expect(phone.get_by_text("pain reaches your knee or calf")).to_be_visible()
    axe(phone)
    shoot(phone, "quick-3-saved")
    entries = phone.request.get(app_server + "/api/checkins").json()
    assert len(entries) == 2
    assert entries[-1]["zones"] == zones  # yesterday's map, copied
    assert entries[-1]["red_flags"] == {f"Q{n}": "no" for n in range(1, 8)}
    assert (entries[-1]["leg_pain"], entries[-1]["back_pain"]) == (3, 2)


def test_every_zone_is_a_thumb_sized_target_and_the_calf_fills_the_way_down(
    app_server: str, phone: Any, axe: Axe, shoot: Shoot
) -> None:
    _sign_up(phone, app_server, "zones@example.org")
    phone.goto(app_server + "/check-in")  # no yesterday: the map is open, no "same" offered
    expect(phone.get_by_text("Same as yesterday", exact=True)).to_have_count(0)
    zones = phone.locator("svg.bodymap-figure polygon.zone")
    expect(zones).to_have_count(10)
    for n in range(10):
        box = zones.nth(n).bounding_box()
        assert box is not None and box["width"] >= 44 and box["height"] >= 44, box
    expect(phone.locator("#left_pain")).to_be_hidden()  # the lists are folded, not gone
    expect(phone.get_by_text("Choose from lists instead")).to_be_visible()

    phone.locator('polygon.zone[data-side="left"][data-zone="4"]').click()

    expect(phone.locator("#left_pain-4")).to_be_checked()
    filled = phone.locator('polygon.zone[data-side="left"].pain-path')
    expect(filled).to_have_count(2)
    assert {filled.nth(n).get_attribute("data-zone") for n in range(2)} == {"2", "3"}
    expect(phone.locator('polygon.zone.pain-on[data-side="left"][data-zone="4"]')).to_have_count(1)
    expect(phone.locator('polygon.zone[data-zone="1"].pain-path')).to_have_count(0)
    expect(phone.locator('polygon.zone[data-side="right"].pain-path')).to_have_count(0)

    phone.get_by_text("Numbness or pins and needles", exact=True).click()
    phone.locator('polygon.zone[data-side="right"][data-zone="3"]').click()
    expect(phone.locator("#right_numbness-3")).to_be_checked()
    expect(phone.locator('polygon.numb-overlay.numb-path[data-side="right"]')).to_have_count(1)
    axe(phone)
    shoot(phone, "quick-4-body-map-calf")
    phone.locator("[data-bodymap]").screenshot(path=str(SHOTS_DIR / "quick-4-figure-360.png"))

    phone.get_by_text("Pain", exact=True).click()
    phone.locator('polygon.zone[data-side="left"][data-zone="4"]').click()  # again: cleared
    expect(phone.locator("#left_pain")).to_be_checked()
    expect(phone.locator('polygon.zone[data-side="left"].pain-path')).to_have_count(0)


def test_a_yes_opens_the_seven_questions_and_the_emergency_comes_at_once(
    app_server: str, phone: Any, axe: Axe, shoot: Shoot
) -> None:
    _sign_up(phone, app_server, "yes@example.org")
    phone.goto(app_server + "/check-in")
    phone.locator('label[for="leg_pain-5"]').click()
    phone.locator('label[for="back_pain-3"]').click()

    phone.get_by_text("Yes, or not sure", exact=True).click()

    expect(phone.locator("#daily-detail")).to_be_visible()
    expect(phone.locator("#group-CES_ASSESSED")).to_be_hidden()
    phone.locator('label[for="Q3"]').click()  # yes: trouble starting or stopping peeing
    expect(phone.locator("#group-CES_ASSESSED")).to_be_visible()
    axe(phone)
    shoot(phone, "quick-5-yes")
    phone.get_by_role("button", name="Save check-in").click()

    expect(phone.get_by_role("heading", level=1)).to_contain_text("emergency department now")
    [entry] = phone.request.get(app_server + "/api/checkins").json()
    assert entry["daily_action"] == "EMERGENCY_NOW"
    assert entry["red_flags"]["Q3"] == "yes" and entry["red_flags"]["Q1"] == "no"
    axe(phone)
    shoot(phone, "quick-6-emergency")


def test_no_then_changed_mind_clears_the_detail(app_server: str, phone: Any) -> None:
    """Switching back to "No" clears the detail answers, so a hidden yes is never sent."""
    _sign_up(phone, app_server, "undo@example.org")
    phone.goto(app_server + "/check-in")
    phone.locator('label[for="leg_pain-2"]').click()
    phone.locator('label[for="back_pain-2"]').click()
    phone.get_by_text("Yes, or not sure", exact=True).click()
    phone.locator('label[for="Q2"]').click()

    phone.get_by_text("No, none of these", exact=True).click()

    expect(phone.locator("#daily-detail")).to_be_hidden()
    expect(phone.locator("#Q2")).not_to_be_checked()
    phone.get_by_role("button", name="Save check-in").click()
    phone.wait_for_url("**/check-in/*")
    expect(phone.get_by_role("heading", name="Check-in saved")).to_be_visible()


def test_without_javascript_the_check_in_still_works(app_server: str, browser: Any) -> None:
    """No script: the lists and the seven questions are on the page; "same" is copied on the server."""
    context = _context(browser, PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        token = _sign_up(page, app_server, "nojs@example.org")
        zones = _yesterday_entry(page, app_server, token)
        page.goto(app_server + "/check-in")
        expect(page.locator("#daily-detail")).to_be_visible()
        expect(page.locator("#left_pain-4")).to_be_checked()  # starts from yesterday
        page.locator('label[for="leg_pain-4"]').click()
        page.locator('label[for="back_pain-1"]').click()
        page.locator('label[for="left_pain-2"]').click()  # ignored: "same" wins on the server
        page.get_by_text("Same as yesterday", exact=True).click()
        page.get_by_text("No, none of these", exact=True).click()
        page.screenshot(path=str(SHOTS_DIR / "quick-9-no-javascript-360.png"), full_page=True)
        page.get_by_role("button", name="Save check-in").click()

        expect(page.get_by_role("heading", name="Check-in saved")).to_be_visible()
        entries = page.request.get(app_server + "/api/checkins").json()
        assert entries[-1]["zones"] == zones
    finally:
        context.close()


def test_it_has_changed_opens_the_map_at_yesterdays_marks(
    app_server: str, screen: Any, axe: Axe, shoot: Shoot
) -> None:
    """Phone and desktop: "It has changed" shows the figure, starting from yesterday's map."""
    token = _sign_up(screen, app_server, "changed@example.org")
    _screened(screen, app_server, token)
    _yesterday_entry(screen, app_server, token)
    screen.goto(app_server + "/check-in")

    screen.get_by_text("It has changed", exact=True).click()

    expect(screen.locator("svg.bodymap-figure")).to_be_visible()
    expect(screen.locator('polygon.zone.pain-on[data-side="left"][data-zone="4"]')).to_have_count(1)
    expect(
        screen.locator('polygon.numb-overlay.numb-on[data-side="left"][data-zone="5"]')
    ).to_have_count(1)
    screen.locator('polygon.zone[data-side="left"][data-zone="3"]').click()  # better: the thigh
    expect(screen.locator("#left_pain-3")).to_be_checked()
    screen.locator('label[for="leg_pain-2"]').click()
    screen.locator('label[for="back_pain-2"]').click()
    screen.get_by_text("No, none of these", exact=True).click()
    axe(screen)
    shoot(screen, "quick-7-changed")
    screen.get_by_role("button", name="Save check-in").click()

    screen.wait_for_url("**/check-in/*")
    expect(screen.get_by_text("pain reaches your thigh")).to_be_visible()
    shoot(screen, "quick-8-changed-saved")
