"""The stick figure: kinematics that keep a body a body, and keyframes that play as written."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sciatica_care.content.exercises import JOINT_ANGLE_NAMES, Animation, exercise_library
from sciatica_care.domain import skeleton

EXERCISE_IDS = ["pelvic-tilt", "knee-to-chest", "lower-trunk-rotation", "bird-dog"]
phases = st.floats(min_value=0, max_value=1, allow_nan=False)


def animation(exercise_id: str) -> Animation:
    return exercise_library().get(exercise_id).animation


def bone_lengths(joints: dict[str, skeleton.Point3]) -> dict[tuple[str, str], float]:
    return {(a, b): math.dist(joints[a], joints[b]) for _, a, b in skeleton.BONES}


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
@given(t=phases)
def test_bones_keep_their_length_through_the_whole_movement(exercise_id: str, t: float) -> None:
    joints = skeleton.pose3d_at(animation(exercise_id), t)
    for name, a, b in skeleton.BONES:
        assert math.dist(joints[a], joints[b]) == pytest.approx(
            skeleton.BONE_LENGTHS[name], abs=1e-9
        )


@pytest.mark.parametrize("exercise_id", ["pelvic-tilt", "knee-to-chest", "bird-dog"])
@given(t=phases)
def test_side_view_keeps_bone_lengths_when_nothing_leaves_the_plane(
    exercise_id: str, t: float
) -> None:
    joints = skeleton.pose_at(animation(exercise_id), t)
    for name, a, b in skeleton.BONES:
        if "_far" in a or "_near" in a or a in {"hip", "waist", "neck_base"}:
            length = math.dist(joints[a], joints[b])
            assert length == pytest.approx(skeleton.BONE_LENGTHS[name], abs=1e-9)


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_interpolation_passes_exactly_through_every_keyframe(exercise_id: str) -> None:
    anim = animation(exercise_id)
    for keyframe in anim.keyframes:
        expected = skeleton.full_angles(anim.posture, keyframe.angles)
        assert skeleton.joint_angles_at(anim, keyframe.t) == pytest.approx(expected)


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
@given(t=phases)
def test_eased_angles_stay_between_the_surrounding_keyframes(exercise_id: str, t: float) -> None:
    anim = animation(exercise_id)
    before = max((k for k in anim.keyframes if k.t <= t), key=lambda k: k.t)
    after = min((k for k in anim.keyframes if k.t >= t), key=lambda k: k.t)
    a = skeleton.full_angles(anim.posture, before.angles)
    b = skeleton.full_angles(anim.posture, after.angles)
    angles = skeleton.joint_angles_at(anim, t)
    for name in JOINT_ANGLE_NAMES:
        assert min(a[name], b[name]) - 1e-9 <= angles[name] <= max(a[name], b[name]) + 1e-9


def test_cycle_wraps_so_the_loop_has_no_jump() -> None:
    anim = animation("knee-to-chest")
    assert skeleton.joint_angles_at(anim, 1.25) == pytest.approx(
        skeleton.joint_angles_at(anim, 0.25)
    )
    assert skeleton.joint_angles_at(anim, 0.0) == pytest.approx(skeleton.joint_angles_at(anim, 1.0))


def test_easing_starts_and_ends_at_rest() -> None:
    assert skeleton.ease(0) == 0
    assert skeleton.ease(1) == 1
    assert skeleton.ease(0.5) == pytest.approx(0.5)
    assert skeleton.ease(0.01) < 0.01


@pytest.mark.parametrize("exercise_id", ["pelvic-tilt", "knee-to-chest", "lower-trunk-rotation"])
@given(t=phases)
def test_supine_figure_lies_on_the_floor(exercise_id: str, t: float) -> None:
    joints = skeleton.pose3d_at(animation(exercise_id), t)
    assert joints["hip"][1] == pytest.approx(skeleton.HEAD_RADIUS)
    assert joints["neck_base"][1] == pytest.approx(skeleton.HEAD_RADIUS, abs=1e-9)
    assert joints["head"][1] == pytest.approx(skeleton.HEAD_RADIUS, abs=0.01)
    assert abs(joints["head"][1] - joints["hip"][1]) < 0.02
    assert all(y >= -1e-9 for _, y, _ in joints.values())


@given(t=phases)
def test_no_joint_of_bird_dog_goes_through_the_floor(t: float) -> None:
    joints = skeleton.pose3d_at(animation("bird-dog"), t)
    assert min(y for _, y, _ in joints.values()) == pytest.approx(0.03)


def test_supine_feet_rest_flat_near_the_floor_with_knees_up() -> None:
    joints = skeleton.pose("supine", {})
    for side in skeleton.SIDES:
        assert joints[f"ankle_{side}"][1] < 0.12
        assert joints[f"toe_{side}"][1] == pytest.approx(joints[f"ankle_{side}"][1], abs=0.02)
        assert joints[f"knee_{side}"][1] > 0.35


def test_bird_dog_reaches_opposite_arm_and_leg_level_with_the_floor() -> None:
    anim = animation("bird-dog")
    peak = anim.keyframes[3].t
    joints = skeleton.pose_at(anim, peak)
    arm = skeleton.segment_angle(joints["shoulder_far"], joints["hand_far"])
    leg = skeleton.segment_angle(joints["hip_near"], joints["ankle_near"])
    assert abs(abs(arm) - 180) < 3, "arm points forward, level"
    assert abs(leg) < 3, "leg points back, level"
    # the other arm and leg stay on the floor
    assert joints["hand_near"][1] == pytest.approx(0.03)
    assert joints["knee_far"][1] == pytest.approx(0.05, abs=0.005)


def test_bird_dog_switches_to_the_other_arm_and_leg() -> None:
    anim = animation("bird-dog")
    joints = skeleton.pose_at(anim, anim.keyframes[7].t)
    assert abs(abs(skeleton.segment_angle(joints["shoulder_near"], joints["hand_near"])) - 180) < 3
    assert joints["hand_far"][1] == pytest.approx(0.03)


def test_knee_to_chest_brings_one_knee_close_to_the_chest_with_hands_on_it() -> None:
    anim = animation("knee-to-chest")
    rest = skeleton.pose_at(anim, 0)
    peak = skeleton.pose_at(anim, anim.keyframes[2].t)
    assert (
        math.dist(peak["knee_near"], peak["neck_base"])
        < 0.5 * math.dist(rest["knee_near"], rest["neck_base"]) + 0.25
    )
    assert math.dist(peak["hand_near"], peak["knee_near"]) < 0.1
    assert peak["knee_far"] == pytest.approx(rest["knee_far"])


def test_lower_trunk_rotation_lets_the_knees_fall_toward_then_away_from_the_viewer() -> None:
    anim = animation("lower-trunk-rotation")
    rest = skeleton.pose3d_at(anim, 0)
    toward = skeleton.pose3d_at(anim, anim.keyframes[2].t)
    away = skeleton.pose3d_at(anim, anim.keyframes[6].t)
    for side in skeleton.SIDES:
        knee = f"knee_{side}"
        assert toward[knee][2] > rest[knee][2] + 0.2
        assert away[knee][2] < rest[knee][2] - 0.2
        assert toward[knee][1] < rest[knee][1] and away[knee][1] < rest[knee][1]
        assert toward[f"ankle_{side}"] == pytest.approx(rest[f"ankle_{side}"])


def test_pelvic_tilt_lifts_the_lower_back_when_arching_and_flattens_it_after() -> None:
    anim = animation("pelvic-tilt")
    flat = skeleton.pose_at(anim, anim.keyframes[1].t)
    arched = skeleton.pose_at(anim, anim.keyframes[3].t)
    assert arched["waist"][1] - flat["waist"][1] > 0.04
    assert arched["hip"] == pytest.approx(flat["hip"])
    assert arched["knee_near"] == pytest.approx(flat["knee_near"])


def test_angle_curve_samples_the_whole_cycle() -> None:
    curve = skeleton.angle_curve(animation("pelvic-tilt"), "lumbar", samples=40)
    assert len(curve) == 41
    assert curve[0][0] == 0 and curve[-1][0] == 1
    values = [v for _, v in curve]
    assert min(values) == pytest.approx(-10) and max(values) == pytest.approx(28)
    with pytest.raises(KeyError):
        skeleton.angle_curve(animation("pelvic-tilt"), "tail")


def test_moving_angles_name_what_the_exercise_moves() -> None:
    assert skeleton.moving_angles(animation("pelvic-tilt")) == {"lumbar"}
    assert {"leg_roll_near", "leg_roll_far"} == skeleton.moving_angles(
        animation("lower-trunk-rotation")
    )
    assert {"hip_near", "hip_far", "shoulder_near", "shoulder_far"} <= skeleton.moving_angles(
        animation("bird-dog")
    )


@pytest.mark.parametrize("posture", sorted(skeleton.POSTURES))
def test_every_posture_defines_every_joint_angle(posture: str) -> None:
    assert set(skeleton.POSTURES[posture].rest) == set(JOINT_ANGLE_NAMES)
    joints = skeleton.pose(posture, {})
    assert {"head", "hip", "hand_near", "toe_far"} <= set(joints)


def test_projections_part_near_and_far_limbs() -> None:
    joints = skeleton.pose3d("supine", {})
    for view in skeleton.VIEWS:
        flat = skeleton.project(joints, view)
        assert flat["hip_near"] != pytest.approx(flat["hip_far"])
