"""The JSON API under ``/api`` (OpenAPI at ``/api/openapi.json``): one module per resource."""

from __future__ import annotations

from fastapi import APIRouter

from sciatica_care.web.api import accounts

router = APIRouter(prefix="/api")
router.include_router(accounts.router)

__all__ = ["router"]
