"""Narrow reads of a patient's program decisions: the rows a rule reads, not the whole history.

``doses.decision_rows`` returns every decision ever stored (each session adds one per exercise,
HOLD included: over a thousand a year). Today and progression each read only a few kinds of
them; these queries ask the database for just those, so a year of history costs what a month
does. The statuses and actions are the caller's words (``services.program``), passed in.
The statements are built once, with bound parameters: building one (a JSON path, an IN list)
costs more than running it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from sciatica_care.store.models import DoseDecision

_ORDER = (DoseDecision.decided_at, DoseDecision.id)
"""Oldest first, as ``doses.decision_rows``."""


@lru_cache(maxsize=1)
def _waiting_and_pauses() -> Select[Any]:
    return (
        select(DoseDecision)
        .where(
            DoseDecision.patient_id == bindparam("patient_id"),
            or_(
                DoseDecision.status == bindparam("waiting"),
                and_(
                    DoseDecision.status.in_(bindparam("changed", expanding=True)),
                    DoseDecision.action == bindparam("pause"),
                ),
            ),
        )
        .order_by(*_ORDER)
    )


def waiting_and_pauses(
    session: Session, patient_id: int, *, waiting: str, changed: Collection[str], pause: str
) -> list[DoseDecision]:
    """Decisions with status ``waiting`` (suggestions) and the ``pause`` decisions whose status
    is one of ``changed`` (what Today shows and the planned rest days), oldest first."""
    params = {"patient_id": patient_id, "waiting": waiting, "changed": list(changed)}
    return list(session.scalars(_waiting_and_pauses(), params | {"pause": pause}))


@lru_cache(maxsize=1)
def _for_progression() -> Select[Any]:
    decided_on = DoseDecision.decision["decided_on"].as_string()
    return (
        select(DoseDecision)
        .where(
            DoseDecision.patient_id == bindparam("patient_id"),
            or_(
                DoseDecision.status == bindparam("waiting"),
                and_(
                    DoseDecision.status.in_(bindparam("changed", expanding=True)),
                    DoseDecision.action != bindparam("hold"),
                ),
                decided_on >= bindparam("decided_since"),
            ),
        )
        .order_by(*_ORDER)
    )


def for_progression(
    session: Session,
    patient_id: int,
    *,
    waiting: str,
    changed: Collection[str],
    hold: str,
    decided_since: date,
) -> list[DoseDecision]:
    """What a progression decision reads, oldest first: decisions with status ``waiting`` (they
    are superseded), every one of status ``changed`` that is not ``hold`` (the last step), and
    every one decided on ``decided_since`` or later (the same-session checks)."""
    params = {"patient_id": patient_id, "waiting": waiting, "changed": list(changed)}
    params |= {"hold": hold, "decided_since": decided_since.isoformat()}
    return list(session.scalars(_for_progression(), params))
