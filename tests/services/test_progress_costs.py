"""My progress costs the same at a year of history as at a month (issue 12): one transaction, the
same few statements, and what those bounded reads show is what the whole history says.

The statements ``view_progress`` sends are counted on the database's engine
(``before_cursor_execute``) for a patient with 30 days and one with 365 days of the same diary
(``benchmarks.progress_page.seed_year``); the transactions it opens are counted the same way
(the engine's ``begin``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.progress_page import seed_year
from sqlalchemy import event

from sciatica_care.services import program
from sciatica_care.services.context import PatientContext, patient_context
from sciatica_care.services.permissions import Actor
from sciatica_care.services.progress import view_progress
from sciatica_care.services.report_data import report_data
from sciatica_care.store import exercise_sessions, screenings
from sciatica_care.store.database import Database
from sciatica_care.store.models import Patient

NOW = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
ZONE = "Europe/Berlin"
"""Noon in Berlin: the patient's today is the same day whatever the hour the test runs."""
TODAY = NOW.astimezone(ZoneInfo(ZONE)).date()
MOST_STATEMENTS = 7
"""The diary's window and its first morning, the sessions' totals, the program's start, the
window's sessions, its dose changes and the questionnaires' ends."""


class _Calm:
    """A stored §8.2 result with nothing to act on (only its action is read here)."""

    def model_dump(self, *, mode: str = "json") -> dict[str, Any]:
        return {"action": "SELF_CARE", "content_version": "test"}


def _patient(database: Database, days: int) -> PatientContext:
    """A patient in Berlin with a calm safety check and ``days`` of diary up to today."""
    with database.session() as s:
        patient = Patient(email=f"days{days}@example.org", settings={"timezone": ZONE})
        s.add(patient)
        s.flush()
        screenings.save(s, patient.id, {"S2_leg": 7, "S2_back": 3}, _Calm(), at=NOW)
        seed_year(s, patient.id, TODAY, days=days)
        pid = patient.id
    return patient_context(database, Actor.patient(pid), pid, lambda: NOW)


@dataclass
class Sent:
    statements: int = 0
    transactions: int = 0


@contextmanager
def _sent(database: Database) -> Iterator[Sent]:
    """What the engine was asked to do while the block ran."""
    sent = Sent()

    def statement(*_: Any) -> None:
        sent.statements += 1

    def transaction(*_: Any) -> None:
        sent.transactions += 1

    event.listen(database.engine, "before_cursor_execute", statement)
    event.listen(database.engine, "begin", transaction)
    try:
        yield sent
    finally:
        event.remove(database.engine, "before_cursor_execute", statement)
        event.remove(database.engine, "begin", transaction)


def test_my_progress_sends_the_same_statements_at_a_month_and_a_year(
    database: Database,
) -> None:
    counted = {}
    for days in (30, 365):
        ctx = _patient(database, days)
        view_progress(ctx, 30)  # first use builds the statements
        with _sent(database) as sent:
            shown = view_progress(ctx, 30)
        assert shown.series.pain and shown.summary, "the counted view is the diary's"
        counted[days] = sent

    assert counted[30] == counted[365]
    assert counted[365].transactions == 1
    assert 0 < counted[365].statements <= MOST_STATEMENTS


def test_a_longer_window_costs_no_more_statements(database: Database) -> None:
    ctx = _patient(database, 365)
    with _sent(database) as month:
        view_progress(ctx, 30)
    with _sent(database) as quarter:
        view_progress(ctx, 90)

    assert quarter == month


def test_a_year_shows_what_its_whole_history_says(database: Database) -> None:
    """The bounded reads against whole-history ones: every final session, every applied dose
    change, and the change summary of the clinician's report (which reads every entry)."""
    ctx = _patient(database, 365)

    shown = view_progress(ctx, 30)

    first = TODAY - timedelta(days=29)
    with database.session() as s:
        every_session = exercise_sessions.list_for(s, ctx.patient_id)
        changes = [
            (date.fromisoformat(row.decision["decided_on"]), row.action)
            for row in program.applied_changes(s, ctx.patient_id, since=first)
        ]
        report = report_data(s, ctx.patient_id, TODAY, days=None, tz=ctx.clock.zone)
    assert shown.wins.sessions_total == sum(1 for row in every_session if row.final) > 300
    assert [(c.day, c.action) for c in shown.series.dose_changes] == changes
    assert changes, "the seeded month has a step up"
    assert shown.summary == report.change_summary
    assert shown.summary[0].startswith("Leg pain down")


def test_the_safety_checks_pain_is_read_only_for_a_first_day(database: Database) -> None:
    """Once there is a diary the page shows it, not the starting point: no read of the screen."""
    ctx = _patient(database, 30)

    shown = view_progress(ctx, 30)

    assert not shown.first_day
    assert shown.starting_point is None
