"""The pain diary keeps every entry as written, several a day, each patient's apart."""

from __future__ import annotations

from datetime import UTC, datetime

from sciatica_care.domain.diary import BodyMap, CheckIn, LegZones
from sciatica_care.store import checkins, patients
from sciatica_care.store.database import Database
from sciatica_care.store.models import Patient
from tests.store.diary_story import day, morning

AT = datetime(2026, 11, 20, 18, 30, tzinfo=UTC)


def _evening_entry() -> CheckIn:
    return CheckIn(
        day=day(2),
        moment="other",
        leg_pain=6,
        back_pain=4,
        zones=BodyMap(left=LegZones(pain=4, numbness=5), right=LegZones(pain=1)),
        red_flags={"Q1": "no", "Q2": "no", "Q3": "unsure", "Q4": "no", "Q5": "no", "Q6": "no"},
        sleep_quality="poor",
        medication="what the pharmacist suggested, twice",
        heat_or_cold="heat",
        note="Long drive; ünïcode kept",
    )


def test_an_entry_reads_back_exactly_as_saved(database: Database) -> None:
    with database.session() as s:
        pid = patients.local_patient_id(s)
        checkins.save(s, pid, _evening_entry(), daily_action="EMERGENCY_NOW", at=AT)
    with database.session() as s:
        [row] = checkins.list_for(s, pid)
        [entry] = checkins.entries(s, pid)
    assert (row.day, row.leg_pain, row.back_pain) == (day(2), 6, 4)
    assert row.daily_action == "EMERGENCY_NOW"
    assert row.recorded_at == AT
    assert entry == _evening_entry()


def test_several_entries_a_day_come_back_in_order(database: Database) -> None:
    with database.session() as s:
        pid = patients.local_patient_id(s)
        checkins.save(s, pid, _evening_entry(), at=AT)
        morning(s, pid, 2, leg=3)
        morning(s, pid, 1, leg=5)
    with database.session() as s:
        days = [(e.day, e.moment) for e in checkins.entries(s, pid)]
        only_day_2 = checkins.entries(s, pid, since=day(2), until=day(2))
        assert checkins.has_morning_entry(s, pid, day(2))
        assert not checkins.has_morning_entry(s, pid, day(3))
    assert days == [(day(1), "morning"), (day(2), "morning"), (day(2), "other")]
    assert [e.leg_pain for e in only_day_2] == [3, 6]


def test_resending_with_the_same_client_id_replaces_the_entry(database: Database) -> None:
    with database.session() as s:
        pid = patients.local_patient_id(s)
        checkins.save(s, pid, _evening_entry(), client_id="phone-1", at=AT)
        fixed = _evening_entry().model_copy(update={"leg_pain": 5})
        checkins.save(s, pid, fixed, client_id="phone-1", at=AT)
    with database.session() as s:
        assert [e.leg_pain for e in checkins.entries(s, pid)] == [5]


def test_another_patient_sees_no_entries(database: Database) -> None:
    with database.session() as s:
        pid = patients.local_patient_id(s)
        morning(s, pid, 1, leg=5)
        other = Patient(email="someone@example.org", settings={})
        s.add(other)
        s.flush()
        assert checkins.entries(s, other.id) == []
        assert not checkins.has_morning_entry(s, other.id, day(1))
