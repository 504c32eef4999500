"""The caseload's last gaps (issue 10 items 4–5): a red-flag alert names the answer and when it
was given; adherence counts no day before the account existed or the program started, in the
patient's own days. Built through the services with a fixed clock (``caseload_story.NOW``)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sciatica_care.services import accounts, caseload, screening
from sciatica_care.services.context import patient_context
from sciatica_care.services.permissions import Actor
from sciatica_care.store.database import Database
from sciatica_care.store.models import Patient
from tests.services.caseload_story import (
    NOW,
    TODAY,
    at,
    build_clinic,
    check_in,
    done_session,
    patient,
    set_per_week,
)
from tests.web.clinic import create_clinician, link
from tests.web.safety_check import calm_answers

Q3 = (
    "Is it harder than usual to start or stop peeing? "
    "Or is it hard to tell if your bladder is full or empty?"
)
Q4 = "Have you leaked urine, needed pads, or not been able to pee?"


def _rows(db: Database, clinician_id: int) -> dict[str, caseload.CaseloadRow]:
    page = caseload.caseload(db, clinician_id, lambda: NOW)
    return {row.label: row for row in page.rows}


def test_an_urgent_alert_names_the_question_the_reply_and_when(database: Database) -> None:
    clinic = build_clinic(database)

    uma = _rows(database, clinic.clinician_id)["uma@example.org"]

    reason = uma.alerts[0].reason
    # 13:00 UTC is 13:00 in London in March (GMT).
    assert reason.startswith("Urgent red-flag answer on Wed 18 Mar at 13:00: ")
    assert f"“{Q3}” in the daily check-in: yes" in reason
    assert uma.red_flag is not None and Q3 in uma.red_flag.answer


def test_an_emergency_screen_names_its_answer_in_the_patients_zone(database: Database) -> None:
    clinician_id = create_clinician(database, "sam@clinic.example", "Sam Lee, PT")
    pid = patient(database, "ned@example.org", clinician_id, zone="America/New_York")
    answers = calm_answers(Q4="unsure", Q12="yes")
    screening.submit_screen(at(database, pid, NOW - timedelta(hours=2)), answers)

    ned = _rows(database, clinician_id)["ned@example.org"]

    reason = ned.alerts[0].reason
    # 12:00 UTC on 18 March is 08:00 in New York (EDT since 8 March).
    assert reason.startswith("Emergency red-flag answer on Wed 18 Mar at 08:00: ")
    assert f"“{Q4}” in the safety check: not sure (counted as yes)" in reason
    assert "and 1 other urgent answer" in reason


def _new_patient(
    db: Database, email: str, zone: str, signed_up: datetime, clinician_id: int
) -> int:
    """A patient whose account was made at ``signed_up`` and who screened right away."""
    pid = accounts.sign_up(db, email, "correct horse battery", timezone=zone).patient_id
    with db.session() as session:
        row = session.get(Patient, pid)
        assert row is not None
        row.created_at = signed_up
    screening.submit_screen(at(db, pid, signed_up + timedelta(minutes=2)), calm_answers())
    link(db, pid, clinician_id)
    return pid


def test_a_new_patient_is_not_counted_on_days_before_their_account(database: Database) -> None:
    clinician_id = create_clinician(database, "sam@clinic.example", "Sam Lee, PT")
    pid = _new_patient(
        database, "new@example.org", "Europe/London", NOW - timedelta(days=2), clinician_id
    )
    for days_ago in (2, 1, 0):
        done_session(database, pid, NOW - timedelta(days=days_ago, minutes=-30))

    row = _rows(database, clinician_id)["new@example.org"]

    assert (row.adherence_7.done, row.adherence_7.planned, row.adherence_7.percent) == (3, 3, 100)
    assert (row.adherence_28.done, row.adherence_28.planned, row.adherence_28.percent) == (
        3,
        3,
        100,
    )
    # A plan of 3 sessions a week asks for 1 in 3 days (pro rata, rounded half up).
    set_per_week(database, pid, 3)
    row = _rows(database, clinician_id)["new@example.org"]
    assert (row.adherence_7.planned, row.adherence_28.planned) == (1, 1)


def test_the_days_are_the_patients_own(database: Database) -> None:
    """Signed up at 20:00 on 15 March in Los Angeles (04:00 on the 16th in UTC), exercising that
    evening and each day since: 4 of 4 of their days, not 3 of 3 UTC days."""
    clinician_id = create_clinician(database, "sam@clinic.example", "Sam Lee, PT")
    signed_up = datetime.fromisoformat("2026-03-16T03:00:00+00:00")
    pid = _new_patient(database, "lee@example.org", "America/Los_Angeles", signed_up, clinician_id)
    done_session(database, pid, signed_up + timedelta(minutes=10))
    for day in (16, 17, 18):  # 09:00 in Los Angeles
        done_session(database, pid, datetime.fromisoformat(f"2026-03-{day}T13:00:00+00:00"))

    row = _rows(database, clinician_id)["lee@example.org"]

    assert (row.adherence_7.done, row.adherence_7.planned) == (4, 4)
    assert (row.adherence_28.done, row.adherence_28.planned) == (4, 4)


def test_the_patient_page_reads_the_same_adherence(database: Database) -> None:
    clinician_id = create_clinician(database, "sam@clinic.example", "Sam Lee, PT")
    pid = _new_patient(
        database, "new@example.org", "Europe/London", NOW - timedelta(days=2), clinician_id
    )
    for days_ago in (2, 0):
        done_session(database, pid, NOW - timedelta(days=days_ago, minutes=-30))
    check_in(database, pid, TODAY)
    ctx = patient_context(database, Actor.clinician(clinician_id), pid, now_fn=lambda: NOW)

    row = caseload.patient_overview(ctx).row

    assert (row.adherence_7.done, row.adherence_7.planned, row.adherence_7.percent) == (2, 3, 67)
    assert (row.adherence_28.done, row.adherence_28.planned) == (2, 3)


@pytest.mark.parametrize("days_ago", [40, 10])
def test_a_patient_of_long_standing_is_counted_on_the_whole_window(
    database: Database, days_ago: int
) -> None:
    """An account older than the window, or younger but with days recorded since: every day of
    the 7-day window counts."""
    clinician_id = create_clinician(database, "sam@clinic.example", "Sam Lee, PT")
    pid = _new_patient(
        database, "old@example.org", "Europe/London", NOW - timedelta(days=days_ago), clinician_id
    )
    done_session(database, pid, NOW - timedelta(days=days_ago - 1))
    done_session(database, pid, NOW - timedelta(hours=1))

    row = _rows(database, clinician_id)["old@example.org"]

    assert (row.adherence_7.done, row.adherence_7.planned) == (1, 7)
    assert row.adherence_28.planned == (28 if days_ago > 28 else days_ago + 1)
