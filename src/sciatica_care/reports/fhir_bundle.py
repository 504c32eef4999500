"""The pain diary as a FHIR R4 ``Bundle``, for a clinician's record system to load and trust.

Built and validated with ``fhir.resources`` 8.x, whose top-level package is FHIR R5: this module
uses its ``fhir.resources.R4B`` models (R4B keeps the R4 shapes of every resource used here:
Patient, Observation, Procedure, Flag, CodeSystem, Bundle), because record systems in clinics
speak R4.

What a careful reader of the first version found, and what this one does (issue 10, item 7):

* **The diary day.** An observation's ``effectiveDateTime`` is the day it describes: the time the
  entry was written, in the person's zone, when that was on the same day; otherwise just the day.
  The time the row was saved is ``issued``. Questionnaires are dated by their day.
* **Globally unique identities.** Nothing exported is a row number. The Patient's identifier is
  the patient's random public id in the namespace (``system``) of the install's random id; every
  ``urn:uuid`` is a uuid5 of the row's kind and id inside a namespace made from both random ids,
  so the same diary still gives the same bundle (a golden file relies on it), while two installs,
  or two people on one install, never share one. Each resource also carries its uuid as an
  ``identifier`` (system ``urn:ietf:rfc:3986``) so a server that assigns its own ids keeps it.
* **Red flags.** Each check-in's daily safety answers (clinical-spec.md §1 Q1–Q7) are an
  Observation whose value is the action they raised and whose components are the answers; every
  full, partial or re-check screen too. Every screen whose action is above ``SELF_CARE`` is also a
  ``Flag`` (active until the person records that a clinician assessed them).
* **Body sites.** Leg and back pain share the LOINC NPRS code and differ by a SNOMED CT body
  site as well as text.
* **Our own codes.** Questionnaire scores, sessions, safety questions, answers and actions are in
  one CodeSystem, ``CODE_SYSTEM`` (served by the web app at ``/fhir/CodeSystem/sciatica-care``),
  included in collection bundles. We do not claim LOINC codes we have not verified.
* **Two bundle types.** "collection" (a file for a clinician, with a timestamp) and "transaction"
  (for ``POST`` to a FHIR server's base: each entry has ``request`` POST with ``ifNoneExist`` on
  its identifier, so loading the same export twice adds nothing; the CodeSystem is referenced by
  its canonical URL only, not written into the clinic's terminology).
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any, Literal

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codesystem import CodeSystem

from sciatica_care import __version__
from sciatica_care.content.errors import ContentError
from sciatica_care.content.triage import Action, QuestionKind, triage_content
from sciatica_care.domain.clinician_report import (
    DailyCheck,
    PainReading,
    ReportData,
    ScoreReading,
    ScreeningLine,
    SessionLine,
)
from sciatica_care.domain.session import StopReason

BundleType = Literal["collection", "transaction", "searchset"]
BUNDLE_TYPES: tuple[BundleType, ...] = ("collection", "transaction", "searchset")
"""A collection for a file, a transaction to load into a server, a searchset for the answer to
``Patient/{id}/$everything`` (the Patient as the match, the rest included)."""

BASE = "https://sciatica-care.example/fhir"
CODE_SYSTEM_ID = "sciatica-care"
CODE_SYSTEM = f"{BASE}/CodeSystem/{CODE_SYSTEM_ID}"
"""Canonical URL of our code system (an identity, like every canonical URL, not a download)."""
MEASURES = CODE_SYSTEM
"""Measures without a verified standard code are in our code system."""
URI_IDENTIFIERS = "urn:ietf:rfc:3986"
"""FHIR's identifier system for a value that is itself a URI (our ``urn:uuid``s)."""
LOINC = "http://loinc.org"
NPRS_CODE = "72514-3"
NPRS_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"

# SNOMED CT body structures (checked against published FHIR value sets):
# 61685007 |Lower limb structure (body structure)|, the leg;
# 37822005 |Lower back structure (body structure)|, the lumbar region (the finding site of
# 279039007 |Low back pain (finding)|).
BODY_SITES: dict[str, tuple[str, str]] = {
    "leg": ("61685007", "Lower limb structure"),
    "back": ("37822005", "Lower back structure"),
}

