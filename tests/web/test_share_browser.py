"""A real browser: Ann makes a share code in Settings, her physiotherapist opens the link she sent
and links her; Ann then sees him in Settings with the link in "Who saw your data" (issue 10 item 2).
Checked with axe-core and photographed at 360 and 1280 px (/tmp/shots/share-*)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import expect

from sciatica_care.services import clinicians
from sciatica_care.store import patients
from tests.web.conftest import PASSWORD, Axe, Shoot
from tests.web.safety_check import calm_answers

pytestmark = pytest.mark.browser


def _sign_up(page: Any, base: str, email: str) -> int:
    """An account made through the JSON API inside the page's browser context, past the
    disclaimer and a calm safety check."""
    created = page.request.post(base + "/api/accounts", data={"email": email, "password": PASSWORD})
    assert created.ok, created.text()
    me = created.json()
    headers = {"X-CSRF-Token": me["csrf_token"]}
    assert page.request.post(base + "/api/me/disclaimer", headers=headers).ok
    saved = page.request.post(base + "/api/screenings", data=calm_answers(), headers=headers)
    assert saved.ok, saved.text()
    return int(me["id"])


@pytest.mark.parametrize("page", ["phone"], indirect=True)  # the patient shares from a phone
def test_a_patient_shares_with_a_clinician_who_links_from_the_link(
    app_server: str, server_app: FastAPI, browser: Any, page: Any, axe: Axe, shoot: Shoot
) -> None:
    db = server_app.state.db
    patient_id = _sign_up(page, app_server, "ann@example.org")
    with db.session() as session:
        patients.update_settings(session, patient_id, timezone="Europe/London", country="GB")
    clinicians.create_clinician(db, "sam@clinic.example", "Sam Lee, PT", PASSWORD)

    page.goto(app_server + "/settings")
    expect(page.get_by_role("heading", name="Share with my clinician")).to_be_visible()
    expect(page.get_by_text("You are not sharing your data with any clinician.")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Make a share code").click()

    expect(page.get_by_role("heading", name="Your share code", level=1)).to_be_visible()
    code = page.locator("#share-code").inner_text()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}", code)
    box = page.locator("#share-code").bounding_box()
    assert box is not None and box["width"] <= page.viewport_size["width"] - 32
    expect(page.get_by_text("(your time, Europe/London)")).to_be_visible()
    emergency = page.locator(".share-emergency")
    expect(emergency).to_contain_text("In an emergency, do not wait for your clinician: call 999")
    link = page.locator("#share-link").inner_text()
    assert link == f"{app_server}/clinic/link?code={code}"
    axe(page)
    shoot(page, "share-code")

    desk = browser.new_context(viewport=page.viewport_size)
    desk.set_default_timeout(10_000)
    clinic = desk.new_page()
    try:
        clinic.goto(link)
        expect(clinic).to_have_url(re.compile(r"/login\?next="))
        clinic.get_by_label("Email address").fill("sam@clinic.example")
        clinic.get_by_label("Password").fill(PASSWORD)
        clinic.get_by_role("button", name="Sign in").click()
        expect(clinic).to_have_url(re.compile(r"/clinic"))
        # Signing in lands a clinician on the caseload (not ``next``): open the link again.
        clinic.goto(link)
        expect(clinic.get_by_role("heading", name="Link a patient")).to_be_visible()
        expect(clinic.get_by_label("Share code")).to_have_value(code)
        axe(clinic)
        shoot(clinic, "share-clinic-link")
        clinic.get_by_role("button", name="Link this patient").click()
        expect(clinic).to_have_url(re.compile(r"/clinic/patients/[0-9a-f-]{36}$"))
        expect(clinic.get_by_text("Linked: ann@example.org is on your caseload.")).to_be_visible()

        clinic.goto(f"{app_server}/clinic/link?code={code}")
        clinic.get_by_role("button", name="Link this patient").click()
        expect(clinic.locator("#code-error")).to_contain_text("That code did not work.")
        axe(clinic)
        shoot(clinic, "share-clinic-used-code")
    finally:
        desk.close()

    page.goto(app_server + "/settings")
    expect(page.get_by_role("button", name="Stop sharing with Sam Lee, PT")).to_be_visible()
    expect(page.locator(".audit-list")).to_contain_text("Sam Lee, PT: linked with your code")
    axe(page)
    page.locator("#sharing-title").scroll_into_view_if_needed()
    shoot(page, "share-settings-linked")
