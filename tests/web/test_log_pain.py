"""Logging pain: the check-in form with its body map, the daily safety questions, the JSON API."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select

from sciatica_care.store.database import Database
from sciatica_care.store.models import CheckIn, Screening
from tests.web.conftest import Account, api_sign_up
from tests.web.diary_entries import (
    calm_checkin,
    checkin_form,
    page_today,
    post_checkin,
    quick_form,
)


def _rows(database: Database) -> list[CheckIn]:
    with database.session() as s:
        return list(s.scalars(select(CheckIn)))


# -- the form -------------------------------------------------------------------------------------


def test_the_form_has_a_body_map_with_radio_buttons_for_each_leg_and_symptom(
    client: TestClient, account: Account
) -> None:
    html = client.get("/check-in").text

    assert '<svg class="bodymap-figure"' in html and 'aria-hidden="true"' in html
    for name in ("left_pain", "left_numbness", "right_pain", "right_numbness"):
        assert f'name="{name}" value="5"' in html
    assert "Left leg: how far down does the numbness or pins and needles reach?" in html
    for item in ("Q1", "Q7", "CES_ASSESSED"):
        assert f'name="{item}" value="unsure"' in html


def test_a_check_in_is_saved_and_shows_where_the_pain_reaches(
    client: TestClient, account: Account, database: Database
) -> None:
    response = client.post("/check-in", data=checkin_form(client, right_numbness="2"))

    assert response.status_code == 200
    assert "Check-in saved" in response.text
    assert "pain reaches your knee or calf" in response.text
    assert "numbness or pins and needles reach one side of your back or buttock" in response.text
    [row] = _rows(database)
    assert (row.patient_id, row.leg_pain, row.back_pain) == (account.id, 5, 3)
    assert row.entry["zones"]["left"]["pain"] == 4
    assert row.entry["zones"]["right"]["numbness"] == 2
    assert row.daily_action == "SELF_CARE"


def test_missing_answers_are_named_next_to_their_fields_and_nothing_is_saved(
    client: TestClient, account: Account, database: Database
) -> None:
    data = checkin_form(client, left_pain="3")
    del data["leg_pain"], data["Q4"]

    response = client.post("/check-in", data=data)

    assert response.status_code == 400
    assert "Choose your leg pain from 0 to 10." in response.text
    assert "Answer question 4: yes, no or not sure." in response.text
    assert 'name="left_pain" value="3" data-side="left" data-kind="pain" checked' in response.text
    assert _rows(database) == []


def test_q1_yes_shows_the_emergency_screen_first_and_locks_like_the_safety_check(
    client: TestClient, account: Account, database: Database
) -> None:
    response = client.post("/check-in", data=checkin_form(client, Q1="yes"))

    assert response.status_code == 200
    assert "Go to an emergency department now" in response.text
    assert 'href="tel:999"' in response.text
    assert 'aria-label="Main"' not in response.text  # nothing but the action on the screen
    [row] = _rows(database)
    assert row.daily_action == "EMERGENCY_NOW"
    with database.session() as s:
        [screen] = s.scalars(select(Screening)).all()
    assert (screen.kind, screen.action, screen.answers["Q1"]) == ("daily", "EMERGENCY_NOW", "yes")
    assert "Go to an emergency department now" in client.get("/screening").text


def test_q1_yes_already_assessed_by_a_doctor_asks_for_a_doctor_today(
    client: TestClient, account: Account, database: Database
) -> None:
    data = checkin_form(client, Q1="yes", CES_ASSESSED="yes")

    response = client.post("/check-in", data=data)

    assert "Contact a doctor today." in response.text
    assert "You said there is numbness or pins and needles" in response.text
    assert _rows(database)[0].daily_action == "URGENT_24_48H"


def test_a_yes_without_the_follow_up_counts_as_not_yet_assessed(
    client: TestClient, account: Account, database: Database
) -> None:
    response = client.post("/check-in", data=checkin_form(client, Q3="unsure"))

    assert "Go to an emergency department now" in response.text
    assert _rows(database)[0].daily_action == "EMERGENCY_NOW"


def test_symptoms_in_both_legs_with_question_7_no_asks_to_check_question_7(
    client: TestClient, account: Account, database: Database
) -> None:
    response = client.post("/check-in", data=checkin_form(client, right_pain="3"))

    assert response.status_code == 400
    assert "Your body map shows pain or numbness in both legs." in response.text
    assert _rows(database) == []


def test_submitting_the_same_form_twice_stores_one_entry(
    client: TestClient, account: Account, database: Database
) -> None:
    data = checkin_form(client)

    client.post("/check-in", data=data)
    client.post("/check-in", data=data)

    assert len(_rows(database)) == 1


# -- the JSON API ---------------------------------------------------------------------------------


def test_an_offline_resend_with_the_same_client_id_is_stored_once(
    client: TestClient, account: Account, database: Database
) -> None:
    body = calm_checkin(client_id="6f1c2e4a-8d1b-4c1e-9a43-2b7c5d9e0f11", day="2026-01-05")

    first = client.post("/api/checkins", json=body, headers=account.headers)
    again = client.post("/api/checkins", json=body, headers=account.headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert again.json()["created"] is False
    [row] = _rows(database)
    assert row.day.isoformat() == "2026-01-05"


def test_the_api_answers_the_daily_action_with_its_message(
    client: TestClient, account: Account
) -> None:
    saved = post_checkin(client, account, red_flags={**calm_checkin()["red_flags"], "Q5": "yes"})

    assert saved["daily"]["action"] == "EMERGENCY_NOW"
    assert saved["daily"]["reasons"][0]["item"] == "Q5"
    assert saved["message"]["headline"].startswith("Go to an emergency department now")
    assert saved["page"] == f"/check-in/{saved['id']}"


def test_bad_input_is_a_422_naming_the_field(client: TestClient, account: Account) -> None:
    body = calm_checkin(leg_pain=11)
    del body["red_flags"]["Q6"]

    response = client.post("/api/checkins", json=body, headers=account.headers)

    assert response.status_code == 422
    locations = [error["loc"] for error in response.json()["detail"]]
    assert ["body", "leg_pain"] in locations
    assert ["body", "red_flags", "Q6"] in locations


def test_both_legs_with_question_7_no_is_a_422_at_question_7(
    client: TestClient, account: Account
) -> None:
    zones = {"left": {"pain": 3, "numbness": 0}, "right": {"pain": 0, "numbness": 4}}

    response = client.post("/api/checkins", json=calm_checkin(zones=zones), headers=account.headers)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "red_flags", "Q7"]


def test_check_ins_need_a_session(client: TestClient) -> None:
    assert client.post("/api/checkins", json=calm_checkin()).status_code == 401
    assert client.get("/api/checkins").status_code == 401
    assert client.get("/check-in").status_code == 200  # the sign-in page after the redirect
    assert client.get("/check-in", follow_redirects=False).headers["location"].startswith("/login")


def test_another_patients_check_in_is_not_found(client: TestClient, account: Account) -> None:
    saved = post_checkin(client, account)
    client.cookies.clear()
    api_sign_up(client, "bob@example.org")

    assert client.get(f"/api/checkins/{saved['id']}").status_code == 404
    assert client.get(f"/check-in/{saved['id']}").status_code == 404
    assert client.get("/api/checkins").json() == []


# -- the quick check-in (issue 9 item 4) ----------------------------------------------------------


def _yesterday(client: TestClient, account: Account, **zones: dict[str, int]) -> None:
    day = (page_today(client) - dt.timedelta(days=1)).isoformat()
    default = {"left": {"pain": 4, "numbness": 5}, "right": {"pain": 0, "numbness": 0}}
    post_checkin(client, account, day=day, zones=zones or default)


def test_the_seven_safety_questions_are_one_question_with_the_detail_after_it(
    client: TestClient, account: Account
) -> None:
    html = client.get("/check-in").text

    assert "Any of these today?" in html
    assert 'name="daily_any" value="no"' in html and 'name="daily_any" value="yes"' in html
    assert "A change in feeling when you wipe" not in html  # one sentence, not one box each
    assert html.index('name="daily_any"') < html.index('name="Q1"')  # the detail follows
    assert 'name="map_same"' not in html  # nothing to copy on the first day


def test_any_of_these_no_records_all_seven_as_no(
    client: TestClient, account: Account, database: Database
) -> None:
    response = client.post("/check-in", data=quick_form(client, left_pain="4"))

    assert "Check-in saved" in response.text
    [row] = _rows(database)
    assert row.entry["red_flags"] == {f"Q{n}": "no" for n in range(1, 8)}
    assert row.daily_action == "SELF_CARE"


def test_any_of_these_yes_naming_one_is_an_emergency_for_that_one(
    client: TestClient, account: Account, database: Database
) -> None:
    response = client.post("/check-in", data=quick_form(client, daily_any="yes", Q3="yes"))

    assert "Go to an emergency department now" in response.text
    [row] = _rows(database)
    assert row.daily_action == "EMERGENCY_NOW"
    assert row.entry["red_flags"]["Q3"] == "yes"
    assert {row.entry["red_flags"][f"Q{n}"] for n in (1, 2, 4, 5, 6, 7)} == {"no"}


def test_any_of_these_yes_without_saying_which_is_still_an_emergency(
    client: TestClient, account: Account, database: Database
) -> None:
    response = client.post("/check-in", data=quick_form(client, daily_any="yes"))

    assert "Go to an emergency department now" in response.text
    [row] = _rows(database)
    assert row.daily_action == "EMERGENCY_NOW"
    assert set(row.entry["red_flags"].values()) == {"unsure"}  # not sure counts as yes (§1)


def test_a_yes_in_the_detail_is_never_overruled_by_a_no_to_the_group(
    client: TestClient, account: Account, database: Database
) -> None:
    client.post("/check-in", data=quick_form(client, daily_any="no", Q5="unsure"))

    [row] = _rows(database)
    assert row.daily_action == "EMERGENCY_NOW"


def test_a_yes_already_assessed_by_a_doctor_asks_for_a_doctor_today(
    client: TestClient, account: Account, database: Database
) -> None:
    data = quick_form(client, daily_any="yes", Q1="yes", CES_ASSESSED="yes")

    response = client.post("/check-in", data=data)

    assert "Contact a doctor today." in response.text
    assert _rows(database)[0].daily_action == "URGENT_24_48H"


def test_the_grouped_question_unanswered_is_named_and_nothing_is_saved(
    client: TestClient, account: Account, database: Database
) -> None:
    response = client.post("/check-in", data=quick_form(client, daily_any=""))

    assert response.status_code == 400
    assert "Answer this question: no, or yes (or not sure)." in response.text
    assert 'href="#daily_any"' in response.text
    assert _rows(database) == []


def test_both_legs_on_the_map_with_none_of_these_asks_again(
    client: TestClient, account: Account, database: Database
) -> None:
    data = quick_form(client, left_pain="4", right_numbness="3")

    response = client.post("/check-in", data=data)

    assert response.status_code == 400
    assert "answer Yes here, then Yes to the question about both legs" in response.text
    assert _rows(database) == []


def test_both_legs_on_the_map_after_a_yes_counts_as_question_7(
    client: TestClient, account: Account, database: Database
) -> None:
    data = quick_form(client, left_pain="4", right_numbness="3", daily_any="yes", Q1="no")

    response = client.post("/check-in", data=data)

    assert "Go to an emergency department now" in response.text
    [row] = _rows(database)
    assert row.entry["red_flags"]["Q7"] == "yes"


def test_same_as_yesterday_copies_yesterdays_map_on_the_server(
    client: TestClient, account: Account, database: Database
) -> None:
    _yesterday(client, account)
    html = client.get("/check-in").text
    assert "Same as yesterday" in html
    assert "left leg: pain to knee or calf, numbness to ankle or foot; right leg: nothing" in html
    assert 'name="left_pain" value="4" data-side="left" data-kind="pain" checked' in html

    response = client.post("/check-in", data=quick_form(client, left_pain="1"))

    assert "Check-in saved" in response.text
    today = max(_rows(database), key=lambda row: row.day)
    assert today.entry["zones"] == {
        "left": {"pain": 4, "numbness": 5},
        "right": {"pain": 0, "numbness": 0},
    }


def test_it_has_changed_records_the_map_as_marked(
    client: TestClient, account: Account, database: Database
) -> None:
    _yesterday(client, account)

    client.post("/check-in", data=quick_form(client, map_same="no", left_pain="3"))

    today = max(_rows(database), key=lambda row: row.day)
    assert today.entry["zones"]["left"] == {"pain": 3, "numbness": 0}


def test_same_as_yesterday_must_be_answered_when_it_is_offered(
    client: TestClient, account: Account, database: Database
) -> None:
    _yesterday(client, account)

    response = client.post("/check-in", data=quick_form(client, map_same=""))

    assert response.status_code == 400
    assert "Choose “Same as yesterday”, or “It has changed”." in response.text
    assert len(_rows(database)) == 1


def test_same_as_yesterday_without_a_yesterday_is_refused(
    client: TestClient, account: Account, database: Database
) -> None:
    data = quick_form(client, map_same="yes")

    response = client.post("/check-in", data=data)

    assert response.status_code == 400
    assert "There is no check-in from yesterday to copy." in response.text
    assert _rows(database) == []


def test_an_entry_from_two_days_ago_is_not_offered_as_yesterday(
    client: TestClient, account: Account
) -> None:
    day = (page_today(client) - dt.timedelta(days=2)).isoformat()
    post_checkin(client, account, day=day)

    assert 'name="map_same"' not in client.get("/check-in").text
