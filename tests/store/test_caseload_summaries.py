"""The ``caseload_summaries`` repository: saved over, flagged stale, read with the clinician's links."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sciatica_care.store import caseload_summaries
from sciatica_care.store.database import Database
from tests.services.caseload_story import patient
from tests.web.clinic import create_clinician, link

AT = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)


def _new(pid: int, leg: int) -> caseload_summaries.NewSummary:
    return caseload_summaries.NewSummary(
        patient_id=pid,
        timezone="Europe/London",
        covers_from=date(2026, 2, 12),
        days={"d": {"2026-03-18": [1, leg, 1, 0]}, "r": [], "z": []},
        last_checkin_day=date(2026, 3, 18),
        last_session_at=None,
        shape=2,
        has_events=leg > 5,
        last_activity=date(2026, 3, 18),
    )


def test_saved_over_flagged_stale_and_read_with_the_links(database: Database) -> None:
    sam = create_clinician(database, "sam@clinic.example", "Sam Lee, PT")
    ann = patient(database, "ann@example.org", sam)
    bob = patient(database, "bob@example.org", None)
    with database.session() as session:
        caseload_summaries.save(session, [_new(ann, 4), _new(bob, 2)], AT)
        caseload_summaries.save(session, [_new(ann, 6)], AT)
        caseload_summaries.mark_stale(session, bob)

    with database.session() as session:
        linked = caseload_summaries.linked_with_summaries(session, sam)
    assert [p.id for p in linked] == [ann]
    summary = linked[0].summary
    assert summary is not None and not summary.stale and linked[0].timezone == "Europe/London"
    assert (summary.shape, summary.has_events) == (2, True)
    assert summary.last_activity == date(2026, 3, 18) and summary.days is None  # not read yet
    with database.session() as session:
        days = caseload_summaries.days_of(session, [ann])
    assert days[ann][0] == date(2026, 2, 12) and days[ann][1]["d"]["2026-03-18"] == [1, 6, 1, 0]

    link(database, bob, sam)
    with database.session() as session:
        both = {p.id: p for p in caseload_summaries.linked_with_summaries(session, sam)}
        only_bob = caseload_summaries.linked_with_summaries(session, sam, [bob])
    assert both[bob].summary is not None and both[bob].summary.stale
    assert [p.id for p in only_bob] == [bob]


def test_a_patient_without_a_summary_is_read_with_none(database: Database) -> None:
    sam = create_clinician(database, "sam@clinic.example", "Sam Lee, PT")
    ann = patient(database, "ann@example.org", sam)
    with database.session() as session:
        caseload_summaries.mark_stale(session, ann)  # no row: nothing to flag
        (found,) = caseload_summaries.linked_with_summaries(session, sam)
    assert found.id == ann and found.summary is None
