"""The patient's control over clinicians (issue 10 items 2 and 6): share codes, links, audit log.

Filled in by its owner."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
