"""Deleting the account removes every row of that person's data, and nobody else's."""

from __future__ import annotations

from datetime import date

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sciatica_care.store.base import Base, utcnow
from sciatica_care.store.database import Database
from sciatica_care.store.models import (
    AlertSeen,
    AuditEvent,
    AuthSession,
    CareLink,
    CaseloadSummary,
    CheckIn,
    Clinician,
    CustomExercise,
    DoseDecision,
    ExerciseDose,
    ExerciseResult,
    ExerciseSession,
    Patient,
    PatientRevision,
    ProgramChange,
    QuestionnaireResponse,
    Screening,
    ShareCode,
    TherapyUse,
)
from tests.web.conftest import PASSWORD, Account, api_sign_up, form_csrf

PERSONAL_TABLES = (
    Screening,
    CheckIn,
    ExerciseSession,
    ExerciseResult,
    QuestionnaireResponse,
    TherapyUse,
    DoseDecision,
    ExerciseDose,
    AuthSession,
    ShareCode,
    CareLink,
    AuditEvent,
    ProgramChange,
    CustomExercise,
    AlertSeen,
    CaseloadSummary,
    PatientRevision,  # made by the database's trigger with the patient
)


def _add_one_of_everything(session: Session, patient_id: int) -> None:
    now, today = utcnow(), date(2025, 1, 6)
    session.add(
        Screening(
            patient_id=patient_id,
            answers={},
            result={},
            action="self_care",
            content_version="1",
        )
    )
    session.add(CheckIn(patient_id=patient_id, day=today, entry={}, leg_pain=3, back_pain=2))
    exercise_session = ExerciseSession(patient_id=patient_id, started_at=now, status="completed")
    exercise_session.items.append(
        ExerciseResult(
            patient_id=patient_id, position=0, exercise_id="pelvic-tilt", level=1, dose={}
        )
    )
    session.add(exercise_session)
    session.add(
        QuestionnaireResponse(
            patient_id=patient_id, instrument="sbi", day=today, answers={}, score=1
        )
    )
    session.add(TherapyUse(patient_id=patient_id, kind="heat", started_at=now, duration_s=600))
    session.add(
        DoseDecision(patient_id=patient_id, exercise_id="pelvic-tilt", decision={}, action="hold")
    )
    session.add(ExerciseDose(patient_id=patient_id, exercise_id="pelvic-tilt", level=1, dose={}))
    clinician = session.scalars(select(Clinician)).first()
    if clinician is None:
        clinician = Clinician(email="sam@clinic.example", display_name="Sam Lee, PT")
        session.add(clinician)
        session.flush()
    session.add(ShareCode(patient_id=patient_id, code_hash=f"{patient_id:064d}", expires_at=now))
    session.add(CareLink(patient_id=patient_id, clinician_id=clinician.id))
    session.add(
        AuditEvent(
            patient_id=patient_id,
            clinician_id=clinician.id,
            clinician_name="Sam Lee, PT",
            action="read",
            what="viewed your data",
        )
    )
    session.add(
        ProgramChange(
            patient_id=patient_id,
            clinician_id=clinician.id,
            clinician_name="Sam Lee, PT",
            changes=[],
            prescription={},
        )
    )
    session.add(
        CustomExercise(
            patient_id=patient_id,
            key=f"custom-{patient_id}",
            name="Walk",
            instructions="Walk.",
            dose={},
        )
    )
    session.add(AlertSeen(patient_id=patient_id, clinician_id=clinician.id, alert_key="red-flag:1"))
    session.add(CaseloadSummary(patient_id=patient_id, timezone="UTC", covers_from=today, days={}))


def _rows_of(database: Database, patient_id: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    with database.session() as s:
        for model in PERSONAL_TABLES:
            table = model.__table__
            query = select(func.count()).select_from(table).where(table.c.patient_id == patient_id)
            counts[table.name] = s.execute(query).scalar_one()
        counts["patients"] = s.execute(
            select(func.count()).select_from(Patient).where(Patient.id == patient_id)
        ).scalar_one()
    return counts


def _delete(client: TestClient, password: str) -> httpx.Response:
    token = form_csrf(client.get("/settings").text.split('action="/settings/delete"')[1])
    return client.post("/settings/delete", data={"csrf_token": token, "password": password})


def _two_people_with_data(client: TestClient, database: Database) -> tuple[Account, Account]:
    other = api_sign_up(client, "other@example.org")
    client.cookies.clear()
    me = api_sign_up(client, "ann@example.org")
    with database.session() as s:
        _add_one_of_everything(s, me.id)
        _add_one_of_everything(s, other.id)
    return me, other


def test_deleting_the_account_removes_all_my_data_and_keeps_others(
    client: TestClient, database: Database
) -> None:
    me, other = _two_people_with_data(client, database)
    assert all(_rows_of(database, me.id).values())

    response = _delete(client, PASSWORD)

    assert response.status_code == 200
    assert str(response.url).endswith("/")
    assert "Your account and all your data are deleted." in response.text
    assert set(_rows_of(database, me.id).values()) == {0}
    others = _rows_of(database, other.id)
    assert others["checkins"] == 1 and others["patients"] == 1 and others["auth_sessions"] == 1
    assert client.get("/api/me").status_code == 401
    assert (
        client.post("/api/session", json={"email": me.email, "password": PASSWORD}).status_code
        == 401
    )


def test_every_personal_table_is_covered_by_this_test() -> None:
    personal = {t.name for t in Base.metadata.sorted_tables if "patient_id" in t.c}
    assert personal == {model.__table__.name for model in PERSONAL_TABLES}


def test_a_wrong_password_deletes_nothing(client: TestClient, database: Database) -> None:
    me, _ = _two_people_with_data(client, database)

    response = _delete(client, "not my password")

    assert response.status_code == 400
    assert 'id="password-error"' in response.text
    assert "That is not your password." in response.text
    assert all(_rows_of(database, me.id).values())
    assert client.get("/api/me").status_code == 200


def test_api_delete_account(client: TestClient, database: Database) -> None:
    me, other = _two_people_with_data(client, database)

    response = client.request("DELETE", "/api/me", json={"password": PASSWORD}, headers=me.headers)

    assert response.status_code == 204
    assert set(_rows_of(database, me.id).values()) == {0}
    assert _rows_of(database, other.id)["patients"] == 1
    assert client.get("/api/me").status_code == 401


def test_api_delete_account_needs_the_password(client: TestClient, database: Database) -> None:
    me, _ = _two_people_with_data(client, database)

    response = client.request("DELETE", "/api/me", json={}, headers=me.headers)

    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "password"]]
    assert _rows_of(database, me.id)["patients"] == 1
