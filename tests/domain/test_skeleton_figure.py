"""The player's demonstration figure follows the player's state (issue 9, item 2; skeleton.py)."""

from __future__ import annotations

import pytest

from sciatica_care.content.exercises import Animation, exercise_library
from sciatica_care.domain.skeleton import (
    FIGURE_MOVE_S,
    HeldPose,
    figure_motion,
    held_poses,
    joint_angles_at,
)


def _animation(exercise_id: str) -> Animation:
    return exercise_library().get(exercise_id).animation


def test_knee_to_chest_holds_one_pose_per_side_in_side_order() -> None:
    poses = held_poses(_animation("knee-to-chest"))

    assert poses == [HeldPose(0.04, 0.16, 0.4, 0.5), HeldPose(0.54, 0.66, 0.9, 1.0)]
    right, left = (joint_angles_at(_animation("knee-to-chest"), p.reach) for p in poses)
    assert right["hip_near"] > 100 and left["hip_far"] > 100  # "right knee" is the near leg


@pytest.mark.parametrize("exercise_id", ["knee-to-chest", "lower-trunk-rotation", "bird-dog"])
def test_a_hold_moves_into_the_working_sides_pose_then_keeps_it(exercise_id: str) -> None:
    poses = held_poses(_animation(exercise_id))

    for side, pose in enumerate(poses):
        motion = figure_motion(poses, "hold", side, 20.0)
        assert (motion.t_from, motion.t_to) == (pose.start, pose.reach)
        assert motion.move_s == FIGURE_MOVE_S  # then still at the held pose for the countdown


def test_a_short_hold_spends_at_most_a_third_moving_in() -> None:
    poses = held_poses(_animation("bird-dog"))

    assert figure_motion(poses, "hold", 0, 3.0).move_s == pytest.approx(1.0)


def test_the_break_after_a_hold_comes_back_to_the_start_pose() -> None:
    animation = _animation("knee-to-chest")
    poses = held_poses(animation)

    motion = figure_motion(poses, "return", 1, 5.0)

    assert joint_angles_at(animation, motion.t_to) == joint_angles_at(animation, 0.0)


def test_pelvic_tilt_relax_runs_through_the_arch_so_the_back_visibly_moves() -> None:
    animation = _animation("pelvic-tilt")
    poses = held_poses(animation)

    move = figure_motion(poses, "move", 0, 2.0)
    relax = figure_motion(poses, "relax", 0, 3.0)

    assert joint_angles_at(animation, move.t_to)["lumbar"] == -10  # flat
    assert (relax.t_from, relax.t_to, relax.move_s) == (0.4, 1.0, 3.0)
    lumbar = [
        joint_angles_at(animation, relax.t_from + (1.0 - 0.4) * i / 10)["lumbar"] for i in range(11)
    ]
    assert max(lumbar) == 28 and lumbar[-1] == lumbar[0] + 16  # arched, then back to neutral


def test_rests_and_waiting_show_the_start_pose() -> None:
    poses = held_poses(_animation("bird-dog"))

    still = figure_motion(poses, "still", 1, 30.0)

    assert (still.t_from, still.t_to, still.move_s) == (0.0, 0.0, 0.0)
