"""Fixtures for CLI tests."""

from __future__ import annotations

import pytest

from sciatica_care.cli import output


@pytest.fixture
def fixed_width_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Golden text must not depend on the terminal the tests run in."""
    monkeypatch.setattr(output.console, "_width", 80)
    monkeypatch.setattr(output.err_console, "_width", 200)


@pytest.fixture
def screened() -> None:
    """The local person answered the full safety screen a minute ago, with no red flag: after
    any history a test seeds, so a seeded RED session has had its re-check (at any hour of the
    day: "yesterday" was before a session seeded at 10:00 yesterday whenever tests ran before
    10:00)."""
    from datetime import timedelta

    from sciatica_care.domain.screening import screen
    from sciatica_care.store import patients, screenings
    from sciatica_care.store.base import utcnow
    from sciatica_care.store.database import open_database
    from tests.data_answers import SELF_CARE_ANSWERS

    db = open_database()
    try:
        with db.session() as s:
            pid = patients.local_patient_id(s)
            at = utcnow() - timedelta(minutes=1)
            screenings.save(s, pid, SELF_CARE_ANSWERS, screen(SELF_CARE_ANSWERS), at=at)
    finally:
        db.dispose()
