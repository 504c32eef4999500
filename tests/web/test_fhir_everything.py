"""A linked clinician's record system pulls the patient's record: ``Patient/{id}/$everything``
(issue 10 item 7), checked by ``fhir.resources`` and by the official R4 JSON schema."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle

from sciatica_care.services import links
from sciatica_care.services.context import patient_context
from sciatica_care.services.permissions import Actor
from sciatica_care.store.database import Database
from tests.reports.fhir_schema import schema_errors
from tests.web.clinic import Clinician, clinician_client, link
from tests.web.conftest import Account
from tests.web.diary_entries import post_checkin


def _everything(clinician: Clinician, public_id: str, **params: str) -> Any:
    return clinician.client.get(f"/api/fhir/Patient/{public_id}/$everything", params=params)


def test_a_linked_clinician_gets_the_whole_record_as_a_valid_searchset(
    client: TestClient, linked: tuple[Account, Clinician, str]
) -> None:
    patient, clinician, public_id = linked
    post_checkin(client, patient, leg_pain=6, back_pain=3)

    response = _everything(clinician, public_id)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/fhir+json"
    document = json.loads(response.content)
    Bundle.model_validate(document)
    assert schema_errors(document) == []
    assert document["type"] == "searchset"
    patients = [e for e in document["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert [e["search"]["mode"] for e in patients] == ["match"]
    assert any(e["resource"]["resourceType"] == "Observation" for e in document["entry"])
    assert patient.email not in response.text


def test_the_transaction_form_loads_into_a_server(
    linked: tuple[Account, Clinician, str],
) -> None:
    _, clinician, public_id = linked
    document = _everything(clinician, public_id, _type="transaction").json()
    assert document["type"] == "transaction"
    assert all("request" in e for e in document["entry"])
    assert schema_errors(document) == []


def test_an_unlinked_clinician_gets_the_same_404_as_for_no_patient(
    web_app: Any, database: Database, linked: tuple[Account, Clinician, str]
) -> None:
    _, _, public_id = linked
    with clinician_client(web_app, database, "other@clinic.example", "Other") as other:
        refused = _everything(other, public_id)
        missing = _everything(other, "00000000-0000-4000-8000-000000000000")
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()


def test_after_the_patient_unlinks_the_next_request_is_refused(
    database: Database, linked: tuple[Account, Clinician, str]
) -> None:
    patient, clinician, public_id = linked
    assert _everything(clinician, public_id).status_code == 200
    ctx = patient_context(database, Actor.patient(patient.id), patient.id)
    links.unlink(ctx, clinician.public_id)
    assert _everything(clinician, public_id).status_code == 404
    link(database, patient.id, clinician.id)
    assert _everything(clinician, public_id).status_code == 200


def test_the_download_is_in_the_patients_audit_log(
    database: Database, linked: tuple[Account, Clinician, str]
) -> None:
    patient, clinician, public_id = linked
    _everything(clinician, public_id)
    ctx = patient_context(database, Actor.patient(patient.id), patient.id)
    log = links.audit_log(ctx)
    assert [(e.clinician, e.what) for e in log][:1] == [
        ("Sam Lee, PT", "downloaded your record (FHIR)")
    ]
    assert any(e.action == "link" for e in log)


def test_a_patient_cannot_use_the_clinician_route(
    client: TestClient, linked: tuple[Account, Clinician, str]
) -> None:
    _, _, public_id = linked
    assert client.get(f"/api/fhir/Patient/{public_id}/$everything").status_code == 403
