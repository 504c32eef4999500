"""One-time messages shown on the next page ("Password changed."), kept in a signed cookie.

A cookie rather than server memory, so any web process can show it; signed (itsdangerous) so no
one can plant text in the page. Call ``flash(request, response, text)`` on the redirect response;
``templating.render`` shows and clears it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.responses import Response

FLASH_COOKIE = "sc_flash"
Level = Literal["success", "info", "warning", "error"]
_LEVELS = ("success", "info", "warning", "error")


@dataclass(frozen=True)
class Flash:
    level: str
    text: str


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.secret_key, salt="flash")


def flash(request: Request, response: Response, text: str, level: Level = "success") -> None:
    """Show ``text`` once on the next page this browser renders."""
    value = _serializer(request).dumps({"level": level, "text": text})
    response.set_cookie(
        FLASH_COOKIE,
        value,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def take_flash(request: Request) -> Flash | None:
    """The pending message, if any and if its signature is good."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        data = _serializer(request).loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("level") not in _LEVELS:
        return None
    return Flash(level=str(data["level"]), text=str(data.get("text", "")))


def clear_flash(response: Response) -> None:
    response.delete_cookie(FLASH_COOKIE, path="/")
