"""The whole clinician flow in a real browser, one story per viewport (issue 10, "Browser tests for
the clinician flow"): Ann shares a code from Settings; Sam, her physiotherapist, signs in on /login
in his own browser, links her with the code, changes knee to chest to 3 × 30 s with a note; Ann's
Today follows; Ann answers an URGENT daily safety question (clinical-spec.md §1: Q3 yes, already
assessed by a doctor → URGENT_24_48H, so nothing locks); Sam's caseload puts her on top with the
reason and "Mark as seen" clears it, which Ann's Settings records; Ann stops sharing and Sam's
next request for her page is the 404 page.

Only the accounts are made outside the pages (the clinician through ``services.clinicians``, the
patient's sign-up and calm safety check through the JSON API, as the other browser tests do).
Every page is checked with axe-core; the key screens are photographed at 360 and 1280 px as
/tmp/shots/flow-*.png.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from playwright.sync_api import expect

from sciatica_care.services import clinicians
from sciatica_care.store import patients
from tests.web.conftest import PASSWORD, Axe, Shoot
from tests.web.safety_check import calm_answers

pytestmark = pytest.mark.browser

NOON = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
"""Today at noon UTC: daytime in Ann's London whenever the test runs (GMT or BST)."""

SAM = ("sam@clinic.example", "Sam Lee, PT")
NOTE = "Walk for ten minutes after each session."
URGENT_REASON = "Urgent red-flag answer"


def _patient_signs_up(page: Any, base: str, email: str) -> int:
    """Ann's account through the JSON API in her browser, past the disclaimer and a calm safety
    check (the program is open); her row id."""
    created = page.request.post(base + "/api/accounts", data={"email": email, "password": PASSWORD})
    assert created.ok, created.text()
    me = created.json()
    headers = {"X-CSRF-Token": me["csrf_token"]}
    assert page.request.post(base + "/api/me/disclaimer", headers=headers).ok
    saved = page.request.post(base + "/api/screenings", data=calm_answers(), headers=headers)
    assert saved.ok, saved.text()
    return int(me["id"])


def _make_share_code(page: Any, base: str, axe: Axe) -> str:
    """Step 1: Settings → "Make a share code"; the code shown."""
    page.goto(base + "/settings")
    expect(page.get_by_text("You are not sharing your data with any clinician.")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Make a share code").click()
    expect(page.get_by_role("heading", name="Your share code", level=1)).to_be_visible()
    code: str = page.locator("#share-code").inner_text()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}", code), code
    axe(page)
    return code


def _clinician_links(clinic: Any, base: str, code: str, axe: Axe, shoot: Shoot) -> str:
    """Step 2: /login → /clinic → "Link a patient" → the code → the patient page; its URL."""
    clinic.goto(base + "/login")
    axe(clinic)
    clinic.get_by_label("Email address").fill(SAM[0])
    clinic.get_by_label("Password").fill(PASSWORD)
    clinic.get_by_role("button", name="Sign in").click()
    expect(clinic).to_have_url(base + "/clinic")
    expect(clinic.get_by_role("heading", name="Your caseload")).to_be_visible()
    axe(clinic)
    shoot(clinic, "flow-1-empty-caseload")

    clinic.get_by_role("navigation", name="Main").get_by_role("link", name="Link a patient").click()
    expect(clinic).to_have_url(base + "/clinic/link")
    expect(clinic.get_by_role("heading", name="Link a patient")).to_be_visible()
    axe(clinic)
    clinic.get_by_label("Share code").fill(code)
    clinic.get_by_role("button", name="Link this patient").click()

    expect(clinic).to_have_url(re.compile(r"/clinic/patients/[0-9a-f-]{36}$"))
    expect(clinic.get_by_text("Linked: ann@example.org is on your caseload.")).to_be_visible()
    expect(clinic.get_by_role("heading", name="ann@example.org", level=1)).to_be_visible()
    axe(clinic)
    shoot(clinic, "flow-2-linked-patient")
    url: str = clinic.url
    return url


