"""The FHIR export: a valid R4 collection bundle, stable to the byte, with nothing that names anyone.

The golden file tests/data/golden/fhir_bundle.json holds the exact bundle of the sample report;
regenerate it with ``UPDATE_GOLDEN=1 pytest tests/reports/test_fhir_bundle.py`` and review the diff.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from sciatica_care.reports.fhir_bundle import (
    MEASURES,
    NPRS_CODE,
    bundle_document,
    bundle_json,
    fhir_bundle,
)
from tests.golden import GOLDEN_DIR, assert_golden
from tests.reports.report_sample import sample_report

GOLDEN = GOLDEN_DIR / "fhir_bundle.json"


def _resources(kind: str) -> list[dict[str, Any]]:
    document = json.loads(bundle_json(sample_report()))
    return [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == kind]


def test_the_bundle_matches_the_golden_file() -> None:
    assert_golden("fhir_bundle.json", bundle_json(sample_report()), strip_lines=False)


def test_the_golden_file_is_a_valid_r4_collection_bundle() -> None:
    bundle = Bundle.model_validate_json(GOLDEN.read_text(encoding="utf-8"))
    assert bundle.type == "collection"
    assert bundle.timestamp is None


def test_two_pain_observations_per_morning_check_in() -> None:
    data = sample_report()
    pain = [o for o in _resources("Observation") if o["code"]["coding"][0]["code"] == NPRS_CODE]

    assert len(pain) == len(data.mornings) * 2
    assert Counter(o["bodySite"]["text"] for o in pain) == {"leg": 14, "back": 14}
    first_leg = pain[0]
    assert first_leg["valueInteger"] == 6 and first_leg["bodySite"]["text"] == "leg"
    assert first_leg["code"]["coding"][0]["system"] == "http://loinc.org"
    assert first_leg["effectiveDateTime"] == "2026-11-02T07:00:00Z"


def test_questionnaires_use_our_own_code_system_never_an_invented_loinc() -> None:
    scores = [o for o in _resources("Observation") if o["code"]["coding"][0]["system"] == MEASURES]

    assert [(o["code"]["coding"][0]["code"], o["valueQuantity"]["value"]) for o in scores] == [
        ("sbi-total", 15),
        ("psfs-mean", 3),
        ("sbi-total", 9),
        ("grc", 2),
    ]
    psfs = scores[1]
    assert [c["valueInteger"] for c in psfs["component"]] == [3, 4, 2]
    codes = {
        coding["code"]
        for o in _resources("Observation")
        for coding in o["code"]["coding"]
        if coding["system"] == "http://loinc.org"
    }
    assert codes == {NPRS_CODE}


def test_sessions_are_procedures_with_their_adherence() -> None:
    procedures = _resources("Procedure")

    assert len(procedures) == len(sample_report().sessions) == 12
    assert Counter(p["status"] for p in procedures) == {"completed": 11, "stopped": 1}
    stopped = next(p for p in procedures if p["status"] == "stopped")
    assert stopped["outcome"]["text"] == "2 of 4 exercises completed, session stopped early"
    assert stopped["statusReason"]["text"] == "pain"
    assert stopped["performedPeriod"]["end"] == "2026-11-06T10:10:00Z"


def test_the_patient_is_pseudonymous_and_every_reference_resolves() -> None:
    document = json.loads(bundle_json(sample_report()))
    [patient] = _resources("Patient")

    assert set(patient) == {"resourceType", "identifier"}
    assert patient["identifier"][0]["value"] == "patient-7"
    text = json.dumps(document)
    assert "@" not in text and "email" not in text.lower() and '"name"' not in text
    urls = [entry["fullUrl"] for entry in document["entry"]]
    assert len(urls) == len(set(urls))
    assert all(url.startswith("urn:uuid:") for url in urls)
    references = {e["resource"]["subject"]["reference"] for e in document["entry"][1:]}
    assert references == {urls[0]}


def test_the_same_data_gives_the_same_bundle_and_a_timestamp_when_asked() -> None:
    assert bundle_document(sample_report()) == bundle_document(sample_report())
    bundle = fhir_bundle(sample_report(), generated_at=datetime(2026, 11, 16, 9, tzinfo=UTC))
    assert bundle.timestamp is not None
    assert json.loads(bundle.model_dump_json())["timestamp"] == "2026-11-16T09:00:00Z"