SCORE_CODES = {
    "sbi": ("sbi-total", "Sciatica Bothersomeness Index total (0-24, lower is better)"),
    "psfs": ("psfs-mean", "Patient-Specific Functional Scale mean (0-10, higher is better)"),
    "grc": ("grc", "Global Rating of Change (-5 very much worse to +5 completely recovered)"),
}
SESSION_CODE = ("exercise-session", "Home exercise session (Sciatica Care program)")
DAILY_CODE = (
    "daily-safety-questions",
    "Daily safety questions of a check-in (cauda equina warning signs Q1-Q7)",
)
SCREEN_CODES: dict[str, tuple[str, str]] = {
    "full": ("screen-full", "Red-flag and sciatica pattern screen (all questions)"),
    "partial": ("screen-partial", "Red-flag screen stopped early at an emergency answer"),
    "recheck": ("screen-recheck", "Red-flag re-check (Q1-Q10) after a session stopped for pain"),
    "daily": ("screen-daily", "Daily safety questions that raised an action"),
}
ACTION_DISPLAYS: dict[str, str] = {
    Action.EMERGENCY_NOW: "Emergency: go to an emergency department or call the emergency number",
    Action.URGENT_24_48H: "Urgent: contact a doctor today, within 48 hours",
    Action.ROUTINE: "Routine: book a clinician review within 1 to 2 weeks",
    Action.SELF_CARE: "Self-care: no warning sign",
}
ANSWER_DISPLAYS = {"yes": "Yes", "no": "No", "unsure": "Not sure (counted as yes)"}
STOP_DISPLAYS: dict[str, str] = {
    StopReason.PAIN: "Stopped: pain",
    StopReason.SPREAD_DOWN_LEG: "Stopped: pain spread down the leg",
    StopReason.NEW_NUMBNESS_OR_WEAKNESS: "Stopped: new numbness or weakness",
    StopReason.TIRED: "Stopped: tired",
    StopReason.OTHER: "Stopped: another reason",
}


class FhirError(ValueError):
    """The report data cannot become a trustworthy bundle (e.g. no install or patient id)."""


def _namespace(data: ReportData) -> uuid.UUID:
    if not data.install_id or not data.patient_ref:
        raise FhirError("a FHIR export needs the install id and the patient's public id")
    return uuid.uuid5(uuid.NAMESPACE_URL, f"urn:uuid:{data.install_id}/{data.patient_ref}")


def resource_uuid(data: ReportData, kind: str, key: object) -> str:
    """The ``urn:uuid`` of one resource: stable for the same diary, unique across installs."""
    return f"urn:uuid:{uuid.uuid5(_namespace(data), f'{kind}/{key}')}"


def _instant(moment: datetime) -> str:
    return moment.isoformat()


def _effective(day: date, local_time: datetime | None) -> str:
    """The diary day's time in the person's zone, or only the day when the time is not known."""
    return local_time.isoformat() if local_time is not None else day.isoformat()


def _ours(code: str, display: str) -> dict[str, Any]:
    return {"system": CODE_SYSTEM, "code": code, "display": display}


def _concept(code: str, display: str, text: str | None = None) -> dict[str, Any]:
    return {"coding": [_ours(code, display)], "text": text or display}


def _action(action: str) -> dict[str, Any]:
    return _concept(action, ACTION_DISPLAYS.get(action, action))


def _question_text(item: str) -> str:
    try:
        return triage_content().question(item).text
    except ContentError:
        return item


def _answers(answers: dict[str, str]) -> list[dict[str, Any]]:
    """One component per yes/no item: the question (our code, its words) and the reply."""
    return [
        {
            "code": _concept(item, _question_text(item)),
            "valueCodeableConcept": _concept(reply, ANSWER_DISPLAYS[reply]),
        }
        for item, reply in answers.items()
        if reply in ANSWER_DISPLAYS
    ]


_SURVEY = [{"coding": [{"system": CATEGORY, "code": "survey", "display": "Survey"}]}]


def _patient(data: ReportData) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "identifier": [
            {
                "system": f"urn:uuid:{data.install_id}",
                "value": data.patient_ref,
                "assigner": {"display": "Sciatica Care (self-tracking app)"},
            }
        ],
    }


def _pain(reading: PainReading, site: str, subject: dict[str, Any]) -> dict[str, Any]:
    value = reading.leg_pain if site == "leg" else reading.back_pain
    code, display = BODY_SITES[site]
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": _SURVEY,
        "code": {
            "coding": [{"system": LOINC, "code": NPRS_CODE, "display": NPRS_DISPLAY}],
            "text": f"{site.capitalize()} pain (NPRS 0-10), morning",
        },
        "subject": subject,
        "effectiveDateTime": _effective(reading.day, reading.local_time),
        "issued": _instant(reading.recorded_at),
        "valueInteger": value,
        "bodySite": {
            "coding": [{"system": SNOMED, "code": code, "display": display}],
            "text": site,
        },
    }


