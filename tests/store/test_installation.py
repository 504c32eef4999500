"""Random install and patient ids (migration 0005): what exports name instead of row numbers."""

from __future__ import annotations

import uuid
from pathlib import Path

from alembic import command
from sqlalchemy import select, text

from sciatica_care.config import Settings
from sciatica_care.store import accounts, installation, patients
from sciatica_care.store.database import Database, alembic_config, make_engine, open_database
from sciatica_care.store.models import Installation, Patient


def _random_uuid(value: str) -> bool:
    return uuid.UUID(value).version == 4 and str(uuid.UUID(value)) == value


def test_a_migrated_database_has_one_random_install_id_that_stays(database: Database) -> None:
    with database.session() as s:
        first = installation.install_id(s)
        rows = s.scalars(select(Installation)).all()
    with database.session() as s:
        again = installation.install_id(s)

    assert len(rows) == 1
    assert _random_uuid(first) and again == first


def test_every_new_patient_gets_a_random_public_id_that_is_not_the_row_id(
    database: Database,
) -> None:
    with database.session() as s:
        local = patients.get(s, patients.local_patient_id(s))
        account = patients.get(
            s, accounts.create(s, "ann@example.org", "hash", at=local.created_at)
        )
        ids = [local.public_id, account.public_id]

    assert all(_random_uuid(value) for value in ids)
    assert len(set(ids)) == 2
    assert str(local.id) not in ids[0].split("-")


def test_two_installs_first_patients_share_no_identifier(tmp_path: Path) -> None:
    found = []
    for name in ("clinic-a", "clinic-b"):
        db = open_database(Settings(data_dir=tmp_path), url=f"sqlite:///{tmp_path / name}.db")
        with db.session() as s:
            pid = patients.local_patient_id(s)
            found.append((installation.install_id(s), patients.get(s, pid).public_id, pid))
        db.dispose()

    (install_a, patient_a, row_a), (install_b, patient_b, row_b) = found
    assert row_a == row_b == 1  # the same row number on both...
    assert install_a != install_b and patient_a != patient_b  # ...and nothing else in common


def test_the_migration_gives_existing_patients_distinct_public_ids(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(alembic_config(engine), "0004")
    with engine.begin() as connection:
        for email in ("a@example.org", "b@example.org", None):
            connection.execute(
                text(
                    "INSERT INTO patients (email, is_local, created_at, settings) "
                    "VALUES (:email, :local, '2026-11-01 08:00:00.000000', '{}')"
                ),
                {"email": email, "local": email is None},
            )

    Database(engine).upgrade()

    with Database(engine).session() as s:
        public_ids = list(s.scalars(select(Patient.public_id)))
        install = installation.install_id(s)
    assert len(public_ids) == 3 and len(set(public_ids)) == 3
    assert all(_random_uuid(value) for value in public_ids)
    assert _random_uuid(install)
    engine.dispose()
