"""Answering the outcome questionnaires (clinical-spec.md §3): SBI, PSFS and GRC."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from sciatica_care.store.database import Database
from sciatica_care.store.models import QuestionnaireResponse
from tests.web.conftest import Account, form_csrf

SBI = {"leg_pain": 5, "numbness": 3, "weakness": 2, "sitting_pain": 4}


def _answer(client: TestClient, qid: str, **values: str) -> str:
    token = form_csrf(client.get(f"/questionnaires/{qid}").text)
    response = client.post(f"/questionnaires/{qid}", data={"csrf_token": token, **values})
    return response.text


def test_the_list_shows_the_weekly_sbi_as_due_from_the_start(
    client: TestClient, account: Account
) -> None:
    html = client.get("/questionnaires").text

    assert "Sciatica bother score" in html and "Activity score" in html
    assert "Due now" in html
    assert "Not answered yet." in html
    assert client.get("/questionnaires/odi").status_code == 404


def test_an_sbi_is_scored_stored_and_no_longer_due(
    client: TestClient, account: Account, database: Database
) -> None:
    html = _answer(client, "sbi", **{k: str(v) for k, v in SBI.items()})

    assert "Sciatica bother score saved: 14." in html
    with database.session() as s:
        [row] = s.scalars(select(QuestionnaireResponse)).all()
    assert (row.patient_id, row.instrument, row.score, row.answers) == (account.id, "sbi", 14, SBI)
    status = client.get("/api/questionnaires").json()
    assert "sbi" not in status["due"] and "psfs" in status["due"]


def test_the_second_sbi_reads_the_change_against_the_measurement_error(
    client: TestClient, account: Account
) -> None:
    client.post(
        "/api/questionnaires",
        json={"questionnaire": "sbi", "answers": SBI},
        headers=account.headers,
    )
    better = {"leg_pain": 1, "numbness": 1, "weakness": 1, "sitting_pain": 1}

    response = client.post(
        "/api/questionnaires",
        json={"questionnaire": "sbi", "answers": better},
        headers=account.headers,
    )

    assert response.status_code == 201
    [change] = response.json()["changes"]
    assert change["before"] == 14 and change["after"] == 4
    assert "likely a real change" in change["text"]
    assert "likely a real change" in client.get("/questionnaires").text


def test_a_missing_item_is_named_on_the_form(
    client: TestClient, account: Account, database: Database
) -> None:
    html = _answer(client, "sbi", leg_pain="2", numbness="1", weakness="0")

    assert "There is a problem" in html
    assert "Choose a number from 0 to 6 for “Back or leg pain when you sit”." in html
    with database.session() as s:
        assert s.scalars(select(QuestionnaireResponse)).all() == []


def test_psfs_needs_three_named_activities_and_remembers_them_for_next_time(
    client: TestClient, account: Account
) -> None:
    html = _answer(client, "psfs", activity_1="Sitting an hour", rating_1="3")
    assert "Name at least 3 activities" in html

    activities = {
        "activity_1": "Sitting an hour",
        "rating_1": "3",
        "activity_2": "Putting on socks",
        "rating_2": "5",
        "activity_3": "Walking to the shop",
        "rating_3": "4",
    }
    html = _answer(client, "psfs", **activities)

    assert "Activity score saved: 4." in html
    assert 'value="Putting on socks"' in client.get("/questionnaires/psfs").text


def test_grc_is_phrased_with_its_threshold(client: TestClient, account: Account) -> None:
    response = client.post(
        "/api/questionnaires",
        json={"questionnaire": "grc", "answers": {"change": 3}},
        headers=account.headers,
    )

    assert response.status_code == 201
    assert "better than before: a change that matters" in response.json()["changes"][0]["text"]


def test_the_api_names_the_bad_item_in_a_422(client: TestClient, account: Account) -> None:
    bad = {**SBI, "weakness": 9}

    response = client.post(
        "/api/questionnaires",
        json={"questionnaire": "sbi", "answers": bad},
        headers=account.headers,
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "answers", "weakness"]
    unknown = client.post(
        "/api/questionnaires", json={"questionnaire": "odi", "answers": {}}, headers=account.headers
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "questionnaire"]


def test_questionnaires_are_private(client: TestClient, account: Account) -> None:
    client.cookies.clear()

    assert client.get("/api/questionnaires").status_code == 401
    assert (
        client.post(
            "/api/questionnaires", json={"questionnaire": "sbi", "answers": SBI}
        ).status_code
        == 401
    )


# -- goals named at the end of the safety check seed the PSFS (issue 9 item 1) --------------------


def _name_goals(client: TestClient, **fields: str) -> str:
    token = form_csrf(client.get("/settings").text)
    response = client.post("/goals", data={"csrf_token": token, **fields}, follow_redirects=False)
    assert response.status_code == 303
    return str(response.headers["location"])


def test_goals_named_once_fill_the_first_activity_score(
    client: TestClient, account: Account
) -> None:
    where = _name_goals(
        client,
        goal_1="Walking",
        goal_4="Getting dressed",
        goal_other="  Picking up my  son ",
        then="/session",
    )

    assert where == "/session"
    html = client.get("/questionnaires/psfs").text
    assert 'name="activity_1" type="text" value="Walking"' in html
    assert 'name="activity_2" type="text" value="Getting dressed"' in html
    assert 'name="activity_3" type="text" value="Picking up my son"' in html
    assert 'name="activity_4" type="text" value=""' in html


def test_the_last_activity_score_wins_over_the_goals(client: TestClient, account: Account) -> None:
    _name_goals(client, goal_1="Walking")
    _answer(
        client,
        "psfs",
        activity_1="Sitting an hour",
        rating_1="3",
        activity_2="Socks",
        rating_2="4",
        activity_3="Stairs",
        rating_3="5",
    )

    html = client.get("/questionnaires/psfs").text

    assert 'value="Sitting an hour"' in html and 'value="Walking"' not in html


def test_no_goal_is_fine_and_a_strange_target_goes_to_today(
    client: TestClient, account: Account
) -> None:
    assert _name_goals(client, then="https://example.com/") == "/today"
    assert 'name="activity_1" type="text" value=""' in client.get("/questionnaires/psfs").text


def test_at_most_five_goals_are_kept_without_repeats(client: TestClient, account: Account) -> None:
    fields = {
        f"goal_{n}": name for n, name in enumerate(["Walking", "walking", "A", "B", "C", "D"], 1)
    }
    _name_goals(client, **fields)

    html = client.get("/questionnaires/psfs").text

    assert [f'value="{name}"' in html for name in ("Walking", "A", "B", "C", "D")] == [True] * 5
    assert html.count('value="Walking"') == 1 and 'value="walking"' not in html
