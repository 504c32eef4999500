"""Clinician feature: prescribe (issue 10). Filled in by its owner."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
