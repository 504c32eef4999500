"""Export and import of everything one patient has stored (their data is theirs to take away).

The export is a versioned JSON document with one list per table, surrogate ids left out and a
session's results nested in it, so it can be restored into any database, SQLite or PostgreSQL.
Import replaces the patient's data in one transaction: it either all lands or nothing changes.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

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

FORMAT = "sciatica-care-export"
FORMAT_VERSION = 1

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


def import_patient(session: Session, patient_id: int, document: dict[str, Any]) -> dict[str, int]:
    """Replace this patient's data with ``document``; returns how many rows each table received."""
    if document.get("format") != FORMAT or document.get("version") != FORMAT_VERSION:
        raise StoreError("not a Sciatica Care export (format or version does not match)")
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise StoreError(f"no patient {patient_id}")
    counts: dict[str, int] = {}
    try:
        for model in TABLES.values():
            session.execute(delete(model).where(model.patient_id == patient_id))  # type: ignore[attr-defined]
        profile = document.get("profile", {})
        patient.settings = profile.get("settings") or {}
        started = profile.get("program_started_on")
        patient.program_started_on = date.fromisoformat(started) if started else None
        for name, model in TABLES.items():
            rows = document.get(name, [])
            for data in rows:
                obj = model(patient_id=patient_id, **_parse(model, data))
                if isinstance(obj, ExerciseSession):
                    obj.items = [
                        ExerciseResult(patient_id=patient_id, **_parse(ExerciseResult, item))
                        for item in data.get("items", [])
                    ]
                session.add(obj)
            counts[name] = len(rows)
        session.flush()
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise StoreError(f"the export file is damaged: {exc}") from exc
    return counts


def export_csv(document: dict[str, Any]) -> dict[str, str]:
    """One CSV text per table (nested session results get their own file), for spreadsheets."""
    files: dict[str, str] = {}
    tables = {name: document[name] for name in TABLES}
    tables["exercise_results"] = [
        {"session_started_at": s["started_at"], **item}
        for s in document["exercise_sessions"]
        for item in s.get("items", [])
    ]
    for name, rows in tables.items():
        flat = [{k: v for k, v in row.items() if k != "items"} for row in rows]
        buffer = io.StringIO()
        fields = sorted({key for row in flat for key in row})
        writer = csv.DictWriter(buffer, fieldnames=fields)
        writer.writeheader()
        for row in flat:
            writer.writerow(
                {
                    k: (json.dumps(v, sort_keys=True) if isinstance(v, dict | list) else v)
                    for k, v in row.items()
                }
            )
        files[f"{name}.csv"] = buffer.getvalue()
    return files
