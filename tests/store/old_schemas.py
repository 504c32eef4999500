"""Databases as earlier versions of the program left them: rows for each old schema revision.

``rows_at(revision)`` gives a small, realistic data set in exactly the tables and columns of that
revision (one web account with a month's diary, sessions, a stopped one, questionnaires, heat,
progression; a local CLI profile; from 0007 a clinician who follows the account). The values are
written out as an old version stored them: plain JSON and UTC times, not made by today's code.
``insert_rows`` writes them with plain INSERTs into the tables as they are in the database (reflected),
so a builder that names a column the revision does not have fails. Each revision's builder adds
what that revision added; a new migration needs a builder for the revision before it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, MetaData, insert, text

Rows = dict[str, list[dict[str, Any]]]
"""Table name → rows."""

ANN = 1
LOCAL = 2
CLINICIAN = 1
ZONE = "Europe/London"
UNFINISHED = "unfinished: saved after an exercise, the session did not reach its end"


def at(day: int, hour: int = 8, minute: int = 0) -> datetime:
    """A UTC time in November 2026."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


DAILY_NO = {f"Q{n}": "no" for n in range(1, 8)}
FULL_SCREEN = {
    **{f"Q{n}": "no" for n in range(1, 21)},
    "age": 42,
    "S2_leg": 6,
    "S2_back": 3,
    "S3": "yes",
    "S4": "no",
    "S5": "no",
    "S6": "no",
}
TILT_DOSE = {"sets": 1, "reps": 10, "hold_s": 3, "per_side": False}
KNEE_DOSE = {"sets": 1, "reps": 3, "hold_s": 20, "per_side": True}


def _entry(day: int, leg: int, back: int, calf: int, note: str | None = None) -> dict[str, Any]:
    return {
        "day": f"2026-11-{day:02d}",
        "moment": "morning",
        "leg_pain": leg,
        "back_pain": back,
        "zones": {"left": {"pain": calf, "numbness": 0}, "right": {"pain": 0, "numbness": 0}},
        "red_flags": DAILY_NO,
        "activities_impossible": False,
        "sleep_quality": "fair",
        "medication": None,
        "heat_or_cold": "none",
        "note": note,
    }


def _checkin(row_id: int, patient: int, day: int, leg: int, calf: int, **extra: Any) -> dict:
    return {
        "id": row_id,
        "patient_id": patient,
        "client_id": f"outbox-{row_id}" if patient == ANN else None,
        "recorded_at": at(day, 7, 45),
        "day": date(2026, 11, day),
        "entry": _entry(day, leg, 3, calf, **extra),
        "leg_pain": leg,
        "back_pain": 3,
        "daily_action": "SELF_CARE",
    }


def _result(
    row_id: int, session: int, position: int, exercise: str, pain: int | None, done: bool
) -> dict[str, Any]:
    dose = TILT_DOSE if exercise == "pelvic-tilt" else KNEE_DOSE
    per_side = exercise != "pelvic-tilt"
    return {
        "id": row_id,
        "session_id": session,
        "patient_id": ANN,
        "position": position,
        "exercise_id": exercise,
        "level": 2,
        "dose": dose,
        "sides_done": ["left", "right"] if per_side and done else [],
        "reps_done": 10 if not per_side and done else 0,
        "holds_done": 6 if per_side and done else 0,
        "hold_seconds": 120.0 if per_side and done else 0.0,
        "pain": pain,
        "spread_down_leg": False if pain is not None else None,
        "completed": done,
    }


