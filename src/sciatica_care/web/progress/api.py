"""Progress over JSON: ``GET /api/progress`` (the chart's data, the summary, zone trends, wins)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Query

from sciatica_care.services.context import PatientContext
from sciatica_care.services.progress import view_progress
from sciatica_care.web.context import current_context

router = APIRouter(prefix="/api", tags=["progress"])


@router.get("/progress")
def progress(
    days: int = Query(30, ge=1, le=366),
    ctx: PatientContext = Depends(current_context),
) -> dict[str, Any]:
    """The last ``days`` days: morning pain, zones, sessions, dose changes, flare-ups, the
    change since the start in words (clinical-spec.md §3 thresholds, §6 zone trends), and the
    wins My progress shows first (this program week's sessions and minutes, PSFS activities)."""
    shown = view_progress(ctx, days)
    return {
        "today": shown.today.isoformat(),
        "days": shown.days,
        "series": shown.series.model_dump(mode="json"),
        "summary": shown.summary,
        "zone_signals": [s.model_dump(mode="json") for s in shown.signals],
        "wins": asdict(shown.wins),
    }
