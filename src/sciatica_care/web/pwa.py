"""Installing the app on a phone (a Progressive Web App): the manifest and the service worker.

The service worker must be served from the site root, not from /static/, because a worker only
controls pages under its own path; ``Service-Worker-Allowed: /`` says so explicitly. It is sent
with ``no-cache`` so a new version reaches browsers on their next visit. What it caches and why
is written at the top of ``static/sw.js``; the offline outbox is ``static/offline.js``.

Signing out and deleting the account make this browser forget the person
(``forget_this_device``): the answer carries ``Clear-Site-Data`` and a short-lived
``sc_clear_device`` cookie, and the next page's ``offline.js`` deletes the outbox and every cache
itself, for browsers that ignore the header (it is honoured on https and localhost only).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

router = APIRouter(include_in_schema=False)

STATIC_DIR = Path(__file__).with_name("static")
THEME = "#0b5cad"
CLEAR_SITE_DATA = '"cache", "storage"'
CLEAR_DEVICE_COOKIE = "sc_clear_device"
"""Read by ``offline.js``, so not HttpOnly; it says only "clean up", nothing about anyone."""
CLEAR_DEVICE_MAX_AGE_S = 30 * 24 * 3600

MANIFEST = {
    "name": "Sciatica Care",
    "short_name": "Sciatica",
    "description": "Daily exercises, a pain diary and clear advice on when to get help.",
    "start_url": "/",
    "scope": "/",
    "display": "standalone",
    "orientation": "any",
    "background_color": "#fbfaf7",
    "theme_color": THEME,
    "lang": "en",
    "categories": ["health", "medical", "fitness"],
    "icons": [
        {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
        {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
        {
            "src": "/static/icons/icon-512.png",
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": "/static/icons/icon.svg", "sizes": "any", "type": "image/svg+xml"},
    ],
    "shortcuts": [
        {"name": "Check-in", "url": "/check-in"},
        {"name": "Today's program", "url": "/today"},
    ],
}


@router.get("/manifest.webmanifest")
def manifest() -> Response:
    return JSONResponse(
        MANIFEST,
        media_type="application/manifest+json",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@cache
def static_version() -> str:
    """A fingerprint of every static file: any change to a script or style renames the caches.

    The worker serves static files cache-first, so without this a browser could run an old
    ``player.js`` against a new page after an upgrade.
    """
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(STATIC_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@router.get("/sw.js")
def service_worker() -> Response:
    script = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    return Response(
        script.replace("__STATIC_VERSION__", static_version()),
        media_type="text/javascript; charset=utf-8",
        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
    )


def forget_this_device(request: Request, response: Response) -> None:
    """The browser drops the offline outbox, the cached pages and the stored settings.

    For sign-out and account deletion: the next person on a shared phone must not see, nor send,
    what the last one recorded (issue 8, item 11).
    """
    response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
    response.set_cookie(
        CLEAR_DEVICE_COOKIE,
        "1",
        max_age=CLEAR_DEVICE_MAX_AGE_S,
        path="/",
        httponly=False,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
