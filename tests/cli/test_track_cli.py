"""`sciatica track`: reps and holds from a recorded landmark stream (and a video), as text or the
issue's JSON; bad input is one line and exit 2."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from sciatica_care.cli import track as track_command
from sciatica_care.cli.main import app
from sciatica_care.cli.track import LIVE_WORDS
from sciatica_care.motion.landmarks import write_frames
from sciatica_care.motion.synthetic import (
    Movement,
    Recording,
    SyntheticSet,
    SyntheticStream,
    generate,
    quiet,
)

runner = CliRunner()

KNEES = generate(
    quiet(
        SyntheticSet(
            "knee-to-chest",
            (Movement(pose=0, hold_s=6.0), Movement(pose=1, hold_s=4.0)),
            Recording(fps=15.0),
        )
    )
)
TILTS = generate(
    SyntheticSet(
        "pelvic-tilt",
        tuple(Movement(move_s=1.0, hold_s=1.0, rest_s=1.0) for _ in range(3)),
        Recording(fps=15.0, noise_px=1.0, mirrored=True),
        seed=4,
    )
)


def recorded(tmp_path: Path, stream: SyntheticStream, name: str = "clip.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(write_frames(stream.frames)), encoding="utf-8")
    return path


def track(*args: str) -> Result:
    return runner.invoke(app, ["track", *args], catch_exceptions=False)


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


def test_holds_are_printed_with_their_side_and_length(
    tmp_path: Path, fixed_width_console: None
) -> None:
    result = track("--exercise", "knee-to-chest", "--landmarks", str(recorded(tmp_path, KNEES)))

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Knee to chest: 2 holds.\n")
    rows = [
        [cell.strip() for cell in line.split("│")[1:4]]
        for line in out.splitlines()
        if line.startswith("│")
    ]
    assert [row[0] for row in rows] == ["right", "left"]
    for (_, reached, held), truth in zip(rows, KNEES.holds, strict=True):
        minutes, seconds = reached.split(":")
        assert 60 * int(minutes) + float(seconds) == pytest.approx(truth.start_s, abs=0.5)
        assert float(held.removesuffix(" s")) == pytest.approx(truth.seconds, abs=0.5)
    without_pose = sum(f.landmarks is None for f in KNEES.frames)
    assert f"Frames: {len(KNEES.frames)}, {without_pose} without a usable pose." in out
    confidence = float(re.search(r"Confidence: (\d\.\d\d)\.", out).group(1))  # type: ignore[union-attr]
    assert 0.8 <= confidence <= 1.0


def test_json_is_the_issues_output(tmp_path: Path) -> None:
    result = track(
        "--exercise", "knee-to-chest", "--landmarks", str(recorded(tmp_path, KNEES)), "--json"
    )

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == [
        "exercise",
        "reps",
        "holds",
        "frames",
        "frames_without_pose",
        "confidence",
    ]
    assert (data["exercise"], data["reps"], data["frames"]) == (
        "knee-to-chest",
        2,
        len(KNEES.frames),
    )
    assert [h["side"] for h in data["holds"]] == ["right", "left"]
    assert [h["seconds"] for h in data["holds"]] == pytest.approx([6.0, 4.0], abs=0.5)
    assert data["holds"][0]["start_s"] == pytest.approx(KNEES.holds[0].start_s, abs=0.3)


def test_reps_are_counted_from_a_noisy_recording_filmed_from_the_other_side(
    tmp_path: Path,
) -> None:
    path = recorded(tmp_path, TILTS)

    text = track("--exercise", "pelvic-tilt", "--landmarks", str(path))
    data = json.loads(track("--exercise", "pelvic-tilt", "--landmarks", str(path), "--json").stdout)

    assert text.stdout.startswith("Pelvic tilt: 3 reps counted.\n")
    assert (data["reps"], data["holds"]) == (3, [])


def test_the_picture_shape_of_a_recording_can_be_given(tmp_path: Path) -> None:
    portrait = generate(
        quiet(SyntheticSet("knee-to-chest", (Movement(hold_s=3.0),), Recording(480, 640, 0.8)))
    )
    path = recorded(tmp_path, portrait)

    data = json.loads(
        track(
            "--exercise", "knee-to-chest", "--landmarks", str(path), "--aspect", "3:4", "--json"
        ).stdout
    )

    [hold] = data["holds"]
    assert (hold["side"], hold["seconds"]) == ("right", pytest.approx(3.0, abs=0.5))


def test_a_recording_of_another_exercise_counts_nothing_and_says_why(
    tmp_path: Path, fixed_width_console: None
) -> None:
    result = track("--exercise", "bird-dog", "--landmarks", str(recorded(tmp_path, KNEES)))

    assert result.exit_code == 0
    assert "Bird dog: 0 holds." in result.stdout
    assert "Confidence: 0.00." in result.stdout
    assert "The start position was never seen, so nothing was counted." in result.stdout
    assert "level with your hips" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--exercise", "plank"],
            "Error: --exercise: unknown exercise 'plank' (known: pelvic-tilt",
        ),
        ([], "Error: give one of --video, --camera or --landmarks"),
        (["--video", "a.mp4"], "not --video and --landmarks"),
        (
            ["--overlay", "out.mp4"],
            "Error: --overlay and --save-landmarks need --video or --camera",
        ),
        (["--aspect", "wide"], "Error: --aspect: 'wide' is not a picture shape such as 16:9"),
        (["--seconds", "5"], "Error: --seconds is only for --camera"),
    ],
)
def test_bad_options_end_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    base = ["--exercise", "knee-to-chest", "--landmarks", str(recorded(tmp_path, KNEES))]
    if args and args[0] == "--exercise":
        base = base[2:]
    if not args:
        base = ["--exercise", "knee-to-chest"]

    assert message in one_line_error(track(*base, *args))


def test_a_bad_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "clip.jsonl"
    path.write_text('{"t": 0, "landmarks": null}\n{"t": 0.1, "landmarks": [[0, 0, 0, 1]]}\n')

    line = one_line_error(track("--exercise", "pelvic-tilt", "--landmarks", str(path)))

    assert line.startswith(
        'Error: --landmarks: clip.jsonl line 2: "landmarks" must be null or a list'
    )


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    line = one_line_error(
        track("--exercise", "pelvic-tilt", "--landmarks", str(tmp_path / "x.jsonl"))
    )

    assert "x.jsonl: cannot read (No such file or directory)" in line


def test_a_video_is_tracked_and_its_landmarks_saved(tmp_path: Path) -> None:
    cv2 = pytest.importorskip("cv2", reason="the motion extra is not installed")
    pytest.importorskip("mediapipe", reason="the motion extra is not installed")
    video, saved = tmp_path / "empty.mp4", tmp_path / "saved.jsonl"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), 10.0, (320, 240))
    for _ in range(6):
        writer.write(__import__("numpy").full((240, 320, 3), 30, dtype="uint8"))
    writer.release()

    result = track(
        "--exercise", "bird-dog", "--video", str(video), "--save-landmarks", str(saved), "--json"
    )

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["frames"], data["frames_without_pose"], data["reps"]) == (6, 6, 0)
    assert saved.read_text(encoding="utf-8").splitlines()[1] == '{"t":0.1,"landmarks":null}'


def test_without_the_motion_extra_a_video_says_how_to_add_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cv2", None)  # as if OpenCV were not installed

    line = one_line_error(track("--exercise", "bird-dog", "--video", str(tmp_path / "clip.mp4")))

    assert line.endswith("run pip install 'sciatica-care[motion]'")


def test_the_progress_bar_shows_the_camera_warning_of_the_moment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    too_close = generate(
        quiet(
            SyntheticSet(
                "knee-to-chest",
                (Movement(pose=0, hold_s=2.0),),
                Recording(fps=15.0, body_size=1.4),  # longer than the picture is wide
            )
        )
    )
    # A terminal, as a person running the command has: the bar only shows on one.
    monkeypatch.setattr(track_command, "console", Console(force_terminal=True, width=200))

    result = track("--exercise", "knee-to-chest", "--landmarks", str(recorded(tmp_path, too_close)))

    assert result.exit_code == 0, result.output
    assert "Analysing clip.jsonl" in result.stdout
    assert "body out of the picture" in result.stdout
    assert "in many frames part of the body was out of the picture" in result.stdout


def test_the_bar_has_no_warning_while_the_camera_sees_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(track_command, "console", Console(force_terminal=True, width=200))

    result = track("--exercise", "pelvic-tilt", "--landmarks", str(recorded(tmp_path, TILTS)))

    assert result.exit_code == 0, result.output
    assert "Analysing clip.jsonl" in result.stdout
    assert not any(words in result.stdout for words in LIVE_WORDS.values())
