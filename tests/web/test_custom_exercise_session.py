"""A clinician's custom exercise in the guided session, through the JSON API (issue 10 item 3).

The story (``tests/custom_exercise_story.py``): the glide is played after the seed exercises, by
its dose, pain-checked, saved under its key, and seen by the patient and the clinician.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sciatica_care.store.database import Database
from tests.custom_exercise_story import (
    GLIDE,
    GLIDE_PAIN,
    SEED_EXERCISES,
    check_clinician_sees,
    check_patient_sees,
    check_saved_session,
    client_get,
    prescribe_glide,
)
from tests.reports.pdf_text import pdf_text
from tests.web.clinic import link
from tests.web.conftest import PASSWORD, Account, form_csrf
from tests.web.safety_check import screen_via_api

NOON = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
"""Today at noon UTC, 13:00 in Ann's London: daytime whenever the test runs."""
STARTED = NOON + timedelta(minutes=10)
"""When Ann starts her session: after her safety check (made at the fixed clock's noon)."""


@pytest.fixture(autouse=True)
def fixed_noon(web_app: FastAPI) -> Iterator[None]:
    web_app.state.now = lambda: NOON
    yield
    web_app.state.now = None


@pytest.fixture
def ann(client: TestClient) -> Account:
    """A patient in London after a calm safety check."""
    created = client.post(
        "/api/accounts",
        json={"email": "ann@example.org", "password": PASSWORD, "timezone": "Europe/London"},
    )
    assert created.status_code == 201, created.text
    me = created.json()
    headers = {"X-CSRF-Token": me["csrf_token"]}
    assert client.post("/api/me/disclaimer", headers=headers).status_code == 200
    account = Account(me["id"], me["email"], PASSWORD, me["csrf_token"])
    screen_via_api(client, account)
    return account


@pytest.fixture
def glide(database: Database, ann: Account, clinician: Any) -> tuple[str, str]:
    """Ann linked her clinician, who prescribed the glide: (glide key, Ann's public id)."""
    public_id = link(database, ann.id, clinician.id)
    return prescribe_glide(database, ann.id, clinician.id), public_id


def played(today: dict[str, Any], pains: dict[str, int]) -> dict[str, Any]:
    """The record a player makes by walking the script to its end: every timed step done,
    each pain check answered from ``pains`` (no spread, no new numbness)."""
    reps: dict[int, int] = defaultdict(int)
    holds: dict[int, int] = defaultdict(int)
    by_side: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for step in today["steps"]:
        index = step["exercise_index"]
        if step["phase"] != "work" or step["stage"] not in (None, "relax"):
            continue
        if step["stage"] is None:
            holds[index] += 1
        else:
            reps[index] += 1
        by_side[index][step["side"] or ""] += 1
    items = []
    for index, exercise in enumerate(today["exercises"]):
        dose = exercise["dose"]
        per_side = dose["sets"] * dose["reps"]
        items.append(
            {
                "exercise_id": exercise["exercise_id"],
                "level": exercise["level"],
                "dose": dose,
                "sides_done": [s for s in exercise["sides"] if by_side[index][s] >= per_side],
                "reps_done": reps[index],
                "holds_done": holds[index],
                "hold_seconds": float(holds[index] * dose["hold_s"]),
                "pain": pains.get(exercise["exercise_id"], 1),
                "spread_down_leg": False,
                "new_numbness_or_weakness": False,
                "completed": sum(by_side[index].values())
                >= per_side * max(1, len(exercise["sides"])),
            }
        )
    return {
        "status": "completed",
        "elapsed_s": 600.0,
        "items": items,
        "planned_exercises": [e["exercise_id"] for e in today["exercises"]],
    }


def save(client: TestClient, ann: Account, record: dict[str, Any]) -> Any:
    return client.post(
        "/api/sessions",
        json={
            "client_id": str(uuid.uuid4()),
            "started_at": STARTED.isoformat(),
            "final": True,
            "version": 1,
            "record": record,
        },
        headers={"X-CSRF-Token": ann.csrf_token},
    )


