"""``sciatica session --camera-landmarks`` (and ``--camera``): the camera counts each exercise
beside the program, in the flow, the end summary and the JSON; a camera that cannot be used is
one line and exit 2 before the session starts.

The recorded stream plays against the session's clock, so ``--speed`` runs it at once and the same
frames fall in each exercise on any machine. At level 2 the session's timed parts are: pelvic
tilt 0–80 s, a rest to 110 s, knee to chest 110–255 s (then a rest and the pain check).
"""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from sciatica_care.cli import session as session_cli
from sciatica_care.motion.landmarks import Frame, write_frames
from sciatica_care.motion.synthetic import (
    Movement,
    Recording,
    SyntheticSet,
    SyntheticStream,
    generate,
    quiet,
)

pytestmark = pytest.mark.usefixtures("screened")

FAST = ["--speed", "100000"]
KNEE_STARTS_S = 110.0


@cache
def tilts() -> SyntheticStream:
    """Four pelvic tilts, filmed without a flaw."""
    return generate(
        quiet(
            SyntheticSet(
                "pelvic-tilt",
                tuple(Movement(move_s=1.0, hold_s=2.0, rest_s=2.0) for _ in range(4)),
                Recording(fps=15.0),
                positioning=False,
                tail_s=20.0,
            )
        )
    )


@cache
def knees() -> SyntheticStream:
    """Knee to chest held 6 s on the right, then 4 s on the left."""
    return generate(
        quiet(
            SyntheticSet(
                "knee-to-chest",
                (Movement(pose=0, hold_s=6.0), Movement(pose=1, hold_s=4.0)),
                Recording(fps=15.0),
                positioning=False,
                tail_s=20.0,
            )
        )
    )


@cache
def upright_phone_tilts() -> SyntheticStream:
    """Four small pelvic tilts filmed by a phone held upright (9:16): read as a 4:3 webcam's
    picture, the tilt is too small to see."""
    return generate(
        quiet(
            SyntheticSet(
                "pelvic-tilt",
                tuple(
                    Movement(move_s=1.0, hold_s=2.0, rest_s=2.0, amplitude=0.7) for _ in range(4)
                ),
                Recording(width=270, height=480, body_size=0.9, fps=15.0),
                positioning=False,
                tail_s=20.0,
            )
        )
    )


NOBODY_S = 2.0
"""The knee-to-chest part starts with two seconds of nobody in the picture."""
# intro, pelvic tilt (ready, pain, spread, numbness), knee to chest (the same), then stop at the
# third exercise's instructions because tired
TWO_EXERCISES = "\n" + "\n2\nn\nn\n" + "\n3\nn\nn\n" + "s\n3\n"
ONE_EXERCISE = "\n" + "\n2\nn\nn\n" + "s\n3\n"


def whole_stream() -> list[Frame]:
    """Four pelvic tilts from 0 s; from 110 s, nobody for 2 s, then two knee-to-chest holds."""
    assert tilts().frames[-1].t < KNEE_STARTS_S and tilts().reps == 4
    # (a little after the part starts: the session's clock is a sum of ticks, not exact)
    first = KNEE_STARTS_S + 0.05
    nobody = [Frame(round(first + i / 15, 4), None) for i in range(int(NOBODY_S * 15))]
    start = first + NOBODY_S
    held = [Frame(round(f.t + start, 4), f.landmarks) for f in knees().frames]
    return [*tilts().frames, *nobody, *held]


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("camera") / "morning.jsonl"
    path.write_text("".join(write_frames(whole_stream())), encoding="utf-8")
    return path


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    session_cli.register(app)
    return app


def invoke(app: typer.Typer, args: list[str], answers: str = "") -> Result:
    return CliRunner().invoke(app, args, input=answers, catch_exceptions=False)


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Press Enter" not in result.stderr
    return lines[0]


def test_the_camera_counts_each_exercise_beside_the_program(
    app: typer.Typer, recording: Path
) -> None:
    result = invoke(
        app, ["session", *FAST, "--camera-landmarks", str(recording), "--json"], TWO_EXERCISES
    )

    assert result.exit_code == 0, result.output
    flow = result.stderr
    advice = flow.index("Put the camera on the floor (or on a low step) at your side")
    assert advice < flow.index("Today: 4 exercises") < flow.index("Press Enter to begin")
    assert "The video stays on this device" in flow
    tilt_done = flow.index("Camera counted 4 reps.")
    assert flow.index("10 of 10: Tilt") < tilt_done < flow.index("Knee to chest")
    holds = re.search(r"Camera counted 2 holds \(right (\d+) s, left (\d+) s\)\.", flow)
    assert holds is not None, flow
    assert (int(holds[1]), int(holds[2])) == (pytest.approx(6, abs=1), pytest.approx(4, abs=1))
    # the camera only shows: the program's flow, count and record are its own
    assert "Lower trunk rotation" in flow and "Why are you stopping?" in flow

    data: dict[str, Any] = json.loads(result.stdout)
    assert (data["status"], data["stop_reason"]) == ("stopped", "tired")
    program = {item["exercise_id"]: item for item in data["items"]}
    assert program["pelvic-tilt"]["reps_done"] == 10
    assert program["knee-to-chest"]["holds_done"] == 6
    assert "camera" not in program["pelvic-tilt"]
    camera = data["camera"]
    assert camera["source"] == "morning.jsonl"
    tilt, knee = camera["items"]
    assert (tilt["exercise_id"], tilt["counts"], tilt["reps"], tilt["holds"]) == (
        "pelvic-tilt",
        "reps",
        4,
        [],
    )
    assert tilt["frames"] == len(tilts().frames)
    assert (knee["exercise_id"], knee["counts"], knee["reps"]) == ("knee-to-chest", "holds", 2)
    assert [h["side"] for h in knee["holds"]] == ["right", "left"]
    assert [h["seconds"] for h in knee["holds"]] == pytest.approx([6.0, 4.0], abs=0.5)
    assert knee["hold_seconds"] == pytest.approx(10.0, abs=1.0)
    assert knee["frames_without_pose"] == NOBODY_S * 15


