"""Turning failures into answers: JSON ``{"detail": ...}`` under /api, a page in the layout elsewhere.

422 on the API has FastAPI's shape (``detail`` is a list with each field's ``loc`` path and ``msg``)
but never echoes what was sent (a password, a note), folds every unexpected field into one error,
and stops after MAX_ERRORS: a body with 700,000 stray keys once answered with 71 MB. A 500 is logged
with the request path and the exception type only: nothing a person typed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from sciatica_care.services.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    ProgramClosed,
    ServiceError,
)
from sciatica_care.store.errors import StorageFull, StoreError
from sciatica_care.web.security import (
    CsrfRejected,
    DisclaimerRequired,
    SignInRequired,
    WrongRole,
    is_api,
)
from sciatica_care.web.templating import render

logger = logging.getLogger(__name__)

PAGE_TEXT = {
    400: ("Something in that request was not right", "Go back and try again."),
    401: ("Please sign in", "Sign in to see this page."),
    403: (
        "This form has expired",
        "For your security, forms stop working after you sign in or out, or after a long time. "
        "Go back, reload the page and try again.",
    ),
    404: ("Page not found", "The page you asked for is not here. Check the address, or go home."),
    405: ("That did not work", "This page cannot be used that way. Go back and try again."),
    413: (
        "That was too much at once",
        "The form sent more than this site accepts. Please shorten it.",
    ),
    422: (
        "Some information was missing or not right",
        "Go back, check what you entered and try again.",
    ),
    429: ("Too many attempts", "Please wait a few minutes and try again."),
    500: (
        "Something went wrong on our side",
        "Your last action may not have been saved. Please try again in a minute.",
    ),
    507: ("The database is full", StorageFull.MESSAGE),
}

CSRF_DETAIL = "Missing or wrong CSRF token. Send the X-CSRF-Token from GET /api/me."


def error_page(request: Request, status_code: int, message: str | None = None) -> Response:
    """A page in the site layout explaining the error in plain words."""
    title, text = PAGE_TEXT.get(status_code, PAGE_TEXT[400 if status_code < 500 else 500])
    try:
        return render(
            request,
            "error.html",
            {"title": title, "text": message or text, "status_code": status_code},
            status_code=status_code,
            signed_in_lookup=status_code < 500,
        )
    except Exception:  # the layout itself failed (e.g. database down): plain text, still no trace
        logger.exception("error page could not be rendered")
        return HTMLResponse(f"<h1>{title}</h1><p>{text}</p>", status_code=status_code)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if is_api(request):
        detail: Any = exc.detail
        if exc.status_code == 422 and isinstance(detail, str):
            detail = _as_field_errors(detail)
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)
    message = exc.detail if exc.status_code not in (404, 405, 500) else None
    response = error_page(request, exc.status_code, message if isinstance(message, str) else None)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def _as_field_errors(message: str) -> list[dict[str, Any]]:
    """A route's ``HTTPException(422, "before: give a time ...")`` in the one 422 shape of the API
    (a list of ``loc``/``msg``/``type``, as the OpenAPI document says), the field in ``loc``."""
    field, sep, text = message.partition(": ")
    if sep and field.isidentifier():
        return [{"loc": [field], "msg": text, "type": "value_error"}]
    return [{"loc": [], "msg": message, "type": "value_error"}]


MAX_ERRORS = 20
"""How many field errors one 422 lists; the count of the rest is given."""


def _clean(value: object) -> str | int:
    """A path part or message as valid text (no lone surrogates, no NUL), never too long."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
    return text if len(text) <= 200 else text[:199] + "…"


def validation_detail(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """FastAPI's errors without their inputs, unexpected fields folded into one, at most MAX_ERRORS."""
    detail: list[dict[str, Any]] = []
    extra: list[str] = []
    extra_parent: list[str | int] = []
    for error in errors:
        loc = [_clean(part) for part in error.get("loc", ())]
        if error.get("type") == "extra_forbidden" and loc:
            if not extra:
                extra_parent = loc[:-1]
            extra.append(str(loc[-1]))
            continue
        if len(detail) < MAX_ERRORS:
            detail.append(
                {"loc": loc, "msg": _clean(error.get("msg", "")), "type": error.get("type")}
            )
    if extra:
        named = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
        detail.insert(
            0,
            {"loc": extra_parent, "msg": f"Unexpected fields: {named}.", "type": "extra_forbidden"},
        )
    more = len(errors) - len(extra) - (len(detail) - (1 if extra else 0))
    if more > 0:
        detail.append({"loc": [], "msg": f"{more} more errors not listed.", "type": "too_many"})
    return detail


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if is_api(request):
        return JSONResponse({"detail": validation_detail(exc.errors())}, status_code=422)
    return error_page(request, 422)


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    if is_api(request):
        return JSONResponse({"detail": "Sign in first."}, status_code=401)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


async def _disclaimer_required(request: Request, exc: Exception) -> Response:
    if is_api(request):
        return JSONResponse(
            {"detail": "Read and acknowledge the disclaimer first (POST /api/me/disclaimer)."},
            status_code=403,
        )
    return RedirectResponse("/disclaimer", status_code=303)


async def _wrong_role(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WrongRole)
    if is_api(request):
        return JSONResponse({"detail": "This account cannot use this route."}, status_code=403)
    return RedirectResponse(exc.home, status_code=303)


async def _csrf_rejected(request: Request, exc: Exception) -> Response:
    if is_api(request):
        return JSONResponse({"detail": CSRF_DETAIL}, status_code=403)
    return error_page(request, 403)


async def _store_error(request: Request, exc: Exception) -> Response:
    logger.error("store error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    if isinstance(exc, StorageFull):  # 507 Insufficient Storage: nothing of the request was kept
        if is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=507)
        return error_page(request, 507, str(exc))
    if is_api(request):
        return JSONResponse({"detail": "The database could not do that. Try again."}, 500)
    return error_page(request, 500)


async def _service_error(request: Request, exc: Exception) -> Response:
    """A use case's refusal, mapped once: 422 naming the field, 404, 409, 409/423 for the gate."""
    from sciatica_care.web.context import gate_page, gate_status

    if isinstance(exc, InvalidInput):
        if is_api(request):
            loc = ["body", *(int(p) if p.isdigit() else p for p in exc.field.split("."))]
            detail = [{"loc": loc, "msg": exc.message, "type": "value_error"}]
            return JSONResponse({"detail": detail}, status_code=422)
        return error_page(request, 422, exc.message)
    if isinstance(exc, ProgramClosed):
        if is_api(request):
            return JSONResponse(
                {"detail": exc.gate.message, "gate": exc.gate.to_json()},
                status_code=gate_status(exc.gate),
            )
        return gate_page(request, exc.gate)
    status = 404 if isinstance(exc, NotFound) else 409 if isinstance(exc, Conflict) else 400
    if is_api(request):
        return JSONResponse({"detail": str(exc)}, status_code=status)
    return error_page(request, status, str(exc) if status != 404 else None)


async def _unexpected(request: Request, exc: Exception) -> Response:
    logger.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
    if is_api(request):
        return JSONResponse({"detail": "Internal error."}, status_code=500)
    return error_page(request, 500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(DisclaimerRequired, _disclaimer_required)
    app.add_exception_handler(CsrfRejected, _csrf_rejected)
    app.add_exception_handler(WrongRole, _wrong_role)
    app.add_exception_handler(StoreError, _store_error)
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(Exception, _unexpected)
