"""Saving a guided session (``POST /api/sessions``): idempotent, private, validated."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sciatica_care.store.database import Database
from sciatica_care.store.models import DoseDecision, ExerciseSession
from tests.web.conftest import Account, api_sign_up
from tests.web.safety_check import screen_via_api


@pytest.fixture
def account(client: TestClient) -> Account:
    """Ann, signed in, after a calm safety screen: the program gate is open."""
    ann = api_sign_up(client, "ann@example.org")
    screen_via_api(client, ann)
    return ann


STARTED = "2026-11-20T09:00:00Z"
TILT = {"sets": 1, "reps": 10, "hold_s": 3, "per_side": False}


def _item(exercise_id: str = "pelvic-tilt", **changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "exercise_id": exercise_id,
        "level": 2,
        "dose": TILT,
        "sides_done": [],
        "reps_done": 10,
        "holds_done": 0,
        "hold_seconds": 0.0,
        "pain": 3,
        "spread_down_leg": False,
        "completed": True,
    }
    item.update(changes)
    return item


def _upload(client_id: str, items: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"status": "completed", "elapsed_s": 80.0, "items": items}
    record.update(changes.pop("record", {}))
    return {
        "client_id": client_id,
        "started_at": STARTED,
        "final": True,
        "record": record,
        **changes,
    }


def _count(database: Database, patient_id: int) -> int:
    with database.session() as session:
        query = select(func.count()).where(ExerciseSession.patient_id == patient_id)
        return int(session.scalar(query) or 0)


def test_saving_partial_then_full_with_the_same_client_id_keeps_one_session(
    client: TestClient, account: Account, database: Database
) -> None:
    screen_via_api(client, account)
    client_id = str(uuid.uuid4())

    partial = client.post(
        "/api/sessions", json=_upload(client_id, [_item()], final=False), headers=account.headers
    )
    assert partial.status_code == 200, partial.text
    assert partial.json()["status"] == "stopped"
    assert partial.json()["stop_note"].startswith("unfinished")

    second = _item("knee-to-chest", dose={"sets": 1, "reps": 3, "hold_s": 20, "per_side": True})
    full = client.post(
        "/api/sessions", json=_upload(client_id, [_item(), second]), headers=account.headers
    )

    assert full.status_code == 200, full.text
    assert full.json()["id"] == partial.json()["id"]
    assert full.json()["status"] == "completed"
    assert [i["exercise_id"] for i in full.json()["items"]] == ["pelvic-tilt", "knee-to-chest"]
    assert _count(database, account.id) == 1


def test_a_final_save_goes_to_progression_once(
    client: TestClient, account: Account, database: Database
) -> None:
    client_id = str(uuid.uuid4())
    body = _upload(client_id, [_item(pain=9)], record={"status": "stopped", "stop_reason": "pain"})

    first = client.post("/api/sessions", json=body, headers=account.headers)
    client.post("/api/sessions", json=body, headers=account.headers)

    decisions = first.json()["program_update"]["decisions"]
    assert [d["action"] for d in decisions] == ["PAUSE"]
    assert first.json()["program_update"]["red_flag_screen"] is True
    with database.session() as session:
        count = session.scalar(select(func.count()).where(DoseDecision.patient_id == account.id))
    assert count == 1


def test_new_numbness_at_the_pain_check_is_saved_and_pauses_the_exercise(
    client: TestClient, account: Account
) -> None:
    screen_via_api(client, account)
    body = _upload(
        str(uuid.uuid4()),
        [_item(pain=2, new_numbness_or_weakness=True)],
        record={
            "status": "stopped",
            "stop_reason": "new_numbness_or_weakness",
            "stop_note": "pain 2/10 after Pelvic tilt, new numbness, tingling or weakness",
        },
    )

    saved = client.post("/api/sessions", json=body, headers=account.headers)

    assert saved.status_code == 200, saved.text
    assert saved.json()["stop_reason"] == "new_numbness_or_weakness"
    assert saved.json()["items"][0]["new_numbness_or_weakness"] is True
    update = saved.json()["program_update"]
    assert [(d["last_result"], d["action"]) for d in update["decisions"]] == [("RED", "PAUSE")]
    assert update["red_flag_screen"] is True
    listed = client.get("/api/sessions").json()
    assert listed[0]["items"][0]["new_numbness_or_weakness"] is True


def test_a_record_from_an_older_player_without_the_numbness_answer_is_kept_as_unknown(
    client: TestClient, account: Account
) -> None:
    saved = client.post(
        "/api/sessions", json=_upload(str(uuid.uuid4()), [_item()]), headers=account.headers
    )

    assert saved.status_code == 200, saved.text
    assert saved.json()["items"][0]["new_numbness_or_weakness"] is None


def test_saving_needs_a_signed_in_patient(client: TestClient) -> None:
    response = client.post("/api/sessions", json=_upload(str(uuid.uuid4()), [_item()]))

    assert response.status_code == 401
    assert client.get("/api/sessions").status_code == 401


def test_another_patients_sessions_are_never_visible_or_overwritten(
    client: TestClient, account: Account, database: Database
) -> None:
    client_id = str(uuid.uuid4())
    client.post("/api/sessions", json=_upload(client_id, [_item()]), headers=account.headers)
    client.cookies.clear()
    other = api_sign_up(client, "bob@example.org")
    screen_via_api(client, other)

    assert client.get("/api/sessions").json() == []
    response = client.post(
        "/api/sessions",
        json=_upload(client_id, [_item(reps_done=1, completed=False)]),
        headers=other.headers,
    )

    assert response.status_code == 200
    assert [s["items"][0]["reps_done"] for s in client.get("/api/sessions").json()] == [1]
    assert _count(database, account.id) == 1
    with database.session() as session:
        mine = session.scalars(
            select(ExerciseSession).where(ExerciseSession.patient_id == account.id)
        ).one()
        assert mine.items[0].reps_done == 10


def test_a_bad_record_is_a_422_naming_the_field(
    client: TestClient, account: Account, database: Database
) -> None:
    bad_pain = _upload(str(uuid.uuid4()), [_item(pain=11)])
    bad_exercise = _upload(str(uuid.uuid4()), [_item("cartwheel")])
    bad_status = _upload(str(uuid.uuid4()), [_item()], record={"status": "paused"})
    bad_id = _upload("not-a-uuid", [_item()])

    locs = []
    for body in (bad_pain, bad_exercise, bad_status, bad_id):
        response = client.post("/api/sessions", json=body, headers=account.headers)
        assert response.status_code == 422, response.text
        locs.append(tuple(response.json()["detail"][0]["loc"]))

    assert locs == [
        ("body", "record", "items", 0, "pain"),
        ("body", "record", "items", 0, "exercise_id"),
        ("body", "record", "status"),
        ("body", "client_id"),
    ]
    assert _count(database, account.id) == 0


def test_asking_for_the_easier_version_is_stored_and_steps_the_exercise_down(
    client: TestClient, account: Account, database: Database
) -> None:
    easier = _item(level=1, dose={"sets": 1, "reps": 5, "hold_s": 3}, pain=3, asked_easier=True)

    saved = client.post(
        "/api/sessions", json=_upload(str(uuid.uuid4()), [easier]), headers=account.headers
    )

    assert saved.status_code == 200, saved.text
    decisions = saved.json()["program_update"]["decisions"]
    assert [(d["exercise"], d["action"], d["next_level"]) for d in decisions] == [
        ("pelvic-tilt", "REGRESS", 1)
    ]
    assert "asked for an easier version" in decisions[0]["reason"]
    with database.session() as session:
        row = session.scalars(select(ExerciseSession)).one()
        assert [item.asked_easier for item in row.items] == [True]


def test_asked_easier_must_be_a_yes_or_no(client: TestClient, account: Account) -> None:
    body = _upload(str(uuid.uuid4()), [_item(asked_easier="perhaps")])

    response = client.post("/api/sessions", json=body, headers=account.headers)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "asked_easier"
