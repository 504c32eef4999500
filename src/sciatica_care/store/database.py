"""Opening the database: engine set-up per dialect, migrations to head, transactional sessions.

Every ``sciatica`` command opens the database, and nearly always it is already at the newest
schema: that is found with one query and the migration files' own revision lines, so Alembic
(about a fifth of a short command's start-up) is imported only when there is something to migrate.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from sciatica_care.config import Settings, get_settings
from sciatica_care.store.errors import StorageFull, StoreError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"
"""Where Alembic keeps the revisions a database is at (its default name; env.py keeps it)."""
_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=\n]*=(.*)$", re.MULTILINE)
_REVISION_ID = re.compile(r"""["']([^"']+)["']""")
POSTGRES_DISK_FULL = "53100"
"""PostgreSQL's SQLSTATE ``disk_full``."""


def is_storage_full(exc: BaseException) -> bool:
    """Whether a driver error says the database has no room left: SQLite's ``SQLITE_FULL`` (its
    primary code, the low byte of the extended one) or PostgreSQL's ``53100 disk_full``."""
    orig = getattr(exc, "orig", exc)
    sqlite_code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(sqlite_code, int) and sqlite_code & 0xFF == sqlite3.SQLITE_FULL:
        return True
    return getattr(orig, "sqlstate", None) == POSTGRES_DISK_FULL


def store_error(exc: SQLAlchemyError, message: str) -> StoreError:
    """The store's exception for a driver error: ``StorageFull`` when the disk is full."""
    return StorageFull() if is_storage_full(exc) else StoreError(message)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets the web app read while the CLI writes; foreign keys make deletes cascade."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets its pragmas, PostgreSQL URLs get the psycopg 3 driver."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    """Alembic pointed at the packaged migrations, reusing our engine (no ini file needed)."""
    from alembic.config import Config  # Alembic is imported only where migrations are looked at

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def known_heads() -> set[str]:
    """The newest revisions among the packaged migrations, without importing Alembic: each file's
    ``revision`` and ``down_revision`` lines (a tuple of parents for a merge), the revisions that
    no other names as its parent. tests/store/test_database_head.py keeps it equal to Alembic's
    ``ScriptDirectory.get_heads()``."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            found = set(_REVISION_ID.findall(value))
            (revisions if name == "revision" else parents).update(found)
    return revisions - parents


class Database:
    """One database: a migrated engine and a factory of transactional sessions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def current_revisions(self) -> set[str]:
        """The revisions in Alembic's version table, as Alembic reads them (none: no table yet)."""
        with self.engine.connect() as connection:
            if not inspect(connection).has_table(VERSION_TABLE):
                return set()
            rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
            return {row[0] for row in rows}

    def upgrade(self) -> None:
        """Run migrations to head; safe to call on every start, and one query when at head."""
        if self.current_revisions() == known_heads():
            return
        from alembic import command

        command.upgrade(alembic_config(self.engine), "head")

    def revisions(self) -> tuple[set[str], set[str]]:
        """(the schema revisions this database is at, the newest revisions this program knows)."""
        return self.current_revisions(), known_heads()

    def check_current(self) -> None:
        """Refuse to serve a database whose schema is not this program's: the operator migrates
        once (``sciatica admin migrate``), so several web processes never race to migrate."""
        current, heads = self.revisions()
        if current != heads:
            at = ", ".join(sorted(current)) or "empty"
            raise SchemaNotCurrent(
                f"the database schema is not current (at {at}, this version needs "
                f"{', '.join(sorted(heads))}): run `sciatica admin migrate` once, then start again"
            )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits when the block ends, rolls back everything if it raises."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            raise store_error(exc, f"database error: {exc.__class__.__name__}") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def private_directory(path: Path) -> None:
    """Create ``path`` readable by its owner only (0700): it holds health data."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)


def private_file(path: Path) -> None:
    """Create the SQLite file 0600 before SQLite does (it would follow the umask, often 0644);
    its -wal and -shm files take the same permissions from it."""
    if not path.parent.is_dir():
        return
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(descriptor)
    path.chmod(0o600)


class SchemaNotCurrent(StoreError):
    """The database needs ``sciatica admin migrate`` before this version can use it."""


def open_database(
    settings: Settings | None = None, url: str | None = None, *, migrate: bool | None = None
) -> Database:
    """Open the configured database, migrating it to the current schema or checking it is there.

    ``migrate`` None follows ``settings.migrates_on_start``: the embedded SQLite database of one
    person migrates itself; a clinic's database (``DATABASE_URL``) is migrated by its operator.
    """
    settings = settings or get_settings()
    url = url or settings.resolved_database_url()
    if url.startswith("sqlite:///") and not settings.database_url:
        private_directory(settings.data_dir)
    if url.startswith("sqlite:///") and ":memory:" not in url:
        private_file(Path(url.removeprefix("sqlite:///").split("?")[0]))
    database = Database(make_engine(url))
    try:
        if settings.migrates_on_start if migrate is None else migrate:
            database.upgrade()
        else:
            database.check_current()
    except OperationalError as exc:
        database.dispose()
        raise store_error(exc, f"cannot open the database: {exc.orig}") from exc
    except StoreError:
        database.dispose()
        raise
    return database
