"""Saved screens (clinical-spec.md §1, §8.1–8.2) with answers, result and acknowledgement."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session, aliased

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


@dataclass(frozen=True, slots=True)
class ScreenFacts:
    """A stored screen as plain values (every column the program gate reads or shows)."""

    id: int
    kind: str
    action: str
    pattern: str | None
    answers: dict[str, Any]
    result: dict[str, Any]
    created_at: datetime
    acknowledged_at: datetime | None
    assessed_at: datetime | None


def _newest_of(kinds: str) -> Any:
    """The id of the patient's newest screen of the kinds bound as ``kinds`` (None: none)."""
    newest = aliased(Screening)
    return (
        select(newest.id)
        .where(
            newest.patient_id == bindparam("patient_id"),
            newest.kind.in_(bindparam(kinds, expanding=True)),
        )
        .order_by(newest.created_at.desc(), newest.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _gate_query() -> Select[Any]:
    return (
        select(
            Screening.id,
            Screening.kind,
            Screening.action,
            Screening.pattern,
            Screening.answers,
            Screening.result,
            Screening.created_at,
            Screening.acknowledged_at,
            Screening.assessed_at,
        )
        .where(
            Screening.patient_id == bindparam("patient_id"),
            or_(
                and_(
                    Screening.assessed_at.is_(None),
                    Screening.action.in_(bindparam("held_actions", expanding=True)),
                ),
                Screening.id == _newest_of("screen_kinds"),
                Screening.id == _newest_of("recheck_kinds"),
            ),
        )
        .order_by(Screening.created_at, Screening.id)
    )


_GATE = _gate_query()


def for_gate(
    session: Session,
    patient_id: int,
    *,
    held_actions: Collection[str],
    screen_kinds: Collection[str],
    recheck_kinds: Collection[str],
) -> list[ScreenFacts]:
    """The screens the program gate reads, oldest first as ``list_for``: every one with an action
    in ``held_actions`` not yet assessed, the newest of ``screen_kinds`` and the newest of
    ``recheck_kinds``. One Core statement of the few rows that decide, however many weekly and
    daily screens the patient has answered; the caller names the actions and kinds (its rules)."""
    params = {
        "patient_id": patient_id,
        "held_actions": list(held_actions),
        "screen_kinds": list(screen_kinds),
        "recheck_kinds": list(recheck_kinds),
    }
    session.flush()  # a Core read on the session's connection: what it holds pending first
    return [ScreenFacts(*row) for row in session.connection().execute(_GATE, params)]


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
