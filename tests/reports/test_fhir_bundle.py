"""The FHIR export: valid R4 bundles a record system can trust, stable to the byte, naming no one.

The golden file tests/data/golden/fhir_bundle.json holds the exact bundle of the sample report;
regenerate it with ``UPDATE_GOLDEN=1 pytest tests/reports/test_fhir_bundle.py`` and review the diff.

Validation is by ``fhir.resources`` (its ``R4B`` package keeps the R4 shapes). The official R4 JSON
schema (fhir.schema.json) ships in no installed package, so it is not used here.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codesystem import CodeSystem

from sciatica_care.reports.fhir_bundle import (
    CODE_SYSTEM,
    NPRS_CODE,
    SNOMED,
    URI_IDENTIFIERS,
    FhirError,
    bundle_document,
    bundle_json,
    code_system,
    code_system_json,
    fhir_bundle,
)
from tests.golden import GOLDEN_DIR, assert_golden
from tests.reports.fhir_schema import schema_errors
from tests.reports.report_sample import (
    INSTALL_ID,
    LATE_ENTRY_DAY,
    PATIENT_REF,
    WARNING_DAY,
    sample_report,
)

GOLDEN = GOLDEN_DIR / "fhir_bundle.json"


def _document(bundle_type: str = "collection") -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        bundle_json(sample_report(), bundle_type=bundle_type)  # type: ignore[arg-type]
    )
    return document


def _resources(kind: str, document: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    document = document or _document()
    return [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == kind]


def _ours(resource: dict[str, Any]) -> str | None:
    """The code of ours that names an Observation, if it is named by one."""
    coding = resource["code"]["coding"][0]
    return str(coding["code"]) if coding["system"] == CODE_SYSTEM else None


def _codings(value: Any) -> Iterator[dict[str, Any]]:
    """Every Coding anywhere in a JSON tree."""
    if isinstance(value, dict):
        if "system" in value and "code" in value:
            yield value
        for child in value.values():
            yield from _codings(child)
    elif isinstance(value, list):
        for child in value:
            yield from _codings(child)


def _defined(concepts: list[dict[str, Any]]) -> set[str]:
    codes = set()
    for concept in concepts:
        codes.add(concept["code"])
        codes |= _defined(concept.get("concept", []))
    return codes


def test_the_bundle_matches_the_golden_file() -> None:
    assert_golden("fhir_bundle.json", bundle_json(sample_report()), strip_lines=False)


def test_the_golden_file_is_a_valid_r4_collection_bundle() -> None:
    bundle = Bundle.model_validate_json(GOLDEN.read_text(encoding="utf-8"))
    assert bundle.type == "collection"
    assert bundle.timestamp is None


def test_leg_and_back_pain_are_told_apart_by_snomed_body_sites() -> None:
    data = sample_report()
    pain = [o for o in _resources("Observation") if o["code"]["coding"][0]["code"] == NPRS_CODE]

    assert len(pain) == len(data.mornings) * 2
    sites = Counter(
        (
            o["bodySite"]["coding"][0]["system"],
            o["bodySite"]["coding"][0]["code"],
            o["bodySite"]["text"],
        )
        for o in pain
    )
    assert sites == {(SNOMED, "61685007", "leg"): 14, (SNOMED, "37822005", "back"): 14}
    first_leg = pain[0]
    assert first_leg["valueInteger"] == 6
    assert first_leg["code"]["coding"][0]["system"] == "http://loinc.org"


def test_observations_are_dated_by_the_diary_day_not_the_save_time() -> None:
    pain = [o for o in _resources("Observation") if o["code"]["coding"][0]["code"] == NPRS_CODE]
    by_day = {o["effectiveDateTime"][:10]: o for o in pain if o["bodySite"]["text"] == "leg"}

    assert pain[0]["effectiveDateTime"] == "2026-11-02T07:00:00Z"
    late = by_day[LATE_ENTRY_DAY.isoformat()]
    assert late["effectiveDateTime"] == LATE_ENTRY_DAY.isoformat()  # written the next day
    assert late["issued"] == "2026-11-06T07:00:00Z"
    assert len(by_day) == 14


def test_a_red_flag_answer_leaves_an_observation_and_a_flag() -> None:
    observations = _resources("Observation")
    daily = [o for o in observations if _ours(o) == "daily-safety-questions"]

    assert len(daily) == 14
    warning = next(o for o in daily if o["effectiveDateTime"].startswith(WARNING_DAY.isoformat()))
    assert warning["valueCodeableConcept"]["coding"][0]["code"] == "EMERGENCY_NOW"
    answers = {
        c["code"]["coding"][0]["code"]: c["valueCodeableConcept"]["coding"][0]["code"]
        for c in warning["component"]
    }
    assert answers == {
        "Q1": "no",
        "Q2": "no",
        "Q3": "no",
        "Q4": "no",
        "Q5": "no",
        "Q6": "no",
        "Q7": "yes",
    }
    q7 = next(c for c in warning["component"] if c["code"]["coding"][0]["code"] == "Q7")
    assert "both of your legs" in q7["code"]["coding"][0]["display"]

    flags = {f["code"]["coding"][0]["code"]: f for f in _resources("Flag")}
    assert set(flags) == {"ROUTINE", "EMERGENCY_NOW"}
    assert flags["EMERGENCY_NOW"]["status"] == "inactive"  # a clinician has assessed it
    assert flags["ROUTINE"]["status"] == "active"
    assert "Q7" in flags["EMERGENCY_NOW"]["code"]["text"]
    assert flags["EMERGENCY_NOW"]["period"]["start"].startswith(WARNING_DAY.isoformat())


def test_a_full_screen_is_an_observation_of_its_action_and_answers() -> None:
    screens = [o for o in _resources("Observation") if (_ours(o) or "").startswith("screen-")]

    assert [_ours(o) for o in screens] == ["screen-full"]  # daily answers live on the check-in
    [full] = screens
    assert full["valueCodeableConcept"]["coding"][0]["code"] == "ROUTINE"
    answers = {
        c["code"]["coding"][0]["code"]: c["valueCodeableConcept"]["coding"][0]["code"]
        for c in full["component"]
    }
    assert answers == {"Q1": "no", "Q8": "no", "Q13": "yes", "S3": "unsure"}


def test_questionnaires_use_our_own_code_system_never_an_invented_loinc() -> None:
    measures = {"sbi-total", "psfs-mean", "grc"}
    scores = [o for o in _resources("Observation") if _ours(o) in measures]

    assert [(_ours(o), o["valueQuantity"]["value"]) for o in scores] == [
        ("sbi-total", 15),
        ("psfs-mean", 3),
        ("sbi-total", 9),
        ("grc", 2),
    ]
    psfs = scores[1]
    assert [c["valueInteger"] for c in psfs["component"]] == [3, 4, 2]
    loinc = {c["code"] for c in _codings(_document()) if c["system"] == "http://loinc.org"}
    assert loinc == {NPRS_CODE}


def test_sessions_are_procedures_with_their_adherence_and_coded_stop_reason() -> None:
    procedures = _resources("Procedure")

    assert len(procedures) == len(sample_report().sessions) == 12
    assert Counter(p["status"] for p in procedures) == {"completed": 11, "stopped": 1}
    stopped = next(p for p in procedures if p["status"] == "stopped")
    assert stopped["outcome"]["text"] == "2 of 4 exercises completed, session stopped early"
    assert stopped["statusReason"]["coding"][0]["code"] == "stop-pain"
    assert stopped["statusReason"]["text"] == "pain"
    assert stopped["performedPeriod"]["end"] == "2026-11-06T10:10:00Z"


def test_the_patient_is_pseudonymous_with_random_ids_and_every_reference_resolves() -> None:
    document = _document()
    [patient] = _resources("Patient", document)

    assert set(patient) == {"resourceType", "identifier"}
    assert patient["identifier"][0]["system"] == f"urn:uuid:{INSTALL_ID}"
    assert patient["identifier"][0]["value"] == PATIENT_REF
    text = json.dumps(
        [e for e in document["entry"] if e["resource"]["resourceType"] != "CodeSystem"]
    )
    assert "@" not in text and "email" not in text.lower() and '"name"' not in text
    assert "patient-" not in text
    urls = [entry["fullUrl"] for entry in document["entry"]]
    assert len(urls) == len(set(urls))
    assert all(url.startswith("urn:uuid:") for url in urls)
    patient_url = next(
        e["fullUrl"] for e in document["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    subjects = {
        e["resource"]["subject"]["reference"]
        for e in document["entry"]
        if "subject" in e["resource"]
    }
    assert subjects == {patient_url}
    for entry in document["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] not in ("Patient", "CodeSystem"):
            assert resource["identifier"] == [
                {"system": URI_IDENTIFIERS, "value": entry["fullUrl"]}
            ]


def test_another_install_or_another_patient_shares_no_uuid() -> None:
    data = sample_report()
    other_install = data.model_copy(update={"install_id": "5e0c2a9b-8d41-4f67-a3b2-c9d8e7f6a5b4"})
    other_patient = data.model_copy(update={"patient_ref": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"})

    def uuids(report: Any) -> set[str]:
        document = bundle_document(report)
        return {e["fullUrl"] for e in document["entry"][1:]} | {document["id"]}

    mine = uuids(data)
    assert mine.isdisjoint(uuids(other_install))
    assert mine.isdisjoint(uuids(other_patient))


def test_without_the_random_ids_there_is_no_bundle() -> None:
    with pytest.raises(FhirError, match="install id"):
        bundle_document(sample_report().model_copy(update={"install_id": ""}))


def test_a_transaction_bundle_loads_into_a_fhir_server_without_duplicates() -> None:
    document = _document("transaction")
    bundle = Bundle.model_validate(document)

    assert bundle.type == "transaction"
    assert "CodeSystem" not in {e["resource"]["resourceType"] for e in document["entry"]}
    for entry in document["entry"]:
        resource, request = entry["resource"], entry["request"]
        assert entry["fullUrl"].startswith("urn:uuid:")
        assert request["method"] == "POST" and request["url"] == resource["resourceType"]
        identifier = resource["identifier"][0]
        assert request["ifNoneExist"] == f"identifier={identifier['system']}|{identifier['value']}"
    collection = _document()
    assert {e["fullUrl"] for e in document["entry"]} == {
        e["fullUrl"] for e in collection["entry"] if e["resource"]["resourceType"] != "CodeSystem"
    }


def test_every_code_of_ours_is_defined_in_the_code_system_we_serve() -> None:
    defined = _defined(code_system()["concept"])
    for bundle_type in ("collection", "transaction"):
        used = {c["code"] for c in _codings(_document(bundle_type)) if c["system"] == CODE_SYSTEM}
        assert used and used <= defined
    [included] = _resources("CodeSystem")
    assert included["url"] == CODE_SYSTEM and included["content"] == "complete"
    served = CodeSystem.model_validate_json(code_system_json())
    assert served.url == CODE_SYSTEM
    assert {"EMERGENCY_NOW", "Q3", "sbi-total", "exercise-session", "stop-pain"} <= defined


def test_the_same_data_gives_the_same_bundle_and_a_timestamp_when_asked() -> None:
    assert bundle_document(sample_report()) == bundle_document(sample_report())
    bundle = fhir_bundle(sample_report(), generated_at=datetime(2026, 11, 16, 9, tzinfo=UTC))
    assert bundle.timestamp is not None
    assert json.loads(bundle.model_dump_json())["timestamp"] == "2026-11-16T09:00:00Z"


@pytest.mark.parametrize("bundle_type", ["collection", "transaction", "searchset"])
def test_every_bundle_type_passes_the_official_r4_json_schema(bundle_type: str) -> None:
    document = _document(bundle_type)
    assert schema_errors(document) == []
    assert {e["resource"]["resourceType"] for e in document["entry"]} >= {
        "Patient",
        "Observation",
        "Flag",
    }


def test_the_official_schema_catches_what_a_record_system_would_refuse() -> None:
    broken = _document("collection")
    broken["entry"][1]["resource"]["status"] = 7
    assert schema_errors(broken)


def test_the_everything_searchset_marks_the_patient_as_the_match() -> None:
    document = _document("searchset")
    modes = Counter(
        (e["resource"]["resourceType"] == "Patient", e["search"]["mode"]) for e in document["entry"]
    )
    assert modes[(True, "match")] == 1
    assert modes[(False, "match")] == 0
    assert document["total"] == 1
    Bundle.model_validate(document)
