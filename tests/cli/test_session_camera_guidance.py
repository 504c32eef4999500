"""Where to put the camera, said before the camera counts (issue 11, item 3).

``sciatica track --camera`` says it before the camera starts, ``--json`` or not (then on stderr, so
the JSON stays clean); ``sciatica session`` with a camera says it before the first exercise, and
again at the instructions of an exercise that needs the camera somewhere else (bird dog: level
with the hips, not on the floor).
"""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from sciatica_care.cli import session as session_cli
from sciatica_care.cli import track as track_cli
from tests.cli.test_session_camera_cli import FAST, recording  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("screened")

FLOOR = "Put the camera on the floor (or on a low step) at your side"
HIPS = "Put the camera at your side, level with your hips"
# intro, then each of the four exercises: ready, pain 2, no spread, no numbness
ALL_FOUR = "\n" + "\n2\nn\nn\n" * 4


def test_track_says_where_to_put_the_camera_before_it_starts_even_with_json() -> None:
    pytest.importorskip("cv2", reason="the motion extra is not installed")
    pytest.importorskip("mediapipe", reason="the motion extra is not installed")
    app = typer.Typer()
    track_cli.register(app)

    result = CliRunner().invoke(
        app, ["--exercise", "bird-dog", "--camera", "57", "--json"], catch_exceptions=False
    )

    assert result.exit_code == 2
    assert result.stdout == ""
    said = " ".join(result.stderr.split())
    assert said.startswith("Before you start:")
    assert said.index(HIPS) < said.index("Error: --camera: cannot open camera 57")
    assert "The video stays on this device" in said


def test_the_session_says_where_the_camera_goes_before_each_place(
    recording: object,  # noqa: F811 (the fixture imported above)
) -> None:
    app = typer.Typer()
    session_cli.register(app)

    result = CliRunner().invoke(
        app,
        ["session", *FAST, "--camera-landmarks", str(recording), "--json"],
        input=ALL_FOUR,
        catch_exceptions=False,
    )

    assert result.exit_code == 0, result.output
    flow = " ".join(result.stderr.split())
    assert flow.index(FLOOR) < flow.index("Press Enter to begin")
    moved = flow.index(f"Camera: {HIPS}")
    # at bird dog's instructions (after those of the third exercise), before it starts
    assert flow.rindex("Bird dog", 0, moved) > flow.rindex("Lower trunk rotation", 0, moved)
    assert flow.index("Press Enter when you are in position", moved) < flow.index("Hold 1", moved)
    assert flow.count(HIPS) == 1
    assert f"Camera: {FLOOR}" not in flow  # the floor was said once, before the start
