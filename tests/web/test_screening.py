"""The safety check (clinical-spec.md §1, §2, §7.2, §8.1–8.2): pages and JSON API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sciatica_care.store import screenings
from sciatica_care.store.database import Database
from sciatica_care.store.models import Screening
from tests.web.conftest import Account, api_sign_up, form_csrf
from tests.web.safety_check import calm_answers, calm_form, screen_via_api


def _submit(client: TestClient, **changes: str) -> tuple[int, str]:
    page = client.get("/screening")
    response = client.post("/screening", data=calm_form(form_csrf(page.text), **changes))
    return response.status_code, response.text


# -- the form -------------------------------------------------------------------------------------


def test_the_form_asks_every_question_with_not_sure_as_a_choice(
    client: TestClient, account: Account
) -> None:
    html = client.get("/screening").text

    for item in ("Q1", "Q8a", "Q20", "CES_ASSESSED", "S2_leg", "S1_left_pain", "age"):
        assert f'name="{item}"' in html
    assert 'value="unsure"' in html
    assert "Answer this only if you said yes to Question 8." in html


def test_no_warning_sign_shows_the_pattern_with_its_reason(
    client: TestClient, account: Account, database: Database
) -> None:
    status, html = _submit(client)

    assert status == 200
    assert "None of your answers is a warning sign." in html
    assert "fit a pattern often seen with sciatica: pain below the knee" in html
    assert "Only a clinician can confirm it." in html
    with database.session() as session:
        row = screenings.latest(session, account.id)
        assert row is not None
        assert row.action == "SELF_CARE"
        assert row.answers["S3"] == "yes"
        assert row.content_version


def test_an_urgent_answer_says_what_to_do_by_when_and_names_the_answer(
    client: TestClient, account: Account
) -> None:
    status, html = _submit(client, Q12="yes")

    assert status == 200
    assert "Contact a doctor today." in html
    assert "no later than 48 hours" in html
    assert "Question 12" in html
    assert "You said you lost weight without trying." in html


def test_a_routine_answer_asks_for_a_visit_within_two_weeks(
    client: TestClient, account: Account
) -> None:
    _, html = _submit(client, Q20="unsure")

    assert "Book a visit with a doctor or physiotherapist." in html
    assert "You said you were not sure, and not sure counts as yes." in html


def test_a_missing_answer_names_the_item_and_keeps_the_other_answers(
    client: TestClient, account: Account, database: Database
) -> None:
    page = client.get("/screening")
    form = calm_form(form_csrf(page.text), Q4="yes", age="200")
    del form["Q7"]

    response = client.post("/screening", data=form)

    assert response.status_code == 400
    assert "Question 7: choose yes, no or not sure." in response.text
    assert "Your age: enter a whole number from 0 to 120." in response.text
    assert 'name="Q4" value="yes" checked' in response.text
    assert 'value="200"' in response.text
    with database.session() as session:
        assert screenings.latest(session, account.id) is None


def test_the_follow_up_must_be_answered_when_it_applies_and_is_dropped_when_not(
    client: TestClient, account: Account, database: Database
) -> None:
    status, html = _submit(client, Q8="yes")
    assert status == 400
    assert "Question 8a: choose yes, no or not sure." in html

    status, _ = _submit(client, Q8a="yes")  # Q8 is "no": 8a does not apply
    assert status == 200
    with database.session() as session:
        row = screenings.latest(session, account.id)
        assert row is not None
        assert row.answers["Q8a"] == "no"
        assert row.action == "SELF_CARE"


# -- the emergency screen -------------------------------------------------------------------------


def test_an_emergency_is_the_whole_screen_with_a_call_button_and_no_exercise(
    client: TestClient, account: Account
) -> None:
    _, html = _submit(client, Q4="yes")

    main = html.split('<main id="main"', 1)[1]
    assert main.index("Go to an emergency department now") < main.index("Why:")
    assert 'href="tel:999"' in main
    assert "You said you leaked urine, needed pads, or could not pee." in main
    assert "exercise" not in main.lower()
    assert 'aria-label="Main"' not in html  # no site navigation competing with the action


def test_the_emergency_locks_today_until_a_doctor_has_assessed(
    client: TestClient, account: Account
) -> None:
    _submit(client, Q1="yes")
    screen_id = int(client.get("/api/screenings/latest").json()["id"])

    today = client.get("/today")
    assert "Go to an emergency department now" in today.text
    assert "Start today" not in today.text

    csrf = form_csrf(today.text)
    not_yet = client.post(
        f"/screening/{screen_id}/acknowledge",
        data={"csrf_token": csrf, "read": "yes", "assessed": "no"},
    )
    assert "The program stays locked" in not_yet.text
    assert "Go to an emergency department now" in client.get("/today").text  # next visit too

    done = client.post(
        f"/screening/{screen_id}/acknowledge",
        data={"csrf_token": csrf, "read": "yes", "assessed": "yes"},
    )
    assert done.url.path == "/today"
    assert "Start today’s session" in done.text


def test_acknowledging_needs_the_box_ticked(client: TestClient, account: Account) -> None:
    _submit(client, Q17="yes")
    screen_id = client.get("/api/screenings/latest").json()["id"]
    page = client.get("/today")

    response = client.post(
        f"/screening/{screen_id}/acknowledge", data={"csrf_token": form_csrf(page.text)}
    )

    assert response.status_code == 400
    assert "Tick the box to confirm you read this." in response.text


# -- JSON API -------------------------------------------------------------------------------------


def test_api_screens_and_returns_the_result_format(client: TestClient, account: Account) -> None:
    result = screen_via_api(client, account, Q11="yes", Q9="yes")

    assert result["action"] == "EMERGENCY_NOW"
    assert result["pattern"] == "PATTERN_SCIATICA"
    assert [r["item"] for r in result["reasons"]][:1] == ["Q11"]
    assert {"item", "action", "text"} <= set(result["reasons"][0])
    assert result["content_version"]
    assert result["program_locked"] is True
    assert client.get("/api/screenings/latest").json()["id"] == result["id"]


def test_api_bad_answers_are_a_422_naming_each_item(client: TestClient, account: Account) -> None:
    answers = calm_answers(Q3="maybe", S2_leg=11)
    del answers["Q5"]

    response = client.post("/api/screenings", json=answers, headers=account.headers)

    assert response.status_code == 422
    named = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert named == {("body", "Q3"), ("body", "S2_leg"), ("body", "Q5")}
    assert client.get("/api/screenings/latest").status_code == 404


def test_api_acknowledge_unlocks_the_program_only_when_assessed(
    client: TestClient, account: Account
) -> None:
    screen_id = screen_via_api(client, account, Q7="yes")["id"]
    assert client.get("/api/program/today").status_code == 423

    read = client.post(
        f"/api/screenings/{screen_id}/acknowledge",
        json={"assessed": False},
        headers=account.headers,
    )
    assert read.json()["acknowledged_at"] is not None
    assert read.json()["program_locked"] is True
    assert client.get("/api/program/today").status_code == 423

    assessed = client.post(
        f"/api/screenings/{screen_id}/acknowledge", json={"assessed": True}, headers=account.headers
    )
    assert assessed.json()["program_locked"] is False
    assert client.get("/api/program/today").status_code == 200


def test_a_calmer_screen_does_not_lift_an_emergency_lock(
    client: TestClient, account: Account
) -> None:
    screen_via_api(client, account, Q10="yes")

    calm = screen_via_api(client, account)

    assert calm["action"] == "SELF_CARE"
    assert calm["program_locked"] is True
    assert "Go to an emergency department now" in client.get("/today").text


def test_no_one_sees_or_acknowledges_another_persons_screen(
    client: TestClient, account: Account, database: Database
) -> None:
    screen_id = screen_via_api(client, account, Q1="yes")["id"]
    client.cookies.clear()
    other = api_sign_up(client, "bob@example.org")

    assert client.get("/api/screenings/latest").status_code == 404
    assert client.get(f"/screening/{screen_id}").status_code == 404
    response = client.post(
        f"/api/screenings/{screen_id}/acknowledge", json={"assessed": True}, headers=other.headers
    )
    assert response.status_code == 404
    with database.session() as session:
        row = session.get(Screening, screen_id)
        assert row is not None and row.assessed_at is None


def test_the_api_needs_a_signed_in_patient(client: TestClient) -> None:
    response = client.post("/api/screenings", json=calm_answers())
    assert response.status_code == 401
