"""Two guards every response and request passes, as plain ASGI middleware (no per-route code).

- ``SecurityHeaders``: the browser is told to run only our own scripts (a CSP without
  'unsafe-inline' for scripts), never to show our pages in a frame (one-click buttons could
  otherwise be clickjacked), not to guess content types, not to send our URLs (which can hold a
  calendar feed token) to other sites, and not to keep health data in any cache: every response
  that is not a static asset is ``no-store`` unless its route chose otherwise.
- ``BodyLimit``: a request body larger than the limit is refused with 413 before it is parsed,
  whether it announces its length or streams it, so one huge body cannot keep the server busy
  for everyone else (a 10 MB JSON with 700,000 keys took 24 s before). A JSON body within the
  limit is then checked once for what no field may hold (``json_problem``): NaN, Infinity or
  1e999, text that is not proper Unicode (a lone surrogate) and NUL characters. Each of those once
  got past validation and broke the database or every later export of that person's data.
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
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


def json_problem(body: bytes) -> str | None:
    """Why this JSON body can never be stored or exported, or None when it is fine to parse.

    Malformed JSON is left to FastAPI, whose 422 names the position; what it would answer with a
    bare 400 (a body that is not UTF-8, an integer of thousands of digits) is named here."""
    try:
        document = json.loads(body, parse_constant=_no_constant, parse_float=_finite)
    except json.JSONDecodeError:
        return None
    except UnicodeDecodeError:
        return "the body must be JSON encoded as UTF-8"
    except ValueError as exc:
        message = str(exc)
        return message if "number" in message else "a number in the body has too many digits"
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
    def __init__(self, app: ASGIApp, limit: int = DEFAULT_BODY_LIMIT) -> None:
        self.app = app
        self.limit = limit

    async def _check_json(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read the (limited) JSON body, refuse what no field may hold, replay it to the app."""
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
            await self._refuse(scope, send)
            return
        body = b"".join(chunks)
        problem = json_problem(body)
        if problem:
            detail = [{"loc": ["body"], "msg": problem, "type": "value_error"}]
            await _send_json(send, 422, {"detail": detail})
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def _text(self) -> str:
        return f"The request is too large (the limit is {self.limit // 1024} KB)."

    async def _refuse(self, scope: Scope, send: Send) -> None:
        is_api = str(scope.get("path", "")).startswith("/api/")
        text = self._text()
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
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    announced = int(value)
                except ValueError:
                    announced = self.limit + 1
                if announced > self.limit:
                    await self._refuse(scope, send)
                    return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # Raised where the route reads its body: the app's error handlers answer 413.
                    raise HTTPException(413, self._text())
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
        if content_type.split(b";")[0].strip().endswith(b"json"):
            await self._check_json(scope, counted_receive, watched_send)
            return
        try:
            await self.app(scope, counted_receive, watched_send)
        except HTTPException as exc:
            if exc.status_code != 413 or started:
                raise
            await self._refuse(scope, send)


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
