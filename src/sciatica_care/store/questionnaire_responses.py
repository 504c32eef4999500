"""Scored outcome questionnaires per patient (clinical-spec.md §3: SBI, PSFS, GRC).

The score is computed by ``domain.questionnaires.score`` before it gets here; the store keeps the
answers and the total, and answers the two questions the schedule needs: when was each one last
done, and which are due today.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from sciatica_care.domain.questionnaires import Score, due_questionnaires
from sciatica_care.store import patients
from sciatica_care.store.base import utcnow
from sciatica_care.store.errors import StoreError
from sciatica_care.store.models import Patient, QuestionnaireResponse


def save(
    session: Session, patient_id: int, score: Score, day: date, *, at: datetime | None = None
) -> int:
    """Store one scored questionnaire (NPRS belongs to the check-in and is refused here)."""
    if score.total is None:
        raise StoreError(f"{score.questionnaire}: has no single score to store")
    row = QuestionnaireResponse(
        patient_id=patient_id,
        instrument=score.questionnaire,
        recorded_at=at or utcnow(),
        day=day,
        answers=dict(score.answers),
        score=score.total,
    )
    session.add(row)
    session.flush()
    return row.id


def list_for(
    session: Session, patient_id: int, instrument: str | None = None
) -> list[QuestionnaireResponse]:
    """This patient's responses (of one questionnaire, or all), oldest first."""
    query = select(QuestionnaireResponse).where(QuestionnaireResponse.patient_id == patient_id)
    if instrument is not None:
        query = query.where(QuestionnaireResponse.instrument == instrument)
    order = (QuestionnaireResponse.day, QuestionnaireResponse.recorded_at, QuestionnaireResponse.id)
    return list(session.scalars(query.order_by(*order)))


_RESPONSES = QuestionnaireResponse.__table__
_LAST_DONE = (
    select(_RESPONSES.c.instrument, func.max(_RESPONSES.c.day))
    .where(_RESPONSES.c.patient_id == bindparam("patient_id"))
    .group_by(_RESPONSES.c.instrument)
)


def last_done(session: Session, patient_id: int) -> dict[str, date]:
    """The day each questionnaire was last answered: one grouped row per questionnaire, so
    Today and the check-in cost the same after years of weekly answers (a Core statement built
    once, on the session's connection after what it holds pending is flushed)."""
    session.flush()
    rows = session.connection().execute(_LAST_DONE, {"patient_id": patient_id})
    return {instrument: _as_day(day) for instrument, day in rows}


def _as_day(value: date | str) -> date:
    """``max()`` skips the column type on SQLite: the day comes back as its text."""
    return value if isinstance(value, date) else date.fromisoformat(value)


_PATIENTS = Patient.__table__
_START_AND_LAST_DONE = (
    select(_PATIENTS.c.program_started_on, _RESPONSES.c.instrument, func.max(_RESPONSES.c.day))
    .select_from(_PATIENTS)
    .outerjoin(_RESPONSES, _RESPONSES.c.patient_id == _PATIENTS.c.id)
    .where(_PATIENTS.c.id == bindparam("patient_id"))
    .group_by(_PATIENTS.c.program_started_on, _RESPONSES.c.instrument)
)


def due(session: Session, patient_id: int, today: date) -> list[str]:
    """Questionnaire ids due today by the §3 schedule, counted from the program's start: the
    start and ``last_done`` in one Core statement (the start is set, as ``patients.program_start``
    does, the first time)."""
    session.flush()
    rows = session.connection().execute(_START_AND_LAST_DONE, {"patient_id": patient_id}).all()
    start = rows[0][0] if rows else None
    if start is None:
        start = patients.program_start(session, patient_id, today)
    done = {instrument: _as_day(day) for _, instrument, day in rows if instrument is not None}
    return due_questionnaires(start, today, done)


Ends = dict[str, tuple[QuestionnaireResponse, QuestionnaireResponse]]
"""Per questionnaire, its first and its latest response (the same row when only one)."""


@lru_cache(maxsize=1)
def _ends_query() -> Select[Any]:
    """Each response ranked from both ends (``list_for`` order), the two at the ends kept; built
    once (building it cost more than running it)."""
    r = QuestionnaireResponse
    order = [r.day, r.recorded_at, r.id]
    ranked = (
        select(
            r.id,
            func.row_number().over(partition_by=r.instrument, order_by=order).label("from_first"),
            func.row_number()
            .over(partition_by=r.instrument, order_by=[o.desc() for o in order])
            .label("from_latest"),
        )
        .where(
            r.patient_id == bindparam("patient_id"),
            r.instrument.in_(bindparam("instruments", expanding=True)),
        )
        .subquery()
    )
    return (
        select(r, ranked.c.from_first, ranked.c.from_latest)
        .join(ranked, ranked.c.id == r.id)
        .where(or_(ranked.c.from_first == 1, ranked.c.from_latest == 1))
    )


def ends(session: Session, patient_id: int, instruments: Sequence[str]) -> Ends:
    """The first and the latest response to each of ``instruments``, in one query: only the two
    at the ends are read, however many were answered between."""
    rows = session.execute(
        _ends_query(), {"patient_id": patient_id, "instruments": list(instruments)}
    )
    firsts: dict[str, QuestionnaireResponse] = {}
    latests: dict[str, QuestionnaireResponse] = {}
    for row, from_first, from_latest in rows:
        if from_first == 1:
            firsts[row.instrument] = row
        if from_latest == 1:
            latests[row.instrument] = row
    return {name: (firsts[name], latests[name]) for name in firsts if name in latests}


def counts(session: Session, patient_id: int) -> dict[str, int]:
    """How many times each questionnaire was answered (one grouped row each)."""
    r = QuestionnaireResponse
    query = (
        select(r.instrument, func.count()).where(r.patient_id == patient_id).group_by(r.instrument)
    )
    return {instrument: int(n) for instrument, n in session.execute(query)}
