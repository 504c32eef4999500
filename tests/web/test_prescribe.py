"""A linked clinician prescribes (issue 10 item 3); the patient's Today, API and session follow."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sciatica_care.domain.wording import spelled_date
from sciatica_care.store.database import Database
from tests.web.clinic import clinician_client
from tests.web.conftest import Account, form_csrf

NOON = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
"""Today at noon UTC (Ann's zone): daytime whenever the test runs."""


@pytest.fixture(autouse=True)
def fixed_noon(web_app: FastAPI) -> Iterator[None]:
    web_app.state.now = lambda: NOON
    yield
    web_app.state.now = None


def program_url(public_id: str) -> str:
    return f"/api/clinician/patients/{public_id}/program"


def knee_to_3x30(program: dict[str, Any]) -> dict[str, Any]:
    body = dict(program["prescription"])
    body["exercises"] = [
        {**e, "dose": {"sets": 1, "reps": 3, "hold_s": 30, "per_side": True}}
        if e["exercise"] == "knee-to-chest"
        else e
        for e in body["exercises"]
    ]
    body["custom_exercises"] = [
        {
            "name": "Sciatic nerve glide",
            "instructions": "Sit tall on a chair and slowly straighten one knee.",
            "steps": ["Sit tall.", "Straighten the knee.", "Lower it slowly."],
            "dose": {"sets": 2, "reps": 10, "hold_s": 0, "per_side": True},
        }
    ]
    body["note"] = "Keep walking every day."
    return {**body, "version": program["version"], "reason": "Tolerating the stretch well"}


def test_the_clinician_prescribes_through_the_api_and_the_patient_follows(
    linked: tuple[Account, Any, str], client: TestClient
) -> None:
    _, clinician, public_id = linked
    start = clinician.client.get(program_url(public_id))
    assert start.status_code == 200, start.text
    assert start.json()["version"] == 0

    saved = clinician.client.put(
        program_url(public_id), json=knee_to_3x30(start.json()), headers=clinician.headers
    )

    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 1
    assert saved.json()["prescribed_by"] == "Sam Lee, PT"
    today = client.get("/today").text
    assert "Keep walking every day." in today
    assert (
        f"Sam Lee, PT changed your program on {spelled_date(NOON.date())}: "
        "changed knee to chest to 3 × 30 s, each side; added &#39;Sciatic nerve glide&#39;"
    ) in today
    assert "Sciatic nerve glide" in today and "Straighten the knee." in today
    assert "3 holds of 30 s, each side" in today

    api = client.get("/api/program/today").json()
    assert (api["prescribed_by"], api["note"]) == ("Sam Lee, PT", "Keep walking every day.")
    assert api["changes"][0]["changes"][0] == "changed knee to chest to 3 × 30 s, each side"
    assert [c["name"] for c in api["custom_exercises"]] == ["Sciatic nerve glide"]
    knee = next(e for e in api["exercises"] if e["exercise_id"] == "knee-to-chest")
    assert knee["dose"]["hold_s"] == 30
    knee_index = [e["exercise_id"] for e in api["exercises"]].index("knee-to-chest")
    assert any(s["exercise_index"] == knee_index and s["duration_s"] == 30 for s in api["steps"])
    assert client.get("/session").status_code == 200

    key = api["custom_exercises"][0]["key"]
    done = client.post(
        f"/today/custom/{key}/done",
        data={"csrf_token": form_csrf(today)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get("/api/program/today").json()["custom_exercises"][0]["done_today"]

    audit = client.get("/api/me/audit").json()["entries"]
    assert any(e["what"].startswith("changed your program: changed knee to chest") for e in audit)


def test_a_stale_version_is_409_and_a_bad_dose_422_naming_the_field(
    linked: tuple[Account, Any, str],
) -> None:
    _, clinician, public_id = linked
    start = clinician.client.get(program_url(public_id)).json()
    body = knee_to_3x30(start)
    assert clinician.client.put(
        program_url(public_id), json=body, headers=clinician.headers
    ).is_success

    stale = clinician.client.put(program_url(public_id), json=body, headers=clinician.headers)
    assert stale.status_code == 409

    too_long = {**body, "version": 1}
    too_long["exercises"] = [
        {**e, "dose": {"sets": 1, "reps": 5, "hold_s": 25, "per_side": True}}
        if e["exercise"] == "bird-dog"
        else e
        for e in body["exercises"]
    ]
    refused = clinician.client.put(program_url(public_id), json=too_long, headers=clinician.headers)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "exercises", 3, "dose", "hold_s"]

    extra = clinician.client.put(
        program_url(public_id),
        json={**body, "version": 1, "colour": "red"},
        headers=clinician.headers,
    )
    assert extra.status_code == 422


def test_unlinked_and_former_clinicians_get_404(
    linked: tuple[Account, Any, str], client: TestClient, web_app: FastAPI, database: Database
) -> None:
    patient, clinician, public_id = linked
    with clinician_client(web_app, database, "jo@clinic.example", "Jo Park") as stranger:
        assert stranger.client.get(program_url(public_id)).status_code == 404
        assert stranger.client.get(f"/clinic/patients/{public_id}/program").status_code == 404
    start = clinician.client.get(program_url(public_id)).json()
    body = knee_to_3x30(start)
    assert clinician.client.put(
        program_url(public_id), json=body, headers=clinician.headers
    ).is_success

    gone = client.delete(f"/api/me/clinicians/{clinician.public_id}", headers=patient.headers)
    assert gone.status_code == 204
    assert clinician.client.get(program_url(public_id)).status_code == 404
    body["version"] = 1
    assert (
        clinician.client.put(
            program_url(public_id), json=body, headers=clinician.headers
        ).status_code
        == 404
    )
    assert clinician.client.get(f"/clinic/patients/{public_id}/program").status_code == 404


def test_the_form_prescribes_and_shows_errors_beside_fields(
    linked: tuple[Account, Any, str], client: TestClient
) -> None:
    _, clinician, public_id = linked
    page = clinician.client.get(f"/clinic/patients/{public_id}/program")
    assert page.status_code == 200
    html = page.text
    assert 'name="ex-knee-to-chest-hold_s"' in html and 'name="version" value="0"' in html

    form = {
        "csrf_token": form_csrf(html),
        "version": "0",
        "custom-count": "0",
        "sessions_per_week": "5",
        "progression": "suggest",
        "note": "Short walks too.",
        "reason": "First visit",
        "custom-0-key": "",
        "custom-0-name": "Sciatic nerve glide",
        "custom-0-instructions": "Sit tall and straighten one knee.",
        "custom-0-steps": "Sit tall.\nStraighten the knee.\n",
        "custom-0-sets": "1",
        "custom-0-reps": "10",
        "custom-0-hold_s": "0",
    }
    for exercise, (level, sets, reps, hold) in {
        "pelvic-tilt": (2, 1, 10, 3),
        "knee-to-chest": (2, 1, 3, 30),
        "lower-trunk-rotation": (2, 1, 3, 20),
        "bird-dog": (2, 1, 5, 5),
    }.items():
        form |= {
            f"ex-{exercise}-active": "on",
            f"ex-{exercise}-level": str(level),
            f"ex-{exercise}-sets": str(sets),
            f"ex-{exercise}-reps": str(reps),
            f"ex-{exercise}-hold_s": str(hold),
        }
    bad = {**form, "ex-bird-dog-hold_s": "25"}
    refused = clinician.client.post(f"/clinic/patients/{public_id}/program", data=bad)
    assert refused.status_code == 422
    assert 'id="ex-bird-dog-hold_s-error"' in refused.text
    assert "Sciatic nerve glide" in refused.text  # the typing is kept

    saved = clinician.client.post(
        f"/clinic/patients/{public_id}/program", data=form, follow_redirects=False
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/clinic/patients/{public_id}"
    today = client.get("/today").text
    assert "Short walks too." in today
    assert "set your sessions to 5 a week" in today
    assert "Sciatic nerve glide" in today
    assert "0/5" in today or "of 5 planned days" in today

    again = clinician.client.get(f"/clinic/patients/{public_id}/program").text
    assert 'name="version" value="1"' in again
    assert 'value="Sciatic nerve glide"' in again
    stale = clinician.client.post(f"/clinic/patients/{public_id}/program", data=form)
    assert stale.status_code == 409
    assert "changed since you opened it" in stale.text
