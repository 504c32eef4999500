"""A database filled by any earlier version upgrades to the current schema with nothing lost.

For every earlier schema revision: migrate an empty database to it, fill it the way that version
did (``tests.store.old_schemas``: plain INSERTs into that revision's tables), upgrade to head, then
check that every row of every table is still there with the values it had, that the migrations'
own backfills happened, and that the use cases read and write the upgraded data (issue 12 item 7).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, Table, select, text

from sciatica_care.domain import diary
from sciatica_care.services import program
from sciatica_care.services.caseload import caseload
from sciatica_care.services.checkins import record_checkin
from sciatica_care.services.clock import Clock
from sciatica_care.services.context import PatientContext
from sciatica_care.services.data import export_document
from sciatica_care.services.permissions import Actor
from sciatica_care.services.progress import view_progress
from sciatica_care.store.database import Database, alembic_config, make_engine
from tests.store import old_schemas
from tests.store.old_schemas import ANN, CLINICIAN, LOCAL, UNFINISHED

NOW = datetime(2026, 11, 5, 9, 0, tzinfo=UTC)
LONDON = ZoneInfo(old_schemas.ZONE)


def _earlier_revisions() -> list[str]:
    """Every schema revision but the newest, oldest first."""
    script = ScriptDirectory.from_config(alembic_config(make_engine("sqlite://")))
    revisions = [r.revision for r in script.walk_revisions()]
    return sorted(set(revisions) - set(script.get_heads()))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database (no schema at all), SQLite or PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_databases").new()
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _plain(value: Any) -> Any:
    """A value as comparable across dialects: datetimes as naive UTC (SQLite drops the zone)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    return value


def _stored(engine: Engine, name: str) -> dict[Any, dict[str, Any]]:
    """Every row of a table, by primary key, as the current schema has it."""
    with engine.connect() as connection:
        table = Table(name, MetaData(), autoload_with=connection)
        key = next(iter(table.primary_key.columns)).name
        return {row[key]: dict(row) for row in connection.execute(select(table)).mappings()}


def _check_nothing_lost(engine: Engine, rows: old_schemas.Rows) -> None:
    for name, inserted in rows.items():
        stored = _stored(engine, name)
        assert len(stored) == len(inserted), f"{name}: {len(stored)} rows, not {len(inserted)}"
        for row in inserted:
            key = row.get("id", row.get("patient_id"))
            after = stored[key]
            for column, value in row.items():
                assert _plain(after[column]) == _plain(value), f"{name} {key} {column}"


def _check_backfills(engine: Engine, revision: str) -> None:
    """What the migrations after ``revision`` filled in for rows that existed before them."""
    sessions = _stored(engine, "exercise_sessions")
    if revision < "0003":
        assert sessions[2]["stop_note"] == UNFINISHED and sessions[2]["final"] is False
        assert sessions[1]["final"] is True
        assert _plain(sessions[1]["progressed_at"]) == _plain(sessions[1]["started_at"])
        assert all(row["progressed_at"] for row in _stored(engine, "checkins").values())
    if revision < "0005":
        public_ids = {row["public_id"] for row in _stored(engine, "patients").values()}
        assert len(public_ids) == 2 and all(len(p) == 36 for p in public_ids)
    if revision < "0006":
        assert not any(row["asked_easier"] for row in _stored(engine, "exercise_results").values())
    assert len(_stored(engine, "installation")) == 1
    if revision < "0010":
        revisions = _stored(engine, "patient_revisions")
        assert set(revisions) == set(_stored(engine, "patients"))


def _check_the_use_cases_work(database: Database, revision: str) -> None:
    ann = PatientContext(database, Actor.patient(ANN), ANN, Clock(LONDON, lambda: NOW))
    document = export_document(database, ANN)
    assert len(document["checkins"]) == 3
    assert document["checkins"][1]["entry"]["note"] == "Better after the walk, ünïcode ✓"
    assert [len(s["items"]) for s in document["exercise_sessions"]] == [2, 1]
    assert len(document["questionnaire_responses"]) == 1 and len(document["therapy_uses"]) == 1
    assert len(export_document(database, LOCAL)["checkins"]) == 1

    progress = view_progress(ann, 30)
    assert [point.leg_pain for point in progress.series.pain] == [6, 5, 4]
    assert [point.status for point in progress.series.sessions] == ["completed", "stopped"]
    today = program.view_today(ann)
    assert today.gate.open and today.program is not None

    entry = diary.CheckIn(
        day=date(2026, 11, 5), leg_pain=3, back_pain=2, red_flags=old_schemas.DAILY_NO
    )
    saved = record_checkin(ann, entry, client_id="after-the-upgrade")
    assert saved.created and saved.id > 4
    if revision >= "0007":
        page = caseload(database, CLINICIAN, clock_now=lambda: NOW)
        assert [row.patient_id for row in page.rows] == [ANN]


@pytest.mark.parametrize("revision", _earlier_revisions())
def test_a_database_from_an_earlier_version_upgrades_with_nothing_lost(
    empty_engine: Engine, revision: str
) -> None:
    command.upgrade(alembic_config(empty_engine), revision)
    rows = old_schemas.rows_at(revision)
    old_schemas.insert_rows(empty_engine, rows)

    database = Database(empty_engine)
    database.upgrade()
    database.check_current()

    _check_nothing_lost(empty_engine, rows)
    _check_backfills(empty_engine, revision)
    _check_the_use_cases_work(database, revision)
    if empty_engine.dialect.name == "sqlite":
        with empty_engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []


def test_every_earlier_revision_has_rows_to_upgrade() -> None:
    """A new migration needs a builder in old_schemas for the revision before it."""
    revisions = _earlier_revisions()
    assert revisions[0] == "0001"
    for revision in revisions:
        assert old_schemas.rows_at(revision)["patients"]
