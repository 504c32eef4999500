"""Progress over JSON: ``GET /api/progress`` (the chart's data, the summary and zone trends)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from sciatica_care.web.progress.pages import load_progress
from sciatica_care.web.security import SignedIn, current_patient, database

router = APIRouter(prefix="/api", tags=["progress"])


@router.get("/progress")
def progress(
    request: Request,
    days: int = Query(30, ge=1, le=366),
    caller: SignedIn = Depends(current_patient),
) -> dict[str, Any]:
    """The last ``days`` days: morning pain, zones, sessions, dose changes, flare-ups, and the
    change since the start in words (clinical-spec.md §3 thresholds, §6 zone trends)."""
    shown = load_progress(database(request), caller.patient_id, days)
    return {
        "today": shown.today.isoformat(),
        "days": shown.days,
        "series": shown.series.model_dump(mode="json"),
        "summary": shown.summary,
        "zone_signals": [s.model_dump(mode="json") for s in shown.signals],
    }
