"""The patient's data revision (issue 12): every write to a patient's data changes it, in the
database itself, so a view remembered under one revision is never shown after the data changed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import delete, select, text, update

from sciatica_care.store import revisions
from sciatica_care.store.base import Base
from sciatica_care.store.database import Database
from sciatica_care.store.models import (
    AuditEvent,
    AuthSession,
    CareLink,
    CheckIn,
    Clinician,
    Patient,
    PatientRevision,
)

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _revision(db: Database, patient_id: int) -> int | None:
    with db.session() as session:
        return session.scalar(
            select(PatientRevision.revision).where(PatientRevision.patient_id == patient_id)
        )


def _patient(db: Database, email: str) -> int:
    with db.session() as session:
        patient = Patient(email=email, settings={"timezone": "Europe/Madrid"})
        session.add(patient)
        session.flush()
        return patient.id


def _checkin(patient_id: int, leg: int = 3) -> CheckIn:
    return CheckIn(
        patient_id=patient_id, day=date(2026, 11, 20), entry={}, leg_pain=leg, back_pain=1
    )


def test_every_table_of_a_patients_data_has_its_triggers(database: Database) -> None:
    with database.engine.connect() as connection:
        names = revisions.trigger_names(connection)
    tables = [
        table.name
        for table in Base.metadata.sorted_tables
        if "patient_id" in table.c and table.name not in revisions.UNTRACKED
    ]
    assert len(tables) >= 12
    for table in tables:
        for event in ("insert", "update", "delete"):
            assert f"revision_{table}_{event}" in names
    assert {"revision_patients_insert", "revision_patients_update"} <= names
    assert "revision_clinicians_update" in names


def test_each_write_to_a_patients_data_changes_their_revision_and_no_one_elses(
    database: Database,
) -> None:
    ann, bob = _patient(database, "ann@example.org"), _patient(database, "bob@example.org")
    seen = {_revision(database, ann)}
    bobs = _revision(database, bob)
    assert None not in seen and bobs is not None

    def changed() -> None:
        now = _revision(database, ann)
        assert now not in seen
        seen.add(now)

    with database.session() as session:
        session.add(_checkin(ann))
    changed()
    with database.session() as session:
        session.execute(update(CheckIn).where(CheckIn.patient_id == ann).values(leg_pain=7))
    changed()
    with database.session() as session:
        session.execute(delete(CheckIn).where(CheckIn.patient_id == ann))
    changed()
    with database.session() as session:
        session.get(Patient, ann).settings = {"timezone": "Asia/Tokyo"}  # type: ignore[union-attr]
    changed()
    assert _revision(database, bob) == bobs


def test_sign_ins_and_clinicians_reads_leave_the_revision_alone(database: Database) -> None:
    ann = _patient(database, "ann@example.org")
    with database.session() as session:
        clinician = Clinician(email="doc@clinic.example", display_name="Dr Lee")
        session.add(clinician)
        session.flush()
        session.add(CareLink(patient_id=ann, clinician_id=clinician.id, linked_at=AT))
        doc = clinician.id
    before = _revision(database, ann)
    with database.session() as session:
        session.add(
            AuthSession(
                patient_id=ann, token_hash="t" * 64, csrf_token="c", expires_at=AT, created_at=AT
            )
        )
        session.add(
            AuditEvent(
                patient_id=ann,
                clinician_id=doc,
                clinician_name="Dr Lee",
                action="read",
                what="viewed your data",
                at=AT,
            )
        )
    assert _revision(database, ann) == before
    with database.session() as session:
        session.execute(update(Clinician).where(Clinician.id == doc).values(display_name="Dr Li"))
    assert _revision(database, ann) != before  # the name shows on Ann's pages


def test_one_statement_over_many_rows_gives_one_new_revision_each(database: Database) -> None:
    ann, bob = _patient(database, "ann@example.org"), _patient(database, "bob@example.org")
    before = {ann: _revision(database, ann), bob: _revision(database, bob)}
    with database.session() as session:
        session.add_all([_checkin(ann, n) for n in range(5)] + [_checkin(bob)])
    assert _revision(database, ann) != before[ann]
    assert _revision(database, bob) != before[bob]


def test_a_deleted_patient_leaves_no_revision(database: Database) -> None:
    ann = _patient(database, "ann@example.org")
    with database.session() as session:
        session.add(_checkin(ann))
    with database.session() as session:
        session.execute(delete(Patient).where(Patient.id == ann))
    with database.engine.connect() as connection:
        left = connection.execute(text("SELECT count(*) FROM patient_revisions")).scalar()
    assert left == 0