def _at_0001() -> Rows:
    """The first schema: accounts, screens, sessions and their results, the diary, the rest."""
    return {
        "patients": [
            {
                "id": ANN,
                "email": "ann@example.org",
                "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
                "is_local": False,
                "created_at": at(1, 7, 0),
                "disclaimer_acknowledged_at": at(1, 7, 2),
                "program_started_on": date(2026, 11, 1),
                "settings": {"timezone": ZONE, "auto_progression": True},
            },
            {
                "id": LOCAL,
                "email": None,
                "password_hash": None,
                "is_local": True,
                "created_at": at(2, 20, 0),
                "disclaimer_acknowledged_at": None,
                "program_started_on": None,
                "settings": {},
            },
        ],
        "login_attempts": [
            {"id": 1, "email_hash": "9f" * 32, "attempted_at": at(3, 21, 5)},
        ],
        "auth_sessions": [
            {
                "id": 1,
                "patient_id": ANN,
                "token_hash": "a1" * 32,
                "csrf_token": "csrf-token-of-ann",
                "created_at": at(1, 7, 0),
                "expires_at": at(30, 7, 0),
            },
        ],
        "screenings": [
            {
                "id": 1,
                "patient_id": ANN,
                "created_at": at(1, 7, 5),
                "kind": "full",
                "answers": FULL_SCREEN,
                "result": {
                    "action": "SELF_CARE",
                    "pattern": "PATTERN_SCIATICA",
                    "reasons": [],
                    "content_version": "0.1.0",
                },
                "action": "SELF_CARE",
                "pattern": "PATTERN_SCIATICA",
                "content_version": "0.1.0",
                "acknowledged_at": None,
                "assessed_at": None,
            },
            {
                "id": 2,
                "patient_id": ANN,
                "created_at": at(2, 7, 45),
                "kind": "daily",
                "answers": DAILY_NO,
                "result": {"action": "SELF_CARE", "reasons": [], "content_version": "0.1.0"},
                "action": "SELF_CARE",
                "pattern": None,
                "content_version": "0.1.0",
                "acknowledged_at": None,
                "assessed_at": None,
            },
        ],
        "exercise_sessions": [
            {
                "id": 1,
                "patient_id": ANN,
                "client_id": "session-1",
                "started_at": at(2, 18, 0),
                "status": "completed",
                "stop_reason": None,
                "stop_note": None,
                "elapsed_s": 612.5,
            },
            {
                "id": 2,
                "patient_id": ANN,
                "client_id": "session-2",
                "started_at": at(3, 18, 0),
                "status": "stopped",
                "stop_reason": None,
                "stop_note": UNFINISHED,
                "elapsed_s": 201.0,
            },
        ],
        "exercise_results": [
            _result(1, 1, 0, "pelvic-tilt", 2, True),
            _result(2, 1, 1, "knee-to-chest", 3, True),
            _result(3, 2, 0, "pelvic-tilt", 2, True),
        ],
        "checkins": [
            _checkin(1, ANN, 2, 6, 4),
            _checkin(2, ANN, 3, 5, 4, note="Better after the walk, ünïcode ✓"),
            _checkin(3, ANN, 4, 4, 3),
            _checkin(4, LOCAL, 3, 7, 5),
        ],
        "questionnaire_responses": [
            {
                "id": 1,
                "patient_id": ANN,
                "instrument": "sbi",
                "recorded_at": at(1, 7, 10),
                "day": date(2026, 11, 1),
                "answers": {"leg_pain": 3, "numbness": 2, "weakness": 1, "sitting_pain": 3},
                "score": 9.0,
            },
        ],
        "therapy_uses": [
            {
                "id": 1,
                "patient_id": ANN,
                "kind": "heat",
                "started_at": at(2, 19, 0),
                "duration_s": 900.0,
                "detail": {"planned_minutes": 15, "skin_ok_after": True, "stop_reason": None},
            },
        ],
        "dose_decisions": [
            {
                "id": 1,
                "patient_id": ANN,
                "exercise_id": "pelvic-tilt",
                "decided_at": at(3, 8, 0),
                "decision": {
                    "exercise": "pelvic-tilt",
                    "last_result": "GREEN",
                    "action": "HOLD",
                    "next_level": 2,
                    "next_dose": {"sets": 1, "reps": 10},
                    "resume_on": None,
                    "escalation": None,
                    "reason": "Pelvic tilt stays at 10 reps for now.",
                    "requires_acceptance": False,
                    "decided_on": "2026-11-03",
                    "red_flag_screen": False,
                    "remove_exercise": False,
                    "trigger": "morning",
                },
                "action": "HOLD",
                "status": "applied",
            },
        ],
        "exercise_doses": [
            {
                "id": 1,
                "patient_id": ANN,
                "exercise_id": "pelvic-tilt",
                "level": 2,
                "dose": TILT_DOSE,
                "active": True,
                "paused_until": None,
                "reason": None,
                "updated_at": at(3, 8, 0),
            },
        ],
    }


