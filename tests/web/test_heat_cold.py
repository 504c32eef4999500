"""Heat and cold packs (clinical-spec.md §5): questions first, skin checks, timer, gap enforced."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from sciatica_care.domain.therapy import TherapyKind, contraindication_questions, safety_texts
from sciatica_care.store import patients, therapy_uses
from sciatica_care.store.database import Database
from sciatica_care.store.models import TherapyUse
from tests.web.conftest import Account, form_csrf

_STARTED = re.compile(r'name="started_at" value="([^"]+)"')


def _all_no(kind: TherapyKind, **changes: str) -> dict[str, str]:
    answers = {q.id: "no" for q in contraindication_questions(kind)}
    answers.update(changes)
    return answers


def _answer_questions(client: TestClient, kind: str = "heat", **changes: str) -> Any:
    token = form_csrf(client.get(f"/heat-cold/{kind}").text)
    data = {"csrf_token": token, **_all_no(TherapyKind(kind), **changes)}
    return client.post(f"/heat-cold/{kind}/questions", data=data)


def _start(client: TestClient, kind: str = "heat", skin: str = "ok", minutes: str = "15") -> Any:
    token = form_csrf(client.get(f"/heat-cold/{kind}/timer").text)
    data = {"csrf_token": token, "skin_before": skin, "minutes": minutes}
    return client.post(f"/heat-cold/{kind}/start", data=data)


def _uses(database: Database) -> list[TherapyUse]:
    with database.session() as s:
        return list(s.scalars(select(TherapyUse)))


def test_a_contraindication_stops_before_any_timer(client: TestClient, account: Account) -> None:
    response = _answer_questions(client, "cold", raynauds="yes")

    assert "Cold is not advised" in response.text
    assert "Raynaud" in response.text
    timer = client.get("/heat-cold/cold/timer", follow_redirects=False)
    assert timer.status_code == 303 and timer.headers["location"] == "/heat-cold/cold"


def test_pregnancy_asks_to_check_with_a_clinician(client: TestClient, account: Account) -> None:
    response = _answer_questions(client, "heat", pregnancy="unsure")

    assert "Check with your clinician first" in response.text


def test_a_full_use_skin_check_timer_skin_check_is_logged(
    client: TestClient, account: Account, database: Database
) -> None:
    timer = _answer_questions(client, "heat")
    assert "check your skin first" in timer.text
    assert "Never fall asleep on a heat pad" in timer.text

    running = _start(client, minutes="20")
    assert running.status_code == 200
    assert "Take the pack off at" in running.text and 'data-minutes="20"' in running.text
    match = _STARTED.search(running.text)
    assert match
    started = dt.datetime.fromisoformat(match.group(1)) - dt.timedelta(minutes=20)
    done = client.post(
        "/heat-cold/heat/log",
        data={
            "csrf_token": form_csrf(running.text),
            "started_at": started.isoformat(),
            "minutes": "20",
            "duration_s": "1200",
            "skin_after": "ok",
        },
    )

    assert "Done. Note in your diary whether it helped." in done.text
    assert "Please wait until" in done.text
    [use] = _uses(database)
    assert (use.patient_id, use.kind, use.duration_s) == (account.id, "heat", 1200)
    assert use.detail["skin_ok_after"] is True and use.detail["planned_minutes"] == 20


def test_the_gap_after_a_pack_is_enforced_on_the_page_and_the_api(
    client: TestClient, account: Account, database: Database
) -> None:
    client.post(
        "/api/therapy/check",
        json={"kind": "cold", "answers": _all_no(TherapyKind.COLD)},
        headers=account.headers,
    )
    now = dt.datetime.now(dt.UTC)
    use = {
        "kind": "cold",
        "minutes": 10,
        "duration_s": 600,
        "skin_ok_before": True,
        "skin_ok_after": True,
    }
    first = client.post(
        "/api/therapy",
        json={**use, "started_at": (now - dt.timedelta(minutes=11)).isoformat()},
        headers=account.headers,
    )
    assert first.status_code == 201

    again = client.post(
        "/api/therapy",
        json={**use, "started_at": now.isoformat(), "duration_s": 0},
        headers=account.headers,
    )
    blocked = _start(client, "cold")

    assert again.status_code == 409
    assert "cold packs are best used at most every 2 hours" in again.json()["detail"]
    assert blocked.status_code == 409 and "Please wait until" in blocked.text
    assert "Please wait until" in client.get("/heat-cold").text
    assert len(_uses(database)) == 1


def test_skin_that_is_not_normal_before_stops_the_use(
    client: TestClient, account: Account, database: Database
) -> None:
    _answer_questions(client, "heat")

    response = _start(client, skin="not_ok")

    assert "Do not use heat on this area today" in response.text
    assert _uses(database) == []


def test_skin_not_normal_after_gives_first_aid(client: TestClient, account: Account) -> None:
    client.post(
        "/api/therapy/check",
        json={"kind": "heat", "answers": _all_no(TherapyKind.HEAT)},
        headers=account.headers,
    )
    now = dt.datetime.now(dt.UTC)  # "earlier today" in UTC, the account's zone, even at 00:03
    started = max(now - dt.timedelta(minutes=5), now.replace(hour=0, minute=0, second=0))

    response = client.post(
        "/api/therapy",
        json={
            "kind": "heat",
            "started_at": started.isoformat(),
            "minutes": 15,
            "duration_s": 240,
            "skin_ok_before": True,
            "skin_ok_after": False,
            "stop_reason": "skin_changed",
        },
        headers=account.headers,
    )

    assert response.status_code == 201
    assert "cool running water for 20 minutes" in response.json()["message"]
    # clinical-spec.md §5, the same rule as the terminal: no more heat today after that.
    assert response.json()["next"]["allowed"] is False
    page = client.get("/heat-cold").text
    assert "You noted a skin problem after heat earlier today" in page


def test_the_api_refuses_a_use_without_answers_or_beyond_the_plan(
    client: TestClient, account: Account
) -> None:
    started = dt.datetime.now(dt.UTC).isoformat()
    use = {
        "kind": "heat",
        "started_at": started,
        "minutes": 15,
        "duration_s": 60,
        "skin_ok_before": True,
        "skin_ok_after": True,
    }

    unanswered = client.post("/api/therapy", json=use, headers=account.headers)
    client.post(
        "/api/therapy/check",
        json={"kind": "heat", "answers": _all_no(TherapyKind.HEAT)},
        headers=account.headers,
    )
    too_long = client.post("/api/therapy", json={**use, "minutes": 25}, headers=account.headers)
    missing = client.post(
        "/api/therapy/check", json={"kind": "heat", "answers": {}}, headers=account.headers
    )

    assert unanswered.status_code == 409
    assert too_long.status_code == 422 and too_long.json()["detail"][0]["loc"] == [
        "body",
        "minutes",
    ]
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "answers", "reduced_sensation"]
    client.cookies.clear()
    assert client.get("/api/therapy").status_code == 401


def _answered_days_ago(database: Database, account: Account, days: int) -> dt.date:
    """Move the day the questions were answered back by ``days``; the new day."""
    with database.session() as s:
        checks = dict(patients.get_settings(s, account.id)[therapy_uses.CHECKS_KEY])
        day = dt.date.fromisoformat(checks["heat"]["day"]) - dt.timedelta(days=days)
        checks["heat"] = {**checks["heat"], "day": day.isoformat()}
        patients.update_settings(s, account.id, **{therapy_uses.CHECKS_KEY: checks})
    return day


def _flat(html: str) -> str:
    return " ".join(html.replace("&#39;", "'").split())


def test_a_use_within_thirty_days_asks_only_whether_anything_changed(
    client: TestClient, account: Account, database: Database
) -> None:
    _answer_questions(client, "heat")
    day = _answered_days_ago(database, account, 29)

    page = client.get("/heat-cold/heat").text
    nothing_changed = client.post(
        "/heat-cold/heat/questions",
        data={"csrf_token": form_csrf(page), "changed": "no"},
        follow_redirects=False,
    )

    assert (
        "Has anything changed in your health, skin or medicines since "
        f"{day.day} {day.strftime('%B %Y')}?"
    ) in _flat(page)
    assert 'name="pregnancy"' not in page
    assert nothing_changed.status_code == 303
    assert nothing_changed.headers["location"] == "/heat-cold/heat/timer"
    assert "check your skin first" in client.get("/heat-cold/heat/timer").text
    # saying "nothing changed" does not renew the answers: they still date from that day
    with database.session() as s:
        kept = patients.get_settings(s, account.id)[therapy_uses.CHECKS_KEY]["heat"]
    assert kept["day"] == day.isoformat()


def test_after_thirty_days_all_the_questions_are_asked_again(
    client: TestClient, account: Account, database: Database
) -> None:
    _answer_questions(client, "heat")
    _answered_days_ago(database, account, 30)

    page = client.get("/heat-cold/heat").text
    timer = client.get("/heat-cold/heat/timer", follow_redirects=False)

    assert "Has anything changed" not in page
    assert 'name="pregnancy"' in page
    assert timer.status_code == 303 and timer.headers["location"] == "/heat-cold/heat"


def test_something_changed_asks_all_the_questions_again(
    client: TestClient, account: Account
) -> None:
    _answer_questions(client, "heat")
    page = client.get("/heat-cold/heat").text

    changed = client.post(
        "/heat-cold/heat/questions", data={"csrf_token": form_csrf(page), "changed": "yes"}
    )
    advice = client.post(
        "/heat-cold/heat/questions",
        data={"csrf_token": form_csrf(changed.text), **_all_no(TherapyKind.HEAT, pregnancy="yes")},
    )

    assert 'name="pregnancy"' in changed.text and "Has anything changed" not in changed.text
    assert "Check with your clinician first" in advice.text
    assert client.get("/heat-cold/heat/timer", follow_redirects=False).status_code == 303


def test_each_safety_text_is_shown_once_in_the_flow(client: TestClient, account: Account) -> None:
    questions = client.get("/heat-cold/heat").text
    timer = _answer_questions(client, "heat").text

    for text in safety_texts(TherapyKind.HEAT):
        assert _flat(questions + timer).count(text) == 1, text
