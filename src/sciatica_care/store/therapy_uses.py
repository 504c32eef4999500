"""Heat and cold pack uses per patient (clinical-spec.md §5), and the spacing check between them.

Each use is logged with its skin checks; the gap rule itself (≥1 h between packs, cold at most
every 2 h, heat at most 3 times a day) lives in ``domain.therapy.next_allowed_at`` and reads the
uses stored here. The answers to the contraindication questions are remembered per kind, so the
questions are asked in full before the first use, after 30 days and whenever something has
changed (``domain.therapy.answers_still_valid``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sciatica_care.domain.therapy import (
    GapCheck,
    TherapyAdvice,
    TherapyKind,
    TherapyUse,
    next_allowed_at,
)
from sciatica_care.store import patients
from sciatica_care.store.models import TherapyUse as TherapyUseRow

LOOK_BACK = timedelta(days=2)
"""Uses older than this can no longer block a new one (the longest rule is one calendar day)."""
CHECKS_KEY = "therapy_checks"


def save(
    session: Session, patient_id: int, use: TherapyUse, detail: dict[str, Any] | None = None
) -> int:
    """Log one use (``detail``: skin checks, planned minutes, why it stopped)."""
    row = TherapyUseRow(
        patient_id=patient_id,
        kind=use.kind.value,
        started_at=use.started_at,
        duration_s=use.duration_s,
        detail=dict(detail or {}),
    )
    session.add(row)
    session.flush()
    return row.id


def list_for(
    session: Session, patient_id: int, since: datetime | None = None
) -> list[TherapyUseRow]:
    """This patient's uses (started at or after ``since``), oldest first."""
    query = select(TherapyUseRow).where(TherapyUseRow.patient_id == patient_id)
    if since is not None:
        query = query.where(TherapyUseRow.started_at >= since)
    return list(session.scalars(query.order_by(TherapyUseRow.started_at, TherapyUseRow.id)))


def recent_uses(session: Session, patient_id: int, now: datetime) -> list[TherapyUse]:
    """Uses that can still affect ``now``, as domain values in the time zone of ``now``.

    The zone matters: the wait message names a clock time and "today" is the person's day.
    """
    return [
        TherapyUse(
            kind=TherapyKind(row.kind),
            started_at=row.started_at.astimezone(now.tzinfo),
            duration_s=row.duration_s,
        )
        for row in list_for(session, patient_id, since=now - LOOK_BACK)
    ]


def gap_check(session: Session, patient_id: int, kind: TherapyKind, now: datetime) -> GapCheck:
    """Whether a ``kind`` pack may go on at ``now`` (clinical-spec.md §5 frequency rules)."""
    return next_allowed_at(recent_uses(session, patient_id, now), kind, now)


def skin_problem_today(session: Session, patient_id: int, kind: TherapyKind, now: datetime) -> bool:
    """Whether a ``kind`` pack today (the day of ``now``) ended with a skin problem.

    clinical-spec.md §5: after numb, white or blistered skin the timer says not to use that kind
    again today; this is what lets the next use be refused.
    """
    return any(
        row.kind == kind.value
        and row.started_at.astimezone(now.tzinfo).date() == now.date()
        and row.detail.get("skin_ok_after") is False
        for row in list_for(session, patient_id, since=now - LOOK_BACK)
    )


def last_check(session: Session, patient_id: int, kind: TherapyKind) -> dict[str, Any] | None:
    """The remembered contraindication answers for ``kind``: day, outcome and answers."""
    checks = patients.get_settings(session, patient_id).get(CHECKS_KEY) or {}
    found = checks.get(kind.value)
    return dict(found) if isinstance(found, dict) else None


def remember_check(
    session: Session,
    patient_id: int,
    advice: TherapyAdvice,
    answers: Mapping[str, str],
    day: date,
) -> None:
    """Keep the answers and the outcome, so the next use asks only whether anything changed."""
    checks = dict(patients.get_settings(session, patient_id).get(CHECKS_KEY) or {})
    checks[advice.kind.value] = {
        "day": day.isoformat(),
        "outcome": advice.outcome,
        "answers": dict(answers),
    }
    patients.update_settings(session, patient_id, **{CHECKS_KEY: checks})
