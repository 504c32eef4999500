"""The interactive API documentation at /api/docs, served entirely by this app.

FastAPI's default page loads Swagger UI from a CDN and starts it with an inline script: the first
leaks who reads our docs to a third party and fails offline, the second would need 'unsafe-inline'
in our Content-Security-Policy. Here the assets come from the fastapi-offline package (Swagger UI 5,
which reads OpenAPI 3.1) and the page starts Swagger UI from our own static/api-docs.js.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/api/docs/assets"
ASSET_DIR = Path(fastapi_offline.__file__).with_name("static")

PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Sciatica Care API</title>
  <link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui" data-openapi-url="/api/openapi.json"></div>
  <script src="{ASSETS}/swagger-ui-bundle.js"></script>
  <script src="/static/api-docs.js"></script>
</body>
</html>
"""

router = APIRouter(include_in_schema=False)


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    """Swagger UI for the OpenAPI document at /api/openapi.json."""
    return HTMLResponse(PAGE)


def install_api_docs(app: FastAPI) -> None:
    app.mount(ASSETS, StaticFiles(directory=ASSET_DIR), name="api-docs-assets")
    app.include_router(router)