def _clinician_prescribes(clinic: Any, patient_url: str, axe: Axe, shoot: Shoot) -> None:
    """Step 3: "Change the program" → knee to chest held 30 s (3 holds each side) and a note."""
    clinic.get_by_role("link", name="Change the program").click()
    expect(clinic).to_have_url(patient_url + "/program")
    expect(clinic.get_by_role("heading", name="Program", level=1)).to_be_visible()
    knee = clinic.get_by_role("group", name="Knee to chest")
    expect(knee.get_by_label("In the program")).to_be_checked()
    expect(knee.get_by_label("Holds")).to_have_value("3")
    expect(knee.get_by_label("Hold (s)")).to_have_value("20")  # level 2, standard
    axe(clinic)
    knee.get_by_label("Hold (s)").fill("30")
    clinic.get_by_label("Note to the patient").fill(NOTE)
    clinic.get_by_label("Reason for this change").fill("Tolerating the stretch well")
    shoot(clinic, "flow-3-program-form")
    clinic.get_by_role("button", name="Save the program").click()

    expect(clinic).to_have_url(patient_url)
    expect(clinic.get_by_text("changed knee to chest to 3 × 30 s, each side").first).to_be_visible()
    axe(clinic)


def _patient_today_follows(page: Any, base: str, axe: Axe, shoot: Shoot) -> None:
    """Step 4: Ann's Today says who changed what, shows the note and the new dose."""
    page.goto(base + "/today")
    from_sam = page.locator("section.from-clinician")
    expect(from_sam.get_by_role("heading", name=f"From {SAM[1]}")).to_be_visible()
    expect(from_sam.locator(".clinician-note")).to_have_text(NOTE)
    expect(from_sam.locator(".program-change")).to_contain_text(f"{SAM[1]} changed your program on")
    expect(from_sam.locator(".program-change")).to_contain_text(
        "changed knee to chest to 3 × 30 s, each side"
    )
    expect(from_sam.locator(".program-change")).to_contain_text("Why: Tolerating the stretch well")
    card = page.locator("li.exercise-card").filter(
        has=page.get_by_role("heading", name="Knee to chest")
    )
    expect(card.locator(".dose")).to_have_text("3 holds of 30 s, each side")
    axe(page)
    shoot(page, "flow-4-patient-today")


def _patient_answers_urgent(page: Any, base: str, axe: Axe, shoot: Shoot) -> None:
    """Step 5: a check-in with Q3 yes (bladder) that a doctor has already assessed and is no
    worse: URGENT_24_48H (§1 rules), not an emergency, so the app does not lock."""
    page.goto(base + "/check-in")
    page.locator('label[for="leg_pain-4"]').click()
    page.locator('label[for="back_pain-2"]').click()
    page.locator('polygon.zone[data-side="left"][data-zone="3"]').click()  # to the thigh
    expect(page.locator("#left_pain-3")).to_be_checked()
    page.get_by_text("Yes, or not sure", exact=True).click()
    expect(page.locator("#daily-detail")).to_be_visible()
    page.locator('label[for="Q3"]').click()  # yes: harder to start or control peeing
    expect(page.locator("#group-CES_ASSESSED")).to_be_visible()
    page.locator('label[for="CES_ASSESSED"]').click()  # yes: checked by a doctor, no worse
    axe(page)
    page.get_by_role("button", name="Save check-in").click()

    page.wait_for_url("**/check-in/*")
    expect(page.locator("section.outcome-urgent_24_48h")).to_be_visible()
    expect(page.get_by_role("heading", name="Your check-in is saved")).to_be_visible()
    expect(page.get_by_text("pain reaches your thigh")).to_be_visible()
    axe(page)
    shoot(page, "flow-5-urgent-check-in")
    [entry] = page.request.get(base + "/api/checkins").json()
    assert entry["daily_action"] == "URGENT_24_48H"
    page.goto(base + "/today")  # not locked: the program is still there
    expect(page.get_by_role("link", name="Start today’s session")).to_be_visible()


