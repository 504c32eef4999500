"""Live reads behind a clinician's caseload (issue 10 items 4–5) that no summary holds.

The dashboard reads one derived summary row per patient (``store.caseload_summaries``); what
must be current to the minute is read here, scoped to the clinician's active care links, in one
indexed statement each: open red-flag answers (clinical-spec.md §1, until the patient records
being assessed) and the alerts this clinician marked seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from sciatica_care.store.models import AlertSeen, CareLink, Screening

URGENT_ACTIONS = ("EMERGENCY_NOW", "URGENT_24_48H")
"""clinical-spec.md §1 actions that open a red-flag concern until the patient is assessed."""


def _linked(clinician_id: int) -> ColumnElement[bool]:
    return and_(CareLink.clinician_id == clinician_id, CareLink.ended_at.is_(None))


def _scoped(column: Any, clinician_id: int, patient_ids: Sequence[int] | None) -> Any:
    """``column`` (a patient id) limited to the clinician's linked patients (and ``patient_ids``)."""
    linked = select(CareLink.patient_id).where(_linked(clinician_id))
    condition = column.in_(linked)
    if patient_ids is not None:
        condition = and_(condition, column.in_(list(patient_ids)))
    return condition


@dataclass(frozen=True)
class OpenRedFlag:
    patient_id: int
    screening_id: int
    action: str
    created_at: datetime


def open_red_flags(
    session: Session, clinician_id: int, patient_ids: Sequence[int] | None = None
) -> list[OpenRedFlag]:
    """Screens (full, daily, re-check) whose action is EMERGENCY_NOW or URGENT_24_48H and that the
    patient has not yet recorded as assessed (the program gate's lock and hold), oldest first."""
    query = (
        select(Screening.patient_id, Screening.id, Screening.action, Screening.created_at)
        .where(
            _scoped(Screening.patient_id, clinician_id, patient_ids),
            Screening.assessed_at.is_(None),
            Screening.action.in_(URGENT_ACTIONS),
        )
        .order_by(Screening.created_at, Screening.id)
    )
    return [OpenRedFlag(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class ScreenAnswers:
    id: int
    kind: str
    answers: dict[str, Any]
    result: dict[str, Any]


def screen_answers(session: Session, screening_ids: Sequence[int]) -> list[ScreenAnswers]:
    """The kind, answers and result of these screens (by primary key), to name the answer that
    raised a red flag."""
    if not screening_ids:
        return []
    query = select(Screening.id, Screening.kind, Screening.answers, Screening.result).where(
        Screening.id.in_(list(screening_ids))
    )
    return [
        ScreenAnswers(sid, kind, answers or {}, result or {})
        for sid, kind, answers, result in session.execute(query)
    ]


def seen_alerts(
    session: Session, clinician_id: int, patient_ids: Sequence[int] | None = None
) -> set[tuple[int, str]]:
    """(patient id, alert key) of every alert this clinician marked seen."""
    query = select(AlertSeen.patient_id, AlertSeen.alert_key).where(
        AlertSeen.clinician_id == clinician_id
    )
    if patient_ids is not None:
        query = query.where(AlertSeen.patient_id.in_(list(patient_ids)))
    return {(pid, key) for pid, key in session.execute(query)}


def mark_seen(
    session: Session, clinician_id: int, patient_id: int, alert_key: str, at: datetime
) -> bool:
    """Record the alert as seen; False when it already was."""
    query = select(AlertSeen.id).where(
        AlertSeen.clinician_id == clinician_id,
        AlertSeen.patient_id == patient_id,
        AlertSeen.alert_key == alert_key,
    )
    if session.scalar(query) is not None:
        return False
    session.add(
        AlertSeen(clinician_id=clinician_id, patient_id=patient_id, alert_key=alert_key, seen_at=at)
    )
    session.flush()
    return True
