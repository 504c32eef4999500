"""The safety check (clinical-spec.md §1, §2, §7.2, §8.1–8.2): pages and JSON API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from sciatica_care.store import screenings
from sciatica_care.store.database import Database
from sciatica_care.store.models import Screening
from tests.web.conftest import Account, api_sign_up, form_csrf
from tests.web.safety_check import (
    calm_answers,
    calm_form,
    calm_recheck,
    conversation_form,
    recheck_form,
    screen_via_api,
)

UNLOCK_QUESTION = (
    "Has a doctor checked you for this since it started, and is it no worse and no different since?"
)


def _submit(client: TestClient, **changes: str) -> tuple[int, str]:
    page = client.get("/screening")
    response = client.post("/screening", data=calm_form(form_csrf(page.text), **changes))
    return response.status_code, response.text


def _rows(database: Database, account: Account) -> list[Screening]:
    with database.session() as session:
        return screenings.list_for(session, account.id)


# -- the form -------------------------------------------------------------------------------------


def test_the_form_asks_every_question_with_not_sure_as_a_choice(
    client: TestClient, account: Account
) -> None:
    html = client.get("/screening").text

    for item in ("Q1", "Q8a", "Q20", "CES_ASSESSED", "S2_leg", "S1_left_pain", "age"):
        assert f'name="{item}"' in html
    assert 'value="unsure"' in html
    assert "Answer this only if you said yes, or not sure, to the question just above." in html


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
    form = calm_form(form_csrf(page.text), Q4="no", Q12="yes", age="200")
    del form["Q7"]

    response = client.post("/screening", data=form)

    assert response.status_code == 400
    assert "Question 7: choose yes, no or not sure." in response.text
    assert "Your age: enter a whole number from 0 to 120." in response.text
    assert 'name="Q12" value="yes" checked' in response.text
    assert 'value="200"' in response.text
    with database.session() as session:
        assert screenings.latest(session, account.id) is None


def test_the_follow_up_must_be_answered_when_it_applies_and_is_dropped_when_not(
    client: TestClient, account: Account, database: Database
) -> None:
    status, html = _submit(client, Q8="yes")
    assert status == 400
    assert "Question 8a: choose yes, no or not sure." in html

    status, _ = _submit(client, Q8a="no")  # Q8 is "no": 8a does not apply
    assert status == 200
    with database.session() as session:
        row = screenings.latest(session, account.id)
        assert row is not None
        assert row.answers["Q8a"] == "no"
        assert row.action == "SELF_CARE"


def test_worsening_weakness_counts_even_when_question_8_was_answered_no(
    client: TestClient, account: Account, database: Database
) -> None:
    _, html = _submit(client, Q8a="yes")  # §9 ruling 3

    assert "Go to an emergency department now" in html
    assert "getting worse over hours or days" in html
    [row] = _rows(database, account)
    assert row.answers["Q8a"] == "yes"


def test_leg_weakness_with_question_8_no_asks_question_8_again(
    client: TestClient, account: Account, database: Database
) -> None:
    status, html = _submit(client, S5="yes")

    assert status == 400
    assert "Question 8, again: You said there is weakness in your leg or foot." in html
    assert _rows(database, account) == []

    status, html = _submit(client, S5="yes", Q8_again="yes")
    assert status == 400
    assert "Question 8a: choose yes, no or not sure." in html

    status, html = _submit(client, S5="yes", Q8_again="yes", Q8a="no")
    assert status == 200
    assert "You said a leg or foot is getting weaker." in html
    [row] = _rows(database, account)
    assert (row.answers["Q8"], row.answers["S5"], row.action) == ("yes", "yes", "URGENT_24_48H")


def test_leg_weakness_asked_again_may_stay_no(
    client: TestClient, account: Account, database: Database
) -> None:
    status, _ = _submit(client, S5="yes", Q8_again="no")

    assert status == 200
    [row] = _rows(database, account)
    assert (row.answers["Q8"], row.action) == ("no", "SELF_CARE")


# -- the conversation (issue 9 item 1) ------------------------------------------------------------


def _converse(client: TestClient, **changes: str | None) -> tuple[int, str]:
    page = client.get("/screening")
    response = client.post("/screening", data=conversation_form(form_csrf(page.text), **changes))
    return response.status_code, response.text


def test_the_check_is_a_few_pages_with_plain_questions_and_never_asks_if_you_are_over_50(
    client: TestClient, account: Account
) -> None:
    html = client.get("/screening").text

    assert [f"{n} of 4" in html for n in range(1, 5)] == [True] * 4
    assert html.count('class="step"') == 4
    assert "Do you have any of these?" in html
    assert 'name="group_nerves" value="none"' in html and "None of these" in html
    assert "over 50" not in html.lower()
    assert "How old are you, in years?" in html
    assert "Question 1" not in html  # plain labels: the question is its own label
    assert 'class="bodymap-figure"' in html  # the tappable figure, not four drop-downs
    assert "<select" not in html


def test_none_of_these_answers_every_item_of_the_group_no(
    client: TestClient, account: Account, database: Database
) -> None:
    status, html = _converse(client)

    assert status == 200, html
    assert "None of your answers is a warning sign." in html
    [row] = _rows(database, account)
    flat = calm_answers()
    assert {item: row.answers[item] for item in flat} == flat
    assert row.answers.get("S1") is None  # a map left at "Nowhere" everywhere says nothing


def test_a_yes_inside_a_group_answered_none_still_counts(
    client: TestClient, account: Account, database: Database
) -> None:
    _, html = _converse(client, Q12="yes")

    assert "Contact a doctor today." in html
    [row] = _rows(database, account)
    assert (row.answers["Q12"], row.answers["Q11"]) == ("yes", "no")


def test_yes_or_not_sure_to_a_group_needs_an_answer_to_each_of_its_questions(
    client: TestClient, account: Account, database: Database
) -> None:
    status, html = _converse(client, group_weakness="some", Q8="no", Q9="no")

    assert status == 400
    assert "Question 10: choose yes, no or not sure." in html
    assert "Question 13: choose yes, no or not sure." in html
    assert "Question 9:" not in html
    assert _rows(database, account) == []


def test_an_unanswered_group_names_its_questions(client: TestClient, account: Account) -> None:
    status, html = _converse(client, group_nerves=None)

    assert status == 400
    assert "Question 1: choose yes, no or not sure." in html


def test_first_back_pain_counts_only_over_50_from_the_age_given(
    client: TestClient, account: Account, database: Database
) -> None:
    _, html = _converse(client, age="61", Q14_first="yes", Q14_upper="no")
    assert "Book a visit with a doctor or physiotherapist." in html
    assert "over 50 with first-time back pain" in html

    _, html = _converse(client, age="44", Q14_first="yes", Q14_upper="no")
    assert "None of your answers is a warning sign." in html

    [older, younger] = _rows(database, account)
    assert (older.answers["Q14"], younger.answers["Q14"]) == ("yes", "no")


def test_pain_mostly_higher_up_the_back_counts_at_any_age(
    client: TestClient, account: Account, database: Database
) -> None:
    _converse(
        client, group_course="some", **{f"Q{n}": "no" for n in range(15, 21)}, Q14_upper="unsure"
    )

    [row] = _rows(database, account)
    assert (row.answers["Q14"], row.action) == ("unsure", "ROUTINE")


def test_the_checklist_reads_a_tick_as_yes_and_no_tick_as_no(
    client: TestClient, account: Account, database: Database
) -> None:
    _converse(client, S3=None, S4="yes", S6="yes")

    [row] = _rows(database, account)
    assert [row.answers[item] for item in ("S3", "S4", "S5", "S6")] == ["no", "yes", "no", "yes"]


def test_leg_weakness_ticked_after_none_of_these_asks_question_8_again(
    client: TestClient, account: Account, database: Database
) -> None:
    status, html = _converse(client, S5="yes")

    assert status == 400
    assert "Question 8, again" in html

    status, _ = _converse(client, S5="yes", Q8_again="yes", Q8a="no")
    assert status == 200
    [row] = _rows(database, account)
    assert (row.answers["Q8"], row.action) == ("yes", "URGENT_24_48H")


def test_a_body_map_marked_on_the_figure_is_saved(
    client: TestClient, account: Account, database: Database
) -> None:
    _converse(client, S1_left_pain="4", S1_left_numbness="5")

    [row] = _rows(database, account)
    assert row.answers["S1"]["left"] == {"pain": 4, "numbness": 5}
    assert row.answers["S1"]["right"] == {"pain": 0, "numbness": 0}


def test_both_legs_on_the_figure_is_an_emergency_even_after_none_of_these(
    client: TestClient, account: Account
) -> None:
    _, html = _converse(client, S1_left_pain="3", S1_right_pain="4")

    assert "Go to an emergency department now" in html
    assert "Your body map shows pain or numbness in both legs." in html


def test_answers_so_far_read_the_groups_too(client: TestClient, account: Account) -> None:
    csrf = form_csrf(client.get("/screening").text)
    form = {"csrf_token": csrf, "group_nerves": "none", "Q11": "yes", "Q10": "yes"}

    body = client.post("/screening/so-far", data=form).json()

    assert (body["emergency"], body["reason"]["item"]) == (True, "Q10")
    assert body["assessed_topics"] == []


def test_a_first_calm_result_asks_for_goals_and_leads_straight_to_the_first_session(
    client: TestClient, account: Account
) -> None:
    _, html = _converse(client)

    assert "What do you want to get back to?" in html
    assert 'action="/goals"' in html and 'name="then" value="/session"' in html
    assert "Start my first session" in html

    response = client.post(
        "/goals",
        data={"csrf_token": form_csrf(html), "goal_1": "Walking", "then": "/session"},
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (303, "/session")
    again = client.get(
        str(client.get("/api/screenings/latest").json()["id"]).join(("/screening/", ""))
    )
    assert "What do you want to get back to?" not in again.text
    assert 'href="/session"' in again.text


# -- the emergency first, without JavaScript (issue 8 item 3) -------------------------------------


def test_q1_yes_on_a_form_sent_at_once_gets_the_emergency_page_not_field_errors(
    client: TestClient, account: Account, database: Database
) -> None:
    page = client.get("/screening")

    response = client.post("/screening", data={"csrf_token": form_csrf(page.text), "Q1": "yes"})

    assert response.status_code == 200
    assert "Go to an emergency department now" in response.text
    assert "choose yes, no or not sure" not in response.text
    assert "There is a problem" not in response.text
    assert "You said there is numbness or pins and needles" in response.text
    [row] = _rows(database, account)
    assert (row.kind, row.action, row.answers) == ("partial", "EMERGENCY_NOW", {"Q1": "yes"})
    assert "Go to an emergency department now" in client.get("/today").text
    assert client.get("/api/program/today").status_code == 423
    assert "Go to an emergency department now" in client.get("/screening").text


def test_a_partly_filled_form_with_an_emergency_keeps_the_valid_answers_given(
    client: TestClient, account: Account, database: Database
) -> None:
    page = client.get("/screening")
    form = {"csrf_token": form_csrf(page.text), "age": "200", "Q2": "no", "Q10": "unsure"}

    response = client.post("/screening", data=form)

    assert "You said both hands are newly clumsy" in response.text
    [row] = _rows(database, account)
    assert row.kind == "partial"
    assert row.answers == {"Q2": "no", "Q10": "unsure"}


def test_a_partly_filled_form_already_checked_by_a_doctor_asks_for_the_rest(
    client: TestClient, account: Account, database: Database
) -> None:
    page = client.get("/screening")
    form = {"csrf_token": form_csrf(page.text), "Q1": "yes", "CES_ASSESSED": "yes"}

    response = client.post("/screening", data=form)

    assert response.status_code == 400
    assert "Question 2: choose yes, no or not sure." in response.text
    assert "You said yes to:" in response.text
    assert "numbness or pins and needles between your legs or around your bottom" in response.text
    assert _rows(database, account) == []


def test_a_partly_filled_form_without_an_emergency_names_what_is_missing(
    client: TestClient, account: Account, database: Database
) -> None:
    page = client.get("/screening")

    response = client.post("/screening", data={"csrf_token": form_csrf(page.text), "Q9": "yes"})

    assert response.status_code == 400
    assert "Question 1: choose yes, no or not sure." in response.text
    assert _rows(database, account) == []


# -- the emergency first, with JavaScript: the answers so far -------------------------------------


def test_answers_so_far_say_emergency_and_name_the_items_for_the_follow_up(
    client: TestClient, account: Account, database: Database
) -> None:
    csrf = form_csrf(client.get("/screening").text)

    data = client.post("/screening/so-far", data={"csrf_token": csrf, "Q1": "yes", "Q4": "unsure"})

    body = data.json()
    assert body["emergency"] is True
    assert body["action"] == "EMERGENCY_NOW"
    assert body["reason"]["item"] == "Q1"
    assert body["assessed_topics"] == [
        "numbness or pins and needles between your legs or around your bottom",
        "leaking urine, needing pads, or not being able to pee",
    ]
    assert _rows(database, account) == []


def test_answers_so_far_already_checked_are_not_an_emergency(
    client: TestClient, account: Account
) -> None:
    csrf = form_csrf(client.get("/screening").text)
    form = {"csrf_token": csrf, "Q1": "yes", "CES_ASSESSED": "yes"}

    body = client.post("/screening/so-far", data=form).json()

    assert (body["emergency"], body["action"]) == (False, "URGENT_24_48H")


def test_answers_so_far_see_both_legs_on_the_body_map_as_question_7(
    client: TestClient, account: Account
) -> None:
    csrf = form_csrf(client.get("/screening").text)
    form = {"csrf_token": csrf, "Q11": "yes"}
    form.update({f"S1_{side}_{kind}": "3" for side in ("left", "right") for kind in ("pain",)})
    form.update({f"S1_{side}_numbness": "0" for side in ("left", "right")})

    body = client.post("/screening/so-far", data=form).json()

    assert body["emergency"] is True
    assert body["reason"]["item"] == "Q11"


def test_the_form_carries_the_inline_emergency_and_the_follow_up_wording(
    client: TestClient, account: Account
) -> None:
    html = client.get("/screening").text

    assert 'id="so-far"' in html and 'data-so-far="/screening/so-far"' in html
    assert UNLOCK_QUESTION in html
    assert 'href="tel:999"' in html
    assert "Stop here and save my answers" in html


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

    assert UNLOCK_QUESTION in today.text
    assert "Has a doctor checked you for this since it started?" not in today.text
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
    saved = screen_via_api(client, account, Q7="yes")
    screen_id = saved["id"]
    assert saved["unlock_question"] == UNLOCK_QUESTION
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
    assert assessed.json()["unlock_question"] is None
    assert client.get("/api/program/today").status_code == 200


def test_api_acknowledging_a_calm_screen_is_a_conflict(
    client: TestClient, account: Account
) -> None:
    screen_id = screen_via_api(client, account)["id"]

    response = client.post(
        f"/api/screenings/{screen_id}/acknowledge", json={"assessed": True}, headers=account.headers
    )

    assert response.status_code == 409


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


# -- the re-check after a RED stop (§9 ruling 5) --------------------------------------------------


def test_the_recheck_page_asks_only_questions_1_to_10(client: TestClient, account: Account) -> None:
    html = client.get("/screening/recheck").text

    assert 'action="/screening/recheck"' in html
    for item in ("Q1", "Q7", "CES_ASSESSED", "Q8", "Q8a", "Q10"):
        assert f'name="{item}"' in html
    for item in ("Q11", "Q20", "age", "S3", "S1_left_pain"):
        assert f'name="{item}"' not in html


def test_a_calm_recheck_goes_back_to_today(
    client: TestClient, account: Account, database: Database
) -> None:
    screen_via_api(client, account)
    page = client.get("/screening/recheck")

    response = client.post("/screening/recheck", data=recheck_form(form_csrf(page.text)))

    assert response.url.path == "/today"
    assert "None of your answers is a warning sign." in response.text
    assert [(row.kind, row.action) for row in _rows(database, account)] == [
        ("full", "SELF_CARE"),
        ("recheck", "SELF_CARE"),
    ]


def test_an_urgent_recheck_shows_what_to_do(
    client: TestClient, account: Account, database: Database
) -> None:
    page = client.get("/screening/recheck")

    response = client.post("/screening/recheck", data=recheck_form(form_csrf(page.text), Q9="yes"))

    assert "Contact a doctor today." in response.text
    assert "You said the numbness in your leg is spreading" in response.text
    assert 'href="/screening/recheck"' in response.text


def test_an_emergency_recheck_sent_at_once_is_a_partial_screen_that_locks(
    client: TestClient, account: Account, database: Database
) -> None:
    page = client.get("/screening/recheck")

    response = client.post(
        "/screening/recheck", data={"csrf_token": form_csrf(page.text), "Q10": "yes"}
    )

    assert "Go to an emergency department now" in response.text
    [row] = _rows(database, account)
    assert (row.kind, row.action) == ("partial", "EMERGENCY_NOW")


def test_api_recheck_is_saved_without_a_pattern(client: TestClient, account: Account) -> None:
    response = client.post(
        "/api/screenings/recheck", json=calm_recheck(Q9="yes"), headers=account.headers
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["kind"], body["action"], body["pattern"]) == ("recheck", "URGENT_24_48H", None)
    assert [r["item"] for r in body["reasons"]] == ["Q9"]


def test_api_recheck_names_items_it_does_not_ask(client: TestClient, account: Account) -> None:
    response = client.post(
        "/api/screenings/recheck", json=calm_recheck(Q11="no"), headers=account.headers
    )

    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "Q11"]]


def _red_stop(client: TestClient, account: Account, started: datetime) -> None:
    item: dict[str, Any] = {
        "exercise_id": "pelvic-tilt",
        "level": 2,
        "dose": {"sets": 1, "reps": 10, "hold_s": 3, "per_side": False},
        "sides_done": [],
        "reps_done": 10,
        "holds_done": 0,
        "hold_seconds": 0.0,
        "pain": 9,
        "spread_down_leg": False,
        "completed": True,
    }
    body = {
        "client_id": "0b7c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d",
        "started_at": started.isoformat(),
        "final": True,
        "record": {"status": "stopped", "stop_reason": "pain", "elapsed_s": 80.0, "items": [item]},
    }
    response = client.post("/api/sessions", json=body, headers=account.headers)
    assert response.status_code in (200, 201), response.text


def test_after_a_red_stop_the_recheck_opens_the_program_again(
    client: TestClient, account: Account, web_app: FastAPI
) -> None:
    start = datetime.now(UTC).replace(microsecond=0)
    web_app.state.now = lambda: start
    screen_via_api(client, account)
    _red_stop(client, account, start + timedelta(minutes=5))
    web_app.state.now = lambda: start + timedelta(hours=1)
    assert client.get("/api/program/today").status_code == 409

    saved = client.post("/api/screenings/recheck", json=calm_recheck(), headers=account.headers)

    assert saved.json()["action"] == "SELF_CARE"
    assert client.get("/api/program/today").status_code == 200
