"""Today (``/today``): the day's exercises behind the safety check, with doses and reasons."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from sciatica_care.content.exercises import exercise_library
from sciatica_care.store.base import utcnow
from sciatica_care.store.database import Database
from sciatica_care.store.models import ExerciseDose, Screening
from tests.web.conftest import Account
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
    assert html.count("<svg") == len(exercise_library().exercises)
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
