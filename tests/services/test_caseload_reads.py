"""What a dashboard page reads (issue 10 item 4, "under 200 ms at 5,000 patients"): the summary
days of the rows it shows and of the patients with events, never of every patient; a constant
number of statements whatever the caseload's size; and the same rows as reading every window."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from sciatica_care.domain.questionnaires import score_psfs, score_sbi
from sciatica_care.services import caseload
from sciatica_care.services.caseload import Sort
from sciatica_care.services.context import patient_context
from sciatica_care.services.permissions import Actor
from sciatica_care.store import caseload_summaries, questionnaire_responses
from sciatica_care.store.database import Database
from tests.services.caseload_story import (
    NOW,
    TODAY,
    check_in,
    create_clinician,
    done_session,
    patient,
    red_session,
)


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.fixture
def days_read(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The patient ids whose summary days each ``days_of`` call read."""
    calls: list[list[int]] = []
    real = caseload_summaries.days_of

    def spy(session: Any, patient_ids: Any) -> Any:
        calls.append(sorted(patient_ids))
        return real(session, patient_ids)

    monkeypatch.setattr(caseload_summaries, "days_of", spy)
    return calls


def _clinic(db: Database, calm: int) -> tuple[int, list[int], int]:
    """A clinician with ``calm`` patients who exercise daily and one with two RED sessions."""
    clinician = create_clinician(db, "sam@clinic.example", "Sam Lee, PT")
    people = []
    for n in range(calm):
        pid = patient(db, f"p{n:02}@example.org", clinician)
        for back in range(3):
            check_in(db, pid, TODAY - timedelta(days=back), leg=3)
            done_session(db, pid, NOW - timedelta(days=back, hours=2))
        people.append(pid)
    reg = patient(db, "reg@example.org", clinician)
    red_session(db, reg, NOW - timedelta(days=2))
    red_session(db, reg, NOW - timedelta(days=1))
    return clinician, people, reg


def test_a_page_reads_the_days_of_the_rows_it_shows_and_of_patients_with_events(
    database: Database, days_read: list[list[int]]
) -> None:
    clinician, _, reg = _clinic(database, calm=12)
    caseload.caseload(database, clinician, lambda: NOW, page_size=5)  # summaries made and kept
    days_read.clear()

    page = caseload.caseload(database, clinician, lambda: NOW, page_size=5)

    shown = [row.patient_id for row in page.rows]
    assert shown[0] == reg and len(shown) == 5
    read = [pid for call in days_read for pid in call]
    assert sorted(read) == sorted(shown)  # Reg for his alert, then the four other rows shown
    assert all(row.window is not None for row in page.rows)
    assert [row.adherence_7.done for row in page.rows[1:]] == [3, 3, 3, 3]


def test_sorting_by_adherence_reads_every_window(
    database: Database, days_read: list[list[int]]
) -> None:
    clinician, people, reg = _clinic(database, calm=4)
    set_off = people[2]
    check_in(database, set_off, TODAY - timedelta(days=10), leg=3)  # a day without a session
    caseload.caseload(database, clinician, lambda: NOW)
    days_read.clear()

    page = caseload.caseload(database, clinician, lambda: NOW, sort=Sort.ADHERENCE, page_size=2)

    assert sorted(pid for call in days_read for pid in call) == sorted([*people, reg])
    # Alerts first whatever the sort, then the lowest adherence: the patient who also kept a
    # diary day ten days ago without a session (counted from that day).
    assert [row.patient_id for row in page.rows] == [reg, set_off]


def test_the_statements_of_a_page_do_not_grow_with_the_caseload(database: Database) -> None:
    clinician, _, _ = _clinic(database, calm=3)
    caseload.caseload(database, clinician, lambda: NOW)
    with _statements(database) as small:
        caseload.caseload(database, clinician, lambda: NOW)
    for n in range(3, 15):
        pid = patient(database, f"q{n:02}@example.org", clinician)
        check_in(database, pid, TODAY, leg=2)
    caseload.caseload(database, clinician, lambda: NOW)
    with _statements(database) as large:
        caseload.caseload(database, clinician, lambda: NOW)

    assert len(large) == len(small) <= 9, small


def test_the_patient_page_reads_each_questionnaires_ends_and_count(database: Database) -> None:
    clinician, people, _ = _clinic(database, calm=1)
    pid = people[0]
    with database.session() as session:
        for weeks_ago, leg in ((6, 5), (3, 4), (1, 2)):
            answers = {"leg_pain": leg, "numbness": 2, "weakness": 1, "sitting_pain": 3}
            day = TODAY - timedelta(weeks=weeks_ago)
            questionnaire_responses.save(session, pid, score_sbi(answers), day)
        psfs = {"Walking to the shop": 4, "Sitting at work": 6, "Putting on socks": 5}
        questionnaire_responses.save(session, pid, score_psfs(psfs), TODAY - timedelta(days=2))
    ctx = patient_context(database, Actor.clinician(clinician), pid, now_fn=lambda: NOW)

    lines = {line.questionnaire.id: line for line in caseload.patient_overview(ctx).questionnaires}

    sbi, only_psfs, grc = lines["sbi"], lines["psfs"], lines["grc"]
    assert (sbi.count, sbi.last_day, sbi.last_score) == (3, TODAY - timedelta(weeks=1), 8)
    assert len(sbi.readings) == 1 and sbi.readings[0].change == -3  # first 11, latest 8
    assert (only_psfs.count, only_psfs.last_score, only_psfs.readings) == (1, 5, [])
    assert (grc.count, grc.last_day, grc.readings) == (0, None, [])