def test_the_summary_puts_the_camera_beside_the_program(
    app: typer.Typer, recording: Path, fixed_width_console: None
) -> None:
    result = invoke(app, ["session", *FAST, "--camera-landmarks", str(recording)], TWO_EXERCISES)

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Camera and program" in out
    rows = {
        cells[0]: cells[1:]
        for line in out.splitlines()
        if line.startswith("│")
        and len(cells := [cell.strip() for cell in line.strip("│").split("│")]) == 3
    }
    assert rows["Pelvic tilt"] == ["10 reps", "4 reps"]
    assert rows["Knee to chest"] == ["6 holds", "2 holds"]


@pytest.mark.parametrize(("shape", "reps"), [(["--camera-aspect", "9:16"], 4), ([], 0)])
def test_the_shape_of_a_recording_from_an_upright_phone_can_be_given(
    app: typer.Typer, tmp_path: Path, shape: list[str], reps: int
) -> None:
    path = tmp_path / "phone.jsonl"
    path.write_text("".join(write_frames(upright_phone_tilts().frames)), encoding="utf-8")

    result = invoke(
        app, ["session", *FAST, "--camera-landmarks", str(path), *shape, "--json"], ONE_EXERCISE
    )

    assert result.exit_code == 0, result.output
    [tilt] = json.loads(result.stdout)["camera"]["items"]
    assert (tilt["exercise_id"], tilt["reps"]) == ("pelvic-tilt", reps)


def test_without_a_camera_the_json_has_no_camera_part(app: typer.Typer) -> None:
    result = invoke(app, ["session", *FAST, "--json"], "\ns\n3\n")

    assert result.exit_code == 0
    assert "camera" not in json.loads(result.stdout)
    assert "Put the camera" not in result.stderr


def test_without_the_motion_extra_the_camera_says_how_to_add_it(
    app: typer.Typer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cv2", None)  # as if OpenCV were not installed

    line = one_line_error(invoke(app, ["session", "--camera", "0"], "\n"))

    assert line.startswith("Error: --camera: pose estimation needs OpenCV")
    assert line.endswith("run pip install 'sciatica-care[motion]'")


def test_a_camera_that_is_not_there_is_one_line(app: typer.Typer) -> None:
    pytest.importorskip("cv2", reason="the motion extra is not installed")
    pytest.importorskip("mediapipe", reason="the motion extra is not installed")

    line = one_line_error(invoke(app, ["session", "--camera", "57"], "\n"))

    assert line == (
        "Error: --camera: cannot open camera 57: check that it is plugged in and no other "
        "program is using it"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--camera", "0", "--camera-landmarks", "x.jsonl"],
            "Error: give --camera or --camera-landmarks, not both",
        ),
        (["--camera", "-1"], "Error: --camera: -1 is not a camera number (0 is the first camera)"),
        (
            ["--camera-landmarks", "missing.jsonl"],
            "Error: --camera-landmarks: missing.jsonl: cannot read (No such file or directory)",
        ),
        (
            ["--camera-aspect", "9:16"],
            "Error: --camera-aspect is only for --camera-landmarks (a camera's shape is read "
            "from it)",
        ),
        (
            ["--camera", "0", "--camera-aspect", "9:16"],
            "Error: --camera-aspect is only for --camera-landmarks (a camera's shape is read "
            "from it)",
        ),
        *(
            (
                ["--camera-landmarks", "missing.jsonl", "--camera-aspect", shape],
                f"Error: --camera-aspect: '{shape}' is not a picture shape such as 16:9",
            )
            for shape in ("wide", "16:0", "10:1")
        ),
    ],
)
def test_bad_camera_options_are_one_line(
    app: typer.Typer,
    args: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)

    assert one_line_error(invoke(app, ["session", *args], "\n")) == message


def test_a_bad_recording_is_named_by_its_line(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("clip.jsonl").write_text('{"t": 0, "landmarks": null}\n{"t": 0.1}\n', encoding="utf-8")

    line = one_line_error(invoke(app, ["session", "--camera-landmarks", "clip.jsonl"], "\n"))

    assert line == 'Error: --camera-landmarks: clip.jsonl line 2: "landmarks" is missing'