def _daily_check(check: DailyCheck, subject: dict[str, Any]) -> dict[str, Any]:
    code, display = DAILY_CODE
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": _SURVEY,
        "code": _concept(code, display, f"Daily safety questions ({check.moment} check-in)"),
        "subject": subject,
        "effectiveDateTime": _effective(check.day, check.local_time),
        "issued": _instant(check.recorded_at),
    }
    if check.action:
        resource["valueCodeableConcept"] = _action(check.action)
    resource["component"] = _answers(check.answers)
    return resource


def _screen(line: ScreeningLine, subject: dict[str, Any]) -> dict[str, Any]:
    code, display = SCREEN_CODES.get(line.kind, (f"screen-{line.kind}", f"Screen ({line.kind})"))
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": _SURVEY,
        "code": _concept(code, display),
        "subject": subject,
        "effectiveDateTime": _effective(line.day, line.recorded_at),
        "valueCodeableConcept": _action(line.action),
    }
    if components := _answers(line.answers):
        resource["component"] = components
    return resource


def _flag(line: ScreeningLine, subject: dict[str, Any]) -> dict[str, Any]:
    """The action a screen raised, as a Flag a record system shows on the patient's chart."""
    reasons = "; ".join(f"{flag.item}: {flag.question}" for flag in line.red_flags)
    display = ACTION_DISPLAYS.get(line.action, line.action)
    _, screen = SCREEN_CODES.get(line.kind, ("", line.kind))
    return {
        "resourceType": "Flag",
        "status": "inactive" if line.assessed else "active",
        "category": [
            {"coding": [{"system": FLAG_CATEGORY, "code": "clinical", "display": "Clinical"}]}
        ],
        "code": _concept(
            line.action, display, f"{display}. {screen}" + (f". {reasons}" if reasons else "")
        ),
        "subject": subject,
        "period": {"start": _effective(line.day, line.recorded_at)},
    }


def _score(score: ScoreReading, subject: dict[str, Any]) -> dict[str, Any]:
    code, text = SCORE_CODES[score.instrument]
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": _SURVEY,
        "code": _concept(code, text),
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
        "code": _concept(code, text),
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
        words = line.stop_reason.replace("_", " ")
        display = STOP_DISPLAYS.get(line.stop_reason)
        resource["statusReason"] = (
            _concept(f"stop-{line.stop_reason}", display, words) if display else {"text": words}
        )
    return resource


def code_system() -> dict[str, Any]:
    """Our CodeSystem resource: every code of ours a bundle uses, with what it means."""
    triage = triage_content()
    questions = [q for q in triage.questions if q.kind is QuestionKind.YES_NO]

    def group(code: str, display: str, concepts: list[dict[str, Any]]) -> dict[str, Any]:
        return {"code": code, "display": display, "concept": concepts}

    def leaf(code: str, display: str, definition: str | None = None) -> dict[str, Any]:
        return {"code": code, "display": display} | (
            {"definition": definition} if definition else {}
        )

    return {
        "resourceType": "CodeSystem",
        "id": CODE_SYSTEM_ID,
        "url": CODE_SYSTEM,
        "version": f"{__version__}+triage.{triage.version}",
        "name": "SciaticaCare",
        "title": "Sciatica Care codes",
        "status": "active",
        "experimental": False,
        "publisher": "Sciatica Care",
        "description": (
            "Codes of the Sciatica Care self-tracking app for what has no verified standard "
            "code: questionnaire scores, exercise sessions and why they stopped, the red-flag "
            "questions with their answers, and the action the answers raised. Pain scores use "
            "LOINC 72514-3 with SNOMED CT body sites instead."
        ),
        "caseSensitive": True,
        "hierarchyMeaning": "grouped-by",
        "content": "complete",
        "concept": [
            group(
                "measures",
                "Questionnaire scores",
                [leaf(code, text) for code, text in SCORE_CODES.values()],
            ),
            group(
                "sessions",
                "Exercise sessions",
                [leaf(*SESSION_CODE)]
                + [leaf(f"stop-{reason}", text) for reason, text in STOP_DISPLAYS.items()],
            ),
            group(
                "screens",
                "Safety screens",
                [leaf(*DAILY_CODE)] + [leaf(code, text) for code, text in SCREEN_CODES.values()],
            ),
            group(
                "questions",
                "Red-flag and pattern questions (yes, no or not sure)",
                [
                    leaf(
                        q.id,
                        q.text,
                        f"Asked in these words. A yes raises {q.action}"
                        + (", and so does not sure." if q.unsure_counts_as_yes else ".")
                        if q.action
                        else None,
                    )
                    for q in questions
                ],
            ),
            group(
                "answers",
                "Answers",
                [leaf(code, text) for code, text in ANSWER_DISPLAYS.items()],
            ),
            group(
                "actions",
                "What the answers ask the person to do, most urgent first",
                [
                    leaf(action, ACTION_DISPLAYS[action], triage.actions[action].headline)
                    for action in reversed(Action)
                ],
            ),
        ],
    }


