"""Saved screens (clinical-spec.md §1, §8.1–8.2) with answers, result and acknowledgement."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from sciatica_care.store.base import utcnow
from sciatica_care.store.errors import StoreError
from sciatica_care.store.models import Screening


class ResultLike(Protocol):
    """What the store needs of a domain screening result (its §8.2 JSON form)."""

    def model_dump(self, *, mode: str = ...) -> dict[str, Any]: ...


def save(
    session: Session,
    patient_id: int,
    answers: dict[str, Any],
    result: ResultLike,
    acknowledged: bool = False,
    kind: str = "full",
    at: datetime | None = None,
) -> int:
    """Store one screen; ``acknowledged`` records that the user confirmed an emergency screen."""
    data = result.model_dump(mode="json")
    now = at or utcnow()
    row = Screening(
        patient_id=patient_id,
        created_at=now,
        kind=kind,
        answers=answers,
        result=data,
        action=data["action"],
        pattern=data.get("pattern"),
        content_version=str(data.get("content_version", "")),
        acknowledged_at=now if acknowledged else None,
    )
    session.add(row)
    session.flush()
    return row.id


def latest(session: Session, patient_id: int, kind: str | None = "full") -> Screening | None:
    """The most recent screen of this patient (of ``kind``, or any kind when None)."""
    query = select(Screening).where(Screening.patient_id == patient_id)
    if kind is not None:
        query = query.where(Screening.kind == kind)
    return session.scalars(query.order_by(Screening.created_at.desc(), Screening.id.desc())).first()


def list_for(session: Session, patient_id: int) -> list[Screening]:
    query = select(Screening).where(Screening.patient_id == patient_id)
    return list(session.scalars(query.order_by(Screening.created_at, Screening.id)))


def acknowledge(session: Session, patient_id: int, screening_id: int, assessed: bool) -> Screening:
    """Record that the user read an emergency screen and, if so, that a clinician assessed them.

    clinical-spec.md §1: emergency screens need explicit acknowledgement and reappear at next launch
    until the person says they have been assessed.
    """
    row = session.get(Screening, screening_id)
    if row is None or row.patient_id != patient_id:
        raise StoreError(f"no screening {screening_id}")
    now = utcnow()
    row.acknowledged_at = row.acknowledged_at or now
    if assessed:
        row.assessed_at = now
    return row


def mark_assessed(session: Session, patient_id: int, screening_id: int) -> None:
    """Record that a clinician has seen the person about this screen's answers."""
    row = session.get(Screening, screening_id)
    if row is None or row.patient_id != patient_id:
        raise StoreError(f"no screening {screening_id}")
    row.assessed_at = row.assessed_at or utcnow()
