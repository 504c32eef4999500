"""Opening a database already at the newest schema skips Alembic; any other is still migrated.

``store.database.known_heads`` reads the newest revisions from the migration files without
Alembic, so it is checked against Alembic's own answer; a database at an older revision, or an
empty one, is upgraded as before; one at head costs one query and no migration run.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import alembic.command
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from sciatica_care.config import Settings
from sciatica_care.store import database as store_database
from sciatica_care.store.database import (
    Database,
    alembic_config,
    known_heads,
    make_engine,
    open_database,
)


def alembic_heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(make_engine("sqlite://"))).get_heads())


def previous_revision() -> str:
    """The revision just before the newest: a database an earlier version left behind."""
    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    (head,) = script.get_revisions("heads")
    parent = head.down_revision
    assert isinstance(parent, str)
    return parent


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database with no schema at all, SQLite or PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_databases").new()
    engine = make_engine(url)
    yield engine
    engine.dispose()


def refuse_to_migrate(*args: object, **kwargs: object) -> None:
    raise AssertionError("Alembic ran a migration on a database already at head")


def test_the_heads_read_from_the_files_are_alembics() -> None:
    assert known_heads() == alembic_heads()
    assert len(known_heads()) == 1


def test_a_database_at_head_opens_without_running_alembic(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alembic.command, "upgrade", refuse_to_migrate)
    assert database.current_revisions() == alembic_heads()

    database.upgrade()

    assert database.revisions() == (alembic_heads(), alembic_heads())
    database.check_current()


def test_a_database_at_the_previous_revision_is_still_upgraded(empty_engine: Engine) -> None:
    older = previous_revision()
    alembic.command.upgrade(alembic_config(empty_engine), older)
    database = Database(empty_engine)
    assert database.current_revisions() == {older}

    database.upgrade()

    assert database.current_revisions() == alembic_heads()
    with empty_engine.connect() as connection:
        assert "caseload_summaries" in inspect(connection).get_table_names()


def test_an_empty_database_has_no_revision_and_is_migrated_on_open(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    engine = make_engine(url)
    assert Database(engine).current_revisions() == set()
    engine.dispose()

    opened = open_database(Settings(data_dir=tmp_path), url=url)
    try:
        assert opened.current_revisions() == alembic_heads()
    finally:
        opened.dispose()


def test_merges_and_annotated_revision_lines_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alembic's own template writes ``revision: str = "..."`` and a merge names two parents."""
    versions = tmp_path / "versions"
    versions.mkdir()
    files = {
        "a.py": 'revision = "a"\ndown_revision = None\n',
        "b.py": 'revision: str = "b"\ndown_revision: str | None = "a"\n',
        "c.py": "revision = 'c'\ndown_revision = 'a'\n",
        "d.py": 'revision = "d"\ndown_revision = ("b", "c")\n',
        "e.py": '"""Branch off a: revision = "zzz" in prose is not a line of its own."""\n'
        'revision = "e"\ndown_revision = "a"\n',
    }
    for name, body in files.items():
        (versions / name).write_text(body, encoding="utf-8")
    monkeypatch.setattr(store_database, "MIGRATIONS_DIR", tmp_path)

    assert known_heads() == {"d", "e"}


def test_opening_a_current_database_does_not_import_alembic(tmp_path: Path) -> None:
    """In a fresh interpreter: the first open migrates (Alembic), the next one does not."""
    url = f"sqlite:///{tmp_path / 'current.sqlite3'}"
    open_database(Settings(data_dir=tmp_path), url=url).dispose()
    program = (
        "import sys\n"
        "from sciatica_care.config import Settings\n"
        "from sciatica_care.store.database import open_database\n"
        f"open_database(Settings(data_dir={str(tmp_path)!r}), url={url!r}).dispose()\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'alembic'))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=True
    )
    assert ran.stdout.strip() == "[]"