def _to_0002(rows: Rows) -> None:
    """The pain check asks about new numbness or weakness."""
    for result in rows["exercise_results"]:
        result["new_numbness_or_weakness"] = False if result["id"] != 3 else None


def _to_0003(rows: Rows) -> None:
    """Sessions carry final, version, what was planned, when progression used them."""
    for session in rows["exercise_sessions"]:
        unfinished = session["stop_note"] == UNFINISHED
        session["final"] = not unfinished
        session["version"] = 3 if unfinished else 7
        session["planned_exercises"] = ["pelvic-tilt", "knee-to-chest"]
        session["progressed_at"] = None if unfinished else session["started_at"]
    for checkin in rows["checkins"]:
        checkin["progressed_at"] = checkin["recorded_at"]


def _to_0004(rows: Rows) -> None:
    """Recovery codes."""
    for patient in rows["patients"]:
        patient["recovery_code_hash"] = (
            "$argon2id$v=19$m=65536,t=3,p=4$cmVjb3Zlcnk$Y29kZWhhc2g"
            if patient["id"] == ANN
            else None
        )


def _to_0005(rows: Rows) -> None:
    """Public ids of patients (the installation row is made by the migration itself)."""
    for patient in rows["patients"]:
        patient["public_id"] = f"7c0f6a52-0d6b-4b8e-9a53-00000000000{patient['id']}"


def _to_0006(rows: Rows) -> None:
    """ "Give me the easier version" per exercise result."""
    for result in rows["exercise_results"]:
        result["asked_easier"] = result["id"] == 2


def _to_0007(rows: Rows) -> None:
    """A clinician following Ann: link, audit, prescription version, custom exercise, alert."""
    rows["clinicians"] = [
        {
            "id": CLINICIAN,
            "public_id": "2b7e1516-28ae-4d2a-abf7-158809cf4f3c",
            "email": "dr.lee@clinic.example",
            "display_name": "Dr Lee",
            "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$Y2xpbmljaWFu$aGFzaA",
            "setup_token_hash": None,
            "setup_expires_at": None,
            "created_at": at(1, 9, 0),
        }
    ]
    rows["auth_sessions"][0]["clinician_id"] = None
    rows["auth_sessions"].append(
        {
            "id": 2,
            "patient_id": None,
            "clinician_id": CLINICIAN,
            "token_hash": "c1" * 32,
            "csrf_token": "csrf-token-of-dr-lee",
            "created_at": at(4, 9, 0),
            "expires_at": at(30, 9, 0),
        }
    )
    rows["share_codes"] = [
        {
            "id": 1,
            "patient_id": ANN,
            "code_hash": "5c" * 32,
            "created_at": at(3, 10, 0),
            "expires_at": at(4, 10, 0),
            "used_at": at(3, 10, 30),
        }
    ]
    rows["care_links"] = [
        {
            "id": 1,
            "patient_id": ANN,
            "clinician_id": CLINICIAN,
            "linked_at": at(3, 10, 30),
            "ended_at": None,
        }
    ]
    rows["audit_events"] = [
        {
            "id": 1,
            "patient_id": ANN,
            "clinician_id": CLINICIAN,
            "clinician_name": "Dr Lee",
            "at": at(3, 10, 31),
            "action": "link",
            "what": "linked to you with your share code",
        }
    ]
    rows["program_changes"] = [
        {
            "id": 1,
            "patient_id": ANN,
            "clinician_id": CLINICIAN,
            "clinician_name": "Dr Lee",
            "changed_at": at(3, 11, 0),
            "changes": [
                {
                    "field": "dose",
                    "exercise": "pelvic-tilt",
                    "before": "10 reps",
                    "after": "8 reps",
                    "sentence": "Pelvic tilt: 8 reps instead of 10.",
                }
            ],
            "prescription": {"exercises": {"pelvic-tilt": {"level": 2, "dose": TILT_DOSE}}},
            "reason": "Flare-up last week",
            "note": "Go gently this week.",
        }
    ]
    rows["custom_exercises"] = [
        {
            "id": 1,
            "patient_id": ANN,
            "key": "custom-3f9a2c",
            "name": "Walk in the park",
            "instructions": "Walk at an easy pace on level ground.",
            "steps": ["Warm up for two minutes.", "Walk for ten minutes."],
            "dose": {"sets": 1, "reps": 1, "hold_s": 0, "per_side": False},
            "active": True,
            "created_at": at(3, 11, 0),
        }
    ]
    rows["alerts_seen"] = [
        {
            "id": 1,
            "patient_id": ANN,
            "clinician_id": CLINICIAN,
            "alert_key": "pain-rising:2026-11-03",
            "seen_at": at(4, 9, 5),
        }
    ]


