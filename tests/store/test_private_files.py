"""Health data on disk is readable by its owner only: data directory 0700, database and backups 0600."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest

from sciatica_care.config import Settings
from sciatica_care.store import accounts
from sciatica_care.store.backup import backup
from sciatica_care.store.database import open_database


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def open_umask() -> object:
    """A common default umask (022), which would leave files world-readable."""
    previous = os.umask(0o022)
    yield None
    os.umask(previous)


def test_the_embedded_database_and_its_directory_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    db = open_database(Settings(data_dir=data_dir))
    with db.session() as session:  # writes make the WAL and shared-memory files
        accounts.create(session, "ann@example.org", "hash", dt.datetime.now(dt.UTC))
        modes = {path.name: _mode(path) for path in data_dir.iterdir()}
    db.dispose()

    assert _mode(data_dir) == 0o700
    assert "sciatica-care.sqlite3-wal" in modes
    assert set(modes.values()) == {0o600}, modes


def test_an_existing_open_directory_is_tightened(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    open_database(Settings(data_dir=data_dir)).dispose()
    assert _mode(data_dir) == 0o700


def test_a_backup_is_private_from_birth(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    settings = Settings(data_dir=data_dir)
    open_database(settings).dispose()
    target = tmp_path / "copy.backup"

    backup(settings.resolved_database_url(), target)

    assert _mode(target) == 0o600