def _clinician_sees_the_alert(clinic: Any, base: str, axe: Axe, shoot: Shoot) -> None:
    """Step 6: Ann on top of the caseload with the reason; "Mark as seen" clears it."""
    clinic.goto(base + "/clinic")
    first = clinic.locator("tbody tr").first
    expect(first).to_contain_text("ann@example.org")
    expect(first).to_contain_text(URGENT_REASON)
    axe(clinic)
    shoot(clinic, "flow-6-caseload-alert")

    first.get_by_role("button", name=re.compile(r"^Mark as seen")).click()
    expect(clinic.get_by_role("status")).to_contain_text("Marked as seen")
    # No longer open: no button, the reason kept greyed as "(seen)" for the record.
    expect(clinic.get_by_role("button", name=re.compile(r"^Mark as seen"))).to_have_count(0)
    seen = clinic.locator("tbody tr").first.locator(".alert-item")
    expect(seen).to_have_class(re.compile(r"\balert-seen\b"))
    expect(seen).to_contain_text("(seen)")
    axe(clinic)
    shoot(clinic, "flow-7-caseload-seen")


def _patient_stops_sharing(page: Any, base: str, axe: Axe, shoot: Shoot) -> None:
    """Step 7: Ann's Settings shows the alert Sam marked seen, then she stops sharing."""
    page.goto(base + "/settings")
    audit = page.locator(".audit-list")
    expect(audit).to_contain_text(f"{SAM[1]}: marked an alert as seen")
    expect(audit).to_contain_text(f"{SAM[1]}: changed your program")
    page.locator("#sharing-title").scroll_into_view_if_needed()
    axe(page)
    shoot(page, "flow-8-settings-before-stop")
    page.get_by_role("button", name=f"Stop sharing with {SAM[1]}").click()
    expect(page.get_by_text("You are not sharing your data with any clinician.")).to_be_visible()
    axe(page)


@pytest.mark.parametrize("page", ["desktop"], indirect=True)  # a clinician on a laptop
def test_link_prescribe_follow_alert_seen_unlink(
    app_server: str, server_app: FastAPI, browser: Any, page: Any, axe: Axe, shoot: Shoot
) -> None:
    server_app.state.now = lambda: NOON
    db = server_app.state.db
    patient_id = _patient_signs_up(page, app_server, "ann@example.org")
    with db.session() as session:
        patients.update_settings(session, patient_id, timezone="Europe/London", country="GB")
    clinicians.create_clinician(db, SAM[0], SAM[1], PASSWORD)

    code = _make_share_code(page, app_server, axe)

    desk = browser.new_context(viewport=page.viewport_size)
    desk.set_default_timeout(10_000)
    clinic = desk.new_page()
    blocked: list[str] = []
    clinic.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        patient_url = _clinician_links(clinic, app_server, code, axe, shoot)
        _clinician_prescribes(clinic, patient_url, axe, shoot)
        _patient_today_follows(page, app_server, axe, shoot)
        _patient_answers_urgent(page, app_server, axe, shoot)
        _clinician_sees_the_alert(clinic, app_server, axe, shoot)
        _patient_stops_sharing(page, app_server, axe, shoot)

        # Step 8: access ends on Sam's next request, with the same 404 as an unknown id.
        gone = clinic.goto(patient_url)
        assert gone is not None and gone.status == 404
        expect(clinic.get_by_role("heading", name="Page not found")).to_be_visible()
        expect(clinic.get_by_text("ann@example.org")).to_have_count(0)
        axe(clinic)
        shoot(clinic, "flow-9-unlinked-404")
        unlinked_body = clinic.locator("main").inner_text()
        unknown = clinic.goto(f"{app_server}/clinic/patients/{uuid.uuid4()}")
        assert unknown is not None and unknown.status == 404
        assert clinic.locator("main").inner_text() == unlinked_body  # no hint she exists
        clinic.goto(app_server + "/clinic")
        expect(clinic.get_by_text("ann@example.org")).to_have_count(0)
    finally:
        desk.close()
    assert not blocked, f"the clinician's pages broke their Content-Security-Policy: {blocked}"
