"""Today's pictures and player script are made once and kept (issue 12, speed): what is kept must
be exactly what would be drawn or walked afresh, and a changed exercise must not get an old one."""

from __future__ import annotations

from sciatica_care.content.exercises import exercise_library
from sciatica_care.domain.session import PlannedExercise
from sciatica_care.reports.exercise_picture import render_exercise_svg
from sciatica_care.web.program.api import _script
from sciatica_care.web.program.pictures import exercise_picture
from sciatica_care.web.session.script import session_script


def test_a_kept_picture_is_the_one_drawn_afresh_still_and_animated() -> None:
    for exercise in exercise_library().exercises:
        for static in (True, False):
            first = exercise_picture(exercise, static=static)
            assert exercise_picture(exercise, static=static) is first  # kept, not redrawn
            assert first == render_exercise_svg(exercise, static=static)


def test_an_exercise_with_changed_content_gets_its_own_picture() -> None:
    exercise = exercise_library().exercises[0]
    renamed = exercise.model_copy(update={"name": "Renamed for this test"})
    assert "Renamed for this test" in exercise_picture(renamed)
    assert "Renamed for this test" not in exercise_picture(exercise)


def _planned(level: int) -> tuple[PlannedExercise, ...]:
    items = []
    for exercise in exercise_library().exercises[:2]:
        dose = exercise.level(level).dose
        items.append(
            PlannedExercise(
                exercise_id=exercise.id,
                name=exercise.name,
                kind=exercise.kind,
                level=level,
                dose=dose,
            )
        )
    return tuple(items)


def test_the_kept_script_is_the_walked_one_and_follows_the_dose() -> None:
    program = _planned(2)
    assert list(_script(program)) == session_script(list(program))
    assert _script(_planned(2)) is _script(program)  # an equal program: the kept script
    assert list(_script(_planned(1))) == session_script(list(_planned(1)))
    assert _script(_planned(1)) != _script(program)
