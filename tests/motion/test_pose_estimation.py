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

from sciatica_care.motion.landmarks import read_frames  # noqa: E402
from sciatica_care.motion.pose import PoseEstimator, VideoSource, brightness  # noqa: E402
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
