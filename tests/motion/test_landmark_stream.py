"""The landmark stream (issue 11): read exactly its format, say which line is wrong, write it back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sciatica_care.motion.errors import LandmarkStreamError
from sciatica_care.motion.landmarks import (
    LANDMARK_COUNT,
    Frame,
    Landmark,
    frame_json,
    index,
    parse_frame,
    read_frames,
    write_frames,
)

FIXTURE = Path(__file__).parents[1] / "data" / "motion" / "two_frames.jsonl"
POINT = [0.5, 0.5, 0.0, 0.9]


def line(**overrides: object) -> str:
    return json.dumps({"t": 0.5, "landmarks": [POINT] * LANDMARK_COUNT, **overrides})


def test_the_golden_stream_has_a_pose_frame_and_a_frame_without_pose() -> None:
    first, second = read_frames(FIXTURE.read_text(encoding="utf-8").splitlines())

    assert first.t == 0.0 and first.landmarks is not None and len(first.landmarks) == 33
    assert second == Frame(0.0333, None)
    assert not second.has_pose


def test_odd_indices_are_the_persons_left() -> None:
    assert (index("shoulder", "left"), index("shoulder", "right")) == (11, 12)
    assert (index("hip", "left"), index("knee", "right"), index("foot_index", "left")) == (
        23,
        26,
        31,
    )


def test_a_frame_reads_its_time_and_33_points() -> None:
    frame = parse_frame(line())

    assert frame.t == 0.5
    assert frame.landmarks == (Landmark(0.5, 0.5, 0.0, 0.9),) * 33


def test_points_outside_the_picture_are_kept() -> None:
    frame = parse_frame(line(landmarks=[[1.8, -0.2, -0.4, 0.01]] * 33))

    assert frame.landmarks is not None and frame.landmarks[0].x == 1.8


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "line 7: not valid JSON (column 2"),
        ("[1, 2]", 'line 7: must be a JSON object with "t" and "landmarks"'),
        (json.dumps({"landmarks": None}), 'line 7: "t" is missing'),
        (json.dumps({"t": 1}), 'line 7: "landmarks" is missing'),
        (json.dumps({"t": -1, "landmarks": None}), '"t" must be a number of seconds, 0 or more'),
        (json.dumps({"t": "1", "landmarks": None}), '"t" must be a number of seconds'),
        (json.dumps({"t": True, "landmarks": None}), '"t" must be a number of seconds'),
        ('{"t": NaN, "landmarks": null}', "not valid JSON"),
        (line(landmarks=[POINT] * 32), "a list of 33 landmarks (32)"),
        (line(landmarks="none"), "a list of 33 landmarks (not a list)"),
        (line(landmarks=[POINT] * 32 + [[0.5, 0.5, 0.0]]), "landmark 32 must be 4 numbers"),
        (line(landmarks=[[0.5, "a", 0, 1]] * 33), "landmark 0 must be 4 numbers"),
        (
            line(landmarks=[[0.5, 0.5, 0, 1.5]] * 33),
            "landmark 0: visibility must be between 0 and 1",
        ),
        (line(image="..."), 'unknown key "image" (a frame has only "t" and "landmarks")'),
    ],
)
def test_a_bad_line_is_named_with_its_number_and_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(LandmarkStreamError) as raised:
        parse_frame(text, line=7)

    assert message in str(raised.value)
    assert raised.value.line == 7


def test_time_may_not_run_backwards_and_blank_lines_keep_the_numbering() -> None:
    lines = [line(t=1.0), "", line(t=0.5)]

    with pytest.raises(
        LandmarkStreamError, match=r"^line 3: time runs backwards \(0.5 s after 1 s\)"
    ):
        list(read_frames(lines))


def test_frames_may_come_at_an_unsteady_rate() -> None:
    frames = list(read_frames([line(t=0.0), line(t=0.01), line(t=0.5), line(t=0.5), "\n"]))

    assert [f.t for f in frames] == [0.0, 0.01, 0.5, 0.5]


def test_a_written_frame_is_one_compact_line_of_the_format() -> None:
    written = frame_json(Frame(1.234567, None))

    assert written == '{"t":1.2346,"landmarks":null}'
    assert "\n" not in frame_json(parse_frame(line()))


coordinates = st.floats(min_value=-2, max_value=3, allow_nan=False)
points = st.tuples(coordinates, coordinates, coordinates, st.floats(0, 1)).map(
    lambda p: Landmark(*p)
)
frames = st.builds(
    Frame,
    st.floats(min_value=0, max_value=3600, allow_nan=False),
    st.none() | st.lists(points, min_size=33, max_size=33).map(tuple),
)


@settings(max_examples=25)
@given(frame=frames)
def test_writing_then_reading_gives_the_frame_back_to_the_precision_written(frame: Frame) -> None:
    [read] = read_frames(write_frames([frame]))

    assert read.t == pytest.approx(frame.t, abs=1e-4)
    if frame.landmarks is None:
        assert read.landmarks is None
    else:
        assert read.landmarks is not None
        for got, sent in zip(read.landmarks, frame.landmarks, strict=True):
            assert got == pytest.approx(sent, abs=1e-4)
