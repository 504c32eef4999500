"""Every route of the app, tried by every kind of caller (issue 10, "Permissions live in one place").

The routes are enumerated from the app itself, so a route added later is covered without editing
this file. Each is classed by the dependency that guards it (``current_clinician``,
``current_patient`` / ``signed_in``, or none) and tried as: anonymous, the patient, an unlinked
clinician, the linked clinician and a former clinician (linked, then unlinked by the patient).

Expected: anonymous → 401 (API) or a redirect to sign in (pages); the wrong role → 403 (API) or a
redirect to their own home; a clinician on a route naming a patient they are not linked to (now)
→ 404 (or, for a malformed body, the 422 any id gets), byte for byte what a patient that does
not exist gets; the right caller → never 401/403, never 5xx.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from sciatica_care.services import links
from sciatica_care.services.context import patient_context
from sciatica_care.services.permissions import Actor
from sciatica_care.store import care_links
from sciatica_care.store.database import Database
from sciatica_care.web.security import current_clinician, current_patient, signed_in
from tests.web.clinic import Clinician, clinician_client, link
from tests.web.conftest import Account

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
NO_SUCH_PATIENT = "00000000-0000-4000-8000-0000000000ff"
PLACEHOLDER = re.compile(r"\{(\w+)(?::\w+)?\}")
SAMPLE_VALUES = {
    "exercise_id": "pelvic-tilt",
    "kind": "heat",
    "token": "not-a-real-token",
    "alert_key": "red-flag:1",
    "clinician_id": "00000000-0000-4000-8000-000000000000",
    "instrument": "sbi",
}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    guard: str
    """"clinician", "patient" or "open"."""

    @property
    def names_patient(self) -> bool:
        return "{patient_id}" in self.path

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api")

    def url(self, patient_public_id: str) -> str:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "patient_id":
                return patient_public_id
            return SAMPLE_VALUES.get(name, "1")

        return PLACEHOLDER.sub(value, self.path)


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _guard(route: Any) -> str:
    calls = set(_calls(route.dependant))
    if current_clinician in calls:
        return "clinician"
    if current_patient in calls or signed_in in calls:
        return "patient"
    return "open"


def _endpoints(app: FastAPI) -> Iterator[Any]:
    """Every API route, also inside the included routers FastAPI 0.16x wraps (``effective_candidates``)."""
    for route in app.routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "effective_candidates"):
            yield from (c for c in route.effective_candidates() if hasattr(c, "dependant"))


def app_routes(app: FastAPI) -> list[Route]:
    found = []
    for route in _endpoints(app):
        for method in sorted(set(route.methods) - {"HEAD", "OPTIONS"}):
            found.append(Route(method, route.path, _guard(route)))
    return found


def _send(client: TestClient, route: Route, public_id: str, csrf: str | None) -> Any:
    headers = {"X-CSRF-Token": csrf} if csrf and route.method in UNSAFE else {}
    kwargs: dict[str, Any] = {"headers": headers, "follow_redirects": False}
    if route.method in UNSAFE:
        kwargs["json"] = {}
    return client.request(route.method, route.url(public_id), **kwargs)


def _signs_in(response: Any, route: Route) -> bool:
    if route.is_api:
        return bool(response.status_code == 401)
    return response.status_code == 303 and response.headers["location"].startswith("/login")


def _sent_home(response: Any, route: Route, home: str) -> bool:
    if route.is_api:
        return bool(response.status_code == 403)
    return response.status_code == 303 and response.headers["location"] == home


@pytest.fixture
def actors(
    web_app: FastAPI, database: Database, linked: tuple[Account, Clinician, str]
) -> Iterator[dict[str, Any]]:
    patient, clinician, public_id = linked
    with (
        clinician_client(web_app, database, "unlinked@clinic.example", "Una") as unlinked,
        clinician_client(web_app, database, "former@clinic.example", "Fay") as former,
    ):
        link(database, patient.id, former.id)
        ctx = patient_context(database, Actor.patient(patient.id), patient.id)
        links.unlink(ctx, former.public_id)
        yield {
            "patient": patient,
            "linked": clinician,
            "unlinked": unlinked,
            "former": former,
            "public_id": public_id,
        }


def test_the_enumeration_finds_every_kind_of_route(web_app: FastAPI) -> None:
    routes = app_routes(web_app)
    guards = {r.guard for r in routes}
    assert guards == {"clinician", "patient", "open"}
    assert any(r.names_patient and r.guard == "clinician" for r in routes)
    assert len(routes) > 60


def _is_linked(database: Database, actors: dict[str, Any]) -> bool:
    with database.session() as session:
        return care_links.is_linked(session, actors["linked"].id, actors["patient"].id)


def test_every_route_answers_every_caller_as_expected(
    web_app: FastAPI, client: TestClient, database: Database, actors: dict[str, Any]
) -> None:
    public_id = actors["public_id"]
    patient = actors["patient"]
    problems: list[str] = []
    with TestClient(web_app) as anonymous:
        for route in app_routes(web_app):
            if route.path in {"/logout", "/api/session"} or route.path.startswith(
                ("/api/accounts", "/recover", "/signup", "/login")
            ):
                continue  # sign-in and sign-out change who is calling; tested on their own

            def expect(ok: bool, who: str, response: Any, route: Route = route) -> None:
                if not ok:
                    problems.append(f"{route.method} {route.path} as {who}: {response.status_code}")

            if not _is_linked(database, actors):
                link(database, patient.id, actors["linked"].id)  # a route before unlinked them

            if route.guard == "open":
                response = _send(anonymous, route, public_id, None)
                expect(response.status_code < 500, "anonymous", response)
                continue
            response = _send(anonymous, route, public_id, None)
            expect(_signs_in(response, route) or response.status_code == 403, "anonymous", response)
            as_patient = _send(client, route, public_id, patient.csrf_token)
            clinicians = {
                name: _send(actors[name].client, route, public_id, actors[name].csrf_token)
                for name in ("linked", "unlinked", "former")
            }
            if route.guard == "patient":
                expect(
                    as_patient.status_code not in (401, 403) and as_patient.status_code < 500,
                    "patient",
                    as_patient,
                )
                for name, answer in clinicians.items():
                    expect(_sent_home(answer, route, "/clinic"), f"{name} clinician", answer)
                continue
            expect(_sent_home(as_patient, route, "/"), "patient", as_patient)
            linked_answer = clinicians["linked"]
            expect(
                linked_answer.status_code not in (401, 403) and linked_answer.status_code < 500,
                "linked clinician",
                linked_answer,
            )
            if route.names_patient:
                if route.method == "GET" and len(PLACEHOLDER.findall(route.path)) == 1:
                    expect(linked_answer.status_code != 404, "linked clinician", linked_answer)
                nobody = _send(
                    actors["unlinked"].client, route, NO_SUCH_PATIENT, actors["unlinked"].csrf_token
                )
                for name in ("unlinked", "former"):
                    answer = clinicians[name]
                    same = (
                        answer.status_code == nobody.status_code
                        and (not route.is_api or answer.content == nobody.content)
                    )  # a page holds the caller's own CSRF token: only the API is compared byte for byte
                    expect(
                        answer.status_code in (404, 422) and same,
                        f"{name} clinician (unlike a patient that does not exist)",
                        answer,
                    )
    assert problems == []
