"""The patient's FHIR export through the use cases: the diary day, random ids and red flags.

Check-ins are made the way the app makes them (``record_checkin`` with the patient's clock), on
28 different days in Los Angeles and in Sydney, at local times whose UTC date is another day, so
a bundle dated by the saved time (or by UTC) would be visibly wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fhir.resources.R4B.bundle import Bundle

from sciatica_care.config import Settings
from sciatica_care.domain.diary import CheckIn
from sciatica_care.reports.fhir_bundle import CODE_SYSTEM, NPRS_CODE
from sciatica_care.services.checkins import record_checkin
from sciatica_care.services.clock import ZONE_SETTING
from sciatica_care.services.context import patient_context
from sciatica_care.services.data import export_fhir
from sciatica_care.services.permissions import Actor
from sciatica_care.store import patients
from sciatica_care.store.database import Database, open_database

DAILY = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7")


def _entry(day: date, leg: int, **answers: str) -> CheckIn:
    return CheckIn(
        day=day,
        moment="morning",
        leg_pain=leg,
        back_pain=2,
        red_flags={q: "no" for q in DAILY} | answers,
    )


def _patient(db: Database, zone: str) -> int:
    with db.session() as s:
        pid = patients.local_patient_id(s)
        patients.update_settings(s, pid, **{ZONE_SETTING: zone})
    return pid


def _at(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment.astimezone(UTC)


def _check_in(db: Database, pid: int, written: datetime, entry: CheckIn) -> None:
    ctx = patient_context(db, Actor.patient(pid), pid, now_fn=_at(written))
    record_checkin(ctx, entry)


def _bundle(db: Database, pid: int) -> dict[str, Any]:
    body = export_fhir(db, pid)
    Bundle.model_validate_json(body)
    document: dict[str, Any] = json.loads(body)
    return document


def _observations(document: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [
        e["resource"]
        for e in document["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == code
    ]


@pytest.mark.parametrize(
    ("zone", "first_day", "clock"),
    [
        # 20:30 in Los Angeles is 03:30 or 04:30 UTC the next day; crosses the end of DST (1 Nov).
        ("America/Los_Angeles", date(2026, 10, 20), time(20, 30)),
        # 07:15 in Sydney is 20:15 or 21:15 UTC the day before; crosses the start of DST (4 Oct).
        ("Australia/Sydney", date(2026, 9, 25), time(7, 15)),
    ],
)
def test_28_days_of_check_ins_are_dated_by_the_diary_day_in_the_persons_zone(
    database: Database, zone: str, first_day: date, clock: time
) -> None:
    pid = _patient(database, zone)
    written = [
        datetime.combine(first_day + timedelta(days=n), clock, tzinfo=ZoneInfo(zone))
        for n in range(28)
    ]
    for n, moment in enumerate(written):
        _check_in(database, pid, moment, _entry(moment.date(), leg=n % 11))

    document = _bundle(database, pid)

    pain = _observations(document, NPRS_CODE)
    legs = [o for o in pain if o["bodySite"]["text"] == "leg"]
    assert [o["effectiveDateTime"] for o in legs] == [m.isoformat() for m in written]
    assert [o["valueInteger"] for o in legs] == [n % 11 for n in range(28)]
    assert {o["effectiveDateTime"][:10] for o in legs} == {m.date().isoformat() for m in written}
    # The save time is kept as ``issued`` (an instant), and its UTC date is another day.
    assert all(o["issued"][:10] != o["effectiveDateTime"][:10] for o in legs)
    daily = _observations(document, "daily-safety-questions")
    assert [o["effectiveDateTime"] for o in daily] == [m.isoformat() for m in written]


def test_an_entry_written_the_next_day_is_dated_by_its_day_only(database: Database) -> None:
    pid = _patient(database, "America/Los_Angeles")
    yesterday = date(2026, 11, 10)
    next_morning = datetime(2026, 11, 11, 8, 0, tzinfo=ZoneInfo("America/Los_Angeles"))

    _check_in(database, pid, next_morning, _entry(yesterday, leg=5))

    [leg, back] = _observations(_bundle(database, pid), NPRS_CODE)
    assert leg["effectiveDateTime"] == back["effectiveDateTime"] == "2026-11-10"
    assert leg["issued"] == "2026-11-11T16:00:00Z"


def test_a_bladder_control_yes_leaves_an_observation_and_an_active_flag(
    database: Database,
) -> None:
    pid = _patient(database, "Europe/London")
    written = datetime(2026, 11, 12, 7, 45, tzinfo=ZoneInfo("Europe/London"))

    _check_in(database, pid, written, _entry(written.date(), leg=6, Q3="yes"))

    document = _bundle(database, pid)
    [daily] = _observations(document, "daily-safety-questions")
    assert daily["valueCodeableConcept"]["coding"][0] == {
        "system": CODE_SYSTEM,
        "code": "EMERGENCY_NOW",
        "display": "Emergency: go to an emergency department or call the emergency number",
    }
    answers = {
        c["code"]["coding"][0]["code"]: c["valueCodeableConcept"]["coding"][0]["code"]
        for c in daily["component"]
    }
    assert answers["Q3"] == "yes" and answers["Q4"] == "no"
    assert "bladder" in next(
        c["code"]["coding"][0]["display"]
        for c in daily["component"]
        if c["code"]["coding"][0]["code"] == "Q3"
    )
    [flag] = [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "Flag"]
    assert flag["status"] == "active"
    assert flag["code"]["coding"][0]["code"] == "EMERGENCY_NOW"
    assert "Q3" in flag["code"]["text"]
    assert flag["period"]["start"] == "2026-11-12T07:45:00Z"


def test_two_installs_first_patients_never_share_identifiers_or_uuids(tmp_path: Path) -> None:
    """The same diary on two computers: before, both said "patient-1" with the same uuids."""
    documents = []
    for name in ("home", "clinic"):
        db = open_database(Settings(data_dir=tmp_path), url=f"sqlite:///{tmp_path / name}.db")
        pid = _patient(db, "UTC")
        _check_in(db, pid, datetime(2026, 11, 12, 8, tzinfo=UTC), _entry(date(2026, 11, 12), 4))
        documents.append(_bundle(db, pid))
        db.dispose()

    def ids(document: dict[str, Any]) -> set[str]:
        found = {document["id"]}
        for entry in document["entry"]:
            if entry["resource"]["resourceType"] == "CodeSystem":
                continue  # the same published code system on every install, by design
            found.add(entry["fullUrl"])
            for identifier in entry["resource"].get("identifier", []):
                found |= {identifier["system"] + "|" + identifier["value"], identifier["value"]}
        return found - {"urn:ietf:rfc:3986"}

    home, clinic = documents
    assert ids(home).isdisjoint(ids(clinic))
    [home_patient, clinic_patient] = [
        next(e["resource"] for e in d["entry"] if e["resource"]["resourceType"] == "Patient")
        for d in documents
    ]
    assert home_patient["identifier"][0]["value"] != clinic_patient["identifier"][0]["value"]
    assert "patient-1" not in json.dumps(documents)


def test_a_transaction_export_has_a_request_for_every_entry(database: Database) -> None:
    pid = _patient(database, "UTC")
    _check_in(database, pid, datetime(2026, 11, 12, 8, tzinfo=UTC), _entry(date(2026, 11, 12), 4))

    body = export_fhir(database, pid, "transaction")

    bundle = Bundle.model_validate_json(body)
    assert bundle.type == "transaction"
    document = json.loads(body)
    assert [e["request"]["method"] for e in document["entry"]] == ["POST"] * 4
    assert [e["resource"]["resourceType"] for e in document["entry"]] == [
        "Patient",
        "Observation",
        "Observation",
        "Observation",
    ]
