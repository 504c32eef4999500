"""The synthetic suite, generated once per test session: seeded sets of every exercise with every
flaw a home recording has, each with its known truth and what the detector made of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pytest

from sciatica_care.motion.detector import Detector, TrackingResult
from sciatica_care.motion.synthetic import SyntheticStream, generate, random_set

SUITE_SETS = {"pelvic-tilt": 16, "knee-to-chest": 6, "lower-trunk-rotation": 6, "bird-dog": 6}
"""Sets per exercise: enough reps for the 95 % rule, enough holds (two to four a set) to time."""


@dataclass(frozen=True)
class Tracked:
    stream: SyntheticStream
    result: TrackingResult
    first_count_s: float | None
    """When the detector's count first went above zero (None: it never did)."""


def track(stream: SyntheticStream) -> Tracked:
    detector = Detector(stream.spec.exercise_id, stream.aspect)
    first = None
    for frame in stream.frames:
        live = detector.feed(frame)
        if first is None and (live.reps or live.holding is not None):
            first = frame.t
    return Tracked(stream, detector.result(), first)


@cache
def tracked_sets(exercise_id: str) -> list[Tracked]:
    """One exercise's sets, made and tracked once per test process (so parallel workers only
    make the exercises their tests need)."""
    return [
        track(generate(random_set(exercise_id, seed))) for seed in range(SUITE_SETS[exercise_id])
    ]


@pytest.fixture(scope="session")
def suite() -> Callable[[str], list[Tracked]]:
    return tracked_sets
