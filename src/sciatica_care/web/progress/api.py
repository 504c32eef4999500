"""Progress over JSON: ``GET /api/progress`` (the chart's data, the summary, zone trends, wins)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response

from sciatica_care.services import view_cache
from sciatica_care.services.context import PatientContext
from sciatica_care.services.progress import view_progress
from sciatica_care.web.context import current_context

router = APIRouter(prefix="/api", tags=["progress"])


@router.get("/progress", response_model=dict[str, Any])
def progress(
    days: int = Query(30, ge=1, le=366),
    ctx: PatientContext = Depends(current_context),
) -> Response:
    """The last ``days`` days: morning pain, zones, sessions, dose changes, flare-ups, the
    change since the start in words (clinical-spec.md §3 thresholds, §6 zone trends), and the
    wins My progress shows first (this program week's sessions and minutes, PSFS activities).
    The JSON is kept until the patient's data changes (``services.view_cache``)."""
    body = view_cache.remember(ctx, "api/progress", lambda: _progress(ctx, days), days)
    return Response(body, media_type="application/json")


def _progress(ctx: PatientContext, days: int) -> bytes:
    shown = view_progress(ctx, days)
    answer = {
        "today": shown.today.isoformat(),
        "days": shown.days,
        "series": shown.series.model_dump(mode="json"),
        "summary": shown.summary,
        "zone_signals": [s.model_dump(mode="json") for s in shown.signals],
        "wins": asdict(shown.wins),
    }
    return bytes(JSONResponse(jsonable_encoder(answer)).body)
