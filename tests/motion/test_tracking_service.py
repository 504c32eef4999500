"""The tracking use cases (``services.tracking``): a recorded stream in, the result and the camera
problems out; bad input named by the option at fault."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from sciatica_care.motion.landmarks import write_frames
from sciatica_care.motion.synthetic import Movement, Recording, SyntheticSet, generate, quiet
from sciatica_care.services import tracking
from sciatica_care.services.errors import InvalidInput, ServiceError

STREAM = generate(
    quiet(
        SyntheticSet(
            "bird-dog",
            (Movement(pose=1, hold_s=4.0), Movement(pose=0, hold_s=6.0)),
            Recording(fps=15.0),
        )
    )
)


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    path = tmp_path / "bird-dog.jsonl"
    path.write_text("".join(write_frames(STREAM.frames)), encoding="utf-8")
    return path


def test_a_recorded_stream_gives_the_holds_and_reports_progress(recording: Path) -> None:
    steps: list[tracking.Progress] = []

    report = tracking.analyse_landmarks("bird-dog", recording, on_progress=steps.append)

    assert [(h.side, round(h.seconds)) for h in report.result.holds] == [("right", 4), ("left", 6)]
    assert report.counts == "holds"
    assert (steps[-1].done, steps[-1].total) == (len(STREAM.frames), len(STREAM.frames))
    assert steps[-1].live.holds == 2
    assert report.advice[0].startswith("Put the camera at your side, level with your hips")


def test_the_getting_into_position_frames_show_up_as_camera_problems(recording: Path) -> None:
    report = tracking.analyse_landmarks("bird-dog", recording)

    assert report.warnings["no_pose"] == sum(f.landmarks is None for f in STREAM.frames) > 0
    assert report.problems() == []  # a few frames out of many: not worth a word


def test_each_progress_step_carries_its_frames_camera_warnings(recording: Path) -> None:
    steps: list[tracking.Progress] = []

    report = tracking.analyse_landmarks("bird-dog", recording, on_progress=steps.append)

    seen = Counter(w.code for step in steps for w in step.warnings)
    assert seen == Counter(report.warnings) and seen["no_pose"] > 0
    assert [any(w.code == "no_pose" for w in step.warnings) for step in steps] == [
        frame.landmarks is None for frame in STREAM.frames
    ]


def test_an_unknown_exercise_names_the_known_ones(recording: Path) -> None:
    with pytest.raises(InvalidInput) as raised:
        tracking.analyse_landmarks("plank", recording)

    assert raised.value.field == "exercise"
    assert (
        "known: pelvic-tilt, knee-to-chest, lower-trunk-rotation, bird-dog" in raised.value.message
    )


def test_a_bad_line_names_the_file_and_the_line(tmp_path: Path, recording: Path) -> None:
    lines = recording.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace('"t"', '"time"')
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines), encoding="utf-8")

    with pytest.raises(InvalidInput) as raised:
        tracking.analyse_landmarks("bird-dog", bad)

    assert raised.value.field == "landmarks"
    assert raised.value.message.startswith('bad.jsonl line 5: unknown key "time"')


def test_a_file_that_cannot_be_read_is_bad_input(tmp_path: Path) -> None:
    binary = tmp_path / "clip.mp4"
    binary.write_bytes(b"\x00\x00\x00\x18ftypmp42\xff\xfe")

    with pytest.raises(InvalidInput, match="cannot read"):
        tracking.analyse_landmarks("bird-dog", tmp_path / "missing.jsonl")
    with pytest.raises(InvalidInput, match=r"clip\.mp4: not a text file"):
        tracking.analyse_landmarks("bird-dog", binary)


@pytest.mark.parametrize(("text", "value"), [("16:9", 16 / 9), ("9:16", 9 / 16), ("1.5", 1.5)])
def test_picture_shapes_read_as_width_to_height(text: str, value: float) -> None:
    assert tracking.parse_aspect(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["wide", "16:0", "0:9", "100:1", "-4:3"])
def test_a_shape_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        tracking.parse_aspect(text)
    assert raised.value.field == "aspect"


def test_a_negative_camera_number_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        tracking.analyse_camera("bird-dog", -1)
    assert raised.value.field == "camera"


def test_without_the_motion_extra_video_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "cv2", None)  # import cv2 now fails

    with pytest.raises(ServiceError, match=r"pip install 'sciatica-care\[motion\]'"):
        tracking.analyse_video("bird-dog", tmp_path / "clip.mp4")


def test_a_missing_video_is_bad_input(tmp_path: Path) -> None:
    pytest.importorskip("cv2", reason="the motion extra is not installed")

    with pytest.raises(InvalidInput) as raised:
        tracking.analyse_video("bird-dog", tmp_path / "clip.mp4")

    assert raised.value.field == "video"
    assert "no such video file" in raised.value.message
