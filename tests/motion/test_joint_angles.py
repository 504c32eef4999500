"""Joint angles from landmarks: the skeleton's own angles come back, whichever side the camera is."""

from __future__ import annotations

import pytest

from sciatica_care.motion.angles import BodyAngles, Front, measure
from sciatica_care.motion.landmarks import SIDES, Frame, Landmark
from sciatica_care.motion.synthetic import (
    Movement,
    Recording,
    SyntheticSet,
    SyntheticStream,
    generate,
    quiet,
)

LANDSCAPE = Recording()
MIRRORED = Recording(mirrored=True)
PORTRAIT = Recording(width=480, height=640, body_size=0.8)
CAMERAS = [LANDSCAPE, MIRRORED, PORTRAIT]


def stream(exercise_id: str, recording: Recording, pose: int = 0) -> SyntheticStream:
    movement = Movement(pose=pose, move_s=1.0, hold_s=2.0, rest_s=0.5)
    spec = SyntheticSet(exercise_id, (movement,), recording, positioning=False, settle_s=1.0)
    return generate(quiet(spec))


def frame_at(s: SyntheticStream, t: float) -> Frame:
    return min(s.frames, key=lambda f: abs(f.t - t))


def held(exercise_id: str, recording: Recording, pose: int = 0) -> tuple[Frame, float]:
    s = stream(exercise_id, recording, pose)
    if s.holds:
        return frame_at(s, s.holds[0].start_s + 1.0), s.aspect
    return frame_at(s, 0.5), s.aspect


def angles(frame: Frame, aspect: float, front: Front = "up") -> BodyAngles:
    measured = measure(frame, aspect, front)
    assert measured is not None
    return measured


@pytest.mark.parametrize("recording", CAMERAS, ids=["landscape", "mirrored", "portrait"])
def test_resting_on_the_back_reads_the_postures_own_angles(recording: Recording) -> None:
    s = stream("knee-to-chest", recording)
    a = angles(frame_at(s, 0.5), s.aspect)

    for side in (a.left, a.right):
        assert side.hip_flexion == pytest.approx(48, abs=0.5)
        assert side.knee_flexion == pytest.approx(104, abs=0.5)
        assert side.shoulder_flexion == pytest.approx(-8, abs=0.5)
    assert a.trunk_incline == pytest.approx(0, abs=0.5)
    assert a.facing == 1
    assert a.head_right is recording.mirrored


@pytest.mark.parametrize("recording", CAMERAS, ids=["landscape", "mirrored", "portrait"])
def test_the_knee_brought_up_is_the_persons_own_side_whichever_way_they_lie(
    recording: Recording,
) -> None:
    frame, aspect = held("knee-to-chest", recording, pose=0)
    a = angles(frame, aspect)

    # The first held pose raises the skeleton's near knee: the person's right, lying on the back.
    assert a.right.hip_flexion == pytest.approx(115, abs=0.5)
    assert a.left.hip_flexion == pytest.approx(48, abs=0.5)


@pytest.mark.parametrize("recording", CAMERAS, ids=["landscape", "mirrored", "portrait"])
def test_bird_dog_reads_the_leg_reaching_back_and_the_arm_reaching_forward(
    recording: Recording,
) -> None:
    frame, aspect = held("bird-dog", recording, pose=0)
    a = angles(frame, aspect, "down")

    # On all fours the near side is the left: left leg back, right arm forward.
    assert a.left.hip_flexion == pytest.approx(-11, abs=0.5)
    assert a.left.knee_flexion == pytest.approx(0, abs=0.5)
    assert a.right.shoulder_flexion == pytest.approx(169, abs=0.5)
    assert a.right.hip_flexion == pytest.approx(79, abs=0.5)
    assert a.left.leg_elevation is not None and abs(a.left.leg_elevation) < 25
    assert a.facing == 1


def test_knees_falling_to_the_side_sink_towards_the_hip_ankle_line_and_come_nearer() -> None:
    s = stream("lower-trunk-rotation", LANDSCAPE, pose=0)
    rest = angles(frame_at(s, 0.5), s.aspect)
    rolled = angles(frame_at(s, s.holds[0].start_s + 1.0), s.aspect)

    for side in SIDES:
        before, after = rest.side(side).knee_lift, rolled.side(side).knee_lift
        assert before is not None and after is not None
        assert after / before == pytest.approx(0.34, abs=0.03)  # cos 70°
    assert rest.knee_depth is not None and rolled.knee_depth is not None
    assert rolled.knee_depth < rest.knee_depth - 0.3  # towards the camera: MediaPipe z falls


def test_the_near_side_is_told_by_depth() -> None:
    head_left = stream("knee-to-chest", LANDSCAPE)
    head_right = stream("knee-to-chest", MIRRORED)

    assert angles(frame_at(head_left, 0.5), head_left.aspect).near_side == "right"
    assert angles(frame_at(head_right, 0.5), head_right.aspect).near_side == "left"


def test_the_pictures_shape_matters_for_angles() -> None:
    frame, aspect = held("knee-to-chest", PORTRAIT, pose=0)

    right = angles(frame, aspect).right.hip_flexion
    stretched = angles(frame, 4 / 3).right.hip_flexion
    assert right is not None and stretched is not None
    assert abs(stretched - right) > 5


def test_a_pelvic_tilt_moves_the_pelvis_angle_both_ways() -> None:
    spec = SyntheticSet(
        "pelvic-tilt", (Movement(move_s=1.0, hold_s=2.0, rest_s=1.0),), positioning=False
    )
    s = generate(quiet(spec))
    rest = angles(frame_at(s, 1.0), s.aspect).pelvis
    flat = angles(frame_at(s, spec.settle_s + 2.0), s.aspect).pelvis
    arch = angles(frame_at(s, spec.settle_s + 5.0), s.aspect).pelvis

    assert rest is not None and flat is not None and arch is not None
    assert flat < rest - 4 and arch > rest + 4


def test_without_a_shoulder_or_a_hip_there_is_no_usable_pose() -> None:
    frame, aspect = held("knee-to-chest", LANDSCAPE)
    assert frame.landmarks is not None
    hidden = tuple(
        Landmark(p.x, p.y, p.z, 0.1) if i in (23, 24) else p for i, p in enumerate(frame.landmarks)
    )

    assert measure(Frame(frame.t, hidden), aspect, "up") is None
    assert measure(Frame(frame.t, None), aspect, "up") is None


def test_a_hidden_knee_leaves_only_its_own_angles_unknown() -> None:
    frame, aspect = held("knee-to-chest", LANDSCAPE)
    assert frame.landmarks is not None
    hidden = tuple(
        Landmark(p.x, p.y, p.z, 0.1) if i == 25 else p for i, p in enumerate(frame.landmarks)
    )
    a = angles(Frame(frame.t, hidden), aspect)

    assert a.left.hip_flexion is None and a.left.knee_lift is None
    assert a.right.hip_flexion == pytest.approx(115, abs=0.5)
    assert a.pelvis is not None
