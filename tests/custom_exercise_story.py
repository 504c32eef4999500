"""One story for a clinician's custom exercise in the guided session, told to each interface.

A linked clinician prescribes "Sciatic nerve glide" (1 set of 3 paced reps, each side). The
patient plays today's session (the seed exercises, then the glide) through the web API, the
browser player or ``sciatica session``, answers every pain check with a calm score, and saves it.
Then the patient's history names the glide with its result, and the clinician's patient page (its
JSON and its HTML) lists the session with it. Setup goes through the services; each test drives
its own interface and calls the checks below, so the expectations are written once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from fastapi.testclient import TestClient

from sciatica_care.content.exercises import Dose
from sciatica_care.domain.prescription import CustomPrescription
from sciatica_care.services import prescribing
from sciatica_care.services.context import patient_context
from sciatica_care.services.permissions import Actor
from sciatica_care.store.database import Database

GLIDE = CustomPrescription(
    name="Sciatic nerve glide",
    instructions="Sit tall on a chair and slowly straighten one knee, then bend it again.",
    steps=["Sit tall, hands on your thighs.", "Straighten the knee slowly.", "Bend it again."],
    dose=Dose(sets=1, reps=3, hold_s=0, per_side=True),
)
SIDES = ["right", "left"]
SEED_EXERCISES = ["pelvic-tilt", "knee-to-chest", "lower-trunk-rotation", "bird-dog"]
GLIDE_PAIN = 2
"""The pain check after the glide (GREEN, clinical-spec.md §4.1); the seed exercises get 1."""


def prescribe_glide(db: Database, patient_id: int, clinician_id: int) -> str:
    """The linked clinician adds the glide to the program; its key (``custom-`` + hex)."""
    ctx = patient_context(db, Actor.clinician(clinician_id), patient_id)
    current = prescribing.current_prescription(ctx)
    new = current.prescription.model_copy(update={"custom_exercises": [GLIDE]})
    saved = prescribing.prescribe(ctx, new, "Nerve glides for the leg", current.version)
    key = saved.prescription.custom_exercises[0].key
    assert key is not None and key.startswith("custom-")
    return key


def check_glide_result(item: Mapping[str, Any], key: str) -> None:
    """The glide's stored result: every paced rep on both sides, then its pain check."""
    assert item["exercise_id"] == key
    assert item["level"] == 1
    assert item["dose"] == GLIDE.dose.model_dump()
    assert item["reps_done"] == GLIDE.dose.reps * len(SIDES)
    assert item["holds_done"] == 0
    assert item["sides_done"] == SIDES
    assert item["pain"] == GLIDE_PAIN
    assert item["spread_down_leg"] is False
    assert item["completed"] is True


def check_saved_session(session: Mapping[str, Any], key: str) -> None:
    """A whole session in the shape of ``GET /api/sessions``: seed exercises, then the glide."""
    assert session["status"] == "completed"
    assert session["planned_exercises"] == [*SEED_EXERCISES, key]
    assert [item["exercise_id"] for item in session["items"]] == [*SEED_EXERCISES, key]
    check_glide_result(session["items"][-1], key)


Get = Callable[[str], tuple[int, str]]
"""An interface's GET: a path in, (HTTP status, body text) out (``TestClient`` or Playwright)."""


def client_get(client: TestClient) -> Get:
    def get(path: str) -> tuple[int, str]:
        response = client.get(path)
        return response.status_code, response.text

    return get


def check_patient_sees(get: Get, key: str) -> None:
    """The patient's history names the glide beside its result."""
    status, body = get("/api/sessions")
    assert status == 200, body
    latest = json.loads(body)[0]
    check_saved_session(latest, key)
    assert latest["items"][-1]["name"] == GLIDE.name


def check_clinician_sees(get: Get, public_id: str, key: str) -> None:
    """The clinician's patient page (JSON and HTML) lists the session with the glide's pain."""
    status, body = get(f"/api/clinician/patients/{public_id}")
    assert status == 200, body
    latest = json.loads(body)["sessions"][0]
    assert latest["status"] == "completed"
    done = {e["exercise"]: e for e in latest["exercises"]}
    assert list(done) == [*SEED_EXERCISES, key]
    assert done[key]["pain"] == GLIDE_PAIN
    assert done[key]["name"] == GLIDE.name
    status, page = get(f"/clinic/patients/{public_id}")
    assert status == 200, page
    assert f"{GLIDE.name} ({GLIDE_PAIN})" in page
