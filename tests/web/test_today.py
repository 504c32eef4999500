"""Today (``/today``): the day's exercises behind the safety check, with doses and reasons."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from sciatica_care.content.exercises import exercise_library
from sciatica_care.store.base import utcnow
from sciatica_care.store.database import Database
from sciatica_care.store.models import DoseDecision, ExerciseDose, Patient, Screening
from tests.web.conftest import PASSWORD, Account
from tests.web.safety_check import screen_via_api


def test_before_any_safety_check_today_sends_you_to_it(
    client: TestClient, account: Account
) -> None:
    response = client.get("/today", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/screening"
    assert client.get("/api/program/today").status_code == 409


def test_today_lists_each_exercise_with_dose_picture_link_and_start(
    client: TestClient, account: Account
) -> None:
    screen_via_api(client, account)

    html = client.get("/today").text

    for exercise in exercise_library().exercises:
        assert f'href="/exercises/{exercise.id}"' in html
        assert exercise.name in html
    assert "10 reps, hold 3 s at each end" in html
    assert html.count('<div class="exercise-picture"><svg') == len(exercise_library().exercises)
    assert 'href="/session"' in html
    assert "Stop at once if the pain is sharp or spreads down your leg." in html


def test_a_changed_dose_shows_its_reason_and_a_paused_exercise_its_resume_date(
    client: TestClient, account: Account, database: Database
) -> None:
    screen_via_api(client, account)
    with database.session() as session:
        session.add(
            ExerciseDose(
                patient_id=account.id,
                exercise_id="pelvic-tilt",
                level=2,
                dose={"sets": 1, "reps": 12, "hold_s": 3, "per_side": False},
                reason="You tolerated 10 pelvic tilts well: today 12.",
            )
        )
        session.add(
            ExerciseDose(
                patient_id=account.id,
                exercise_id="knee-to-chest",
                level=1,
                dose={"sets": 1, "reps": 3, "hold_s": 10, "per_side": True},
                paused_until=(utcnow() + timedelta(days=2)).date(),
                reason="Your pain spread down your leg: rest this exercise for 2 days.",
            )
        )

    html = client.get("/today").text

    assert "12 reps, hold 3 s at each end" in html
    assert "Why this dose:</strong> You tolerated 10 pelvic tilts well: today 12." in html
    paused = html.split("Paused for now", 1)[1]
    assert "Knee to chest" in paused
    assert "Paused until" in paused
    assert "rest this exercise for 2 days" in paused
    program = client.get("/api/program/today").json()
    assert [e["exercise_id"] for e in program["exercises"]] == [
        "pelvic-tilt",
        "lower-trunk-rotation",
        "bird-dog",
    ]
    assert program["paused"][0]["exercise_id"] == "knee-to-chest"


def test_an_urgent_result_is_repeated_on_today(client: TestClient, account: Account) -> None:
    screen_via_api(client, account, Q19="yes")

    html = client.get("/today").text

    assert "From your last safety check: Contact a doctor today." in html


def test_a_week_old_safety_check_is_due_again(
    client: TestClient, account: Account, database: Database
) -> None:
    screen_id = screen_via_api(client, account)["id"]
    with database.session() as session:
        row = session.get(Screening, screen_id)
        assert row is not None
        row.created_at = utcnow() - timedelta(days=8)

    assert "It is a week since your last safety check" in client.get("/today").text


def test_the_program_json_carries_the_player_script(client: TestClient, account: Account) -> None:
    screen_via_api(client, account)

    program = client.get("/api/program/today").json()

    phases = [step["phase"] for step in program["steps"]]
    assert phases[0] == "intro" and phases[-1] == "done"
    assert phases.count("pain_check") == len(program["exercises"])
    assert program["rules"]["pain_stop_at"] == 8
    assert program["exercises"][0]["picture_svg"].startswith("<svg")


def test_the_player_page_is_behind_the_same_gate(client: TestClient, account: Account) -> None:
    assert client.get("/session", follow_redirects=False).headers["location"] == "/screening"
    screen_via_api(client, account)

    html = client.get("/session").text

    assert 'src="/static/player.js"' in html
    assert 'id="stop"' in html


def test_today_links_to_heat_and_cold_and_to_each_questionnaire_due(
    client: TestClient, account: Account
) -> None:
    screen_via_api(client, account)

    html = client.get("/today").text

    assert 'href="/heat-cold"' in html
    due = html.split("Questionnaires due", 1)[1]
    assert 'href="/questionnaires/sbi">Sciatica bother score</a>' in due
    assert 'href="/questionnaires/psfs">Activity score</a>' in due
    assert "/questionnaires/nprs" not in html


def test_a_questionnaire_answered_today_is_no_longer_listed_as_due(
    client: TestClient, account: Account
) -> None:
    screen_via_api(client, account)
    answers = {"leg_pain": 5, "numbness": 3, "weakness": 2, "sitting_pain": 4}
    saved = client.post(
        "/api/questionnaires",
        json={"questionnaire": "sbi", "answers": answers},
        headers=account.headers,
    )
    assert saved.status_code == 201, saved.text

    html = client.get("/today").text

    assert "/questionnaires/sbi" not in html
    assert 'href="/questionnaires/psfs"' in html


# -- habit: done for today, the weekly goal ring, the streak, the program week -----------------


def _session_on(client: TestClient, account: Account, started: datetime, *ids: str) -> None:
    """A finished guided session through the API, one completed exercise per id."""
    items = [
        {
            "exercise_id": exercise_id,
            "level": 2,
            "dose": exercise_library().get(exercise_id).level(2).dose.model_dump(),
            "sides_done": [],
            "reps_done": 10,
            "holds_done": 0,
            "hold_seconds": 0.0,
            "pain": 2,
            "spread_down_leg": False,
            "new_numbness_or_weakness": False,
            "completed": True,
        }
        for exercise_id in ids
    ]
    body = {
        "client_id": str(uuid.uuid4()),
        "started_at": started.isoformat(),
        "final": True,
        "record": {"status": "completed", "elapsed_s": 180.0, "items": items},
    }
    saved = client.post("/api/sessions", json=body, headers=account.headers)
    assert saved.status_code in (200, 201), saved.text


def _program_started(database: Database, account: Account, days_ago: int) -> None:
    with database.session() as session:
        patient = session.get(Patient, account.id)
        assert patient is not None
        patient.program_started_on = utcnow().date() - timedelta(days=days_ago)


def test_a_new_program_shows_week_one_an_empty_ring_and_no_streak(
    client: TestClient, screened: Account
) -> None:
    html = client.get("/today").text

    assert "Done for today" not in html
    assert "Week 1</span> of your program" in html
    assert "Sessions on 0 of 7 planned days this week" in html
    assert 'class="ring-fill' not in html
    assert "Start a streak</span> with a session today" in html
    assert "Start today’s session" in html


def test_after_a_session_the_day_shows_as_done_with_what_was_done(
    client: TestClient, screened: Account
) -> None:
    _session_on(client, screened, utcnow() - timedelta(minutes=5), "pelvic-tilt", "bird-dog")

    html = client.get("/today").text

    assert "Done for today" in html
    assert "You did Pelvic tilt, Bird dog: 3 minutes. Well done." in html
    assert "Sessions on 1 of 7 planned days this week" in html
    assert 'stroke-dasharray="37.7 263.9"' in html  # one seventh of the ring
    assert "1 day</span> in a row on your plan" in html
    assert "Do a second session" in html
    assert "Start today’s session" not in html


def test_week_and_streak_count_from_the_programs_start_in_the_patients_days(
    client: TestClient, screened: Account, database: Database
) -> None:
    _program_started(database, screened, 15)
    for days_ago in (3, 2, 1):
        _session_on(client, screened, utcnow() - timedelta(days=days_ago), "pelvic-tilt")

    html = client.get("/today").text

    assert "Week 3</span> of your program" in html
    assert "3 days</span> in a row on your plan" in html  # today is still open
    assert "Sessions on 1 of 7 planned days this week" in html  # week 3 began yesterday
    assert "Done for today" not in html


def test_a_day_when_every_exercise_was_paused_keeps_the_streak(
    client: TestClient, screened: Account, database: Database
) -> None:
    _program_started(database, screened, 10)
    _session_on(client, screened, utcnow() - timedelta(days=3), "pelvic-tilt")
    _session_on(client, screened, utcnow() - timedelta(days=1), "pelvic-tilt")
    paused_from = utcnow().date() - timedelta(days=3)
    with database.session() as session:
        for exercise in exercise_library().exercises:
            session.add(
                DoseDecision(
                    patient_id=screened.id,
                    exercise_id=exercise.id,
                    action="PAUSE",
                    status="applied",
                    decision={
                        "decided_on": paused_from.isoformat(),
                        "resume_on": (paused_from + timedelta(days=2)).isoformat(),
                    },
                )
            )

    html = client.get("/today").text

    assert "3 days</span> in a row on your plan" in html


def test_done_for_today_follows_the_patients_own_day(client: TestClient, web_app: Any) -> None:
    """A session at 20:00 in Los Angeles is 04:00 UTC the next day: it is done on the patient's
    day, and after their midnight the new day is open with the streak kept."""
    moments = [datetime(2026, 11, 2, 5, 30, tzinfo=UTC)]  # 21:30 on 1 November in Los Angeles
    web_app.state.now = lambda: moments[-1]
    try:
        created = client.post(
            "/api/accounts",
            json={
                "email": "lu@example.org",
                "password": PASSWORD,
                "timezone": "America/Los_Angeles",
            },
        ).json()
        lu = Account(created["id"], created["email"], PASSWORD, created["csrf_token"])
        client.post("/api/me/disclaimer", headers=lu.headers)
        screen_via_api(client, lu)
        _session_on(client, lu, datetime(2026, 11, 2, 4, tzinfo=UTC), "pelvic-tilt")

        assert "Done for today" in client.get("/today").text

        moments.append(datetime(2026, 11, 2, 9, tzinfo=UTC))  # 01:00 on 2 November there
        html = client.get("/today").text
        assert "Done for today" not in html
        assert "1 day</span> in a row on your plan" in html
    finally:
        web_app.state.now = None
