"""The prescribe form names its patient (issue 10 item 3) in its heading and title, as the
caseload labels them, and a long e-mail wraps inside a 360 px phone. axe-core, photographed at
360 and 1280 px (/tmp/shots/)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import expect

from tests.services.caseload_story import NOW, patient
from tests.web.clinic import create_clinician, patient_public_id
from tests.web.conftest import PASSWORD, Axe, Shoot

pytestmark = pytest.mark.browser

LONG = "margarethe.vonundzuhohenlohe-schillingsfurst@example.org"


def test_the_program_form_is_headed_with_the_patients_label(
    app_server: str, server_app: FastAPI, page: Any, axe: Axe, shoot: Shoot
) -> None:
    server_app.state.now = lambda: NOW
    db = server_app.state.db
    clinician_id = create_clinician(db, "sam@clinic.example", "Sam Lee, PT")
    public_id = patient_public_id(db, patient(db, LONG, clinician_id))
    signed = page.request.post(
        app_server + "/api/session", data={"email": "sam@clinic.example", "password": PASSWORD}
    )
    assert signed.ok, signed.text()

    page.goto(app_server + f"/clinic/patients/{public_id}/program")

    expect(page).to_have_title(f"Program for {LONG} · Sciatica Care")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(f"Program for {LONG}")
    expect(heading).to_be_in_viewport()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    axe(page)
    shoot(page, "p10-prescribe-heading")
