"""A real browser on the clinician's caseload and patient page (issue 10 items 4–5): alerts first
with their reasons, "Mark as seen", rows as cards on a 360 px phone. Checked with axe-core and
photographed at 360 and 1280 px (/tmp/shots/)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import expect

from tests.services.caseload_story import NOW, build_clinic
from tests.web.clinic import patient_public_id
from tests.web.conftest import PASSWORD, Axe, Shoot

pytestmark = pytest.mark.browser


def test_the_caseload_and_a_patient_page(
    app_server: str, server_app: FastAPI, page: Any, axe: Axe, shoot: Shoot
) -> None:
    server_app.state.now = lambda: NOW
    clinic = build_clinic(server_app.state.db)
    signed = page.request.post(
        app_server + "/api/session", data={"email": "sam@clinic.example", "password": PASSWORD}
    )
    assert signed.ok, signed.text()

    page.goto(app_server + "/clinic")

    expect(page.get_by_role("heading", name="Your caseload")).to_be_visible()
    first = page.locator("tbody tr").first
    expect(first).to_contain_text("uma@example.org")
    expect(first).to_contain_text("Urgent red-flag answer")
    axe(page)
    shoot(page, "p10-caseload")

    first.get_by_role("button", name="Mark as seen").click()
    expect(page.get_by_role("status")).to_contain_text("Marked as seen")
    expect(page.locator("tbody tr").first).to_contain_text("pia@example.org")

    reg = patient_public_id(server_app.state.db, clinic.reg)
    page.goto(app_server + f"/clinic/patients/{reg}", timeout=90_000)  # the first view converts
    expect(page.get_by_role("heading", name="reg@example.org")).to_be_visible()
    expect(page.get_by_text("Stopped early: pain spread down the leg").first).to_be_visible()
    expect(page.get_by_role("link", name="Change the program")).to_be_visible()
    axe(page)
    shoot(page, "p10-caseload-patient")
