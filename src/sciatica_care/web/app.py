"""Building the FastAPI application: database, templates, static files and routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from sciatica_care import __version__
from sciatica_care.config import Settings, get_settings
from sciatica_care.store.database import open_database
from sciatica_care.web import pages

STATIC_DIR = Path(__file__).with_name("static")


def create_app(settings: Settings | None = None) -> FastAPI:
    """An app bound to one database; the database is opened (and migrated) on start-up."""
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
    )
    app.state.settings = settings
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(pages.router)
    return app
