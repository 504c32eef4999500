"""Two guards every response and request passes, as plain ASGI middleware (no per-route code).

- ``SecurityHeaders``: the browser is told to run only our own scripts (a CSP without
  'unsafe-inline' for scripts), never to show our pages in a frame (one-click buttons could
  otherwise be clickjacked), not to guess content types, not to send our URLs (which can hold a
  calendar feed token) to other sites, and not to keep health data in any cache: every response
  that is not a static asset is ``no-store`` unless its route chose otherwise.
- ``BodyLimit``: a request body larger than the limit is refused with 413 before it is parsed,
  whether it announces its length or streams it, so one huge body cannot keep the server busy
  for everyone else (a 10 MB JSON with 700,000 keys took 24 s before). The limit is 256 KB
  everywhere except the routes in ``ROUTE_BODY_LIMITS`` (the data import). A JSON body within the
  limit is then checked once for what no field may hold (``json_problem``): NaN, Infinity or
  1e999, text that is not proper Unicode (a lone surrogate), NUL characters and nesting deeper
  than the parser's recursion limit. Each of those once got past validation and broke the
  database or every later export of that person's data, or answered a 500.

A large JSON body (an import of years of data) takes seconds of CPU to parse. That parse runs in a
worker thread, never on the event loop, and it is done once: ``BodyLimit`` hands its result to
the routes of a router built with ``route_class=OffLoopJsonRoute``, whose ``request.json()`` would
otherwise parse the body again on the event loop while every other client waits.
"""

from __future__ import annotations

import gc
import json
import math
import threading
from collections.abc import Callable, Coroutine, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from fastapi.routing import APIRoute
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        # Styles: our files, plus the style attributes inside the exercise pictures' SVG.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    # The camera is ours to ask for (motion tracking); nothing else is.
    "permissions-policy": "camera=(self), microphone=(), geolocation=(), payment=(), usb=()",
}

CACHEABLE_PREFIXES = ("/static/",)
"""Paths whose responses hold no personal data and may be cached as their routes say."""

DEFAULT_BODY_LIMIT = 256 * 1024
"""Bytes: the largest form or JSON body a person's use of the app sends is a few kilobytes."""

IMPORT_BODY_LIMIT = 20 * 1024 * 1024
"""Bytes: ``POST /api/import`` takes a whole export (``GET /api/export``). A year of one person's
diary (a check-in a day, six sessions a week, weekly questionnaires) exports to about 1.1 MB, four
times ``DEFAULT_BODY_LIMIT``; 20 MB leaves room for many years, notes and an audit log, and is
still small enough to parse off the event loop in a few seconds."""

ROUTE_BODY_LIMITS: Mapping[tuple[str, str], int] = {("POST", "/api/import"): IMPORT_BODY_LIMIT}
"""(method, path) -> bytes, for the few routes that need more than ``DEFAULT_BODY_LIMIT``."""

OFF_LOOP_PARSE_BYTES = 64 * 1024
"""Bytes: a JSON body larger than this is parsed in a worker thread (it takes milliseconds)."""

PARSED_JSON_KEY = "sciatica_care.parsed_json"
"""The ASGI scope key where ``BodyLimit`` leaves the JSON body it parsed, for ``OffLoopJsonRoute``."""


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number this app accepts")


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "text must not contain NUL characters"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "text must be valid Unicode (no lone surrogates)"
    return None


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is not a finite number")
    return number


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A Python call per JSON object: the parsing thread lets go of the GIL between objects, so
    # the event loop keeps answering while a 20 MB import is parsed (``json`` alone holds it).
    return dict(pairs)


_paused_lock = threading.Lock()
_paused_count = 0


@contextmanager
def garbage_collection_paused() -> Iterator[None]:
    """No automatic garbage collection from the parse of a large JSON body until it is freed.

    Parsing and storing a 3 MB import makes enough objects to start a full collection, which
    walks every object of the process while holding the GIL: half a second in which the event
    loop answers no one (measured: 0.5 s pauses, other clients waiting 350 ms). What the request
    builds is freed by reference counting when it ends, so that collection finds little; turned
    back on only then (not earlier, while the document is alive, or the next young collection
    walks it all), collections run as usual once no large body is being handled."""
    global _paused_count
    with _paused_lock:
        _paused_count += 1
        gc.disable()
    try:
        yield
    finally:
        with _paused_lock:
            _paused_count -= 1
            if _paused_count == 0:
                gc.enable()


@dataclass(frozen=True)
class CheckedJson:
    """A JSON body parsed once: its ``document`` when ``problem`` is None and it was valid JSON."""

    problem: str | None
    document: Any = None
    parsed: bool = False


def check_json(body: bytes) -> CheckedJson:
    """Parse ``body`` as JSON and say why it can never be stored or exported (``json_problem``).

    Malformed JSON is no problem here (``parsed`` is False): it is left to FastAPI, whose 422 names
    the position; what it would answer with a bare 400 (a body that is not UTF-8, an integer of
    thousands of digits) or a 500 (nesting deeper than the recursion limit) is named here."""
    try:
        document = json.loads(
            body, parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=_object
        )
    except json.JSONDecodeError:
        return CheckedJson(None)
    except UnicodeDecodeError:
        return CheckedJson("the body must be JSON encoded as UTF-8")
    except RecursionError:
        return CheckedJson("the body is nested too deeply")
    except ValueError as exc:
        message = str(exc)
        return CheckedJson(
            message if "number" in message else "a number in the body has too many digits"
        )
    problem = _document_problem(document)
    return CheckedJson(problem, None if problem else document, parsed=problem is None)


