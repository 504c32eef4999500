"""Accepting a suggested dose change (automatic progression off, clinical-spec.md §7).

Story: automatic changes are off; after a usual week of mornings (leg pain 3), two pelvic-tilt
sessions with pain 2, each followed by a good next morning, earn a step up from 10 to 12 reps
(§4.2). Only a step up waits for the person: Today shows it with an Accept button, accepting it
applies the change and it leaves the list; the API does the same. A painful session is different:
with automatic changes off, pain 9 still rests pelvic tilt at once and nothing waits (§4.1).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from sciatica_care.services import program
from sciatica_care.services.clock import Clock
from sciatica_care.services.gate import program_gate
from sciatica_care.store import exercise_sessions, patients
from sciatica_care.store.database import Database
from sciatica_care.store.models import DoseDecision, ExerciseDose
from tests.store.diary_story import day, exercise_session, morning
from tests.web.conftest import Account, api_sign_up, form_csrf
from tests.web.safety_check import screen_via_api

TILT = {"sets": 1, "reps": 10, "hold_s": 3, "per_side": False}
ACCEPT_URL = "/today/suggestions/pelvic-tilt/accept"
TEN = (2, 10, None)  # level 2, 10 reps, not paused
TWELVE = (2, 12, None)
REASON_12 = "You managed 10 pelvic tilt reps with little pain twice: today 12."


def _after_session(s: Any, patient_id: int, sid: int) -> program.ProgramUpdate:
    saved = exercise_sessions.get(s, patient_id, sid)
    assert saved is not None
    return program.after_session(s, patient_id, saved, Clock(UTC), program_gate(s, patient_id))


def two_good_tilt_sessions_with_automatic_changes_off(
    database: Database, patient_id: int
) -> list[program.ProgramUpdate]:
    """Days 1-7 mornings at leg pain 3; pelvic tilt with pain 2 on days 8 and 9, each followed by a
    morning at the usual 3, so the last decision is a step up waiting for acceptance."""
    updates = []
    with database.session() as s:
        patients.program_start(s, patient_id, day(1))
        program.set_auto_progression(s, patient_id, False)
        for n in range(1, 8):
            morning(s, patient_id, n, leg=3)
        sid = exercise_session(s, patient_id, 8, {"pelvic-tilt": 2})
        updates.append(_after_session(s, patient_id, sid))
        morning(s, patient_id, 9, leg=3)
        updates.append(
            program.after_morning_checkin(
                s, patient_id, day(9), Clock(UTC), program_gate(s, patient_id)
            )
        )
        sid = exercise_session(s, patient_id, 9, {"pelvic-tilt": 2})
        updates.append(_after_session(s, patient_id, sid))
        morning(s, patient_id, 10, leg=3)
        updates.append(
            program.after_morning_checkin(
                s, patient_id, day(10), Clock(UTC), program_gate(s, patient_id)
            )
        )
    return updates


def _step_up_waiting(client: TestClient, account: Account, database: Database) -> None:
    screen_via_api(client, account)
    updates = two_good_tilt_sessions_with_automatic_changes_off(database, account.id)
    [last] = updates[-1].decisions
    assert (last.exercise_id, last.decision.action.value, last.status) == (
        "pelvic-tilt",
        "PROGRESS",
        "suggested",
    )


def _tilt_dose(database: Database, patient_id: int) -> tuple[int, int, date | None]:
    """Pelvic tilt's stored level, reps and pause (the HOLDs of the story store 10 reps)."""
    with database.session() as session:
        row = session.scalars(
            select(ExerciseDose).where(
                ExerciseDose.patient_id == patient_id, ExerciseDose.exercise_id == "pelvic-tilt"
            )
        ).one()
        return row.level, int(row.dose["reps"]), row.paused_until


def test_today_shows_the_suggestion_with_an_accept_button_and_accepting_applies_it(
    client: TestClient, account: Account, database: Database
) -> None:
    _step_up_waiting(client, account, database)

    html = client.get("/today").text
    assert "<strong>10 reps, hold 3 s" in html
    suggested = html.split("Suggested changes", 1)[1]
    assert "Pelvic tilt:" in suggested
    assert REASON_12 in suggested
    assert "Suggestion: " not in suggested
    assert f'action="{ACCEPT_URL}"' in suggested
    assert 'Accept<span class="visually-hidden"> the change for Pelvic tilt</span>' in suggested
    assert "Automatic changes are off" in suggested
    assert _tilt_dose(database, account.id) == TEN  # nothing changed yet

    response = client.post(ACCEPT_URL, data={"csrf_token": form_csrf(html)})

    assert response.status_code == 200  # followed the redirect back to Today
    assert str(response.url).endswith("/today")
    assert f"Accepted for Pelvic tilt: {REASON_12}" in response.text
    assert "Suggested changes" not in response.text
    assert "<strong>12 reps, hold 3 s" in response.text
    assert f"<strong>Why this dose:</strong> {REASON_12}" in response.text
    assert _tilt_dose(database, account.id) == TWELVE
    with database.session() as session:
        statuses = session.scalars(
            select(DoseDecision.status).where(DoseDecision.action == "PROGRESS")
        ).all()
    assert statuses == ["accepted"]


