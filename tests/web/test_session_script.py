"""The player's script is the domain session, segment by segment (web/session_script.py)."""

from __future__ import annotations

from sciatica_care.content.exercises import exercise_library
from sciatica_care.domain.session import NUMBNESS_STOP_MESSAGE, Phase, Session, build_program
from sciatica_care.web.session.script import PlayerRules, session_script


def test_the_script_has_every_timed_second_and_cue_of_the_domain_session() -> None:
    program = build_program(exercise_library())

    steps = session_script(program)

    assert sum(step.duration_s or 0 for step in steps) == Session(program).planned_s
    assert steps[0].phase is Phase.INTRO
    assert [c.text for c in steps[0].cues][
        1
    ] == "Stop at once if the pain is sharp or spreads down your leg."
    assert steps[-1].phase is Phase.DONE
    tilt_reps = [s for s in steps if s.exercise_index == 0 and s.stage == "relax"]
    assert len(tilt_reps) == program[0].dose.reps


def test_the_pain_check_asks_about_new_numbness_and_the_rules_carry_its_stop_message() -> None:
    steps = session_script(build_program(exercise_library()))

    check = next(step for step in steps if step.phase is Phase.PAIN_CHECK)
    assert "Any new numbness, tingling or weakness in your leg or foot?" in check.cues[0].text
    assert PlayerRules().numbness_stop_message == NUMBNESS_STOP_MESSAGE


def test_waiting_phases_have_no_duration_and_timed_ones_do() -> None:
    steps = session_script(build_program(exercise_library()))

    waiting = {Phase.INTRO, Phase.INSTRUCTIONS, Phase.PAIN_CHECK, Phase.DONE}
    for step in steps:
        assert (step.duration_s is None) == (step.phase in waiting), step


def test_every_exercise_step_tells_the_figure_where_to_be() -> None:
    steps = session_script(build_program(exercise_library()))

    knee_holds = [s for s in steps if s.exercise_index == 1 and s.phase is Phase.WORK]
    assert {(s.side, s.figure.t_to) for s in knee_holds if s.figure} == {
        ("right knee", 0.16),
        ("left knee", 0.66),
    }
    assert all(s.figure is not None for s in steps if s.exercise_index is not None)
    assert steps[0].figure is None  # the intro has no exercise


def test_each_instructions_step_carries_its_easier_version_in_place() -> None:
    program = build_program(exercise_library())
    steps = session_script(program)

    instructions = [s for s in steps if s.phase is Phase.INSTRUCTIONS]
    easier = instructions[1].easier
    assert easier is not None
    assert (easier.level, easier.level_name) == (1, "Towel help")
    assert easier.dose_text == "3 holds of 10 s, each side"
    assert {s.exercise_index for s in easier.steps} == {1}
    assert (
        easier.steps[0].phase is Phase.INSTRUCTIONS and easier.steps[-1].phase is Phase.PAIN_CHECK
    )
    holds = [s for s in easier.steps if s.phase is Phase.WORK]
    assert {s.duration_s for s in holds} == {10.0}
    assert easier.steps[0].easier is None  # level 1: nothing easier
