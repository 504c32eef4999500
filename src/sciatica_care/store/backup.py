"""Whole-database backup and restore for an operator: one file out, the same database back.

SQLite uses its online backup API, which copies a consistent snapshot while the web app keeps
reading and writing (copying the file itself can catch a write half done, and misses the WAL).
PostgreSQL uses pg_dump's custom format and pg_restore, the tools its operators already trust;
the restore runs in one transaction, so a damaged file changes nothing.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from sciatica_care.store.errors import StoreError

Progress = Callable[[int, int], None]
"""Called with (pages copied, pages in all) while a SQLite backup runs."""

PAGES_PER_STEP = 256


def _sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if not parsed.database or parsed.database == ":memory:":
        raise StoreError("this SQLite database has no file to back up")
    return Path(parsed.database)


def _pg_tool(name: str) -> str:
    """pg_dump/pg_restore: the newest installed server's own, else the one on PATH."""
    for candidate in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        return candidate
    found = shutil.which(name)
    if found is None:
        raise StoreError(f"{name} is not installed (Debian: apt install postgresql-client)")
    return found


def _libpq_url(url: str) -> str:
    """The URL as libpq tools read it: no SQLAlchemy driver name."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise StoreError(f"{Path(args[0]).name} failed: {last}")


def _copy_sqlite(source: Path, target: Path, progress: Progress | None) -> None:
    with sqlite3.connect(source) as reader, sqlite3.connect(target) as writer:
        reader.backup(
            writer,
            pages=PAGES_PER_STEP,
            progress=(lambda _status, left, total: progress(total - left, total))
            if progress
            else None,
        )
    reader.close()
    writer.close()


def backup(url: str, target: Path, progress: Progress | None = None) -> None:
    """Write a backup of the database at ``url`` to ``target`` (not overwritten if it exists)."""
    if target.exists():
        raise StoreError(f"{target} already exists: choose a new file name")
    if url.startswith("sqlite"):
        source = _sqlite_path(url)
        if not source.exists():
            raise StoreError(f"there is no database at {source}")
        partial = target.with_name(target.name + ".part")
        os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
        try:
            _copy_sqlite(source, partial, progress)
            partial.rename(target)
        finally:
            partial.unlink(missing_ok=True)
        return
    _run(
        [
            _pg_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--file",
            str(target),
            _libpq_url(url),
        ]
    )


def restore(url: str, source: Path, progress: Progress | None = None) -> None:
    """Replace the database at ``url`` with the backup in ``source``."""
    if not source.is_file():
        raise StoreError(f"there is no backup file at {source}")
    if url.startswith("sqlite"):
        try:
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as check:
                check.execute("PRAGMA quick_check").fetchone()
            check.close()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{source} is not a SQLite backup: {exc}") from exc
        _copy_sqlite(source, _sqlite_path(url), progress)
        return
    _run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            _libpq_url(url),
            str(source),
        ]
    )