def _to_0008(rows: Rows) -> None:
    """The clinician dashboard's derived summary of each patient."""
    rows["caseload_summaries"] = [
        {
            "patient_id": ANN,
            "timezone": ZONE,
            "covers_from": date(2026, 10, 1),
            "days": {"2026-11-04": {"leg": 4, "sessions": 0}},
            "last_checkin_day": date(2026, 11, 4),
            "last_session_at": at(3, 18, 0),
            "stale": True,
            "updated_at": at(4, 8, 0),
        }
    ]


def _to_0009(rows: Rows) -> None:
    """The summary's shape, events and last activity as columns (a summary of the old shape)."""
    rows["caseload_summaries"][0] |= {"shape": 0, "has_events": True, "last_activity": None}


CHANGES: dict[str, Callable[[Rows], None]] = {
    "0002": _to_0002,
    "0003": _to_0003,
    "0004": _to_0004,
    "0005": _to_0005,
    "0006": _to_0006,
    "0007": _to_0007,
    "0008": _to_0008,
    "0009": _to_0009,
}
FIRST = "0001"


def rows_at(revision: str) -> Rows:
    """The data set in the shape of schema ``revision`` (KeyError: no builder for it yet)."""
    if revision != FIRST and revision not in CHANGES:
        raise KeyError(f"tests/store/old_schemas.py has no rows for schema {revision}")
    rows = copy.deepcopy(_at_0001())
    for step, change in CHANGES.items():
        if step > revision:
            break
        change(rows)
    return rows


def insert_rows(engine: Engine, rows: Rows) -> None:
    """Plain INSERTs into the tables as the database has them, parents first; PostgreSQL's id
    sequences are moved past the ids given, as a real database's would be."""
    metadata = MetaData()
    with engine.begin() as connection:
        metadata.reflect(connection)
        for table in metadata.sorted_tables:
            for row in rows.get(table.name, []):
                unknown = set(row) - set(table.c.keys())
                assert not unknown, f"{table.name} has no columns {unknown} at this revision"
                connection.execute(insert(table).values(row))
            if connection.dialect.name == "postgresql" and "id" in table.c:
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), MAX(id)) "
                        f"FROM {table.name} HAVING MAX(id) IS NOT NULL"
                    )
                )
        missing = set(rows) - set(metadata.tables)
        assert not missing, f"no tables {missing} at this revision"
