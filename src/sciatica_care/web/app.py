"""Building the FastAPI application: database, templates, static files, routers, security.

``require_csrf`` is an app-wide dependency, so every route added later is CSRF-checked without
having to remember it; error handlers give JSON under /api and pages in the layout elsewhere.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from sciatica_care import __version__
from sciatica_care.config import Settings, get_settings
from sciatica_care.reports import charts
from sciatica_care.services import view_cache
from sciatica_care.store.database import open_database
from sciatica_care.web import home, pwa
from sciatica_care.web.account import api as account_api
from sciatica_care.web.account import pages as account_pages
from sciatica_care.web.account import settings as account_settings
from sciatica_care.web.account import sharing as account_sharing
from sciatica_care.web.api_docs import install_api_docs
from sciatica_care.web.api_responses import document_shared_errors
from sciatica_care.web.clinician import caseload as clinician_caseload
from sciatica_care.web.clinician import fhir as clinician_fhir
from sciatica_care.web.clinician import link as clinician_link
from sciatica_care.web.clinician import patient as clinician_patient
from sciatica_care.web.clinician import prescribe as clinician_prescribe
from sciatica_care.web.clinician import setup as clinician_setup
from sciatica_care.web.data import api as data_api
from sciatica_care.web.data import pages as data_pages
from sciatica_care.web.diary import api as diary_api
from sciatica_care.web.diary import pages as diary_pages
from sciatica_care.web.errors import install_error_handlers
from sciatica_care.web.hardening import BodyLimit, SecurityHeaders
from sciatica_care.web.learn import pages as learn_pages
from sciatica_care.web.program import api as program_api
from sciatica_care.web.program import pages as program_pages
from sciatica_care.web.progress import api as progress_api
from sciatica_care.web.progress import pages as progress_pages
from sciatica_care.web.questionnaires import api as questionnaires_api
from sciatica_care.web.questionnaires import pages as questionnaire_pages
from sciatica_care.web.screening import api as screening_api
from sciatica_care.web.screening import pages as screening_pages
from sciatica_care.web.security import require_csrf
from sciatica_care.web.session import api as session_api
from sciatica_care.web.session import motion_api
from sciatica_care.web.session import pages as session_pages
from sciatica_care.web.therapy import api as therapy_api
from sciatica_care.web.therapy import pages as therapy_pages

STATIC_DIR = Path(__file__).with_name("static")
ROUTERS: tuple[APIRouter, ...] = (
    program_pages.router,
    program_api.router,
    progress_pages.router,
    progress_api.router,
    diary_pages.router,
    diary_api.router,
    session_api.router,
    account_api.router,
    home.router,
    account_pages.router,
    account_settings.router,
    screening_pages.router,
    session_pages.router,
    learn_pages.router,
    screening_api.router,
    pwa.router,
    questionnaire_pages.router,
    therapy_pages.router,
    data_pages.router,
    questionnaires_api.router,
    therapy_api.router,
    data_api.router,
    account_sharing.router,
    clinician_caseload.router,
    clinician_link.router,
    clinician_setup.router,
    clinician_patient.router,
    clinician_prescribe.router,
    clinician_fhir.router,
    motion_api.router,
)
"""Every feature's routes (pages and ``/api``), in the order they are matched: the pages and
API reads a patient asks for most come first, since every request walks the list until its
route (no two routes answer the same path: tests/web/test_route_order.py)."""


def create_app(settings: Settings | None = None) -> FastAPI:
    """An app bound to one database; the database is opened (and migrated) on start-up.

    Without ``SCIATICA_SECRET_KEY`` a random key signs flash messages: fine for one process; set
    the key when several processes serve the same site (README "Clinic install"). A clinic's
    database is not migrated here (``Settings.migrates_on_start``): start-up refuses an old schema.
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = open_database(settings)
        view_cache.enable(app.state.db, settings.view_cache_entries)
        charts.converter.use_worker()  # charts drawn beside the server, not in it
        yield
        app.state.db.dispose()

    app = FastAPI(
        title="Sciatica Care",
        version=__version__,
        lifespan=lifespan,
        openapi_url="/api/openapi.json",
        docs_url=None,  # web/api_docs.py serves its own, without a CDN
        redoc_url=None,
        dependencies=[Depends(require_csrf)],
    )
    app.state.settings = settings
    app.state.secret_key = settings.secret_key or secrets.token_urlsafe(32)
    app.include_router(
        motion_api.assets_router
    )  # before the /static mount, which would answer first
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_error_handlers(app)
    install_api_docs(app)
    for router in ROUTERS:
        app.include_router(router)
    document_shared_errors(app)
    app.add_middleware(BodyLimit)
    if settings.trusted_proxies:
        # Behind a TLS proxy: believe its X-Forwarded-Proto/For, so the scheme is https and the
        # session cookies are Secure (web/security.py), and the client address is the person's.
        app.add_middleware(
            ProxyHeadersMiddleware,
            trusted_hosts=[h.strip() for h in settings.trusted_proxies.split(",")],
        )
    app.add_middleware(SecurityHeaders)  # outermost: every answer gets the headers, 413 too
    return app
