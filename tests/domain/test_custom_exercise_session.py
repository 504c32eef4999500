"""A clinician's custom exercise in the session machine: timed by its dose, the same RED stop."""

from __future__ import annotations

from sciatica_care.content.exercises import Dose, DoseKind, exercise_library
from sciatica_care.domain.session import (
    Phase,
    Session,
    StopReason,
    custom_exercise,
    easier_version,
)

KEY = "custom-0a1b2c3d4e5f6789"


def _run_to_pain_check(session: Session) -> None:
    session.start()
    while session.phase is not Phase.PAIN_CHECK:
        if session.remaining_s is not None:
            session.tick(session.remaining_s)
        else:
            session.ready()


def test_a_dose_with_a_hold_is_timed_holds_on_each_side() -> None:
    wall_sit = custom_exercise(KEY, "Wall sit", Dose(sets=1, reps=2, hold_s=15, per_side=True))
    session = Session([wall_sit])

    _run_to_pain_check(session)
    session.pain(3, spread=False)

    item = session.record().items[0]
    assert (wall_sit.kind, wall_sit.dose_text) == (DoseKind.HOLD, "2 holds of 15 s, each side")
    assert (item.exercise_id, item.level, item.holds_done, item.reps_done) == (KEY, 1, 4, 0)
    assert item.hold_seconds == 60 and item.sides_done == ["right", "left"] and item.completed


def test_spread_after_a_custom_exercise_stops_the_session() -> None:
    glide = custom_exercise(KEY, "Nerve glide", Dose(sets=1, reps=3))
    session = Session([glide])

    _run_to_pain_check(session)
    session.pain(2, spread=True)

    record = session.record()
    assert (record.status, record.stop_reason) == ("stopped", StopReason.SPREAD_DOWN_LEG)
    assert record.items[0].reps_done == 3


def test_a_custom_exercise_has_no_easier_version() -> None:
    glide = custom_exercise(KEY, "Nerve glide", Dose(sets=2, reps=10))

    assert easier_version(exercise_library(), glide) is None
