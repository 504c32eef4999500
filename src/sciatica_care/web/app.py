"""Building the FastAPI application: database, templates, static files, routers, security.

``require_csrf`` is an app-wide dependency, so every route added later is CSRF-checked without
having to remember it; error handlers give JSON under /api and pages in the layout elsewhere.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from sciatica_care import __version__
from sciatica_care.config import Settings, get_settings
from sciatica_care.store.database import open_database
from sciatica_care.web import (
    accounts,
    api,
    checkin_pages,
    data_pages,
    learn_pages,
    pages,
    player_pages,
    progress_pages,
    pwa,
    questionnaire_pages,
    screening_pages,
    settings_page,
    therapy_pages,
    today_pages,
)
from sciatica_care.web.api import data as data_api
from sciatica_care.web.api import diary as diary_api
from sciatica_care.web.api import program as program_api
from sciatica_care.web.api import progress as progress_api
from sciatica_care.web.api import questionnaires as questionnaires_api
from sciatica_care.web.api import screening as screening_api
from sciatica_care.web.api import sessions as sessions_api
from sciatica_care.web.api import therapy as therapy_api
from sciatica_care.web.errors import install_error_handlers
from sciatica_care.web.security import require_csrf

STATIC_DIR = Path(__file__).with_name("static")


def create_app(settings: Settings | None = None) -> FastAPI:
    """An app bound to one database; the database is opened (and migrated) on start-up.

    Without ``SCIATICA_SECRET_KEY`` a random key signs flash messages: fine for one process; set
    the key when several processes serve the same site.
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = open_database(settings)
        yield
        app.state.db.dispose()

    app = FastAPI(
        title="Sciatica Care",
        version=__version__,
        lifespan=lifespan,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        dependencies=[Depends(require_csrf)],
    )
    app.state.settings = settings
    app.state.secret_key = settings.secret_key or secrets.token_urlsafe(32)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(accounts.router)
    app.include_router(settings_page.router)
    app.include_router(screening_pages.router)
    app.include_router(today_pages.router)
    app.include_router(player_pages.router)
    app.include_router(learn_pages.router)
    app.include_router(screening_api.router)
    app.include_router(program_api.router)
    app.include_router(sessions_api.router)
    app.include_router(pwa.router)
    app.include_router(checkin_pages.router)
    app.include_router(diary_api.router)
    app.include_router(questionnaire_pages.router)
    app.include_router(therapy_pages.router)
    app.include_router(progress_pages.router)
    app.include_router(data_pages.router)
    app.include_router(questionnaires_api.router)
    app.include_router(therapy_api.router)
    app.include_router(progress_api.router)
    app.include_router(data_api.router)
    return app
