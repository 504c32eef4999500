"""A real browser on Today with automatic changes off: a suggested step up (10 to 12 pelvic tilts
after two good sessions, clinical-spec.md §4.2) is accepted with its button, and Home points to
Today once the safety check is done; the habit (the weekly goal ring, the streak, the program
week) before and after the day's session. Checked with axe-core and photographed at 360 and
1280 px (/tmp/shots/)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import expect
from sqlalchemy import select

from sciatica_care.content.exercises import exercise_library
from sciatica_care.store.models import Patient
from tests.web.conftest import Axe, Shoot
from tests.web.test_accept_suggestion import (
    REASON_12,
    two_good_tilt_sessions_with_automatic_changes_off,
)
from tests.web.test_progress_browser import api_sign_up_in_browser

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
    api_sign_up_in_browser(page, app_server, "dan@example.org")
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


def test_today_shows_the_week_before_and_the_day_done_after_a_session(
    app_server: str, page: Any, axe: Axe, shoot: Shoot
) -> None:
    api_sign_up_in_browser(page, app_server, "tia@example.org")

    page.goto(app_server + "/today")

    expect(
        page.get_by_role("img", name="Sessions on 0 of 7 planned days this week")
    ).to_be_visible()
    expect(page.get_by_text("Week 1", exact=True)).to_be_visible()
    expect(page.get_by_text("Start a streak")).to_be_visible()
    expect(page.get_by_text("Done for today")).to_have_count(0)
    axe(page)
    shoot(page, "p9-today-not-done")

    items = [
        {
            "exercise_id": e.id,
            "level": 2,
            "dose": e.level(2).dose.model_dump(),
            "sides_done": [],
            "reps_done": 10,
            "holds_done": 0,
            "hold_seconds": 0.0,
            "pain": 2,
            "spread_down_leg": False,
            "new_numbness_or_weakness": False,
            "completed": True,
        }
        for e in exercise_library().exercises
    ]
    now = datetime.now(UTC)  # the account's zone is UTC: keep the session on today's date
    started = max(now - timedelta(minutes=12), now.replace(hour=0, minute=0, second=0))
    saved = page.request.post(
        app_server + "/api/sessions",
        data={
            "client_id": str(uuid.uuid4()),
            "started_at": started.isoformat(),
            "final": True,
            "record": {"status": "completed", "elapsed_s": 600.0, "items": items},
        },
        headers={"X-CSRF-Token": _csrf_of(page, app_server)},
    )
    assert saved.ok, saved.text()
    page.reload()

    expect(page.get_by_text("Done for today")).to_be_visible()
    expect(page.get_by_text("You did Pelvic tilt, Knee to chest")).to_be_visible()
    expect(
        page.get_by_role("img", name="Sessions on 1 of 7 planned days this week")
    ).to_be_visible()
    expect(page.get_by_text("1 day", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Do a second session")).to_be_visible()
    axe(page)
    shoot(page, "p9-today-done")


def _csrf_of(page: Any, base: str) -> str:
    """The signed-in browser's CSRF token (``/api/me`` gives it back)."""
    me = page.request.get(base + "/api/me")
    assert me.ok, me.text()
    return str(me.json()["csrf_token"])
