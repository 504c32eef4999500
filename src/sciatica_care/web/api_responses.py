"""Every status an /api route can answer, written into the OpenAPI document (issue 12 item 1).

Some answers come from machinery every route shares rather than from the route itself: sign-in
and role checks (401, 403), the CSRF check on changing requests (403), the body limit (413).
``document_shared_errors`` adds those to each operation from the route's own dependencies, so a
route added later is documented without remembering it. What only a route knows (a 404 for an id
that is not yours, a 409 for a closed program gate) it declares itself with ``errors(...)``.

Schemathesis (tests/web/test_schema_fuzz.py) holds the document to this: any status or body an
operation answers that is not documented here fails the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel

from sciatica_care.web.security import (
    SIGN_IN_ROUTES,
    UNSAFE_METHODS,
    current_clinician,
    current_patient,
    signed_in,
)


class ErrorMessage(BaseModel):
    """A refusal in plain words; a closed program gate also says which gate (``gate``)."""

    detail: str
    gate: dict[str, Any] | None = None


DESCRIPTIONS = {
    400: "The request cannot be done as asked",
    401: "Not signed in, or wrong credentials",
    403: "Wrong role, disclaimer not acknowledged, or missing CSRF token",
    404: "Not found (or not yours)",
    409: "Conflicts with the current state (a stale version, or the program gate is closed)",
    413: "The body is larger than the limit",
    423: "The program is locked until help is confirmed",
    429: "Too many attempts: wait Retry-After seconds",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route decorator: these statuses answer ``{"detail": ...}``."""
    return {code: {"model": ErrorMessage, "description": DESCRIPTIONS[code]} for code in codes}


_MESSAGE_SCHEMA = {"$ref": "#/components/schemas/ErrorMessage"}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _shared_statuses(route: Any, method: str) -> list[int]:
    calls = set(_calls(route.dependant))
    statuses = []
    if calls & {signed_in, current_patient, current_clinician}:
        statuses += [401, 403]
    elif method in UNSAFE_METHODS and (method, route.path) not in SIGN_IN_ROUTES:
        statuses.append(403)  # a signed-in caller's CSRF token is checked on every changing request
    if route.body_field is not None:
        statuses.append(413)
    return statuses


def _add_shared_errors(app: FastAPI, document: dict[str, Any]) -> None:
    document.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "ErrorMessage", ErrorMessage.model_json_schema()
    )
    for route in iter_route_contexts(app.routes):
        path = str(getattr(route, "path", ""))
        if not path.startswith("/api/") or not hasattr(route, "dependant"):
            continue
        for method in route.methods or ():
            operation = document["paths"].get(path, {}).get(method.lower())
            if operation is None:
                continue
            for status in _shared_statuses(route, method):
                operation["responses"].setdefault(
                    str(status),
                    {
                        "description": DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": _MESSAGE_SCHEMA}},
                    },
                )


def document_shared_errors(app: FastAPI) -> None:
    """Make ``app.openapi()`` list the shared statuses of every /api operation."""
    generate = app.openapi
    done: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        document = generate()  # FastAPI's own, cached until the routes change
        if not done or done[0] is not document:
            _add_shared_errors(app, document)
            done[:] = [document]
        return document

    app.openapi = openapi  # type: ignore[method-assign]
