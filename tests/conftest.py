"""Fixtures shared by every test: isolated data directories and the two databases we support."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from hypothesis import settings
from sqlalchemy import create_engine, text

from sciatica_care.config import Settings
from sciatica_care.services import credentials
from sciatica_care.store.database import Database, make_engine, open_database
from tests.postgres_server import find_bin_dir, running_server

# Rich sizes its console from COLUMNS when first imported: make CLI output independent of the terminal
# the tests happen to run in (CI has none).
os.environ["COLUMNS"] = "160"

_counter = itertools.count()


settings.register_profile("project", deadline=None)
settings.load_profile("project")
"""Tests never assert on wall-clock time: no hypothesis deadline (CI shares 2 cores)."""


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    """argon2id with its smallest cost: the suite signs up thousands of accounts, and passwords
    are still hashed, verified and rehash-checked by the same code. The real cost runs wherever
    a test starts the app in its own process (``sciatica serve``), which this does not reach."""
    cheap = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(credentials, "_hasher", cheap)
        patch.setattr(credentials, "_DUMMY_HASH", cheap.hash("not-a-real-password-only-for-timing"))
        yield


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


class PostgresDatabases:
    """Creates databases on the test server and drops them when the test ends, so the server's
    data directory stays small over a run of hundreds of tests."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self._names: list[str] = []

    def _execute(self, statement: str) -> None:
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()

    def new(self, template: str | None = None) -> str:
        """The URL of a new, empty database (a copy of ``template`` when given)."""
        name = f"test_{os.getpid()}_{next(_counter)}"
        copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        self._execute(f'CREATE DATABASE "{name}"{copy}')
        self._names.append(name)
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    def drop_all(self) -> None:
        while self._names:
            self._execute(f'DROP DATABASE IF EXISTS "{self._names.pop()}" WITH (FORCE)')


@pytest.fixture
def postgres_databases(postgres_admin_url: str) -> Iterator[PostgresDatabases]:
    """Fresh databases on the test server for one test, dropped after it."""
    databases = PostgresDatabases(postgres_admin_url)
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head per test process; each test gets a copy of it."""
    folder = tmp_path_factory.mktemp("migrated")
    path = folder / "template.sqlite3"
    db = open_database(Settings(data_dir=folder), url=f"sqlite:///{path}")
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture(scope="session")
def migrated_postgres(postgres_admin_url: str) -> str:
    """One PostgreSQL database migrated to head per test process, used as a template: copying it
    takes a fraction of running the migrations for every test."""
    url = PostgresDatabases(postgres_admin_url).new()
    open_database(Settings(), url=url).dispose()
    return url.rsplit("/", 1)[1]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database: every store test runs on SQLite and on PostgreSQL.

    Both start as a copy of a database migrated once per test process (the migrations
    themselves are tested from empty in tests/store)."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        path.chmod(0o600)
        url = f"sqlite:///{path}"
    else:
        template = request.getfixturevalue("migrated_postgres")
        url = request.getfixturevalue("postgres_databases").new(template)
    db = Database(make_engine(url))
    yield db
    db.dispose()
