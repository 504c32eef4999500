"""A small clinic for caseload tests, built through the services with a fixed clock in London.

Four vignettes (issue 10 items 4–5): Uma answers a daily red-flag question that needs a doctor
within 48 h (URGENT), Reg stops two sessions RED in a week, Pia's leg pain reaches further down
for three days (§6 peripheralising), Cal is calm and does his exercises.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sciatica_care.content.exercises import exercise_library
from sciatica_care.domain import diary
from sciatica_care.domain.body_map import BodyMap, LegZones
from sciatica_care.domain.session import ExerciseResult, SessionRecord, SessionStatus, StopReason
from sciatica_care.services import accounts, checkins, screening, sessions
from sciatica_care.services.context import PatientContext, patient_context
from sciatica_care.services.permissions import Actor
from sciatica_care.store import patients
from sciatica_care.store.database import Database
from tests.web.clinic import create_clinician, link
from tests.web.safety_check import calm_answers, calm_recheck

ZONE = "Europe/London"
NOW = datetime(2026, 3, 18, 14, 0, tzinfo=UTC)
"""A Wednesday afternoon in London (GMT): today is 18 March for every patient."""
TODAY = date(2026, 3, 18)
NO_FLAGS = {f"Q{n}": "no" for n in range(1, 8)}


def patient(db: Database, email: str, clinician_id: int | None, zone: str = ZONE) -> int:
    """A signed-up patient in ``zone`` with a calm full safety check a month ago, linked to
    ``clinician_id`` (through a share code) when given."""
    pid = accounts.sign_up(db, email, "correct horse battery", timezone=zone).patient_id
    screening.submit_screen(at(db, pid, NOW - timedelta(days=30)), calm_answers())
    if clinician_id is not None:
        link(db, pid, clinician_id)
    return pid


def at(db: Database, patient_id: int, moment: datetime) -> PatientContext:
    """The patient acting on their own data at ``moment``."""
    return patient_context(db, Actor.patient(patient_id), patient_id, now_fn=lambda: moment)


def check_in(
    db: Database,
    patient_id: int,
    day: date,
    *,
    leg: int = 3,
    left_pain_zone: int = 3,
    red_flags: dict[str, Any] | None = None,
    ces_assessed: str | None = None,
    moment: datetime | None = None,
) -> None:
    entry = diary.CheckIn(
        day=day,
        leg_pain=leg,
        back_pain=2,
        zones=BodyMap(left=LegZones(pain=left_pain_zone)),
        red_flags={**NO_FLAGS, **(red_flags or {})},
    )
    when = moment or datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=8)
    checkins.record_checkin(at(db, patient_id, when), entry, ces_assessed=ces_assessed)


def _item(exercise_id: str, pain: int | None, spread: bool | None = False) -> ExerciseResult:
    exercise = exercise_library().get(exercise_id)
    dose = exercise.level(2).dose
    return ExerciseResult(
        exercise_id=exercise.id,
        level=2,
        dose=dose,
        sides_done=[],
        reps_done=10,
        holds_done=0,
        hold_seconds=0.0,
        pain=pain,
        spread_down_leg=spread,
        completed=True,
    )


def done_session(db: Database, patient_id: int, started: datetime) -> None:
    """A completed calm session (pain 2 after each exercise)."""
    ids = [e.id for e in exercise_library().exercises]
    record = SessionRecord(
        status=SessionStatus.COMPLETED,
        elapsed_s=600.0,
        items=[_item(i, 2) for i in ids],
        planned_exercises=ids,
    )
    sessions.record_session(
        at(db, patient_id, started + timedelta(minutes=15)),
        sessions.SessionSave(record=record, started_at=started),
    )


def red_session(db: Database, patient_id: int, started: datetime) -> None:
    """A session stopped at its first exercise because pain spread down the leg (RED, §4.1),
    then the safety re-check the gate asks for before the next one (§9 ruling 5)."""
    record = SessionRecord(
        status=SessionStatus.STOPPED,
        stop_reason=StopReason.SPREAD_DOWN_LEG,
        elapsed_s=120.0,
        items=[_item("pelvic-tilt", 5, spread=True)],
        planned_exercises=["pelvic-tilt"],
    )
    ctx = at(db, patient_id, started + timedelta(minutes=5))
    sessions.record_session(ctx, sessions.SessionSave(record=record, started_at=started))
    screening.submit_recheck(at(db, patient_id, started + timedelta(hours=1)), calm_recheck())


@dataclass
class Clinic:
    clinician_id: int
    uma: int
    reg: int
    pia: int
    cal: int


def build_clinic(db: Database) -> Clinic:
    """The four vignettes, all linked to one clinician."""
    clinician_id = create_clinician(db, "sam@clinic.example", "Sam Lee, PT")
    uma = patient(db, "uma@example.org", clinician_id)
    reg = patient(db, "reg@example.org", clinician_id)
    pia = patient(db, "pia@example.org", clinician_id)
    cal = patient(db, "cal@example.org", clinician_id)

    # Uma: an URGENT daily answer (Q3 yes, already assessed by a doctor → URGENT_24_48H, §1).
    check_in(
        db,
        uma,
        TODAY,
        red_flags={"Q3": "yes"},
        ces_assessed="yes",
        moment=NOW - timedelta(hours=1),
    )
    # Reg: two RED sessions this week.
    red_session(db, reg, NOW - timedelta(days=4, hours=3))
    red_session(db, reg, NOW - timedelta(days=1, hours=3))
    # Pia: left leg pain in the buttock, then in the thigh for three days (§6).
    for offset, zone in ((3, 2), (2, 3), (1, 3), (0, 3)):
        check_in(db, pia, TODAY - timedelta(days=offset), left_pain_zone=zone)
    # Cal: calm check-ins, sessions on 3 days of this week (twice on one) and one 10 days ago.
    for offset in range(0, 28):
        leg = 6 if offset >= 21 else 3
        check_in(db, cal, TODAY - timedelta(days=offset), leg=leg, left_pain_zone=3)
    for days_ago in (0, 2, 2, 5, 10):
        done_session(db, cal, NOW - timedelta(days=days_ago, hours=4))
    return Clinic(clinician_id, uma, reg, pia, cal)


def set_per_week(db: Database, patient_id: int, per_week: int) -> None:
    with db.session() as session:
        patients.update_settings(session, patient_id, sessions_per_week=per_week)