def test_the_glide_is_played_after_the_seed_exercises_by_its_dose(
    client: TestClient, glide: tuple[str, str]
) -> None:
    key, _ = glide
    answer = client.get("/api/sessions/today")

    assert answer.status_code == 200, answer.text
    today = answer.json()
    assert [e["exercise_id"] for e in today["exercises"]] == [*SEED_EXERCISES, key]
    shown = today["exercises"][-1]
    assert shown["custom"] is True
    assert (shown["name"], shown["instructions"]) == (GLIDE.name, GLIDE.instructions)
    assert shown["steps"] == GLIDE.steps
    assert shown["dose_text"] == "3 reps, each side"
    assert shown["picture_svg"] == ""  # no picture rather than a wrong one
    assert shown["sides"] == ["right", "left"]
    steps = [s for s in today["steps"] if s["exercise_index"] == len(SEED_EXERCISES)]
    assert [s["phase"] for s in steps[:1]] == ["instructions"]
    assert steps[0]["easier"] is None and all(s["figure"] is None for s in steps)
    assert steps[0]["prompt"] == f"{GLIDE.name}: 3 reps, each side. Press ready to start"
    work = [s for s in steps if s["phase"] == "work"]
    assert [(s["side"], s["number"], s["stage"]) for s in work[:2]] == [
        ("right", 1, "move"),
        ("right", 1, "relax"),
    ]
    assert len(work) == 2 * 3 * 2  # 3 paced reps (move, relax) on each side
    assert [s["phase"] for s in steps[-1:]] == ["pain_check"]
    assert key in client.get("/session").text  # the player page carries the same session


def test_a_session_with_the_glide_is_saved_and_seen_by_patient_and_clinician(
    client: TestClient, ann: Account, clinician: Any, glide: tuple[str, str], tmp_path: Path
) -> None:
    key, public_id = glide
    today = client.get("/api/sessions/today").json()

    saved = save(client, ann, played(today, {key: GLIDE_PAIN}))

    assert saved.status_code == 200, saved.text
    check_saved_session(saved.json(), key)
    decisions = saved.json()["program_update"]["decisions"]
    assert key not in {d["exercise"] for d in decisions}  # progression leaves the glide alone
    check_patient_sees(client_get(client), key)
    check_clinician_sees(client_get(clinician.client), public_id, key)
    pdf = clinician.client.get(f"/clinic/patients/{public_id}/report.pdf")
    assert pdf.status_code == 200
    (tmp_path / "report.pdf").write_bytes(pdf.content)
    assert "1 exercise session on 1 day, 0 stopped early" in pdf_text(tmp_path / "report.pdf")
    program = clinician.client.get(f"/api/clinician/patients/{public_id}/program").json()
    assert program["prescription"]["custom_exercises"][0]["dose"] == GLIDE.dose.model_dump()


def test_the_today_done_button_still_marks_the_glide_done(
    client: TestClient, glide: tuple[str, str]
) -> None:
    key, _ = glide
    page = client.get("/today").text

    done = client.post(
        f"/today/custom/{key}/done", data={"csrf_token": form_csrf(page)}, follow_redirects=False
    )

    assert done.status_code == 303
    assert client.get("/api/program/today").json()["custom_exercises"][0]["done_today"]


def test_red_pain_after_the_glide_stops_and_asks_the_safety_questions_first(
    client: TestClient, ann: Account, glide: tuple[str, str]
) -> None:
    key, _ = glide
    record = played(client.get("/api/sessions/today").json(), {key: 8})
    record.update(status="stopped", stop_reason="pain", stop_note="pain 8/10 after the glide")

    saved = save(client, ann, record)

    assert saved.status_code == 200, saved.text
    assert saved.json()["gate"]["state"] == "safety_recheck"
    assert client.get("/api/sessions/today").status_code == 409


def test_a_key_that_is_not_one_of_the_patients_exercises_is_422_naming_the_field(
    client: TestClient, ann: Account, glide: tuple[str, str]
) -> None:
    record = played(client.get("/api/sessions/today").json(), {})
    record["items"][-1]["exercise_id"] = "custom-0123456789abcdef"

    refused = save(client, ann, record)

    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "record", "items", 4, "exercise_id"]
