"""The clinician report's values come from what one patient stored, and only from that patient."""

from __future__ import annotations

from datetime import UTC

import pytest

from sciatica_care.domain.diary import ZoneTrend
from sciatica_care.services.report_data import report_data
from sciatica_care.store import StoreError, patients
from sciatica_care.store.database import Database
from sciatica_care.store.models import Patient
from tests.store import report_story
from tests.store.diary_story import day


@pytest.fixture
def story(database: Database) -> int:
    with database.session() as s:
        pid = patients.local_patient_id(s)
        report_story.seed(s, pid)
    return pid


def test_screening_and_daily_warnings_name_the_red_flags(database: Database, story: int) -> None:
    with database.session() as s:
        data = report_data(s, story, today=day(42), tz=UTC)

    assert data.screening is not None
    assert (data.screening.day, data.screening.action) == (day(1), "ROUTINE")
    assert [f.item for f in data.screening.red_flags] == ["Q13"]
    assert data.screening.red_flags[0].question.startswith("Is the pain there all the time")
    [warning] = data.daily_warnings
    assert (warning.day, warning.action, [f.item for f in warning.red_flags]) == (
        day(report_story.Q7_DAY),
        "EMERGENCY_NOW",
        ["Q7"],
    )
    assert data.notice == "Not a diagnosis. If worried, contact a health professional."


def test_pain_first_and_latest_agree_with_the_change_sentence(
    database: Database, story: int
) -> None:
    with database.session() as s:
        data = report_data(s, story, today=day(42), tz=UTC)

    assert data.first_pain is not None and data.latest_pain is not None
    assert (data.first_pain.day, data.first_pain.leg_pain) == (day(1), 6)
    assert (data.latest_pain.day, data.latest_pain.leg_pain) == (day(42), 2)
    assert data.change_summary[0] == (
        "Leg pain down 4 points since you started (from 6 to 2): a change that matters."
    )
    assert len(data.mornings) == 42  # the evening entry with Q7 is not a morning
    assert [m.furthest_pain_zone for m in data.mornings[:1] + data.mornings[-1:]] == [4, 2]
    [left_pain] = [s for s in data.zone_signals if (s.side, s.kind) == ("left", "pain")]
    assert left_pain.trend is ZoneTrend.CENTRALISING


def test_sessions_adherence_doses_scores_and_packs(database: Database, story: int) -> None:
    with database.session() as s:
        data = report_data(s, story, today=day(42), tz=UTC)

    stopped = [line.day for line in data.sessions if line.status == "stopped"]
    assert stopped == [day(n) for n in report_story.STOPPED_DAYS]
    assert len(data.sessions) == 40 - len(report_story.REST_DAYS)
    assert sum(w.total for w in data.adherence) == len(data.sessions)
    assert sum(w.stopped for w in data.adherence) == 2
    assert data.adherence[0].week_start.weekday() == 0
    tilt = next(line for line in data.doses if line.exercise_id == "pelvic-tilt")
    assert tilt.last_change in ("PROGRESS", "REGRESS", "PAUSE")
    assert tilt.last_change_on is not None and tilt.reason
    untouched = next(line for line in data.doses if line.exercise_id == "knee-to-chest")
    assert (untouched.level, untouched.last_change, untouched.reason) == (2, None, None)
    assert [(x.instrument, x.score) for x in data.scores if x.instrument == "sbi"] == [
        ("sbi", 16.0),
        ("sbi", 14.0),
        ("sbi", 7.0),
        ("sbi", 4.0),
    ]
    assert (data.heat_uses, data.cold_uses) == (7, 7)
    assert data.series.flares and data.series.pain[-1].leg_pain == 2


def test_the_period_starts_at_the_first_record_or_the_window(
    database: Database, story: int
) -> None:
    with database.session() as s:
        whole = report_data(s, story, today=day(42), days=90, tz=UTC)
        everything = report_data(s, story, today=day(42), days=None, tz=UTC)
        last_week = report_data(s, story, today=day(42), days=7, tz=UTC)

    assert (whole.period_start, whole.period_end, whole.days) == (day(1), day(42), 42)
    assert everything.period_start == day(1)
    assert last_week.period_start == day(36)
    assert [m.day for m in last_week.mornings] == [day(n) for n in range(36, 43)]
    assert all(x.day >= day(36) for x in last_week.scores)
    assert all(line.day >= day(36) for line in last_week.sessions)
    assert last_week.first_pain is not None and last_week.first_pain.day == day(1)


def test_another_patient_sees_none_of_it(database: Database, story: int) -> None:
    with database.session() as s:
        other = Patient(email="other@example.org", settings={})
        s.add(other)
        s.flush()
        data = report_data(s, other.id, today=day(42), tz=UTC)
        story_ref = patients.get(s, story).public_id

    assert data.patient_ref == other.public_id != story_ref
    assert (data.mornings, data.sessions, data.scores, data.daily_warnings) == ([], [], [], [])
    assert data.screening is None and data.first_pain is None
    assert (data.heat_uses, data.cold_uses) == (0, 0)
    assert sum(w.total for w in data.adherence) == 0


def test_unknown_patient_or_empty_window_is_a_store_error(database: Database) -> None:
    with database.session() as s, pytest.raises(StoreError, match="no patient 999"):
        report_data(s, 999, today=day(1))
    with database.session() as s:
        pid = patients.local_patient_id(s)
    with database.session() as s, pytest.raises(StoreError, match="days: must be 1 or more"):
        report_data(s, pid, today=day(1), days=0)