def test_accepting_twice_says_the_change_is_no_longer_waiting(
    client: TestClient, account: Account, database: Database
) -> None:
    _step_up_waiting(client, account, database)
    token = form_csrf(client.get("/today").text)
    client.post(ACCEPT_URL, data={"csrf_token": token})

    again = client.post(ACCEPT_URL, data={"csrf_token": token})

    assert "That change is no longer waiting." in again.text
    assert _tilt_dose(database, account.id) == TWELVE  # stepped up once, not twice


def test_accepting_needs_the_csrf_token(
    client: TestClient, account: Account, database: Database
) -> None:
    _step_up_waiting(client, account, database)

    response = client.post(ACCEPT_URL, data={})

    assert response.status_code == 403
    assert _tilt_dose(database, account.id) == TEN


def test_the_api_accepts_a_suggestion_and_refuses_when_none_waits(
    client: TestClient, account: Account, database: Database
) -> None:
    _step_up_waiting(client, account, database)
    url = "/api/program/suggestions/pelvic-tilt/accept"

    accepted = client.post(url, headers=account.headers)

    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert (body["exercise"], body["status"], body["action"]) == (
        "pelvic-tilt",
        "accepted",
        "PROGRESS",
    )
    assert client.get("/api/program/today").json()["suggestions"] == []
    assert _tilt_dose(database, account.id) == TWELVE
    again = client.post(url, headers=account.headers)
    assert again.status_code == 404
    assert "no suggestion is waiting for 'pelvic-tilt'" in again.json()["detail"]
    unknown = client.post("/api/program/suggestions/cartwheel/accept", headers=account.headers)
    assert unknown.status_code == 404


def test_another_patient_cannot_accept_my_suggestion(
    client: TestClient, account: Account, database: Database
) -> None:
    _step_up_waiting(client, account, database)
    client.cookies.clear()
    other = api_sign_up(client, "eve@example.org")
    screen_via_api(client, other)

    response = client.post("/api/program/suggestions/pelvic-tilt/accept", headers=other.headers)

    assert response.status_code == 404
    assert _tilt_dose(database, account.id) == TEN


def test_the_program_locked_by_an_emergency_answer_accepts_nothing(
    client: TestClient, account: Account, database: Database
) -> None:
    _step_up_waiting(client, account, database)
    screen_via_api(client, account, Q1="yes")

    api = client.post("/api/program/suggestions/pelvic-tilt/accept", headers=account.headers)
    page = client.post(ACCEPT_URL, data={"csrf_token": account.csrf_token})

    assert api.status_code == 423
    assert "Go to an emergency department now" in page.text
    assert _tilt_dose(database, account.id) == TEN


def test_with_automatic_changes_off_a_painful_session_rests_pelvic_tilt_at_once(
    client: TestClient, account: Account, database: Database
) -> None:
    """§4.1 RED: pain 9 pauses the exercise without waiting for the person to accept."""
    screen_via_api(client, account)
    with database.session() as session:
        program.set_auto_progression(session, account.id, False)
    item = {
        "exercise_id": "pelvic-tilt",
        "level": 2,
        "dose": TILT,
        "sides_done": [],
        "reps_done": 10,
        "holds_done": 0,
        "hold_seconds": 0.0,
        "pain": 9,
        "spread_down_leg": False,
        "new_numbness_or_weakness": False,
        "completed": True,
    }
    body = {
        "client_id": str(uuid.uuid4()),
        "started_at": datetime.now(UTC).isoformat(),
        "record": {"status": "stopped", "stop_reason": "pain", "elapsed_s": 80.0, "items": [item]},
    }

    saved = client.post("/api/sessions", json=body, headers=account.headers)

    assert saved.status_code == 200, saved.text
    [decision] = saved.json()["program_update"]["decisions"]
    assert (decision["action"], decision["status"]) == ("PAUSE", "applied")
    owed = client.get("/today", follow_redirects=False)  # §9 ruling 5: safety questions first
    assert (owed.status_code, owed.headers["location"]) == (303, "/screening/recheck")
    screen_via_api(client, account)
    html = client.get("/today").text
    assert "Suggested changes" not in html
    paused = html.split("Paused for now", 1)[1]
    assert "<h3>Pelvic tilt</h3>" in paused
    assert "Your pain reached 9 out of 10 during pelvic tilt" in paused
    assert client.get("/api/program/today").json()["suggestions"] == []
    level, _, paused_until = _tilt_dose(database, account.id)
    assert level == 1 and paused_until is not None
    with database.session() as session:
        statuses = session.scalars(select(DoseDecision.status)).all()
    assert statuses == ["applied"]
