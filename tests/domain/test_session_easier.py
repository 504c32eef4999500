""" "This one hurts — give me the easier version" in the guided session (issue 9, item 2)."""

from __future__ import annotations

from sciatica_care.content.exercises import exercise_library
from sciatica_care.domain.session import (
    EASIER_REASON,
    ExerciseResult,
    build_program,
    easier_version,
)


def test_the_easier_version_is_one_level_down_at_that_levels_starting_dose() -> None:
    library = exercise_library()
    knee = build_program(library)[1]

    easier = easier_version(library, knee)

    assert easier is not None
    assert easier.level == 1
    assert easier.dose == library.get("knee-to-chest").level(1).dose
    assert easier.sides == ("right knee", "left knee")
    assert easier.reason == EASIER_REASON


def test_there_is_no_easier_version_at_the_easiest_level() -> None:
    library = exercise_library()
    tilt = build_program(library, {"pelvic-tilt": (1, library.get("pelvic-tilt").level(1).dose)})[0]

    assert easier_version(library, tilt) is None


def test_a_result_from_a_player_that_never_offered_it_did_not_ask() -> None:
    result = ExerciseResult.model_validate(
        {
            "exercise_id": "pelvic-tilt",
            "level": 2,
            "dose": {"sets": 1, "reps": 10, "hold_s": 3},
            "sides_done": [],
            "reps_done": 10,
            "holds_done": 0,
            "hold_seconds": 0,
            "pain": 2,
            "spread_down_leg": False,
            "completed": True,
        }
    )

    assert result.asked_easier is False
