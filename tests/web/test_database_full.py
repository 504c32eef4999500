"""A full disk answers a clear 507, keeps what was saved and stores nothing half (issue 12 item 7).

The database runs out of room for real (``tests.store.full_disk``: SQLite capped at its size, so
SQLite itself answers SQLITE_FULL; PostgreSQL answering 53100 disk_full). Check-ins that raise a
daily screen write two rows in one transaction, so a failed one must leave neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from sciatica_care.store.database import Database
from sciatica_care.store.models import CheckIn, Screening
from tests.store.full_disk import FullDisk
from tests.web.conftest import Account
from tests.web.diary_entries import DAILY, calm_checkin, checkin_form

FULL = "The database is full"
NOTE = "Stiff today. " * 140
ATTEMPTS = 300
"""Enough check-ins to need a new page of the SQLite file (each holds a long note)."""


@pytest.fixture
def disk(database: Database) -> Iterator[FullDisk]:
    with FullDisk(database.engine).watching() as full_disk:
        yield full_disk


def _urgent(client_id: str) -> dict[str, Any]:
    """A check-in whose Q1 yes (already seen by a doctor) also stores a daily screen (URGENT)."""
    flags = {item: "no" for item in DAILY}
    flags["Q1"] = "yes"
    return calm_checkin(client_id=client_id, red_flags=flags, ces_assessed="yes", note=NOTE)


def _stored(database: Database) -> tuple[set[str], int]:
    """(the client ids of the stored check-ins, how many daily screens)."""
    with database.session() as session:
        ids = set(session.scalars(select(CheckIn.client_id)))
        screens = session.scalar(
            select(func.count()).select_from(Screening).where(Screening.kind == "daily")
        )
    return {i for i in ids if i}, screens or 0


def test_a_check_in_on_a_full_disk_is_a_507_and_nothing_of_it_is_stored(
    client: TestClient, account: Account, database: Database, disk: FullDisk
) -> None:
    saved_before = [f"saved-before-{n}" for n in range(2)]
    for client_id in saved_before:
        response = client.post("/api/checkins", json=_urgent(client_id), headers=account.headers)
        assert response.status_code == 201, response.text

    disk.fill()
    accepted = list(saved_before)
    for n in range(ATTEMPTS):
        refused = client.post(
            "/api/checkins", json=_urgent(f"while-full-{n}"), headers=account.headers
        )
        if refused.status_code != 201:
            break
        accepted.append(f"while-full-{n}")
    else:
        pytest.fail("the database never filled up")

    assert refused.status_code == 507
    assert refused.json()["detail"].startswith(f"{FULL} (no room left on its disk)")
    assert "Traceback" not in refused.text
    ids, screens = _stored(database)
    assert ids == set(accepted), "every check-in answered 201 is stored, the refused one is not"
    assert screens == len(accepted), "no check-in without its daily screen, no screen alone"

    form = checkin_form(client, Q1="yes", CES_ASSESSED="yes", note=NOTE + "(the form)")
    page = client.post("/check-in", data=form)
    assert page.status_code == 507
    assert f"<h1>{FULL}</h1>" in page.text and "nothing of this was saved" in page.text
    assert client.get("/api/checkins").status_code == 200  # reading still works
    assert _stored(database) == (ids, screens)

    disk.free()
    again = client.post("/api/checkins", json=_urgent(f"while-full-{n}"), headers=account.headers)
    assert again.status_code == 201  # the person's retry lands once there is room
    if database.engine.dialect.name == "sqlite":
        with database.engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
