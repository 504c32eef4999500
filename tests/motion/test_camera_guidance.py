"""Positioning guidance: where the camera goes, and what is wrong with the picture now."""

from __future__ import annotations

import pytest

from sciatica_care.motion.guidance import camera_advice, frame_warnings
from sciatica_care.motion.landmarks import NOSE, Frame, Landmark
from sciatica_care.motion.synthetic import Movement, Recording, SyntheticSet, generate, quiet

LYING = ["pelvic-tilt", "knee-to-chest", "lower-trunk-rotation"]


def resting_frame(exercise_id: str = "knee-to-chest", **recording: object) -> Frame:
    spec = SyntheticSet(
        exercise_id,
        (Movement(),),
        Recording(**recording),
        positioning=False,  # type: ignore[arg-type]
    )
    return generate(quiet(spec)).frames[5]


def moved(frame: Frame, change: dict[int, tuple[float, float]]) -> Frame:
    assert frame.landmarks is not None
    points = tuple(
        Landmark(p.x + change[i][0], p.y + change[i][1], p.z, p.visibility) if i in change else p
        for i, p in enumerate(frame.landmarks)
    )
    return Frame(frame.t, points)


def codes(
    frame: Frame, exercise_id: str = "knee-to-chest", brightness: float | None = 120.0
) -> list[str]:
    return [w.code for w in frame_warnings(frame, exercise_id, 4 / 3, brightness)]


@pytest.mark.parametrize("exercise_id", LYING)
def test_the_lying_exercises_want_a_side_view_at_floor_level(exercise_id: str) -> None:
    advice = " ".join(camera_advice(exercise_id))

    assert "at your side" in advice and "at floor level" in advice
    assert "whole body, head to feet, is in the picture" in advice


def test_bird_dog_wants_a_side_view_level_with_the_hips() -> None:
    advice = " ".join(camera_advice("bird-dog"))

    assert "at your side, level with your hips" in advice
    assert "floor level" not in advice


def test_the_advice_says_the_video_stays_on_the_device() -> None:
    assert any("video stays on this device" in line for line in camera_advice("pelvic-tilt"))


@pytest.mark.parametrize("exercise_id", [*LYING, "bird-dog"])
def test_a_good_side_view_has_no_warning(exercise_id: str) -> None:
    assert codes(resting_frame(exercise_id), exercise_id) == []


def test_nobody_in_the_picture() -> None:
    assert codes(Frame(0.0, None)) == ["no_pose"]


def test_a_dark_picture_is_said_whatever_the_pose() -> None:
    assert codes(resting_frame(), brightness=20) == ["too_dark"]
    assert codes(Frame(0.0, None), brightness=20) == ["too_dark", "no_pose"]


def test_feet_out_of_the_picture() -> None:
    frame = resting_frame(body_size=0.7)
    assert frame.landmarks is not None
    shift = 1.03 - max(p.x for p in frame.landmarks)  # the toes just past the right edge

    assert codes(moved(frame, {i: (shift, 0.0) for i in range(33)})) == ["out_of_frame"]


def test_a_body_far_from_the_camera_is_too_small() -> None:
    assert "too_small" in codes(resting_frame(body_size=0.25))
    assert "too_small" not in codes(resting_frame(body_size=0.6))


def test_a_camera_at_the_feet_or_above_is_not_at_the_side() -> None:
    frame = resting_frame()
    # Seen from above, the left and right shoulders and hips part by a shoulder's width.
    apart = {11: (0.0, -0.09), 12: (0.0, 0.09), 23: (0.0, -0.055), 24: (0.0, 0.055)}

    assert codes(moved(frame, apart)) == ["wrong_side"]


def test_lying_face_down_is_the_wrong_way() -> None:
    frame = resting_frame()
    assert frame.landmarks is not None
    nose, ear = frame.landmarks[NOSE], frame.landmarks[7]

    face_down = moved(frame, {NOSE: (0.0, 2 * (ear.y - nose.y))})
    assert codes(face_down) == ["wrong_facing"]
    assert "Lie on your back" in frame_warnings(face_down, "pelvic-tilt", 4 / 3)[0].message
