"""Today, the guided session and the prescription card read in one transaction, a few statements.

Issue 12: ``program.view_today``, ``sessions.session_program`` and
``prescribing.recent_changes_for_patient`` each read a table once, in one unit of work when
progression has nothing waiting (nearly every read), by statements built once; the program gate
reads the screens that decide, not every daily and weekly screen. The statements and the
transactions (``begin`` on the engine) are counted for a patient with a month and one with a year
of the same diary (``benchmarks.progress_page.seed_year``): equal, and few. The answers are
checked too, so the counts are not those of an error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.progress_page import seed_year
from sqlalchemy import event

from sciatica_care.content.exercises import Dose, exercise_library
from sciatica_care.domain.prescription import CustomPrescription
from sciatica_care.domain.screening import screen, screen_daily, screen_so_far
from sciatica_care.domain.session import ExerciseResult, SessionRecord, SessionStatus
from sciatica_care.services import prescribing, program, sessions
from sciatica_care.services.clock import Clock
from sciatica_care.services.context import PatientContext, patient_context
from sciatica_care.services.gate import GateState, gate_reads
from sciatica_care.services.permissions import Actor
from sciatica_care.store import exercise_sessions, screenings
from sciatica_care.store.database import Database
from sciatica_care.store.models import Patient
from tests.data_answers import SELF_CARE_ANSWERS
from tests.web.clinic import create_clinician, link

NOW = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)
ZONE = "Europe/Berlin"
"""Noon in Berlin: the patient's today is the same day whatever the hour the test runs."""
CLOCK = Clock(ZoneInfo(ZONE), lambda: NOW)
TODAY = CLOCK.today()
GLIDE = CustomPrescription(
    name="Sciatic nerve glide",
    instructions="Sit tall on a chair and slowly straighten one knee, then bend it again.",
    steps=["Sit tall, hands on your thighs.", "Straighten the knee slowly."],
    dose=Dose(sets=1, reps=3, hold_s=0, per_side=True),
)


