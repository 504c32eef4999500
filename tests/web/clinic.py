"""Clinician fixtures' helpers (issue 10): a clinician account signed in on its own TestClient,
and a link made the way a patient makes it (a share code the clinician spends).

Setup goes through the services; the behaviour under test goes through the HTTP interface.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient

from sciatica_care.services import clinicians, links
from sciatica_care.services.context import patient_context
from sciatica_care.services.permissions import Actor
from sciatica_care.store.database import Database
from sciatica_care.store.models import Patient
from tests.web.conftest import PASSWORD


@dataclass
class Clinician:
    """A clinician signed in on ``client`` (their own browser)."""

    id: int
    public_id: str
    email: str
    name: str
    client: TestClient
    csrf_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.csrf_token}


def create_clinician(db: Database, email: str, name: str, password: str = PASSWORD) -> int:
    return clinicians.create_clinician(db, email, name, password).id


@contextmanager
def clinician_client(
    app: FastAPI, db: Database, email: str = "sam@clinic.example", name: str = "Sam Lee, PT"
) -> Iterator[Clinician]:
    """A new clinician account, signed in through ``POST /api/session`` on a fresh client."""
    account = clinicians.create_clinician(db, email, name, PASSWORD)
    with TestClient(app) as client:
        signed = client.post("/api/session", json={"email": email, "password": PASSWORD})
        assert signed.status_code == 200, signed.text
        assert signed.json()["role"] == "clinician"
        yield Clinician(
            account.id, account.public_id, email, name, client, signed.json()["csrf_token"]
        )


def patient_public_id(db: Database, patient_id: int) -> str:
    with db.session() as session:
        row = session.get(Patient, patient_id)
        assert row is not None
        return row.public_id


def link(db: Database, patient_id: int, clinician_id: int) -> str:
    """The patient makes a share code and the clinician spends it; the patient's public id."""
    code = links.create_share_code(patient_context(db, Actor.patient(patient_id), patient_id))
    return links.link_with_code(db, clinician_id, code.code)
