"""The real MediaPipe model, end to end: a photo a package ships (scikit-image's astronaut) and a
short video made from it, through pose estimation, the detector, the landmark file and the overlay.

Skipped, with the reason, only when the ``motion`` extra is not installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip(
    "mediapipe", reason="the motion extra is not installed (pip install '.[motion]')"
)
cv2 = pytest.importorskip(
    "cv2", reason="the motion extra is not installed (pip install '.[motion]')"
)
skimage_data = pytest.importorskip(
    "skimage.data", reason="scikit-image (a test dependency) is not installed"
)

from sciatica_care.motion import pose  # noqa: E402
from sciatica_care.motion.landmarks import read_frames  # noqa: E402
from sciatica_care.motion.pose import (  # noqa: E402
    PoseEstimator,
    PoseLanes,
    Seen,
    VideoSource,
    brightness,
    default_lanes,
)
from sciatica_care.services.errors import InvalidInput  # noqa: E402
from sciatica_care.services.tracking import analyse_video  # noqa: E402

FRAMES = 16


@pytest.fixture(scope="module")
def astronaut() -> Any:
    """The astronaut photo as OpenCV holds pictures (BGR)."""
    return cv2.cvtColor(skimage_data.astronaut(), cv2.COLOR_RGB2BGR)


@pytest.fixture
def astronaut_video(tmp_path: Path, astronaut: Any) -> Path:
    """A short video of the photo drifting sideways, written with OpenCV."""
    path = tmp_path / "astronaut.mp4"
    height, width = astronaut.shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 15.0, (width, height))
    for n in range(FRAMES):
        shift = cv2.getRotationMatrix2D((0, 0), 0, 1.0)
        shift[0, 2] = 2 * n - FRAMES
        writer.write(
            cv2.warpAffine(astronaut, shift, (width, height), borderMode=cv2.BORDER_REFLECT)
        )
    writer.release()
    return path


def test_the_bundled_model_finds_the_astronauts_pose_in_the_photo(astronaut: Any) -> None:
    with PoseEstimator(still_images=True) as estimator:
        landmarks = estimator.landmarks(astronaut)

    assert landmarks is not None and len(landmarks) == 33
    nose, left_shoulder, right_shoulder = landmarks[0], landmarks[11], landmarks[12]
    assert min(nose.visibility, left_shoulder.visibility, right_shoulder.visibility) > 0.9
    assert nose.y < min(left_shoulder.y, right_shoulder.y)  # the head above the shoulders
    assert (
        right_shoulder.x < nose.x < left_shoulder.x
    )  # she faces the camera: her left on our right
    assert all(0 <= p.x <= 1 for p in (nose, left_shoulder, right_shoulder))


def test_an_empty_picture_has_no_pose_and_is_dark(astronaut: Any) -> None:
    black = astronaut * 0
    with PoseEstimator(still_images=True) as estimator:
        assert estimator.landmarks(black) is None
    assert brightness(black) < 5
    assert 60 < brightness(astronaut) < 200


def test_a_video_goes_through_the_whole_pipeline(tmp_path: Path, astronaut_video: Path) -> None:
    overlay, saved = tmp_path / "overlay.mp4", tmp_path / "landmarks.jsonl"
    seen: list[int] = []

    report = analyse_video(
        "knee-to-chest",
        astronaut_video,
        overlay=overlay,
        save_landmarks=saved,
        on_progress=lambda step: seen.append(step.done),
    )

    assert report.result.frames == FRAMES == len(seen)
    frames = list(read_frames(saved.read_text(encoding="utf-8").splitlines()))
    assert len(frames) == FRAMES
    assert sum(f.landmarks is not None for f in frames) >= FRAMES - 2
    assert [round(f.t, 3) for f in frames[:3]] == [0.0, 0.067, 0.133]
    # Upright, and cut off at the waist: never the start position of a lying exercise.
    assert (report.result.reps, report.result.confidence) == (0, 0.0)
    assert "out_of_frame" in report.problems()
    with VideoSource(overlay) as video:
        pictures = list(video)
    assert len(pictures) == FRAMES
    assert pictures[0].image.shape == (512, 512, 3)


def seen_in(video: Path, lanes: int) -> list[Seen]:
    with VideoSource(video) as source, PoseLanes(lanes) as estimator:
        return list(estimator.track(source))


def test_two_pose_lanes_give_every_frame_in_order_with_the_landmarks_of_one(
    astronaut_video: Path,
) -> None:
    one, two = seen_in(astronaut_video, 1), seen_in(astronaut_video, 2)

    assert [s.picture.index for s in two] == list(range(FRAMES))
    assert [s.brightness for s in two] == [s.brightness for s in one]
    assert all(s.landmarks is not None for s in one + two)
    # Her head, arms and shoulders (the photo has no legs): where one lane sees a point
    # clearly, two lanes put it within a few pixels (measured: median 0.005, max 0.024).
    gaps = [
        ((a.x - b.x) ** 2 + (a.y - b.y) ** 2) ** 0.5
        for s1, s2 in zip(one, two, strict=True)
        for a, b in zip(s1.landmarks[:17], s2.landmarks[:17], strict=True)  # type: ignore[index]
        if a.visibility > 0.9
    ]
    assert len(gaps) > 10 * FRAMES
    assert sorted(gaps)[len(gaps) // 2] < 0.015
    assert max(gaps) < 0.05


@pytest.mark.parametrize("exercise", ["knee-to-chest", "bird-dog"])
def test_two_pose_lanes_count_and_warn_as_one_does(astronaut_video: Path, exercise: str) -> None:
    one = analyse_video(exercise, astronaut_video, lanes=1)
    two = analyse_video(exercise, astronaut_video, lanes=2)

    assert (two.result.frames, two.result.reps, two.result.holds) == (
        one.result.frames,
        one.result.reps,
        one.result.holds,
    )
    assert two.warnings == one.warnings


def test_stopping_early_leaves_no_lane_running(astronaut_video: Path) -> None:
    with VideoSource(astronaut_video) as source, PoseLanes(2) as estimator:
        for seen in estimator.track(source):
            if seen.picture.index == 3:
                break
    assert seen.picture.index == 3


def test_a_file_gets_two_lanes_on_two_cores_and_a_camera_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pose.os, "cpu_count", lambda: 2)
    assert (default_lanes(is_camera=False), default_lanes(is_camera=True)) == (2, 1)
    monkeypatch.setattr(pose.os, "cpu_count", lambda: None)  # unknown: one
    assert default_lanes(is_camera=False) == 1


def test_no_lanes_is_bad_input(astronaut_video: Path) -> None:
    with pytest.raises(InvalidInput) as raised:
        analyse_video("bird-dog", astronaut_video, lanes=0)
    assert raised.value.field == "lanes"
