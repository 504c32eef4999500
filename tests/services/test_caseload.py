"""The caseload use case (issue 10 items 4–5): who is shown, in what order, with which alerts.

Vignettes in ``tests.services.caseload_story``: Uma (URGENT daily answer), Reg (two RED sessions
in 7 days), Pia (peripheralising 3 days), Cal (calm). Built through the services, fixed clock.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from sciatica_care.services import caseload, links
from sciatica_care.services.caseload import AlertKind, Filter, Sort
from sciatica_care.services.context import patient_context
from sciatica_care.services.errors import NotFound
from sciatica_care.services.permissions import Actor
from sciatica_care.store import audit
from sciatica_care.store.database import Database
from tests.services.caseload_story import (
    NOW,
    TODAY,
    Clinic,
    build_clinic,
    check_in,
    create_clinician,
    patient,
    set_per_week,
)
from tests.web.clinic import link


@pytest.fixture
def clinic(database: Database) -> Clinic:
    return build_clinic(database)


def _page(db: Database, clinic: Clinic, **kwargs: object) -> caseload.CaseloadPage:
    return caseload.caseload(db, clinic.clinician_id, lambda: NOW, **kwargs)  # type: ignore[arg-type]


def _clinician_ctx(db: Database, clinic: Clinic, patient_id: int, now=NOW):  # type: ignore[no-untyped-def]
    return patient_context(db, Actor.clinician(clinic.clinician_id), patient_id, now_fn=lambda: now)


def test_alerts_come_first_newest_first_each_with_its_reason(
    database: Database, clinic: Clinic
) -> None:
    page = _page(database, clinic)

    labels = [row.label for row in page.rows]
    assert labels == ["uma@example.org", "pia@example.org", "reg@example.org", "cal@example.org"]
    uma, pia, reg, cal = page.rows
    assert [a.kind for a in uma.alerts] == [AlertKind.RED_FLAG]
    assert uma.alerts[0].reason.startswith("Urgent red-flag answer on Wed 18 Mar")
    assert uma.red_flag is not None and uma.red_flag.action == "URGENT_24_48H"
    assert [a.kind for a in reg.alerts] == [AlertKind.RED_SESSIONS]
    assert reg.red_sessions_7 == 2
    assert reg.alerts[0].reason.startswith("2 RED sessions in 7 days")
    assert [a.kind for a in pia.alerts] == [AlertKind.PERIPHERALISING]
    assert pia.peripheralising_days == 3
    assert pia.alerts[0].key == "peripheralising:2026-03-16"
    assert cal.alerts == () and cal.red_flag is None and cal.red_sessions_7 == 0
    assert page.alerting == 3 and page.linked == 4


def test_adherence_counts_session_days_against_the_plan(database: Database, clinic: Clinic) -> None:
    cal = next(r for r in _page(database, clinic).rows if r.label == "cal@example.org")
    # Sessions 0, 2 (twice: one day) and 5 days ago in the week, and 10 days ago.
    assert (cal.adherence_7.done, cal.adherence_7.planned, cal.adherence_7.percent) == (3, 7, 43)
    assert (cal.adherence_28.done, cal.adherence_28.planned) == (4, 28)
    assert cal.last_activity == TODAY

    set_per_week(database, clinic.cal, 3)
    cal = next(r for r in _page(database, clinic).rows if r.label == "cal@example.org")
    assert (cal.adherence_7.planned, cal.adherence_7.percent) == (3, 100)
    assert cal.adherence_28.planned == 12


def test_leg_pain_trend_reads_the_nprs_threshold(database: Database, clinic: Clinic) -> None:
    cal = next(r for r in _page(database, clinic).rows if r.label == "cal@example.org")
    change = cal.leg_change
    assert change is not None
    assert (cal.leg_earlier, cal.leg_recent) == (6.0, 3.0)
    assert change.meaningful is True and change.improved is True
    pia = next(r for r in _page(database, clinic).rows if r.label == "pia@example.org")
    assert pia.leg_change is None  # no morning in the window's first week


def test_marking_seen_lowers_the_patient_and_is_audited(database: Database, clinic: Clinic) -> None:
    key = _page(database, clinic).rows[0].alerts[0].key
    assert key.startswith("red-flag:")

    seen = caseload.mark_alert_seen(_clinician_ctx(database, clinic, clinic.uma), key)

    assert seen.seen
    page = _page(database, clinic)
    assert [r.label for r in page.rows][:2] == ["pia@example.org", "reg@example.org"]
    uma = next(r for r in page.rows if r.label == "uma@example.org")
    assert uma.open_alerts == () and uma.alerts[0].seen
    with database.session() as session:
        lines = [e.what for e in audit.events_of(session, clinic.uma)]
    assert any(w.startswith("marked an alert as seen: Urgent red-flag answer") for w in lines)
    assert caseload.CASELOAD_READ in lines


def test_a_newer_event_raises_a_new_alert(database: Database, clinic: Clinic) -> None:
    first = _page(database, clinic).rows[0].alerts[0].key
    caseload.mark_alert_seen(_clinician_ctx(database, clinic, clinic.uma), first)
    later = NOW + timedelta(hours=2)
    check_in(
        database,
        clinic.uma,
        TODAY,
        red_flags={"Q4": "yes"},
        ces_assessed="yes",
        moment=later - timedelta(minutes=30),
    )

    page = caseload.caseload(database, clinic.clinician_id, lambda: later)

    assert page.rows[0].label == "uma@example.org"
    assert page.rows[0].open_alerts[0].key != first


def test_a_stale_or_made_up_alert_key_is_not_found(database: Database, clinic: Clinic) -> None:
    ctx = _clinician_ctx(database, clinic, clinic.cal)
    with pytest.raises(NotFound):
        caseload.mark_alert_seen(ctx, "red-flag:1")


def test_only_linked_patients_appear(database: Database, clinic: Clinic) -> None:
    other = create_clinician(database, "olu@clinic.example", "Olu Ade, PT")
    patient(database, "ola@example.org", other)
    gone = patient(database, "gil@example.org", clinic.clinician_id)
    own = patient_context(database, Actor.patient(gone), gone)
    links.unlink(own, links.linked_clinicians(own)[0].clinician_id)

    labels = {row.label for row in _page(database, clinic).rows}

    assert labels == {"uma@example.org", "reg@example.org", "pia@example.org", "cal@example.org"}
    with pytest.raises(NotFound):
        patient_context(database, Actor.clinician(other), clinic.cal)


def test_filters_sort_and_pages(database: Database, clinic: Clinic) -> None:
    quiet = patient(database, "quin@example.org", clinic.clinician_id)
    check_in(database, quiet, TODAY - timedelta(days=10))
    link(database, quiet, clinic.clinician_id)  # linking again keeps one link

    alerts = _page(database, clinic, filters=frozenset({Filter.ALERTS}))
    assert {r.label for r in alerts.rows} == {
        "uma@example.org",
        "reg@example.org",
        "pia@example.org",
    }
    inactive = _page(database, clinic, filters=frozenset({Filter.INACTIVE}))
    assert [r.label for r in inactive.rows] == ["quin@example.org"]
    assert inactive.rows[0].last_activity == TODAY - timedelta(days=10)

    by_name = _page(database, clinic, sort=Sort.NAME, page_size=2)
    assert by_name.total == 5 and by_name.pages == 3
    assert [r.label for r in by_name.rows] == ["uma@example.org", "pia@example.org"]
    rest = [
        r.label
        for n in (2, 3)
        for r in _page(database, clinic, sort=Sort.NAME, page=n, page_size=2).rows
    ]
    assert rest == ["reg@example.org", "cal@example.org", "quin@example.org"]

    by_adherence = _page(database, clinic, sort=Sort.ADHERENCE)
    calm = [r.label for r in by_adherence.rows if not r.open_alerts]
    assert calm == ["quin@example.org", "cal@example.org"]


def test_the_patient_page_gathers_the_record(database: Database, clinic: Clinic) -> None:
    overview = caseload.patient_overview(_clinician_ctx(database, clinic, clinic.reg))

    assert overview.row.red_sessions_7 == 2
    assert [s.stop_reason for s in overview.sessions] == ["spread_down_leg", "spread_down_leg"]
    assert overview.series.sessions and overview.questionnaires
    with database.session() as session:
        lines = [e.what for e in audit.events_of(session, clinic.reg)]
    assert caseload.PATIENT_PAGE_READ in lines


def test_parsing_names_the_bad_field() -> None:
    from sciatica_care.services.errors import InvalidInput

    with pytest.raises(InvalidInput) as bad:
        caseload.parse_sort("age")
    assert bad.value.field == "sort"
    with pytest.raises(InvalidInput) as bad:
        caseload.parse_filters(["sleepy"])
    assert bad.value.field == "filter"
    with pytest.raises(InvalidInput) as bad:
        caseload.parse_page("0")
    assert bad.value.field == "page"
