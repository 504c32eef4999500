"""The detectors as state machines: hysteresis, dwell, dropouts, getting into position, state kept
between requests, and the issue's output."""

from __future__ import annotations

import json
from dataclasses import replace
from itertools import pairwise

import pytest

from sciatica_care.content.exercises import exercise_library
from sciatica_care.motion.detector import Detector
from sciatica_care.motion.errors import MotionError
from sciatica_care.motion.excursion import Channel, ChannelSettings
from sciatica_care.motion.exercise_rules import RULES
from sciatica_care.motion.landmarks import Frame
from sciatica_care.motion.synthetic import (
    Movement,
    Recording,
    SyntheticSet,
    SyntheticStream,
    generate,
    quiet,
)

SETTINGS = ChannelSettings(enter=25.0, leave=12.0, dwell_in_s=0.3, dwell_out_s=0.3, max_gap_s=2.0)
STEADY = Recording(fps=15.0)


def feed_channel(values: list[float | None], fps: float = 30.0) -> list:  # type: ignore[type-arg]
    channel, done = Channel("left"), []
    for n, value in enumerate(values):
        t = n / fps
        result = (
            channel.lost(t, SETTINGS) if value is None else channel.update(t, value, None, SETTINGS)
        )
        if result is not None:
            done.append(result)
    if (last := channel.close()) is not None:
        done.append(last)
    return done


def run(stream: SyntheticStream) -> Detector:
    detector = Detector(stream.spec.exercise_id, stream.aspect)
    for frame in stream.frames:
        detector.feed(frame)
    return detector


def hold_set(exercise_id: str = "knee-to-chest", **recording: object) -> SyntheticStream:
    moves = (Movement(pose=0, hold_s=5.0), Movement(pose=1, hold_s=3.0))
    spec = SyntheticSet(exercise_id, moves, replace(STEADY, **recording), positioning=False)  # type: ignore[arg-type]
    return generate(quiet(spec) if not recording else spec)


def test_every_exercise_of_the_program_has_a_detector() -> None:
    assert set(RULES) == {e.id for e in exercise_library().exercises}


def test_an_unknown_exercise_or_picture_shape_is_refused_clearly() -> None:
    with pytest.raises(MotionError, match=r"unknown exercise 'plank' \(known: pelvic-tilt, "):
        Detector("plank")
    with pytest.raises(MotionError, match="width / height"):
        Detector("bird-dog", aspect=0.0)


def test_a_jolt_shorter_than_the_dwell_never_counts() -> None:
    assert feed_channel([0.0] * 10 + [60.0] * 5 + [0.0] * 20) == []


def test_hovering_between_the_thresholds_is_one_hold_not_many() -> None:
    wobble = [30.0, 20.0] * 30  # above enter, then between leave and enter, again and again
    [hold] = feed_channel([0.0] * 10 + [40.0] * 15 + wobble + [0.0] * 20)

    assert hold.seconds > 2.0


def test_a_short_dropout_inside_a_hold_keeps_it_whole() -> None:
    values: list[float | None] = [0.0] * 10 + [60.0] * 60 + [None] * 45 + [60.0] * 60 + [0.0] * 20
    [hold] = feed_channel(values)

    assert hold.seconds == pytest.approx(165 / 30, abs=0.2)


def test_a_long_dropout_ends_the_hold_where_it_was_last_seen() -> None:
    values: list[float | None] = [0.0] * 10 + [60.0] * 60 + [None] * 90 + [0.0] * 20
    [hold] = feed_channel(values)

    assert hold.end_s == pytest.approx(70 / 30, abs=0.1)


def test_the_output_is_exactly_the_issues_json() -> None:
    detector = run(hold_set())
    data = detector.result().as_json()

    assert list(data) == [
        "exercise",
        "reps",
        "holds",
        "frames",
        "frames_without_pose",
        "confidence",
    ]
    assert data["exercise"] == "knee-to-chest"
    assert data["reps"] == len(data["holds"]) == 2
    assert [list(h) for h in data["holds"]] == [["side", "start_s", "seconds"]] * 2
    assert [h["side"] for h in data["holds"]] == ["right", "left"]
    assert 0 < data["confidence"] <= 1
    json.dumps(data)


