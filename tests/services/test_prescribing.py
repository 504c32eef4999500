"""Prescribing: a linked clinician changes the program in one versioned, audited transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from sciatica_care.content.exercises import Dose, exercise_library
from sciatica_care.domain import prescription as rx
from sciatica_care.domain.progression import ProgressionAction
from sciatica_care.services import accounts, clinicians, links, prescribing, program
from sciatica_care.services.clock import Clock
from sciatica_care.services.context import PatientContext, patient_context
from sciatica_care.services.errors import Conflict, InvalidInput, NotFound
from sciatica_care.services.permissions import Actor
from sciatica_care.store import audit, doses, patients
from sciatica_care.store.database import Database
from sciatica_care.store.models import DoseDecision
from tests.store.diary_story import day

LONDON_NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
KNEE_3x30 = Dose(sets=1, reps=3, hold_s=30, per_side=True)
GLIDE = rx.CustomPrescription(
    name="Sciatic nerve glide",
    instructions="Sit tall on a chair and slowly straighten one knee.",
    steps=["Sit tall.", "Straighten the knee.", "Lower it."],
    dose=Dose(sets=2, reps=10),
)


@dataclass
class Story:
    db: Database
    patient_id: int
    clinician_id: int
    clinician_public_id: str

    def as_clinician(self) -> PatientContext:
        return patient_context(
            self.db, Actor.clinician(self.clinician_id), self.patient_id, lambda: LONDON_NOON
        )

    def as_patient(self) -> PatientContext:
        return patient_context(
            self.db, Actor.patient(self.patient_id), self.patient_id, lambda: LONDON_NOON
        )


@pytest.fixture
def story(database: Database) -> Story:
    patient_id = accounts.sign_up(
        database, "ann@example.org", "correct horse battery", timezone="Europe/London"
    ).patient_id
    clinician = clinicians.create_clinician(
        database, "sam@clinic.example", "Sam Lee, PT", "correct horse battery"
    )
    ctx = patient_context(database, Actor.patient(patient_id), patient_id)
    links.link_with_code(database, clinician.id, links.create_share_code(ctx).code)
    return Story(database, patient_id, clinician.id, clinician.public_id)


def knee_changed(current: rx.Prescription) -> rx.Prescription:
    items = [
        i.model_copy(update={"dose": KNEE_3x30}) if i.exercise == "knee-to-chest" else i
        for i in current.exercises
    ]
    return current.model_copy(update={"exercises": items, "note": "Walk every day too."})


def test_a_linked_clinician_changes_a_dose_and_the_patient_sees_who_and_why(story: Story) -> None:
    ctx = story.as_clinician()
    start = prescribing.current_prescription(ctx)
    assert start.version == 0 and start.prescribed_by is None

    saved = prescribing.prescribe(ctx, knee_changed(start.prescription), "Tolerating well", 0)

    assert saved.version == 1
    with story.db.session() as s:
        knee = program.current_doses(s, story.patient_id)["knee-to-chest"]
        assert (knee.dose, knee.reason) == (
            KNEE_3x30,
            "Sam Lee, PT changed knee to chest to 3 × 30 s, each side.",
        )
        log = [(e.action, e.what) for e in audit.events_of(s, story.patient_id, None)]
    assert (
        "change",
        "changed your program: changed knee to chest to 3 × 30 s, each side; left you a note",
    ) in log
    seen = prescribing.recent_changes_for_patient(story.as_patient())
    assert (seen.prescribed_by, seen.note) == ("Sam Lee, PT", "Walk every day too.")
    assert [(c.clinician, c.day, c.sentences, c.reason) for c in seen.changes] == [
        (
            "Sam Lee, PT",
            date(2026, 12, 1),
            ["changed knee to chest to 3 × 30 s, each side", "left you a note"],
            "Tolerating well",
        )
    ]
    assert [v.version for v in prescribing.history(ctx)] == [1]


def test_a_stale_version_is_a_conflict_and_changes_nothing(story: Story) -> None:
    ctx = story.as_clinician()
    start = prescribing.current_prescription(ctx).prescription
    prescribing.prescribe(ctx, knee_changed(start), None, 0)
    again = start.model_copy(update={"sessions_per_week": 3})
    with pytest.raises(Conflict):
        prescribing.prescribe(ctx, again, None, 0)
    assert prescribing.current_prescription(ctx).prescription.sessions_per_week == 7


def test_a_dose_beyond_the_content_is_refused_naming_the_field(story: Story) -> None:
    ctx = story.as_clinician()
    start = prescribing.current_prescription(ctx).prescription
    items = list(start.exercises)
    items[3] = items[3].model_copy(update={"dose": Dose(sets=1, reps=5, hold_s=25, per_side=True)})
    with pytest.raises(InvalidInput) as refused:
        prescribing.prescribe(ctx, start.model_copy(update={"exercises": items}), None, 0)
    assert refused.value.field == "exercises.3.dose.hold_s"
    with pytest.raises(InvalidInput) as bad_reps:
        prescribing.parse(
            {
                "exercises": [
                    {"exercise": "pelvic-tilt", "level": 2, "dose": {"sets": 1, "reps": 40}}
                ]
            }
        )
    assert bad_reps.value.field == "exercises.0.dose.reps"


def test_nobody_but_a_linked_clinician_may_prescribe(story: Story, database: Database) -> None:
    start = prescribing.current_prescription(story.as_clinician()).prescription
    with pytest.raises(NotFound):
        prescribing.prescribe(story.as_patient(), knee_changed(start), None, 0)
    other = clinicians.create_clinician(
        database, "jo@clinic.example", "Jo", "correct horse battery"
    )
    with pytest.raises(NotFound):
        patient_context(database, Actor.clinician(other.id), story.patient_id)
    former = story.as_clinician()
    links.unlink(story.as_patient(), story.clinician_public_id)
    with pytest.raises(NotFound):
        prescribing.prescribe(former, knee_changed(start), None, 0)


def test_custom_exercises_frequency_and_mode_are_applied(story: Story) -> None:
    ctx = story.as_clinician()
    start = prescribing.current_prescription(ctx).prescription
    new = start.model_copy(
        update={"custom_exercises": [GLIDE], "sessions_per_week": 5, "progression": "off"}
    )
    saved = prescribing.prescribe(ctx, new, None, 0)
    key = saved.prescription.custom_exercises[0].key
    assert key is not None and key.startswith("custom-")
    with story.db.session() as s:
        assert program.progression_mode(s, story.patient_id) == "off"
        assert program.sessions_per_week(s, story.patient_id) == 5
        assert not program.auto_progression(s, story.patient_id)
    seen = prescribing.recent_changes_for_patient(story.as_patient())
    assert [(c.name, c.dose_text, c.done_today) for c in seen.custom_exercises] == [
        ("Sciatic nerve glide", "2 sets of 10 reps", False)
    ]
    prescribing.mark_custom_done(story.as_patient(), key)
    assert prescribing.recent_changes_for_patient(story.as_patient()).custom_exercises[0].done_today

    removed = saved.prescription.model_copy(update={"custom_exercises": []})
    after = prescribing.prescribe(ctx, removed, None, 1)
    assert [(c.key, c.active) for c in after.prescription.custom_exercises] == [(key, False)]
    assert prescribing.recent_changes_for_patient(story.as_patient()).custom_exercises == []
    assert prescribing.history(ctx)[0].sentences == ["removed 'Sciatic nerve glide'"]


def test_the_same_prescription_again_stores_no_version(story: Story) -> None:
    ctx = story.as_clinician()
    start = prescribing.current_prescription(ctx).prescription
    assert prescribing.prescribe(ctx, start, "no change", 0).version == 0
    assert prescribing.history(ctx) == []


def test_progression_off_drops_step_ups_but_keeps_pauses(story: Story) -> None:
    """A waiting step up is withdrawn and a new one is never made; a pause still is (§4.1)."""
    from tests.services.test_program import _two_good_sessions

    ctx = story.as_clinician()
    start = prescribing.current_prescription(ctx).prescription
    prescribing.prescribe(ctx, start.model_copy(update={"progression": "off"}), None, 0)
    updates = _two_good_sessions(story.db, story.patient_id)
    assert not [
        d for u in updates for d in u.decisions if d.decision.action is ProgressionAction.PROGRESS
    ]
    with story.db.session() as s:
        assert program.current_doses(s, story.patient_id)["pelvic-tilt"].dose.reps == 10

    from tests.services.test_program import after_session
    from tests.store.diary_story import exercise_session

    with story.db.session() as s:
        sid = exercise_session(s, story.patient_id, 10, {"pelvic-tilt": 9})
        update = after_session(s, story.patient_id, sid)
    assert [d.decision.action for d in update.decisions] == [ProgressionAction.PAUSE]


def test_suggest_mode_withdraws_suggestions_when_the_dose_changes(story: Story) -> None:
    from tests.services.test_program import _two_good_sessions

    ctx = story.as_clinician()
    start = prescribing.current_prescription(ctx).prescription
    prescribing.prescribe(ctx, start.model_copy(update={"progression": "suggest"}), None, 0)
    _two_good_sessions(story.db, story.patient_id)
    with story.db.session() as s:
        assert [x.exercise_id for x in program.pending_suggestions(s, story.patient_id)] == [
            "pelvic-tilt"
        ]
    current = prescribing.current_prescription(ctx).prescription
    items = [
        i.model_copy(update={"dose": Dose(sets=2, reps=8, hold_s=3)})
        if i.exercise == "pelvic-tilt"
        else i
        for i in current.exercises
    ]
    prescribing.prescribe(ctx, current.model_copy(update={"exercises": items}), None, 1)
    with story.db.session() as s:
        assert program.pending_suggestions(s, story.patient_id) == []
        statuses = {r.status for r in s.query(DoseDecision).filter_by(patient_id=story.patient_id)}
        assert program.SUGGESTED not in statuses
        assert doses.dose_rows(s, story.patient_id)["pelvic-tilt"].dose["sets"] == 2


def test_a_red_pause_survives_a_clinicians_dose_change(story: Story) -> None:
    with story.db.session() as s:
        doses.set_dose(
            s,
            story.patient_id,
            "bird-dog",
            level=2,
            dose=Dose(sets=1, reps=5, hold_s=5, per_side=True).model_dump(),
            active=True,
            paused_until=day(30),
            reason="paused",
        )
    ctx = story.as_clinician()
    start = prescribing.current_prescription(ctx).prescription
    items = [
        i.model_copy(update={"dose": Dose(sets=1, reps=4, hold_s=5, per_side=True)})
        if i.exercise == "bird-dog"
        else i
        for i in start.exercises
    ]
    prescribing.prescribe(ctx, start.model_copy(update={"exercises": items}), None, 0)
    with story.db.session() as s:
        row = doses.dose_rows(s, story.patient_id)["bird-dog"]
        assert (row.paused_until, row.dose["reps"]) == (day(30), 4)
        assert patients.get_settings(s, story.patient_id)["sessions_per_week"] == 7


def test_the_weekly_goal_follows_the_prescribed_frequency(story: Story) -> None:
    ctx = story.as_clinician()
    start = prescribing.current_prescription(ctx).prescription
    prescribing.prescribe(ctx, start.model_copy(update={"sessions_per_week": 4}), None, 0)
    with story.db.session() as s:
        habit = program.habit_of(s, story.patient_id, Clock(UTC, lambda: LONDON_NOON))
    assert habit.goal.goal == 4


def test_library_order_is_kept_for_a_partial_prescription(story: Story) -> None:
    ctx = story.as_clinician()
    only_tilt = rx.Prescription(
        exercises=[
            rx.SeedPrescription(
                exercise="pelvic-tilt", level=1, dose=Dose(sets=1, reps=5, hold_s=3)
            )
        ]
    )
    saved = prescribing.prescribe(ctx, only_tilt, None, 0)
    ids = [e.id for e in exercise_library().exercises]
    assert [i.exercise for i in saved.prescription.exercises] == ids
    assert saved.prescription.exercises[0].level == 1


def test_a_clinicians_dose_change_counts_as_a_step_for_the_48_hour_rule(story: Story) -> None:
    """clinical-spec.md §4.2: no automatic step up within 48 h of the last change, whoever made it."""
    ctx = story.as_clinician()
    start = prescribing.current_prescription(ctx)
    prescribing.prescribe(ctx, knee_changed(start.prescription), "Tolerating well", 0)
    clock = Clock(zone=ZoneInfo("Pacific/Auckland"))
    with story.db.session() as s:
        changed = program._prescribed_on(s, story.patient_id, "knee-to-chest", clock)
        untouched = program._prescribed_on(s, story.patient_id, "pelvic-tilt", clock)
    assert untouched is None
    assert changed == date(2026, 12, 2)  # noon in London is one in the morning in Auckland
