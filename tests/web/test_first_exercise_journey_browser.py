"""From the landing page to the first exercise running, counted in taps (issue 9 item 1).

A person with no warning sign signs up, saves the recovery code, answers the safety check as a
short conversation and starts the first session: at most 15 taps (a click, a tick or a choice is
one tap; a text field filled is one tap). On every onboarding screen, at 360×780 and 1280×800, the
button that moves on is on screen without scrolling, axe finds nothing serious, and a screenshot
is saved under /tmp/shots/. A second journey answers yes to an emergency question in the middle of
the conversation: the emergency comes at once, before the next question.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import PASSWORD, Axe, Shoot

pytestmark = pytest.mark.browser

MAX_TAPS = 15
SCREENS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(params=sorted(SCREENS))
def screen(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A page at 360×780 (the phone of the issue) and at 1280×800."""
    context = browser.new_context(viewport=SCREENS[request.param])
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


class Journey:
    """Counts taps, and checks and photographs each screen on the way."""

    def __init__(self, page: Any, axe: Axe, shoot: Shoot, name: str) -> None:
        self.page, self.axe, self.shoot, self.name = page, axe, shoot, name
        self.taps = 0
        self.screens = 0

    def tap(self, target: Any) -> None:
        target.click()
        self.taps += 1

    def fill(self, target: Any, text: str) -> None:
        target.fill(text)
        self.taps += 1

    def on_screen(self, what: str, primary: Any) -> None:
        """The screen is ready: its primary button shows without scrolling; axe; a screenshot."""
        expect(primary).to_be_visible()
        box = primary.bounding_box()
        height = self.page.viewport_size["height"]
        scrolled = self.page.evaluate("() => window.scrollY")
        assert scrolled == 0, f"{what}: the page opened scrolled by {scrolled} px"
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, (
            f"{what}: the button is outside the first {height} px ({box})"
        )
        self.axe(self.page)
        self.screens += 1
        self.shoot(self.page, f"journey-{self.name}-{self.screens:02d}-{what}")


def _button(page: Any, name: str | re.Pattern[str]) -> Any:
    return page.get_by_role("button", name=name, exact=isinstance(name, str))


def _sign_up(journey: Journey, email: str) -> None:
    page = journey.page
    start = page.get_by_role("main").get_by_role("link", name="Create an account")
    journey.on_screen("landing", start)
    journey.tap(start)

    page.wait_for_url("**/signup")
    create = _button(page, "I understand — create account")
    journey.on_screen("sign-up", create)
    journey.fill(page.get_by_label("Email address"), email)
    journey.fill(page.get_by_label("Password"), PASSWORD)
    journey.tap(create)

    page.wait_for_url("**/recovery-code")
    expect(page.locator("#recovery-code")).to_have_text(re.compile(r"^(\w{4}-){3}\w{4}$"))
    saved = _button(page, "I have saved it — continue")
    journey.on_screen("recovery-code", saved)
    journey.tap(saved)
    page.wait_for_url("**/screening")


def test_no_warning_sign_reaches_the_first_exercise_in_at_most_15_taps(
    app_server: str, screen: Any, axe: Axe, shoot: Shoot
) -> None:
    page = screen
    width = page.viewport_size["width"]
    journey = Journey(page, axe, shoot, "calm")
    page.goto(app_server + "/")
    _sign_up(journey, f"calm{width}@example.org")

    for n, heading in enumerate(
        ("Do you have any of these?", "Weakness and your health", "How it started"), 1
    ):
        expect(page.get_by_text(f"{n} of 4", exact=True)).to_be_visible()
        expect(page.get_by_role("heading", level=2, name=re.compile(heading))).to_be_visible()
        none = _button(page, "None of these")
        journey.on_screen(f"safety-{n}", none)
        journey.tap(none)

    expect(page.get_by_text("4 of 4", exact=True)).to_be_visible()
    send = _button(page, "See what to do")
    journey.on_screen("safety-4", send)
    journey.fill(page.get_by_label("How old are you, in years?"), "44")
    journey.tap(page.locator("label[for='S2_leg-5']"))
    journey.tap(page.locator("label[for='S2_back-3']"))
    journey.tap(send)

    page.wait_for_url(re.compile(r"/screening/\d+$"))
    expect(
        page.get_by_role("heading", name="None of your answers is a warning sign.")
    ).to_be_visible()
    expect(page.get_by_text("What do you want to get back to?")).to_be_visible()
    start = _button(page, "Start my first session")
    journey.on_screen("result", start)
    journey.tap(start)

    page.wait_for_url("**/session")
    journey.tap(_button(page, re.compile("^Start")))
    go = _button(page, "I am in position: go")
    journey.tap(go)
    expect(go).to_be_hidden()
    expect(_button(page, re.compile("^Stop"))).to_be_visible()
    shoot(page, "journey-calm-first-exercise")

    assert journey.taps <= MAX_TAPS, f"{journey.taps} taps from the landing page"


