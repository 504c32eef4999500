"""Schemathesis against the app's own OpenAPI document (issue 12 item 1, "bad input never gives a 500").

Every operation of ``/api/openapi.json`` gets a bounded number of generated requests, valid and
invalid, sent in process through the TestClient (no server) by a signed-in caller with the CSRF
header: a patient after a calm safety check for the patient's and the open routes, a clinician
linked to that patient for the clinician's routes (valid cases name the linked patient, so the
routes get past their 404). Checked on every answer: never a 5xx. On ``/api`` also: the status is
documented, the content type is documented and the body matches the documented schema. Pages are in
the document too (their path and query parameters are fuzzed) and must never answer 5xx; their forms
are fuzzed in test_form_fuzz.py. SQLite only, for speed.

A failure prints the request as a ``curl`` command; fix the route or its documentation
(``web/api_responses.py``), then keep a regression test beside the feature.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sciatica_care.config import Settings
from sciatica_care.store.database import Database, make_engine, open_database
from sciatica_care.web.app import create_app
from tests.web.clinic import Clinician
from tests.web.conftest import Account
from tests.web.test_route_permissions import app_routes

EXAMPLES_PER_OPERATION = 8
"""Hypothesis examples per operation (and per caller): the file takes about 2 minutes of CPU,
half of it signing in a fresh patient (and clinician) for each of its ~120 operations."""
EXAMPLES_PER_PDF = 3
"""A PDF is drawn on every request (seconds each): its routes take only a path parameter."""

API_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
PAGE_CHECKS = [not_a_server_error]

# The document only (building the app opens no database: that happens on start-up).
_APP = create_app(Settings(data_dir=Path("/nonexistent/schema-fuzz"), secret_key="schema-fuzz"))
_GUARDS = {(route.method, route.path): route.guard for route in app_routes(_APP)}
schema = schemathesis.openapi.from_dict(_APP.openapi())


def _guard(ctx: Any) -> str:
    return _GUARDS[(ctx.operation.method.upper(), ctx.operation.path)]


def _draws_a_pdf(ctx: Any) -> bool:
    return str(ctx.operation.path).endswith(".pdf")


patient_schema = schema.include(lambda ctx: _guard(ctx) != "clinician").exclude(_draws_a_pdf)
clinician_schema = schema.include(lambda ctx: _guard(ctx) == "clinician").exclude(_draws_a_pdf)
pdf_schema = schema.include(_draws_a_pdf)

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same requests on every run: a failure is reproducible
)
PDF_SETTINGS = settings(FUZZ_SETTINGS, max_examples=EXAMPLES_PER_PDF)


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated once for the module; every test starts from a copy."""
    folder = tmp_path_factory.mktemp("fuzz-template")
    path = folder / "template.sqlite3"
    open_database(Settings(data_dir=folder), url=f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(name="database")
def sqlite_only_database(migrated_template: Path, tmp_path: Path) -> Iterator[Database]:
    """SQLite only, for speed: these runs are about input handling, not the database (the
    suite's ``database`` fixture also runs PostgreSQL)."""
    path = tmp_path / "fuzz.sqlite3"
    shutil.copyfile(migrated_template, path)
    db = Database(make_engine(f"sqlite:///{path}"))
    yield db
    db.dispose()


def _send(client: TestClient, case: Any, csrf_token: str) -> Any:
    """The case as schemathesis would send it (requests' arguments), through our TestClient."""
    sent = case.as_transport_kwargs(
        base_url="http://testserver", headers={"X-CSRF-Token": csrf_token}
    )
    request: dict[str, Any] = {
        "method": sent["method"],
        "url": sent["url"],
        "headers": sent.get("headers"),
        "params": sent.get("params"),
        "cookies": sent.get("cookies") or None,
        "follow_redirects": False,
    }
    if "json" in sent:  # ASCII with escapes: a lone surrogate travels as a client would send it
        request["content"] = json.dumps(sent["json"]).encode()
        request["headers"] = {"Content-Type": "application/json", **(sent.get("headers") or {})}
    if "data" in sent:
        data = sent["data"]
        request["content" if isinstance(data, bytes | str) else "data"] = data
    if "files" in sent:
        request["files"] = sent["files"]
    return client.request(**request)


def _validate(case: Any, response: Any) -> None:
    checks = API_CHECKS if case.path.startswith("/api/") else PAGE_CHECKS
    case.validate_response(response, checks=checks)


@patient_schema.parametrize()
@FUZZ_SETTINGS
def test_patient_and_open_routes(case: Any, client: TestClient, screened: Account) -> None:
    _validate(case, _send(client, case, screened.csrf_token))


def _as_clinician(case: Any, clinician: Clinician, public_id: str) -> None:
    meta = case.meta
    if (
        "patient_id" in case.path_parameters
        and meta
        and meta.generation.mode is GenerationMode.POSITIVE
    ):
        case.path_parameters["patient_id"] = public_id
    _validate(case, _send(clinician.client, case, clinician.csrf_token))


@clinician_schema.parametrize()
@FUZZ_SETTINGS
def test_clinician_routes(case: Any, linked: tuple[Account, Clinician, str]) -> None:
    _, clinician, public_id = linked
    _as_clinician(case, clinician, public_id)


@pdf_schema.parametrize()
@PDF_SETTINGS
def test_routes_that_draw_a_pdf(
    case: Any, client: TestClient, linked: tuple[Account, Clinician, str]
) -> None:
    patient, clinician, public_id = linked
    if _GUARDS[(case.operation.method.upper(), case.operation.path)] == "clinician":
        _as_clinician(case, clinician, public_id)
    else:
        _validate(case, _send(client, case, patient.csrf_token))
