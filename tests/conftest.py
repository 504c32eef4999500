"""Fixtures shared by every test: isolated data directories and the two databases we support."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text

from sciatica_care.config import Settings
from sciatica_care.store.database import Database, open_database
from tests.postgres_server import find_bin_dir, running_server

# Rich sizes its console from COLUMNS when first imported: make CLI output independent of the terminal
# the tests happen to run in (CI has none).
os.environ["COLUMNS"] = "160"

_counter = itertools.count()


settings.register_profile("project", deadline=None)
settings.load_profile("project")
"""Tests never assert on wall-clock time: no hypothesis deadline (CI shares 2 cores)."""


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test ever touches the real user's data directory or database."""
    data_dir = tmp_path / "data"
    monkeypatch.setenv("SCIATICA_DATA_DIR", str(data_dir))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SCIATICA_DATABASE_URL", raising=False)
    # The terminal's language chooses the emergency numbers shown first: no country by default.
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return data_dir


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A real PostgreSQL server on loopback for this test run (fails in CI if it cannot start)."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        message = "PostgreSQL is not installed (make test installs Debian's postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with running_server(bin_dir) as url:
        yield url


def _fresh_postgres_url(admin_url: str) -> str:
    name = f"test_{os.getpid()}_{next(_counter)}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database: every store test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    else:
        url = _fresh_postgres_url(request.getfixturevalue("postgres_admin_url"))
    db = open_database(Settings(data_dir=tmp_path), url=url)
    yield db
    db.dispose()
