"""``report_for``: the PDF report of a period, read through the actor's ``PatientContext``.

Six weeks of a stored diary (``tests.store.report_story``) in Europe/London, with a second session
on one day, a session stopped because the person was tired (with their words) and one the app
saved part-way. The report is asked for as the patient would be, and a clinician who is not
linked is refused exactly as for a patient that does not exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sciatica_care import __version__
from sciatica_care.config import Settings
from sciatica_care.domain.clinician_report import ReportData
from sciatica_care.domain.session import SessionRecord, SessionStatus, StopReason
from sciatica_care.services.clock import Clock
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import InvalidInput, NotFound
from sciatica_care.services.permissions import Actor
from sciatica_care.services.progress import progress_summary
from sciatica_care.services.report_data import report_for, report_pdf_for
from sciatica_care.services.sessions import UNFINISHED_NOTE
from sciatica_care.store import exercise_sessions, patients
from sciatica_care.store.database import Database, open_database
from tests.reports.pdf_text import pdf_text, table_rows
from tests.store import report_story
from tests.store.diary_story import day

LONDON = ZoneInfo("Europe/London")
NOW = datetime.combine(day(42), time(12), tzinfo=UTC)
"""Saturday 12 December 2026 at noon: the last day of the story."""
TWICE_ON = 25
UNFINISHED_ON = 30


def _extra_session(db: Database, pid: int, n: int, hour: int, record: SessionRecord) -> None:
    with db.session() as s:
        exercise_sessions.save(
            s,
            pid,
            record,
            datetime.combine(day(n), time(hour, 30), tzinfo=UTC),
            final=record.stop_note != UNFINISHED_NOTE,
            planned_exercises=["pelvic-tilt", "bird-dog", "knee-to-chest", "lower-trunk-rotation"],
        )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("clinician-report")
    database = open_database(Settings(data_dir=folder), url=f"sqlite:///{folder / 'db.sqlite3'}")
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def pid(db: Database) -> int:
    with db.session() as s:
        pid = patients.local_patient_id(s)
        patients.update_settings(s, pid, timezone="Europe/London")
        report_story.seed(s, pid)
    tired = SessionRecord(
        status=SessionStatus.STOPPED,
        stop_reason=StopReason.TIRED,
        stop_note="Had to pick up the kids",
        elapsed_s=240.0,
        items=[],
    )
    _extra_session(db, pid, TWICE_ON, 18, tired)
    unfinished = SessionRecord(
        status=SessionStatus.STOPPED, stop_note=UNFINISHED_NOTE, elapsed_s=400.0, items=[]
    )
    _extra_session(db, pid, UNFINISHED_ON, 19, unfinished)
    return pid


def _context(db: Database, actor: Actor, pid: int) -> PatientContext:
    return PatientContext(db, actor, pid, Clock(LONDON, lambda: NOW))


@pytest.fixture(scope="module")
def data(db: Database, pid: int) -> ReportData:
    return report_for(_context(db, Actor.patient(pid), pid), start=day(15))


@pytest.fixture(scope="module")
def pdf(db: Database, pid: int, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The PDF of days 15–42 as the patient asks for it (made once)."""
    path = tmp_path_factory.mktemp("clinician-pdf") / "report.pdf"
    path.write_bytes(report_pdf_for(_context(db, Actor.patient(pid), pid), start=day(15)))
    return path


def test_the_period_and_the_stamp_come_from_the_context(data: ReportData) -> None:
    assert (data.period_start, data.period_end) == (day(15), day(42))
    assert data.generated_at == NOW.astimezone(LONDON)
    assert data.app_version == __version__
    assert all(day(15) <= line.day <= day(42) for line in data.sessions)


def test_several_sessions_a_day_and_why_they_stopped(data: ReportData) -> None:
    twice = [line for line in data.sessions if line.day == day(TWICE_ON)]
    assert [(line.status, line.stop_reason) for line in twice] == [
        ("completed", None),
        ("stopped", "tired"),
    ]
    assert twice[1].stop_note == "Had to pick up the kids"
    assert twice[1].local_time is not None and twice[1].local_time.hour == 18
    assert (twice[1].exercises_completed, twice[1].exercises_total) == (0, 4)
    [unfinished] = [line for line in data.sessions if not line.finished]
    assert (unfinished.day, unfinished.stop_reason, unfinished.stop_note) == (
        day(UNFINISHED_ON),
        None,
        None,
    )


def test_the_pdf_shows_it_in_words_with_no_spec_reference(pdf: Path) -> None:
    rows = {row[0]: row[1:] for row in table_rows(pdf)}
    text = pdf_text(pdf)

    assert rows["Made"] == [
        f"Saturday 12 December 2026 at 12:00 (Europe/London time), by Sciatica Care {__version__}"
    ]
    # Week of Monday 23 Nov: two sessions on Wednesday 25 Nov, none on Friday (a rest day).
    assert rows["23 Nov 2026"] == ["✓", "✓", "✓ ✗", "✓", "", "✓", "✓", "6", "1", "7"]
    assert rows["25 Nov 2026"] == [
        "18:30",
        "0 of 4 exercises after 4 minutes",
        "Tired",
        "“Had to pick up the kids”",
    ]
    assert rows["30 Nov 2026"][:3] == [
        "19:30",
        "0 of 4 exercises after 7 minutes",
        "Not finished: saved part-way, the session never reached its end (no reason chosen)",
    ]
    assert "unfinished:" not in text
    assert "§" not in text and "clinical-spec" not in text.lower()
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)


def test_an_earlier_period_ends_where_it_ends(db: Database, pid: int) -> None:
    """A report of the first two weeks shows their change and their sessions, not today's."""
    data = report_for(_context(db, Actor.patient(pid), pid), start=day(1), end=day(14))

    assert data.latest_pain is not None and data.latest_pain.day == day(14)
    assert [line.split(":")[0] for line in data.change_summary] == [
        "Leg pain down 1 point since you started (from 6 to 5)",
        "Back pain unchanged since you started (from 3 to 3)",
        "Sciatica bother score down 2 points since you started (from 16 to 14)",
    ]  # the PSFS and GRC answered later are not there
    assert max(line.day for line in data.sessions) == day(14)
    assert data.screening is not None and data.screening.day == day(1)


def test_up_to_today_the_change_reads_as_my_progress_says_it(
    db: Database, pid: int, data: ReportData
) -> None:
    with db.session() as s:
        assert data.change_summary == progress_summary(s, pid)


def test_an_unlinked_clinician_is_refused_like_an_unknown_patient(db: Database, pid: int) -> None:
    with pytest.raises(NotFound):
        report_for(_context(db, Actor.clinician(1), pid), start=day(15))
    with pytest.raises(NotFound):
        report_for(_context(db, Actor.clinician(1), pid + 1000), start=day(15))


def test_a_period_must_be_in_order_and_not_end_in_the_future(db: Database, pid: int) -> None:
    ctx = _context(db, Actor.patient(pid), pid)
    with pytest.raises(InvalidInput) as late:
        report_for(ctx, start=day(40), end=day(43))
    with pytest.raises(InvalidInput) as backwards:
        report_for(ctx, start=day(20), end=day(10))

    assert (late.value.field, backwards.value.field) == ("end", "start")
