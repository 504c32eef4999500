"""A real browser on My progress: the first day (the safety check's pain, no empty charts) and a
year of data (wins first, then charts whose labels stay at 12 px or more on a 360 px phone).
Checked with axe-core and photographed at 360 and 1280 px (/tmp/shots/)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from benchmarks.progress_page import seed_year
from fastapi import FastAPI
from playwright.sync_api import expect

from tests.web.conftest import PASSWORD, Axe, Shoot
from tests.web.safety_check import calm_answers

pytestmark = pytest.mark.browser


def api_sign_up_in_browser(page: Any, base: str, email: str, screen: bool = True) -> int:
    """An account made through the JSON API inside the browser's context (its cookies are the
    page's), the disclaimer acknowledged and, by default, a calm safety check answered."""
    created = page.request.post(base + "/api/accounts", data={"email": email, "password": PASSWORD})
    assert created.ok, created.text()
    me = created.json()
    headers = {"X-CSRF-Token": me["csrf_token"]}
    assert page.request.post(base + "/api/me/disclaimer", headers=headers).ok
    if screen:
        answers = calm_answers(S2_leg=6, S2_back=3)
        saved = page.request.post(base + "/api/screenings", data=answers, headers=headers)
        assert saved.ok, saved.text()
    return int(me["id"])


def _smallest_chart_label_px(page: Any) -> float:
    """The smallest rendered font size of the text in the chart shown (CSS pixels on screen)."""
    smallest: float = page.evaluate(
        """() => {
            const frame = [...document.querySelectorAll('.chart-frame')]
                .find(f => f.offsetParent !== null);
            const svg = frame.querySelector('svg');
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            const sizes = [...svg.querySelectorAll('text')]
                .filter(t => t.textContent.trim())
                .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
            return Math.min(...sizes);
        }"""
    )
    return smallest


def test_the_first_day_shows_the_safety_checks_pain_and_no_empty_charts(
    app_server: str, page: Any, axe: Axe, shoot: Shoot
) -> None:
    api_sign_up_in_browser(page, app_server, "fay@example.org")

    page.goto(app_server + "/progress")

    expect(page.get_by_role("heading", name="Your starting point")).to_be_visible()
    expect(page.get_by_text("6 out of 10")).to_be_visible()
    expect(page.get_by_role("link", name="Record today’s check-in")).to_be_visible()
    expect(page.locator(".chart-frame")).to_have_count(0)
    axe(page)
    shoot(page, "p9-progress-first-day")


def test_a_year_of_data_shows_wins_first_and_readable_charts(
    app_server: str, server_app: FastAPI, page: Any, axe: Axe, shoot: Shoot
) -> None:
    patient_id = api_sign_up_in_browser(page, app_server, "yan@example.org")
    with server_app.state.db.session() as session:
        seed_year(session, patient_id, datetime.now(UTC).date())

    page.goto(app_server + "/progress?days=90", timeout=90_000)  # the first view converts

    wins = page.locator(".wins")
    expect(wins.get_by_text(re.compile(r"sessions? this week"))).to_be_visible()
    expect(wins.get_by_text("minutes moved this week")).to_be_visible()
    expect(wins.get_by_role("img", name="Line of your morning leg pain")).to_be_visible()
    expect(page.get_by_text("Walking to the shop").first).to_be_visible()
    chart = page.locator(".chart-frame svg").locator("visible=true")
    expect(chart).to_have_count(1)
    assert wins.bounding_box()["y"] < chart.bounding_box()["y"]
    assert _smallest_chart_label_px(page) >= 12
    axe(page)
    shoot(page, "p9-progress-year")
