"""A clinician's custom exercise in the browser player at 360 px (``tests/custom_exercise_story.py``):
played after the seed exercises with a neutral "your clinician's exercise" panel instead of a
picture, paced by its dose, pain-checked and saved; then seen by the patient and the clinician.
Screenshots: /tmp/shots/custom-*-360.png."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import expect

from sciatica_care.services import clinicians
from tests.custom_exercise_story import (
    GLIDE,
    GLIDE_PAIN,
    SEED_EXERCISES,
    Get,
    check_clinician_sees,
    check_patient_sees,
    prescribe_glide,
)
from tests.web.clinic import link
from tests.web.conftest import PASSWORD, Axe, Shoot
from tests.web.safety_check import calm_answers

pytestmark = pytest.mark.browser

FAST = 1000
"""How many times faster than real time the player's clock runs between the photographs."""


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.set_default_timeout(15_000)
    yield context
    context.close()


def request_get(request: Any, base: str) -> Get:
    def get(path: str) -> tuple[int, str]:
        response = request.get(base + path)
        return response.status, response.text()

    return get


def _sign_up_and_prescribe(page: Any, base: str, app: FastAPI) -> tuple[str, str, int]:
    """Ann signs up (London), passes the safety check and links Sam, who prescribes the glide:
    (glide key, Ann's public id, Sam's id)."""
    created = page.request.post(
        base + "/api/accounts",
        data={"email": "ann@example.org", "password": PASSWORD, "timezone": "Europe/London"},
    )
    assert created.ok, created.text()
    headers = {"X-CSRF-Token": created.json()["csrf_token"]}
    assert page.request.post(base + "/api/me/disclaimer", headers=headers).ok
    assert page.request.post(base + "/api/screenings", data=calm_answers(), headers=headers).ok
    db = app.state.db
    sam = clinicians.create_clinician(db, "sam@clinic.example", "Sam Lee, PT", PASSWORD)
    patient_id = created.json()["id"]
    public_id = link(db, patient_id, sam.id)
    return prescribe_glide(db, patient_id, sam.id), public_id, sam.id


def _answer_pain(page: Any, pain: int) -> None:
    page.wait_for_selector("#view-pain:not([hidden])")
    page.check(f"#pain-{pain}")
    page.check("#spread-no")
    page.check("#numbness-no")
    page.get_by_role("button", name="Save and go on").click()


def test_the_glide_is_guided_with_its_own_words_and_saved(
    app_server: str, server_app: FastAPI, phone: Any, axe: Axe, shoot: Shoot
) -> None:
    page = phone.new_page()
    key, public_id, _ = _sign_up_and_prescribe(page, app_server, server_app)
    page.goto(app_server + "/session")
    page.wait_for_selector("#player[data-ready=true]")
    expect(page.locator("#intro-list")).to_contain_text(f"{GLIDE.name}: 3 reps, each side")
    page.evaluate(f"window.__SCIATICA_SPEED = {FAST}")
    page.get_by_role("button", name="Start", exact=True).click()
    for _ in SEED_EXERCISES:
        page.get_by_role("button", name="I am in position: go").click()
        _answer_pain(page, 1)

    expect(page.get_by_role("heading", name=GLIDE.name)).to_be_visible()
    expect(page.locator("#player-where")).to_have_text("Exercise 5 of 5")
    expect(page.locator("#custom-picture")).to_be_visible()
    expect(page.locator("#custom-picture")).to_contain_text("Your clinician’s exercise")
    assert page.locator("#figure svg").count() == 0  # never a wrong picture
    expect(page.locator("#ins-instructions")).to_have_text(GLIDE.instructions)
    expect(page.locator("#ins-steps li")).to_have_text(GLIDE.steps)
    expect(page.locator("#ins-dose")).to_have_text(
        "3 reps, each side (as your clinician prescribed)"
    )
    expect(page.locator("#ins-position")).to_be_hidden()
    axe(page)
    shoot(page, "custom-instructions")

    page.evaluate("window.__SCIATICA_SPEED = 1")
    page.get_by_role("button", name="I am in position: go").click()
    page.wait_for_function("() => document.getElementById('timed-prompt').textContent === 'Move'")
    expect(page.locator("#timed-count")).to_have_text("Rep 1 of 3")
    expect(page.locator("#timed-side")).to_have_text("Side: right")
    expect(page.locator("#custom-picture")).to_be_visible()
    axe(page)
    shoot(page, "custom-timed")
    page.evaluate(f"window.__SCIATICA_SPEED = {FAST}")
    _answer_pain(page, GLIDE_PAIN)

    page.wait_for_selector("#view-done:not([hidden])")
    expect(page.locator("#done-summary")).to_contain_text(
        f"{GLIDE.name}: 6 reps of 6, all done. Pain after: {GLIDE_PAIN} out of 10."
    )
    page.wait_for_selector("#player[data-saved=saved-final]")
    shoot(page, "custom-done")

    check_patient_sees(request_get(page.request, app_server), key)
    clinician = phone.browser.new_context()
    try:
        signed = clinician.request.post(
            app_server + "/api/session",
            data={"email": "sam@clinic.example", "password": PASSWORD},
        )
        assert signed.ok, signed.text()
        check_clinician_sees(request_get(clinician.request, app_server), public_id, key)
    finally:
        clinician.close()
