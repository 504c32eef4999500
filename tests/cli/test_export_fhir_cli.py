"""`sciatica export --format fhir`: the diary day in this computer's zone, and a transaction bundle."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from fhir.resources.R4B.bundle import Bundle
from typer.testing import CliRunner

from sciatica_care.cli.main import app
from sciatica_care.domain.diary import CheckIn
from sciatica_care.reports.fhir_bundle import NPRS_CODE
from sciatica_care.store import checkins, patients
from sciatica_care.store.database import open_database

runner = CliRunner()
SYDNEY = ZoneInfo("Australia/Sydney")
NO_FLAGS = {f"Q{n}": "no" for n in range(1, 8)}


def _morning(day: date, written: datetime, **answers: str) -> None:
    """A morning entry stored as the CLI stores it, written at ``written``."""
    db = open_database()
    with db.session() as s:
        pid = patients.local_patient_id(s)
        entry = CheckIn(
            day=day, leg_pain=6, back_pain=2, red_flags=NO_FLAGS | answers, moment="morning"
        )
        checkins.save(s, pid, entry, daily_action="SELF_CARE", at=written)
    db.dispose()


def test_a_sydney_morning_is_dated_by_its_sydney_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Australia/Sydney")
    written = datetime(2026, 11, 3, 7, 10, tzinfo=SYDNEY)  # 20:10 UTC on 2 November
    _morning(date(2026, 11, 3), written)

    result = runner.invoke(app, ["export", "--format", "fhir"])

    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    pain = [
        e["resource"]
        for e in document["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == NPRS_CODE
    ]
    assert [o["effectiveDateTime"] for o in pain] == ["2026-11-03T07:10:00+11:00"] * 2
    assert [o["issued"] for o in pain] == ["2026-11-02T20:10:00Z"] * 2


def test_bundle_type_transaction_writes_a_bundle_a_fhir_server_loads() -> None:
    _morning(date(2026, 11, 3), datetime(2026, 11, 3, 8, tzinfo=SYDNEY))

    result = runner.invoke(app, ["export", "--format", "fhir", "--bundle-type", "transaction"])

    assert result.exit_code == 0, result.output
    bundle = Bundle.model_validate_json(result.stdout)
    assert bundle.type == "transaction"
    document = json.loads(result.stdout)
    requests = [e["request"] for e in document["entry"]]
    assert {(r["method"], r["url"]) for r in requests} == {
        ("POST", "Patient"),
        ("POST", "Observation"),
    }
    assert all(r["ifNoneExist"].startswith("identifier=") for r in requests)


def test_bundle_type_is_for_fhir_only_and_must_be_known() -> None:
    wrong_format = runner.invoke(
        app, ["export", "--format", "json", "--bundle-type", "transaction"]
    )
    unknown = runner.invoke(app, ["export", "--format", "fhir", "--bundle-type", "batch"])

    assert wrong_format.exit_code == 2
    assert "--bundle-type is for --format fhir only" in wrong_format.output
    assert unknown.exit_code == 2 and "Traceback" not in unknown.output