def json_problem(body: bytes) -> str | None:
    """Why this JSON body can never be stored or exported, or None when it is fine to parse."""
    return check_json(body).problem


def _document_problem(document: Any) -> str | None:
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            problem = _text_problem(value)
            if problem:
                return problem
        elif isinstance(value, dict):
            for key, item in value.items():
                problem = _text_problem(key)
                if problem:
                    return problem
                stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)
    return None


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = str(scope.get("path", "")).startswith(CACHEABLE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                if not cacheable:
                    headers.setdefault("cache-control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    def __init__(
        self,
        app: ASGIApp,
        limit: int = DEFAULT_BODY_LIMIT,
        route_limits: Mapping[tuple[str, str], int] = ROUTE_BODY_LIMITS,
    ) -> None:
        self.app = app
        self.limit = limit
        self.route_limits = route_limits

    def limit_for(self, scope: Scope) -> int:
        """Bytes this request's body may hold: its route's own limit, else the default."""
        key = (str(scope.get("method", "")), str(scope.get("path", "")))
        return self.route_limits.get(key, self.limit)

    async def _check_json(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Read the (limited) JSON body, refuse what no field may hold, replay it to the app
        with the parsed document left in the scope (``PARSED_JSON_KEY``)."""
        chunks: list[bytes] = []
        try:
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
        except HTTPException:
            await self._refuse(scope, send, limit)
            return
        body = b"".join(chunks)
        if len(body) <= OFF_LOOP_PARSE_BYTES:
            await self._checked_app(scope, receive, send, body, check_json(body))
            return
        with garbage_collection_paused():  # until the document is freed: see its docstring
            checked = await anyio.to_thread.run_sync(check_json, body)
            try:
                await self._checked_app(scope, receive, send, body, checked)
            finally:
                scope.pop(PARSED_JSON_KEY, None)
                await anyio.to_thread.run_sync(_dismantle, checked.document)
                del checked

    async def _checked_app(
        self, scope: Scope, receive: Receive, send: Send, body: bytes, checked: CheckedJson
    ) -> None:
        if checked.problem:
            detail = [{"loc": ["body"], "msg": checked.problem, "type": "value_error"}]
            await _send_json(send, 422, {"detail": detail})
            return
        if checked.parsed:
            scope[PARSED_JSON_KEY] = checked
        del checked
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    def _text(limit: int) -> str:
        if limit >= 1024 * 1024:
            return f"The request is too large (the limit is {limit // (1024 * 1024)} MB)."
        return f"The request is too large (the limit is {limit // 1024} KB)."

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        is_api = str(scope.get("path", "")).startswith("/api/")
        text = self._text(limit)
        if is_api:
            body = json.dumps({"detail": text}).encode()
            kind = b"application/json"
        else:
            body = f"<!doctype html><title>Too large</title><h1>{text}</h1>".encode()
            kind = b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    announced = int(value)
                except ValueError:
                    announced = limit + 1
                if announced > limit:
                    await self._refuse(scope, send, limit)
                    return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Raised where the route reads its body: the app's error handlers answer 413.
                    raise HTTPException(413, self._text(limit))
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
        if content_type.split(b";")[0].strip().endswith(b"json"):
            await self._check_json(scope, counted_receive, watched_send, limit)
            return
        try:
            await self.app(scope, counted_receive, watched_send)
        except HTTPException as exc:
            if exc.status_code != 413 or started:
                raise
            await self._refuse(scope, send, limit)


def _parse_plain(body: bytes) -> Any:
    return json.loads(body, object_pairs_hook=_object)


class OffLoopJsonRequest(Request):
    """A request whose ``json()`` is the document ``BodyLimit`` already parsed in a worker thread,
    or, without that middleware, parses a large body in a worker thread itself."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            checked = self.scope.pop(PARSED_JSON_KEY, None)
            if isinstance(checked, CheckedJson):
                self._json = checked.document
            else:
                body = await self.body()
                if len(body) > OFF_LOOP_PARSE_BYTES:
                    self._json = await anyio.to_thread.run_sync(_parse_plain, body)
                else:
                    self._json = json.loads(body)
        return self._json


class OffLoopJsonRoute(APIRoute):
    """A route whose JSON body is never parsed on the event loop (``APIRouter(route_class=...)``):
    for routes whose body may be megabytes, such as the data import."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def off_loop_handler(request: Request) -> Response:
            return await handler(OffLoopJsonRequest(request.scope, request.receive))

        return off_loop_handler


def _dismantle(document: Any) -> None:
    """Free a large parsed document one container at a time, in a worker thread, once the request
    is answered and nothing else holds it. Freeing a million objects at once is one C call that
    holds the GIL for 0.3 s, wherever it runs; one container at a time, the event loop gets its
    turn between them."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(item for item in value.values() if isinstance(item, dict | list))
            value.clear()
        elif isinstance(value, list):
            stack.extend(item for item in value if isinstance(item, dict | list))
            value.clear()


async def _send_json(send: Send, status: int, content: dict[str, Any]) -> None:
    body = json.dumps(content).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
