"""A clinician's prescription: checks against the content, and the sentences of what changed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sciatica_care.content.exercises import Dose, exercise_library
from sciatica_care.domain import prescription as rx

LIBRARY = exercise_library()


def standard() -> rx.Prescription:
    return rx.Prescription(
        exercises=[
            rx.SeedPrescription(exercise=e.id, level=2, dose=e.level(2).dose)
            for e in LIBRARY.exercises
        ]
    )


def with_seed(p: rx.Prescription, exercise: str, **update: object) -> rx.Prescription:
    items = [i.model_copy(update=update) if i.exercise == exercise else i for i in p.exercises]
    return p.model_copy(update={"exercises": items})


GLIDE = rx.CustomPrescription(
    key="custom-abcd1234",
    name="Sciatic nerve glide",
    instructions="Sit tall, straighten the knee and lift your head.",
    steps=["Sit tall.", "Straighten the knee."],
    dose=Dose(sets=2, reps=10),
)


def sentences(before: rx.Prescription, after: rx.Prescription) -> list[str]:
    return [c.sentence for c in rx.diff(before, after, LIBRARY)]


def test_knee_to_chest_to_three_holds_of_thirty_seconds_reads_as_the_patient_sees_it() -> None:
    before = standard()
    after = with_seed(before, "knee-to-chest", dose=Dose(sets=1, reps=3, hold_s=30, per_side=True))
    assert sentences(before, after) == ["changed knee to chest to 3 × 30 s, each side"]


def test_adding_a_custom_exercise_and_changing_the_mode_and_note() -> None:
    before = standard()
    after = before.model_copy(
        update={"custom_exercises": [GLIDE], "progression": "suggest", "note": "Go gently."}
    )
    assert sentences(before, after) == [
        "added 'Sciatic nerve glide' (2 sets of 10 reps)",
        rx.MODE_SENTENCES["suggest"],
        "left you a note",
    ]
    assert rx.MODE_SENTENCES["suggest"].startswith("set automatic progression to suggestions only")


def test_level_change_names_the_variation_and_taking_out_is_said() -> None:
    before = standard()
    harder = LIBRARY.get("pelvic-tilt").level(3).dose
    after = with_seed(before, "pelvic-tilt", level=3, dose=harder)
    after = with_seed(after, "bird-dog", active=False)
    assert sentences(before, after) == [
        "moved pelvic tilt to level 3 (long holds, then bridge) at 10 reps, hold 10 s",
        "took bird dog out of your program",
    ]


def test_a_removed_custom_exercise_is_kept_inactive_by_complete() -> None:
    current = standard().model_copy(update={"custom_exercises": [GLIDE]})
    new = standard()
    completed = rx.complete(new, current)
    assert [(c.key, c.active) for c in completed.custom_exercises] == [(GLIDE.key, False)]
    assert sentences(current, completed) == ["removed 'Sciatic nerve glide'"]


def test_complete_keeps_unlisted_seed_exercises_at_their_current_dose() -> None:
    current = with_seed(standard(), "bird-dog", dose=Dose(sets=2, reps=6, hold_s=10, per_side=True))
    new = rx.Prescription(exercises=[standard().exercises[0]])
    assert rx.complete(new, current).exercises == current.exercises


def test_a_hold_above_the_exercise_maximum_is_named_by_its_field() -> None:
    too_long = with_seed(
        standard(), "bird-dog", dose=Dose(sets=1, reps=5, hold_s=20, per_side=True)
    )
    assert rx.problems(too_long, LIBRARY) == [
        rx.Problem(field="exercises.3.dose.hold_s", message="20 is above the maximum 10")
    ]


def test_unknown_and_twice_listed_exercises_are_refused() -> None:
    base = standard()
    unknown = base.exercises[0].model_copy(update={"exercise": "handstand"})
    twice = base.model_copy(update={"exercises": [*base.exercises, unknown, base.exercises[0]]})
    assert [p.field for p in rx.problems(twice, LIBRARY)] == [
        "exercises.4.exercise",
        "exercises.5.exercise",
    ]


def test_per_side_on_an_exercise_done_in_the_middle_is_refused() -> None:
    bad = with_seed(standard(), "pelvic-tilt", dose=Dose(sets=1, reps=10, hold_s=3, per_side=True))
    assert [p.field for p in rx.problems(bad, LIBRARY)] == ["exercises.0.dose.per_side"]


def test_dose_words() -> None:
    assert rx.dose_words(Dose(sets=1, reps=3, hold_s=30, per_side=True)) == "3 × 30 s, each side"
    assert rx.dose_words(Dose(sets=2, reps=1)) == "2 sets of 1 rep"


# --- properties ------------------------------------------------------------------------------


@st.composite
def doses_within(draw: st.DrawFn, exercise_id: str) -> Dose:
    exercise = LIBRARY.get(exercise_id)
    hold_low = 1 if exercise.kind.value == "hold" else 0
    return Dose(
        sets=draw(st.integers(1, exercise.max_sets)),
        reps=draw(st.integers(1, exercise.max_reps)),
        hold_s=draw(st.integers(hold_low, exercise.max_hold_s)),
        per_side=draw(st.booleans()) if exercise.sides == "both" else False,
    )


@st.composite
def prescriptions(draw: st.DrawFn) -> rx.Prescription:
    seeds = [
        rx.SeedPrescription(
            exercise=e.id,
            level=draw(st.integers(1, 3)),
            dose=draw(doses_within(e.id)),
            active=draw(st.booleans()),
        )
        for e in LIBRARY.exercises
    ]
    customs = [
        GLIDE.model_copy(update={"key": f"custom-{n:04d}", "name": f"Glide {n}", "active": active})
        for n, active in enumerate(draw(st.lists(st.booleans(), max_size=2)))
    ]
    return rx.Prescription(
        exercises=seeds,
        custom_exercises=customs,
        sessions_per_week=draw(st.integers(1, 14)),
        progression=draw(st.sampled_from(rx.MODES)),
        note=draw(st.sampled_from([None, "Go gently.", "Walk daily."])),
    )


@settings(max_examples=40)
@given(prescriptions())
def test_a_prescription_within_the_content_limits_has_no_problem(p: rx.Prescription) -> None:
    assert rx.problems(p, LIBRARY) == []


@settings(max_examples=40)
@given(prescriptions(), prescriptions())
def test_diff_is_empty_exactly_when_nothing_changed(a: rx.Prescription, b: rx.Prescription) -> None:
    assert rx.diff(a, a, LIBRARY) == []
    changes = rx.diff(a, b, LIBRARY)
    assert (changes == []) == (a == b)
    assert all(c.sentence and "None" not in c.sentence for c in changes)


@settings(max_examples=40)
@given(prescriptions(), st.integers(0, 3), st.integers(31, 60))
def test_a_hold_beyond_the_maximum_names_that_exercises_field(
    p: rx.Prescription, index: int, hold: int
) -> None:
    item = p.exercises[index]
    too_long = item.dose.model_copy(update={"hold_s": hold})
    bad = with_seed(p, item.exercise, dose=too_long)
    found = [x.field for x in rx.problems(bad, LIBRARY)]
    assert found == [f"exercises.{index}.dose.hold_s"]