class Reads:
    """The statements and the transactions an engine sees while it is listened to."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.statements = 0
        self.transactions = 0

    def _statement(self, *_: Any) -> None:
        self.statements += 1

    def _begin(self, *_: Any) -> None:
        self.transactions += 1

    def __enter__(self) -> Reads:
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "begin", self._begin)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "begin", self._begin)

    @property
    def counts(self) -> tuple[int, int]:
        return self.statements, self.transactions


def _patient(database: Database, days: int, email: str) -> PatientContext:
    """A patient in Berlin, screened calm a day ago, with ``days`` of diary and sessions."""
    with database.session() as s:
        patient = Patient(email=email, settings={"timezone": ZONE})
        s.add(patient)
        s.flush()
        pid = patient.id
        answers = SELF_CARE_ANSWERS
        screenings.save(s, pid, answers, screen(answers), at=NOW - timedelta(days=1))
        seed_year(s, pid, TODAY, days=days)
    return PatientContext(database, Actor.patient(pid), pid, CLOCK)


def _counted(ctx: PatientContext, use_case: Callable[[PatientContext], object]) -> tuple[int, int]:
    """(statements, transactions) of one call of ``use_case``, after one to warm up."""
    use_case(ctx)
    with Reads(ctx.db.engine) as reads:
        use_case(ctx)
    return reads.counts


def test_today_the_session_and_the_prescription_read_once_in_one_transaction(
    database: Database,
) -> None:
    counts = {}
    for days in (30, 365):
        ctx = _patient(database, days, f"days{days}@example.org")
        counts[days] = {
            "today": _counted(ctx, program.view_today),
            "session": _counted(ctx, sessions.session_program),
            "prescription": _counted(ctx, prescribing.recent_changes_for_patient),
        }
        view = program.view_today(ctx)
        assert view.program is not None and view.habit is not None
        assert [item.exercise.id for item in view.program.items] == [
            exercise.id for exercise in exercise_library().exercises
        ]
        assert view.habit.done_today is not None and view.habit.streak >= 1
        assert view.update is not None and view.update.decisions == []
        planned = sessions.session_program(ctx).planned
        assert [p.exercise_id for p in planned] == [e.id for e in exercise_library().exercises]

    assert counts[30] == counts[365]
    most = {"today": 8, "session": 6, "prescription": 2}
    for name, (statements, transactions) in counts[365].items():
        assert (statements <= most[name], transactions) == (True, 1), (name, statements)


def test_a_clinicians_custom_exercise_is_read_in_the_same_transaction(database: Database) -> None:
    ctx = _patient(database, 30, "glide@example.org")
    clinician_id = create_clinician(database, "sam@clinic.example", "Sam Lee, PT")
    link(database, ctx.patient_id, clinician_id)
    as_clinician = patient_context(
        database, Actor.clinician(clinician_id), ctx.patient_id, lambda: NOW
    )
    current = prescribing.current_prescription(as_clinician)
    new = current.prescription.model_copy(
        update={"custom_exercises": [GLIDE], "note": "Glides for the leg"}
    )
    prescribing.prescribe(as_clinician, new, "Nerve glides", current.version)

    today, card = sessions.session_program_and(
        ctx, lambda reads: prescribing.recent_changes_in(reads.session, ctx, reads.customs)
    )

    assert [p.exercise_id for p in today.planned][-1] == next(iter(today.customs))
    assert today.customs[next(iter(today.customs))].name == GLIDE.name
    assert card == prescribing.recent_changes_for_patient(ctx)
    assert (card.prescribed_by, card.note) == ("Sam Lee, PT", "Glides for the leg")
    assert [change.version for change in card.changes] == [1]
    assert [custom.name for custom in card.custom_exercises] == [GLIDE.name]
    statements, transactions = _counted(ctx, sessions.session_program)
    assert statements <= 8 and transactions == 1
    statements, transactions = _counted(ctx, prescribing.recent_changes_for_patient)
    assert statements <= 3 and transactions == 1


def _pelvic_tilts() -> SessionRecord:
    """A finished session of pelvic tilts with a calm pain check."""
    exercise = exercise_library().get("pelvic-tilt")
    dose = exercise.level(2).dose
    item = ExerciseResult(
        exercise_id=exercise.id,
        level=2,
        dose=dose,
        sides_done=[],
        reps_done=dose.reps,
        holds_done=0,
        hold_seconds=0.0,
        pain=2,
        spread_down_leg=False,
        completed=True,
    )
    return SessionRecord(status=SessionStatus.COMPLETED, elapsed_s=300.0, items=[item])


def test_a_session_progression_has_not_used_is_caught_up_first_in_its_own_transaction(
    database: Database,
) -> None:
    ctx = _patient(database, 30, "waiting@example.org")
    started = NOW - timedelta(hours=1)
    with database.session() as s:
        exercise_sessions.save(s, ctx.patient_id, _pelvic_tilts(), started)

    with Reads(database.engine) as reads:
        view = program.view_today(ctx)

    assert view.update is not None
    assert [d.exercise_id for d in view.update.decisions] == ["pelvic-tilt"]
    assert reads.transactions == 3  # the look-up, the catch-up, the reads after it
    again = program.view_today(ctx)
    assert again.update is not None and again.update.decisions == []
    assert again.program == view.program


def _daily(ctx: PatientContext, answers: dict[str, str], at: datetime) -> int:
    with ctx.db.session() as s:
        return screenings.save(
            s, ctx.patient_id, answers, screen_daily(answers), kind="daily", at=at
        )


def test_the_gate_reads_only_the_screens_that_decide_among_months_of_them(
    database: Database,
) -> None:
    with database.session() as s:
        patient = Patient(email="screens@example.org", settings={"timezone": ZONE})
        s.add(patient)
        s.flush()
        ctx = PatientContext(database, Actor.patient(patient.id), patient.id, CLOCK)
    calm = {f"Q{n}": "no" for n in range(1, 8)}
    start = NOW - timedelta(days=120)
    with database.session() as s:
        urgent = screenings.save(
            s,
            ctx.patient_id,
            {**SELF_CARE_ANSWERS, "Q11": "yes"},
            screen({**SELF_CARE_ANSWERS, "Q11": "yes"}),
            at=start,
        )
        partial = screenings.save(
            s,
            ctx.patient_id,
            {"age": 45, "Q1": "yes"},
            screen_so_far({"age": 45, "Q1": "yes"}),
            kind="partial",
            at=start + timedelta(days=1),
        )
        screenings.acknowledge(s, ctx.patient_id, partial, assessed=True)
    for n in range(90):
        _daily(ctx, calm, start + timedelta(days=2 + n))
    urgent_daily = _daily(
        ctx, calm | {"Q3": "yes", "CES_ASSESSED": "yes"}, start + timedelta(days=100)
    )
    with database.session() as s:
        weekly = [
            screenings.save(
                s, ctx.patient_id, SELF_CARE_ANSWERS, screen(SELF_CARE_ANSWERS), at=NOW - weeks
            )
            for weeks in (timedelta(days=14), timedelta(days=7))
        ]

    gate = program.current_gate(ctx)
    with database.session() as s:
        read = [row.id for row in gate_reads(s, ctx.patient_id).screens]

    assert gate.state is GateState.OPEN and gate.hold_step_ups
    assert [row.id for row in gate.holding] == [urgent, urgent_daily]
    assert gate.latest is not None and gate.latest.id == weekly[-1]
    assert gate.latest.answers == SELF_CARE_ANSWERS
    assert read == [urgent, urgent_daily, weekly[-1]]

    emergency = {"age": 45, "Q1": "yes"}
    with database.session() as s:
        locking = screenings.save(
            s, ctx.patient_id, emergency, screen_so_far(emergency), kind="partial", at=NOW
        )
    gate = program.current_gate(ctx)
    assert gate.state is GateState.LOCKED
    assert gate.locking is not None and gate.locking.id == locking
    assert [row.id for row in gate.holding] == [urgent, urgent_daily, locking]
