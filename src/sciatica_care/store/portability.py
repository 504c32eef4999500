"""Export and import of everything one patient has stored (their data is theirs to take away).

The export is a versioned JSON document with one list per table, surrogate ids left out and a
session's results nested in it, so it can be restored into any database, SQLite or PostgreSQL.
Import first checks every value against the domain (``domain.portable_data``), then replaces the
patient's data in one transaction: it either all lands or nothing changes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sciatica_care.domain.portable_data import (
    FORMAT,
    FORMAT_VERSION,
    PortableDataError,
    check_document,
)
from sciatica_care.store.base import Base
from sciatica_care.store.errors import StoreError
from sciatica_care.store.models import (
    CheckIn,
    DoseDecision,
    ExerciseDose,
    ExerciseResult,
    ExerciseSession,
    Patient,
    QuestionnaireResponse,
    Screening,
    TherapyUse,
)
from sciatica_care.store.types import UTCDateTime

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "TABLES",
    "export_patient",
    "import_patient",
    "stored_counts",
    "table_columns",
]

TABLES: dict[str, type[Base]] = {
    "screenings": Screening,
    "exercise_sessions": ExerciseSession,
    "checkins": CheckIn,
    "questionnaire_responses": QuestionnaireResponse,
    "therapy_uses": TherapyUse,
    "dose_decisions": DoseDecision,
    "exercise_doses": ExerciseDose,
}
_SKIP = {"id", "patient_id", "session_id"}


def _columns(model: type[Base]) -> list[str]:
    return [c.key for c in model.__table__.columns if c.key not in _SKIP]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _row(obj: Base) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in _columns(type(obj))}


def table_columns() -> dict[str, list[str]]:
    """Each exported table's columns (a session's results as ``exercise_results``, with the time
    of their session): what a spreadsheet export lists even when a table is empty."""
    columns = {name: _columns(model) for name, model in TABLES.items()}
    columns["exercise_results"] = ["session_started_at", *_columns(ExerciseResult)]
    return columns


def export_patient(session: Session, patient_id: int) -> dict[str, Any]:
    """All of one patient's data as a JSON-ready document."""
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise StoreError(f"no patient {patient_id}")
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "profile": {
            "settings": patient.settings or {},
            "program_started_on": _plain(patient.program_started_on),
            "disclaimer_acknowledged_at": _plain(patient.disclaimer_acknowledged_at),
        },
    }
    for name, model in TABLES.items():
        rows = session.scalars(
            select(model).where(model.patient_id == patient_id).order_by(model.id)  # type: ignore[attr-defined]
        )
        document[name] = [_row(r) for r in rows]
    for saved, obj in zip(
        document["exercise_sessions"],
        session.scalars(
            select(ExerciseSession)
            .where(ExerciseSession.patient_id == patient_id)
            .order_by(ExerciseSession.id)
        ),
        strict=True,
    ):
        saved["items"] = [_row(item) for item in obj.items]
    return document


def _parse(model: type[Base], data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in model.__table__.columns:
        if column.key in _SKIP or column.key not in data:
            continue
        raw = data[column.key]
        kind = column.type.impl if isinstance(column.type, UTCDateTime) else column.type
        python_type = kind.python_type if raw is not None else None
        if python_type is datetime:
            raw = datetime.fromisoformat(raw)
        elif python_type is date:
            raw = date.fromisoformat(raw)
        values[column.key] = raw
    return values


def stored_counts(session: Session, patient_id: int) -> dict[str, int]:
    """How many rows of each table this patient has: what an import would replace."""
    counts: dict[str, int] = {}
    for name, model in TABLES.items():
        owner = model.__table__.c.patient_id
        counts[name] = session.scalar(select(func.count()).where(owner == patient_id)) or 0
    return counts


def import_patient(session: Session, patient_id: int, document: dict[str, Any]) -> dict[str, int]:
    """Replace this patient's data with ``document``; returns how many rows each table received.

    Every value is checked first (``check_document``), so a file the program could not use is
    refused with the path of the bad value before anything is deleted.
    """
    try:
        clean = check_document(document)
    except PortableDataError as exc:
        raise StoreError(str(exc)) from exc
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise StoreError(f"no patient {patient_id}")
    counts: dict[str, int] = {}
    try:
        for model in TABLES.values():
            session.execute(delete(model).where(model.patient_id == patient_id))  # type: ignore[attr-defined]
        profile = clean["profile"]
        patient.settings = profile["settings"]
        started = profile["program_started_on"]
        patient.program_started_on = date.fromisoformat(started) if started else None
        for name, model in TABLES.items():
            rows = clean[name]
            for data in rows:
                obj = model(patient_id=patient_id, **_parse(model, data))
                if isinstance(obj, ExerciseSession):
                    obj.items = [
                        ExerciseResult(patient_id=patient_id, **_parse(ExerciseResult, item))
                        for item in data["items"]
                    ]
                session.add(obj)
            counts[name] = len(rows)
        session.flush()
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise StoreError(f"the export file is damaged: {exc}") from exc
    return counts
