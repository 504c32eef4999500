"""Audit lines, links, share codes and set-up links take their time from the caller's clock (the
request's "now"), never from the wall clock deep inside (issue 10 items 2, 6): a fixed clock sees
exactly the times it expects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from sciatica_care.services import accounts, caseload, clinicians, links, prescribing
from sciatica_care.services.context import PatientContext, patient_context
from sciatica_care.services.permissions import Actor
from sciatica_care.store import audit, prescriptions
from sciatica_care.store.database import Database
from sciatica_care.store.models import CareLink

T0 = datetime(2026, 3, 18, 9, 0, tzinfo=UTC)
"""A fixed morning, far from the day the test runs."""


def _patient(db: Database, moment: datetime) -> PatientContext:
    pid = accounts.sign_up(
        db, "ann@example.org", "correct horse battery", "Europe/London"
    ).patient_id
    return patient_context(db, Actor.patient(pid), pid, now_fn=lambda: moment)


def _log(db: Database, patient_id: int) -> list[tuple[datetime, str, str]]:
    with db.session() as session:
        rows = audit.events_of(session, patient_id)
        return [(row.at, row.action, row.what) for row in reversed(rows)]


def test_a_link_its_audit_lines_and_its_end_are_timed_by_the_callers_clock(
    database: Database,
) -> None:
    me = _patient(database, T0)
    clinician_id = clinicians.create_clinician(database, "sam@clinic.example", "Sam", "pw").id
    code = links.create_share_code(me)
    assert code.expires_at == T0 + links.SHARE_CODE_LIFETIME

    t1 = T0 + timedelta(minutes=5)
    links.link_patient(database, clinician_id, code.code, lambda: t1)
    as_clinician = patient_context(
        database,
        Actor.clinician(clinician_id),
        me.patient_id,
        now_fn=lambda: t1 + timedelta(hours=1),
    )
    caseload.patient_overview(as_clinician)
    current = prescribing.current_prescription(
        patient_context(
            database,
            Actor.clinician(clinician_id),
            me.patient_id,
            now_fn=lambda: t1 + timedelta(hours=2),
        )
    )
    t3 = t1 + timedelta(hours=3)
    as_prescriber = patient_context(
        database, Actor.clinician(clinician_id), me.patient_id, now_fn=lambda: t3
    )
    prescribing.prescribe(
        as_prescriber,
        current.prescription.model_copy(update={"sessions_per_week": 5}),
        "fewer, longer sessions",
        current.version,
    )
    caseload.caseload(database, clinician_id, lambda: t3 + timedelta(hours=1))
    t5 = t3 + timedelta(days=1)
    links.unlink(
        patient_context(database, Actor.patient(me.patient_id), me.patient_id, now_fn=lambda: t5),
        clinicians.get_account(database, clinician_id).public_id,
    )

    log = _log(database, me.patient_id)
    assert [(at, action) for at, action, _ in log] == [
        (t1, "link"),
        (t1 + timedelta(hours=1), "read"),
        (t1 + timedelta(hours=2), "read"),
        (t3, "change"),
        (t3 + timedelta(hours=1), "read"),
        (t5, "unlink"),
    ]
    with database.session() as session:
        link = session.scalars(select(CareLink).where(CareLink.patient_id == me.patient_id)).one()
        assert (link.linked_at, link.ended_at) == (t1, t5)
        latest = prescriptions.latest(session, me.patient_id)
        assert latest is not None and latest.changed_at == t3


def test_a_set_up_link_lives_three_days_from_the_callers_now(database: Database) -> None:
    account = clinicians.create_clinician(database, "sam@clinic.example", "Sam", now_fn=lambda: T0)
    assert account.setup_token is not None
    almost = T0 + clinicians.SETUP_LINK_LIFETIME - timedelta(minutes=1)
    late = T0 + clinicians.SETUP_LINK_LIFETIME + timedelta(minutes=1)

    assert clinicians.setup_account(database, account.setup_token, lambda: almost) is not None
    assert clinicians.setup_account(database, account.setup_token, lambda: late) is None
    assert not clinicians.setup_link_valid(database, account.setup_token, lambda: late)