@pytest.mark.parametrize("screen", ["phone"], indirect=True)  # the layouts: the 15-tap story
def test_an_emergency_answer_mid_conversation_interrupts_at_once(
    app_server: str, screen: Any, axe: Axe, shoot: Shoot
) -> None:
    page = screen
    width = page.viewport_size["width"]
    journey = Journey(page, axe, shoot, "emergency")
    page.goto(app_server + "/")
    _sign_up(journey, f"urgent{width}@example.org")
    journey.tap(_button(page, "None of these"))

    journey.tap(_button(page, "Yes, or not sure"))  # page 2: weakness and your health
    expect(page.get_by_role("radio", name="Yes").first).to_be_visible()
    page.locator("#q-Q8 label[for='Q8-no']").click()
    page.locator("#q-Q9 label[for='Q9-no']").click()
    page.locator("#q-Q10 label[for='Q10']").click()  # both hands clumsy: yes

    emergency = page.locator("#so-far-emergency")
    expect(emergency).to_be_visible()
    expect(emergency).to_be_focused()
    expect(emergency).to_contain_text("You said both hands are newly clumsy")
    # The browser's language is en-US: its country's number first, 112 always (§9 ruling 10).
    expect(emergency.get_by_role("link", name="Call 911")).to_be_visible()
    expect(emergency.get_by_role("link", name="Call 112")).to_be_visible()
    assert page.evaluate(
        """() => !!(document.getElementById('q-Q10').compareDocumentPosition(
            document.getElementById('so-far')) & Node.DOCUMENT_POSITION_FOLLOWING)"""
    )
    expect(page.locator("#q-Q11")).to_be_visible()  # the rest stays for the clinician
    axe(page)
    shoot(page, "journey-emergency-inline")

    _button(page, "Stop here and save my answers").click()
    page.wait_for_url(re.compile(r"/screening/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Go to an emergency department now, or call your emergency number."
    )
    axe(page)
    shoot(page, "journey-emergency-page")


def test_next_asks_for_what_is_missing_and_back_keeps_the_answers(
    app_server: str, screen: Any
) -> None:
    page = screen
    page.goto(app_server + "/signup")
    page.get_by_label("Email address").fill(f"back{page.viewport_size['width']}@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    _button(page, "I understand — create account").click()
    _button(page, "I have saved it — continue").click()
    page.wait_for_url("**/screening")

    _button(page, "Yes, or not sure").click()
    page.locator("label[for='Q1-no']").click()
    _button(page, "Next").click()
    problem = page.get_by_role("alert")
    expect(problem).to_have_text("Please answer every question on this page to go on.")
    expect(page.locator("#Q2")).to_be_focused()
    expect(page.get_by_text("1 of 4", exact=True)).to_be_visible()

    for item in ("Q2", "Q3", "Q4", "Q5", "Q6", "Q7"):
        page.locator(f"label[for='{item}-no']").click()
    _button(page, "Next").click()
    expect(page.get_by_text("2 of 4", exact=True)).to_be_visible()
    _button(page, "Back").click()
    expect(page.get_by_text("1 of 4", exact=True)).to_be_visible()
    expect(page.locator("#Q1-no")).to_be_checked()


def test_without_javascript_the_whole_check_is_one_form_that_still_works(
    app_server: str, browser: Any
) -> None:
    context = browser.new_context(viewport=SCREENS["phone"], java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(app_server + "/signup")
        page.get_by_label("Email address").fill("nojs@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        _button(page, "I understand — create account").click()
        _button(page, "I have saved it — continue").click()
        page.wait_for_url("**/screening")

        for group in ("nerves", "weakness", "course"):
            page.locator(f"label[for='group_{group}']").click()  # None of these
        page.get_by_label("How old are you, in years?").fill("44")
        page.locator("label[for='S2_leg-5']").click()
        page.locator("label[for='S2_back-3']").click()
        page.locator("label[for='S1_left_pain-4']").click()  # the lists under the figure
        _button(page, "See what to do").click()

        page.wait_for_url(re.compile(r"/screening/\d+$"))
        expect(
            page.get_by_role("heading", name="None of your answers is a warning sign.")
        ).to_be_visible()
    finally:
        context.close()


def test_the_body_map_is_the_tappable_figure_and_both_legs_interrupt_at_once(
    app_server: str, screen: Any, axe: Axe, shoot: Shoot
) -> None:
    page = screen
    page.goto(app_server + "/signup")
    page.get_by_label("Email address").fill(f"map{page.viewport_size['width']}@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    _button(page, "I understand — create account").click()
    _button(page, "I have saved it — continue").click()
    for _ in range(3):
        _button(page, "None of these").click()
    figure = page.locator("svg.bodymap-figure")

    figure.locator('polygon.zone[data-side="left"][data-zone="4"]').first.click()
    expect(page.locator("#S1_left_pain-4")).to_be_checked()
    expect(figure.locator("polygon.zone.pain-on")).not_to_have_count(0)
    expect(page.locator("#so-far-emergency")).to_be_hidden()

    figure.locator('polygon.zone[data-side="right"][data-zone="3"]').first.click()
    emergency = page.locator("#so-far-emergency")
    expect(emergency).to_be_visible()
    expect(emergency).to_contain_text("Your body map shows pain or numbness in both legs.")
    axe(page)
    shoot(page, "journey-body-map-both-legs")
