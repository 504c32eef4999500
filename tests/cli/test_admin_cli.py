"""The operator's commands of a clinic install: migrate once, back up while running, restore.

Each runs on SQLite and on a real PostgreSQL server (pg_dump/pg_restore custom format).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from sciatica_care.cli.main import app
from sciatica_care.config import Settings
from sciatica_care.store import accounts
from sciatica_care.store.database import Database, SchemaNotCurrent, make_engine, open_database
from sciatica_care.store.models import Patient

runner = CliRunner()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """An empty, not yet migrated database named by DATABASE_URL, as a clinic configures it."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_databases").new()
    monkeypatch.setenv("DATABASE_URL", url)
    yield url


def _admin(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["admin", *args], input=input)
    return result.exit_code, result.stdout, result.stderr


def _open(url: str) -> Database:
    return open_database(Settings(database_url=url), url=url)


def _add_patient(url: str, email: str) -> None:
    db = _open(url)
    with db.session() as session:
        accounts.create(session, email, "hash", dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    db.dispose()


def _emails(url: str) -> list[str]:
    db = _open(url)
    with db.session() as session:
        emails = sorted(session.scalars(select(Patient.email)))
    db.dispose()
    return [e for e in emails if e]


def test_a_clinic_database_is_migrated_by_the_operator_not_by_the_web_app(
    database_url: str,
) -> None:
    with pytest.raises(SchemaNotCurrent, match="sciatica admin migrate"):
        open_database(Settings(database_url=database_url))

    code, out, _ = _admin("migrate", "--json")
    assert code == 0, out
    first = json.loads(out)
    assert first["before"] == [] and len(first["after"]) == 1
    assert "password" not in first["database"]

    open_database(Settings(database_url=database_url)).dispose()  # now current: starts
    code, out, _ = _admin("migrate")
    assert code == 0 and "is current" in out


def test_backup_then_restore_brings_back_exactly_what_was_saved(
    database_url: str, tmp_path: Path
) -> None:
    assert _admin("migrate")[0] == 0
    _add_patient(database_url, "ann@example.org")
    backup = tmp_path / "clinic.backup"

    code, out, _ = _admin("backup", str(backup), "--json")
    assert code == 0, out
    assert json.loads(out)["bytes"] == backup.stat().st_size > 0

    _add_patient(database_url, "bob@example.org")
    code, out, _ = _admin("restore", str(backup), "--yes", "--json")
    assert code == 0, out
    kept = Path(json.loads(out)["previous_copy"])

    assert _emails(database_url) == ["ann@example.org"]
    assert kept.is_file(), "what was there before the restore is kept"


def test_restore_asks_first_and_changes_nothing_without_a_yes(
    database_url: str, tmp_path: Path
) -> None:
    assert _admin("migrate")[0] == 0
    _add_patient(database_url, "ann@example.org")
    backup = tmp_path / "empty.backup"
    assert _admin("backup", str(backup))[0] == 0
    _add_patient(database_url, "bob@example.org")

    code, out, _ = _admin("restore", str(backup), input="no\n")

    assert code == 1 and "Nothing was changed" in out
    assert _emails(database_url) == ["ann@example.org", "bob@example.org"]


def test_a_file_that_is_not_a_backup_is_refused_and_the_data_stays(
    database_url: str, tmp_path: Path
) -> None:
    assert _admin("migrate")[0] == 0
    _add_patient(database_url, "ann@example.org")
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup\n" * 100)

    code, _, err = _admin("restore", str(junk), "--yes")

    assert code == 2 and "The database is as it was" in " ".join(err.split())
    assert _emails(database_url) == ["ann@example.org"]


def test_backup_never_overwrites_a_file(database_url: str, tmp_path: Path) -> None:
    assert _admin("migrate")[0] == 0
    existing = tmp_path / "keep.backup"
    existing.write_text("precious")

    code, _, err = _admin("backup", str(existing))

    assert code == 2 and "already exists" in err
    assert existing.read_text() == "precious"


def test_the_embedded_database_of_one_person_still_migrates_itself(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.migrates_on_start
    db = open_database(settings)
    current, heads = db.revisions()
    assert current == heads
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Patient)) == 0
    db.dispose()
    assert make_engine(settings.resolved_database_url()).url.database
