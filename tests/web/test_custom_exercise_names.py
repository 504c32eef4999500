"""A clinician's custom exercise named everywhere, one session script, and its 48-hour RED rest.

The story of ``tests/custom_exercise_story.py``: a linked clinician prescribes the glide; Ann
plays today's session with it. Then Today's "You did …" line, the clinician's patient page (HTML
and JSON) and the PDF name it as the clinician wrote it, never by its key; ``/api/program/today``
plays the same script as ``/api/sessions/today``; and a RED pain check after it rests it 48 h
(clinical-spec.md §4.1, §9 ruling 5) at an unchanged dose.
"""

# ruff: noqa: F811  (the story's fixtures are imported from its API test and used by name)
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.custom_exercise_story import GLIDE, GLIDE_PAIN, SEED_EXERCISES
from tests.reports.pdf_text import pdf_text
from tests.web.conftest import Account
from tests.web.safety_check import calm_recheck
from tests.web.test_custom_exercise_session import (  # noqa: F401  (fixtures)
    NOON,
    ann,
    fixed_noon,
    glide,
    played,
    save,
)

SEED_NAMES = ["Pelvic tilt", "Knee to chest", "Lower trunk rotation", "Bird dog"]


def _play(client: TestClient, ann: Account, pains: dict[str, int], **stop: str) -> Any:
    record = played(client.get("/api/sessions/today").json(), pains)
    record.update(stop)
    saved = save(client, ann, record)
    assert saved.status_code == 200, saved.text
    return saved.json()


def _done_today(html: str) -> str:
    match = re.search(r'<div class="done-today">(.*?)</div>', html, re.S)
    assert match, "no 'Done for today' block"
    return match.group(1)


def test_todays_you_did_line_names_the_glide(
    client: TestClient, ann: Account, glide: tuple[str, str]
) -> None:
    key, _ = glide
    _play(client, ann, {key: GLIDE_PAIN})

    done = _done_today(client.get("/today").text)

    assert f"You did {', '.join([*SEED_NAMES, GLIDE.name])}:" in done
    assert "custom-" not in done


def test_the_patient_page_names_the_glide_without_a_level(
    client: TestClient, ann: Account, clinician: Any, glide: tuple[str, str]
) -> None:
    key, public_id = glide
    _play(client, ann, {key: GLIDE_PAIN})

    page = clinician.client.get(f"/clinic/patients/{public_id}").text
    latest = clinician.client.get(f"/api/clinician/patients/{public_id}").json()["sessions"][0]

    row = page.split('id="sessions-title"', 1)[1].split("</tr>", 2)[1]
    assert "Pelvic tilt L2 (1); " in row
    assert row.count(f"; {GLIDE.name} ({GLIDE_PAIN})") == 1
    assert key not in page and "L1 (2)" not in page
    named = [(e["name"], e["custom"]) for e in latest["exercises"]]
    assert named == [*((n, False) for n in SEED_NAMES), (GLIDE.name, True)]
    assert latest["exercises"][-1]["exercise"] == key


def test_the_pdf_lists_the_glide_at_its_prescribed_dose(
    client: TestClient, ann: Account, clinician: Any, glide: tuple[str, str], tmp_path: Path
) -> None:
    key, public_id = glide
    _play(client, ann, {key: 8}, status="stopped", stop_reason="pain")

    pdf = clinician.client.get(f"/clinic/patients/{public_id}/report.pdf")
    assert pdf.status_code == 200
    (tmp_path / "report.pdf").write_bytes(pdf.content)
    text = pdf_text(tmp_path / "report.pdf")

    program = text.split("Current exercise program", 1)[1].split("Exercise sessions, week", 1)[0]
    back_on = NOON.date() + timedelta(days=2)
    assert (
        f"{GLIDE.name} The clinician's own exercise 3 reps each side, no hold, 1 set "
        f"Resting until {back_on.day} {back_on:%b %Y} As your clinician prescribed"
    ) in program
    assert f"Your pain reached 8 out of 10 during {GLIDE.name}." in program
    assert "custom-" not in text


def test_api_program_today_plays_the_same_session_as_api_sessions_today(
    client: TestClient, glide: tuple[str, str]
) -> None:
    key, _ = glide

    program = client.get("/api/program/today").json()
    session = client.get("/api/sessions/today").json()

    assert [e["exercise_id"] for e in program["exercises"]] == [*SEED_EXERCISES, key]
    assert program["steps"] == session["steps"]
    shown = program["exercises"][-1]
    assert (shown["custom"], shown["name"], shown["instructions"]) == (
        True,
        GLIDE.name,
        GLIDE.instructions,
    )
    assert shown["picture_svg"] == "" and shown["steps"] == GLIDE.steps
    assert [e["custom"] for e in program["exercises"][:-1]] == [False] * len(SEED_EXERCISES)
    assert program["custom_exercises"][0]["key"] == key  # the Today card's list stays
    assert '"/api/sessions/today"' in client.get("/sw.js").text


def test_a_red_pain_check_rests_the_glide_48_hours_at_the_same_dose(
    client: TestClient, ann: Account, clinician: Any, glide: tuple[str, str], web_app: FastAPI
) -> None:
    key, public_id = glide
    saved = _play(client, ann, {key: 9}, status="stopped", stop_reason="pain")
    assert key not in {d["exercise"] for d in saved["program_update"]["decisions"]}
    web_app.state.now = lambda: NOON + timedelta(hours=1)  # the re-check after the session
    recheck = client.post("/api/screenings/recheck", json=calm_recheck(), headers=ann.headers)
    assert recheck.status_code == 201, recheck.text
    back_on = NOON.date() + timedelta(days=2)

    for path in ("/api/sessions/today", "/api/program/today"):
        today = client.get(path).json()
        assert [e["exercise_id"] for e in today["exercises"]] == SEED_EXERCISES, path
        assert {s["exercise_index"] for s in today["steps"]} - {None} == {0, 1, 2, 3}
    rest = next(p for p in today["paused"] if p["exercise_id"] == key)
    assert (rest["name"], rest["resume_on"]) == (GLIDE.name, back_on.isoformat())
    assert rest["reason"].startswith(f"Your pain reached 9 out of 10 during {GLIDE.name}.")
    assert "at the dose your clinician prescribed" in rest["reason"]

    web_app.state.now = lambda: NOON + timedelta(days=1)
    assert key not in [
        e["exercise_id"] for e in client.get("/api/sessions/today").json()["exercises"]
    ]
    web_app.state.now = lambda: NOON + timedelta(days=2)
    back = client.get("/api/sessions/today").json()
    assert [e["exercise_id"] for e in back["exercises"]] == [*SEED_EXERCISES, key]
    assert back["exercises"][-1]["dose"] == GLIDE.dose.model_dump()
    assert key not in {p["exercise_id"] for p in back["paused"]}
    program = clinician.client.get(f"/api/clinician/patients/{public_id}/program").json()
    assert program["prescription"]["custom_exercises"][0]["dose"] == GLIDE.dose.model_dump()
