"""The camera's live count in the guided session, frame by frame, on a fake clock.

The terminal player runs with a clock and a keyboard of the test's own (each wait moves the clock,
nothing sleeps), so every frame of the player is known and the camera's live lines are exactly
the same on every run: its count as it changes, the picture problems in plain words, what it
counted when each exercise's timed part ends. And the camera only shows: the session's record is
the same with it and without it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from sciatica_care.cli.session import Keyboard, TerminalPlayer
from sciatica_care.cli.session_camera import CameraDisplay
from sciatica_care.content.exercises import exercise_library
from sciatica_care.domain.session import Session, SessionRecord, build_program
from sciatica_care.motion.landmarks import write_frames
from sciatica_care.services.session_camera import open_recording
from tests.cli.test_session_camera_cli import whole_stream

# intro; pelvic tilt: ready, pain, spread, numbness; knee to chest: the same
ANSWERS = "\n" + "\n2\nn\nn\n" + "\n3\nn\nn\n"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class WaitingKeyboard(Keyboard):
    """Answers from a script; a wait for a key moves the fake clock instead of sleeping."""

    def __init__(self, answers: str, clock: FakeClock) -> None:
        super().__init__(io.StringIO(answers))
        self.clock = clock

    def key(self, timeout: float) -> str | None:
        self.clock.now += timeout
        return None


def play(recording: Path | None) -> tuple[str, SessionRecord]:
    """Pelvic tilt then knee to chest at level 2, in "real" time on the fake clock."""
    library = exercise_library()
    session = Session(build_program(library)[:2])
    out = Console(file=io.StringIO(), width=100)
    clock = FakeClock()
    keyboard = WaitingKeyboard(ANSWERS, clock)
    if recording is None:
        record = TerminalPlayer(session, library, out, keyboard, clock=clock).run()
    else:
        with open_recording(recording) as camera:
            display = CameraDisplay(camera, out)
            display.advise(session)
            player = TerminalPlayer(session, library, out, keyboard, clock=clock, camera=display)
            record = player.run()
    text = out.file.getvalue()  # type: ignore[attr-defined]
    return text, record


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("camera") / "morning.jsonl"
    path.write_text("".join(write_frames(whole_stream())), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def played(recording: Path) -> tuple[str, SessionRecord]:
    return play(recording)


def camera_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.lstrip().startswith("Camera")]


def test_the_count_shows_as_it_changes_and_each_exercise_ends_with_what_was_counted(
    played: tuple[str, SessionRecord],
) -> None:
    text, _ = played

    lines = camera_lines(text)
    assert lines[0] == "Camera (morning.jsonl): before you start"
    tilt_end = lines.index("Camera counted 4 reps.")
    assert lines[1:tilt_end] == [
        "Camera: 1 rep",
        "Camera: 2 reps",
        "Camera: 3 reps",
        "Camera: 4 reps",
    ]
    knee = lines[tilt_end + 1 :]
    assert knee[0].startswith("Camera: Nobody in the picture yet.")
    assert [re.sub(r", .*", "", line) for line in knee[1:3]] == [
        "Camera: 1 hold",
        "Camera: 2 holds",
    ]
    assert knee[3] == "Camera: the recording has ended; the program goes on counting."
    assert re.fullmatch(r"Camera counted 2 holds \(right [567] s, left [345] s\)\.", knee[4])
    assert len(knee) == 5
    # each line where it belongs in the flow
    assert text.index("1 of 10: Tilt") < text.index("Camera: 1 rep") < text.index("5 of 10")
    assert text.index("Well done. Rest 30 s") < text.index("Camera counted 4 reps.")
    assert text.index("First side: right knee") < text.index("Camera: 1 hold")
    assert text.rindex("Hold 3 of 3: 20 s") < text.index("Camera counted 2 holds")


def test_the_camera_changes_nothing_in_the_session(played: tuple[str, SessionRecord]) -> None:
    _, with_camera = played

    _, without = play(None)

    assert with_camera == without
    assert [(i.exercise_id, i.reps_done, i.holds_done) for i in with_camera.items] == [
        ("pelvic-tilt", 10, 0),
        ("knee-to-chest", 0, 6),
    ]