def _entries(data: ReportData) -> list[tuple[str, dict[str, Any]]]:
    patient_url = resource_uuid(data, "patient", "")
    subject = {"reference": patient_url}
    entries: list[tuple[str, dict[str, Any]]] = [(patient_url, _patient(data))]
    for reading in data.mornings:
        for site in ("leg", "back"):
            entries.append(
                (resource_uuid(data, f"checkin-{site}", reading.id), _pain(reading, site, subject))
            )
    for check in data.checks:
        entries.append(
            (resource_uuid(data, "checkin-safety", check.id), _daily_check(check, subject))
        )
    for screen in data.screens:
        key = screen.id if screen.id is not None else f"{screen.kind}/{screen.recorded_at}"
        if screen.kind != "daily":  # a daily screen's answers are its check-in's Observation
            entries.append((resource_uuid(data, "screen", key), _screen(screen, subject)))
        if screen.action != Action.SELF_CARE:
            entries.append((resource_uuid(data, "flag", key), _flag(screen, subject)))
    for score in data.scores:
        entries.append(
            (
                resource_uuid(data, f"questionnaire-{score.instrument}", score.id),
                _score(score, subject),
            )
        )
    for line in data.sessions:
        entries.append((resource_uuid(data, "exercise-session", line.id), _session(line, subject)))
    for url, resource in entries:
        if resource["resourceType"] != "Patient":
            resource["identifier"] = [{"system": URI_IDENTIFIERS, "value": url}]
    return entries


def _request(resource: dict[str, Any]) -> dict[str, Any]:
    """POST, unless the server already holds it (conditional create on its identifier)."""
    identifier = resource["identifier"][0]
    return {
        "method": "POST",
        "url": resource["resourceType"],
        "ifNoneExist": f"identifier={identifier['system']}|{identifier['value']}",
    }


def bundle_document(
    data: ReportData,
    generated_at: datetime | None = None,
    bundle_type: BundleType = "collection",
) -> dict[str, Any]:
    """The bundle as JSON-ready dicts, before validation (entries in a stable order)."""
    if bundle_type not in BUNDLE_TYPES:
        raise FhirError(f"bundle type: choose {' or '.join(BUNDLE_TYPES)}")
    entries = _entries(data)
    if bundle_type == "transaction":
        listed = [
            {"fullUrl": url, "resource": resource, "request": _request(resource)}
            for url, resource in entries
        ]
    elif bundle_type == "searchset":
        listed = [
            {
                "fullUrl": url,
                "resource": resource,
                "search": {"mode": "match" if resource["resourceType"] == "Patient" else "include"},
            }
            for url, resource in entries
        ]
    else:
        codes = code_system()
        codes_url = uuid.uuid5(uuid.NAMESPACE_URL, f"{CODE_SYSTEM}|{codes['version']}")
        listed = [{"fullUrl": f"urn:uuid:{codes_url}", "resource": codes}]
        listed += [{"fullUrl": url, "resource": resource} for url, resource in entries]
    document: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": resource_uuid(
            data, f"bundle/{bundle_type}", f"{data.period_start}/{data.period_end}"
        ).removeprefix("urn:uuid:"),
        "type": bundle_type,
        "entry": listed,
    }
    if bundle_type == "searchset":
        document["total"] = 1
    if generated_at is not None:
        document["timestamp"] = _instant(generated_at)
    return document


def fhir_bundle(
    data: ReportData,
    generated_at: datetime | None = None,
    bundle_type: BundleType = "collection",
) -> Bundle:
    """The validated FHIR R4 (``fhir.resources.R4B``) bundle of this report's data.

    ``generated_at`` becomes ``Bundle.timestamp`` (left out when None, as golden tests do).
    """
    return Bundle.model_validate(bundle_document(data, generated_at, bundle_type))


def _json(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def bundle_json(
    data: ReportData,
    generated_at: datetime | None = None,
    bundle_type: BundleType = "collection",
) -> str:
    """The bundle as FHIR JSON text (validated first), keys in FHIR order, two-space indent."""
    bundle = fhir_bundle(data, generated_at, bundle_type)
    return _json(json.loads(bundle.model_dump_json()))


def code_system_json() -> str:
    """Our CodeSystem as FHIR JSON text (validated first), for ``GET /fhir/CodeSystem/...``."""
    return _json(json.loads(CodeSystem.model_validate(code_system()).model_dump_json()))
