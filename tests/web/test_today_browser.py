"""A real browser on Today with automatic changes off: a suggested step up (10 to 12 pelvic tilts
after two good sessions, clinical-spec.md §4.2) is accepted with its button, and Home points to
Today once the safety check is done. Checked with axe-core and photographed at 360 and 1280 px
(/tmp/shots/)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import expect
from sqlalchemy import select

from sciatica_care.store.models import Patient
from tests.web.conftest import Axe, Shoot
from tests.web.test_accept_suggestion import (
    REASON_12,
    two_good_tilt_sessions_with_automatic_changes_off,
)
from tests.web.test_player_browser import _answer_no_everywhere, _sign_up

pytestmark = pytest.mark.browser


def _step_up_waiting(app: FastAPI, email: str) -> None:
    """Straight into the server's store: two good pelvic-tilt sessions, so 12 reps wait."""
    with app.state.db.session() as session:
        patient_id = session.scalars(select(Patient.id).where(Patient.email == email)).one()
    updates = two_good_tilt_sessions_with_automatic_changes_off(app.state.db, patient_id)
    [last] = updates[-1].decisions
    assert (last.decision.action.value, last.status) == ("PROGRESS", "suggested")


def test_home_points_to_today_and_a_suggested_change_is_accepted_on_today(
    app_server: str, server_app: FastAPI, page: Any, axe: Axe, shoot: Shoot
) -> None:
    _sign_up(page, app_server, "dan@example.org")
    _answer_no_everywhere(page)
    page.get_by_role("button", name="See what to do").click()
    page.wait_for_url("**/screening/**")
    _step_up_waiting(server_app, "dan@example.org")

    page.goto(app_server + "/")
    axe(page)
    page.get_by_role("link", name="Go to Today").click()

    page.wait_for_url("**/today")
    expect(page.get_by_role("heading", name="Suggested changes")).to_be_visible()
    expect(page.get_by_text(f"Pelvic tilt: {REASON_12}")).to_be_visible()
    expect(page.get_by_role("link", name="Sciatica bother score")).to_be_visible()
    expect(page.get_by_role("link", name="Use heat or cold with a timer")).to_be_visible()
    axe(page)
    shoot(page, "19-today-suggestion")
    page.get_by_role("button", name="Accept the change for Pelvic tilt").click()

    page.wait_for_url("**/today")
    expect(page.get_by_text(f"Accepted for Pelvic tilt: {REASON_12}")).to_be_visible()
    expect(page.get_by_role("heading", name="Suggested changes")).to_have_count(0)
    expect(page.get_by_text("12 reps, hold 3 s", exact=False)).to_be_visible()
    axe(page)
    shoot(page, "20-today-accepted")
