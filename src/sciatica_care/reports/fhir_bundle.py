"""The pain diary as a FHIR R4 ``Bundle`` of type "collection", for a clinician's record system.

Built and validated with ``fhir.resources`` 8.x, whose top-level package is FHIR R5: this module
uses its ``fhir.resources.R4B`` models (R4B keeps the R4 shapes of Patient, Observation and
Procedure used here), because record systems in clinics speak R4.

Contents (from a ``ReportData``, no database here):

* one ``Patient`` with a pseudonymous identifier only: no name, no e-mail, no birth date;
* per morning check-in, two ``Observation``s: leg pain and back pain, NPRS 0–10 (clinical-spec.md
  §3), coded LOINC 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] - Reported" with
  ``bodySite.text`` "leg" or "back";
* per questionnaire, an ``Observation`` of its score (SBI total, PSFS mean, GRC), coded in our own
  code system ``MEASURES`` with text: we do not claim LOINC codes we have not verified;
* per exercise session, a ``Procedure`` (status completed or stopped) whose outcome says how many
  of its exercises were completed: the adherence record.

Every ``fullUrl`` is a ``urn:uuid`` made with uuid5 from the row's kind and id, so the same diary
always gives the same bundle (a golden file test relies on it) and references resolve inside it.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from sciatica_care.domain.clinician_report import (
    PainReading,
    ReportData,
    ScoreReading,
    SessionLine,
)

BASE = "https://sciatica-care.example/fhir"
MEASURES = f"{BASE}/CodeSystem/measures"
"""Our code system for measures without a verified standard code."""
PATIENT_IDS = f"{BASE}/NamingSystem/patient"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)
LOINC = "http://loinc.org"
NPRS_CODE = "72514-3"
NPRS_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
UCUM = "http://unitsofmeasure.org"
BODY_SITES = {"leg": "leg", "back": "back"}

SCORE_CODES = {
    "sbi": ("sbi-total", "Sciatica Bothersomeness Index total (0-24, lower is better)"),
    "psfs": ("psfs-mean", "Patient-Specific Functional Scale mean (0-10, higher is better)"),
    "grc": ("grc", "Global Rating of Change (-5 very much worse to +5 completely recovered)"),
}
SESSION_CODE = ("exercise-session", "Home exercise session (Sciatica Care program)")


def resource_uuid(kind: str, key: object) -> str:
    """The stable ``urn:uuid`` of one resource (same diary, same bundle)."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}/{key}')}"


def _instant(moment: datetime) -> str:
    return moment.isoformat()


def _patient(data: ReportData) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "identifier": [{"system": PATIENT_IDS, "value": data.patient_ref}],
    }


def _subject(patient_url: str, data: ReportData) -> dict[str, Any]:
    return {"reference": patient_url, "display": data.patient_ref}


def _pain(reading: PainReading, site: str, subject: dict[str, Any]) -> dict[str, Any]:
    value = reading.leg_pain if site == "leg" else reading.back_pain
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": CATEGORY, "code": "survey", "display": "Survey"}]}],
        "code": {
            "coding": [{"system": LOINC, "code": NPRS_CODE, "display": NPRS_DISPLAY}],
            "text": f"{site.capitalize()} pain (NPRS 0-10), morning",
        },
        "subject": subject,
        "effectiveDateTime": _instant(reading.recorded_at),
        "valueInteger": value,
        "bodySite": {"text": BODY_SITES[site]},
    }


def _score(score: ScoreReading, subject: dict[str, Any]) -> dict[str, Any]:
    code, text = SCORE_CODES[score.instrument]
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": CATEGORY, "code": "survey", "display": "Survey"}]}],
        "code": {"coding": [{"system": MEASURES, "code": code, "display": text}], "text": text},
        "subject": subject,
        "effectiveDateTime": score.day.isoformat(),
        "issued": _instant(score.recorded_at),
        "valueQuantity": {"value": score.score, "unit": "score", "system": UCUM, "code": "{score}"},
    }
    if score.instrument == "psfs":
        resource["component"] = [
            {"code": {"text": f"PSFS activity: {activity}"}, "valueInteger": rating}
            for activity, rating in score.answers.items()
        ]
    return resource


def _session(line: SessionLine, subject: dict[str, Any]) -> dict[str, Any]:
    code, text = SESSION_CODE
    end = line.started_at + timedelta(seconds=line.elapsed_s)
    resource: dict[str, Any] = {
        "resourceType": "Procedure",
        "status": line.status,
        "code": {"coding": [{"system": MEASURES, "code": code, "display": text}], "text": text},
        "subject": subject,
        "performedPeriod": {"start": _instant(line.started_at), "end": _instant(end)},
        "outcome": {
            "text": (
                f"{line.exercises_completed} of {line.exercises_total} exercises completed"
                + ("" if line.status == "completed" else ", session stopped early")
            )
        },
    }
    if line.stop_reason:
        resource["statusReason"] = {"text": line.stop_reason.replace("_", " ")}
    return resource


def bundle_document(data: ReportData, generated_at: datetime | None = None) -> dict[str, Any]:
    """The bundle as JSON-ready dicts, before validation (entries in a stable order)."""
    patient_url = resource_uuid("patient", data.patient_ref)
    subject = _subject(patient_url, data)
    entries: list[tuple[str, dict[str, Any]]] = [(patient_url, _patient(data))]
    for reading in data.mornings:
        for site in ("leg", "back"):
            entries.append(
                (resource_uuid(f"checkin-{site}", reading.id), _pain(reading, site, subject))
            )
    for score in data.scores:
        entries.append(
            (resource_uuid(f"questionnaire-{score.instrument}", score.id), _score(score, subject))
        )
    for line in data.sessions:
        entries.append((resource_uuid("exercise-session", line.id), _session(line, subject)))
    document: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": str(
            uuid.uuid5(
                NAMESPACE, f"bundle/{data.patient_ref}/{data.period_start}/{data.period_end}"
            )
        ),
        "type": "collection",
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }
    if generated_at is not None:
        document["timestamp"] = _instant(generated_at)
    return document


def fhir_bundle(data: ReportData, generated_at: datetime | None = None) -> Bundle:
    """The validated FHIR R4 (``fhir.resources.R4B``) collection bundle of this report's data.

    ``generated_at`` becomes ``Bundle.timestamp`` (left out when None, as golden tests do).
    """
    return Bundle.model_validate(bundle_document(data, generated_at))


def bundle_json(data: ReportData, generated_at: datetime | None = None) -> str:
    """The bundle as FHIR JSON text (validated first), keys in FHIR order, two-space indent."""
    bundle = fhir_bundle(data, generated_at)
    return json.dumps(json.loads(bundle.model_dump_json()), indent=2, ensure_ascii=False) + "\n"