def test_pelvic_tilt_reports_reps_and_no_holds() -> None:
    moves = tuple(Movement(move_s=1.0, hold_s=1.5, rest_s=1.5) for _ in range(4))
    stream = generate(quiet(SyntheticSet("pelvic-tilt", moves, STEADY, positioning=False)))
    data = run(stream).result().as_json()

    assert (data["reps"], data["holds"]) == (4, [])


def test_nothing_counts_and_confidence_is_zero_when_the_start_position_is_never_seen() -> None:
    stream = hold_set("bird-dog")  # on all fours, but watched as a lying exercise
    detector = Detector("knee-to-chest", stream.aspect)
    for frame in stream.frames:
        detector.feed(frame)

    result = detector.result()
    assert (result.reps, result.holds, result.confidence) == (0, (), 0.0)
    assert detector.phase == "positioning"


def test_getting_up_and_down_again_between_sets_calibrates_again_and_counts_only_the_holds() -> (
    None
):
    first = generate(SyntheticSet("knee-to-chest", (Movement(pose=0, hold_s=4.0),), STEADY, seed=1))
    second = generate(
        SyntheticSet("knee-to-chest", (Movement(pose=1, hold_s=4.0),), STEADY, seed=2)
    )
    offset = first.frames[-1].t + 0.5
    frames = [*first.frames, *(Frame(f.t + offset, f.landmarks) for f in second.frames)]
    detector = Detector("knee-to-chest", first.aspect)
    phases = [detector.feed(frame).phase for frame in frames]

    holds = detector.result().holds
    assert [h.side for h in holds] == ["right", "left"]
    assert holds[1].start_s == pytest.approx(second.holds[0].start_s + offset, abs=0.5)
    changes = [b for a, b in pairwise(phases) if a != b]
    assert changes == ["tracking", "positioning", "tracking"]


def test_the_live_state_shows_the_side_held_and_for_how_long() -> None:
    stream = hold_set()
    detector = Detector("knee-to-chest", stream.aspect)
    middle = stream.holds[0].start_s + 3.0
    live = None
    for frame in stream.frames:
        state = detector.feed(frame)
        if live is None and frame.t >= middle:
            live = state
    assert live is not None
    assert (live.phase, live.holding, live.watched) == ("tracking", "right", "hip flexion")
    assert live.hold_seconds == pytest.approx(3.0 + 0.5, abs=0.7)  # counted from the way in
    assert live.angle == pytest.approx(115, abs=2)
    assert set(live.as_json()) == {
        "t",
        "phase",
        "reps",
        "holds",
        "holding",
        "hold_seconds",
        "watched",
        "angle",
        "has_pose",
    }


def test_a_server_can_keep_the_state_between_requests_and_carry_on_exactly() -> None:
    stream = hold_set("lower-trunk-rotation", no_pose_bursts=2, noise_px=1.0)
    whole = run(stream)
    half = len(stream.frames) // 2

    detector = Detector("lower-trunk-rotation", stream.aspect)
    for frame in stream.frames[:half]:
        detector.feed(frame)
    stored = json.loads(json.dumps(detector.snapshot()))
    resumed = Detector.restore(stored)
    lives = [resumed.feed(frame) for frame in stream.frames[half:]]

    assert resumed.result() == whole.result()
    assert lives[-1].holds == len(whole.result().holds)


def test_a_damaged_snapshot_is_refused() -> None:
    snapshot = Detector("bird-dog").snapshot()

    with pytest.raises(MotionError, match="not a saved tracking state"):
        Detector.restore({**snapshot, "state": {}})
    with pytest.raises(MotionError, match="another version"):
        Detector.restore({**snapshot, "version": 99})


def test_frames_must_come_in_time_order() -> None:
    detector = Detector("pelvic-tilt")
    detector.feed(Frame(1.0, None))

    with pytest.raises(MotionError, match="time order"):
        detector.feed(Frame(0.5, None))


def test_frames_without_a_pose_are_counted() -> None:
    stream = hold_set(no_pose_bursts=3, fps=15.0)
    result = run(stream).result()

    assert result.frames == len(stream.frames)
    assert result.frames_without_pose == sum(f.landmarks is None for f in stream.frames) > 0
