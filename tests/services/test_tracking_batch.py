"""``services.tracking.track_batch``: the web player's live counting, batch after batch.

The detector's state leaves the server sealed after each batch and comes back with the next, so
counting in batches must give what one pass over the whole stream gives; a state edited, made for
another exercise or another person, or sealed with another secret is refused by name; the camera
warnings of a batch are the ones seen in at least half its frames (one odd frame says nothing);
the program gate holds as for the rest of the guided session.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sciatica_care.domain.screening import screen
from sciatica_care.motion.detector import Detector
from sciatica_care.motion.landmarks import Frame
from sciatica_care.motion.synthetic import Movement, Recording, SyntheticSet, generate
from sciatica_care.services import tracking
from sciatica_care.services.clock import ZONE_SETTING, Clock
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import InvalidInput, ProgramClosed
from sciatica_care.services.permissions import Actor
from sciatica_care.store import screenings
from sciatica_care.store.database import Database
from sciatica_care.store.models import Patient
from tests.data_answers import SELF_CARE_ANSWERS

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
SECRET = "tracking-test-secret"
STREAM = generate(
    SyntheticSet(
        "knee-to-chest",
        (Movement(pose=0, hold_s=6.0), Movement(pose=1, hold_s=4.0)),
        Recording(fps=15.0, noise_px=1.0),
        seed=2,
    )
)


def _patient(database: Database, email: str, screened: bool = True) -> PatientContext:
    """A patient in Lisbon; after a calm safety screen unless ``screened`` is false."""
    with database.session() as s:
        patient = Patient(email=email, settings={ZONE_SETTING: "Europe/Lisbon"})
        s.add(patient)
        s.flush()
        pid = patient.id
        if screened:
            answers = SELF_CARE_ANSWERS
            screenings.save(s, pid, answers, screen(answers), at=NOW - timedelta(hours=1))
    return PatientContext(
        database, Actor.patient(pid), pid, Clock(ZoneInfo("Europe/Lisbon"), lambda: NOW)
    )


@pytest.fixture
def ann(database: Database) -> PatientContext:
    return _patient(database, "ann@example.org")


def _frames(frames: Sequence[Frame], brightness: float | None = None) -> list[tracking.CameraFrame]:
    return [tracking.CameraFrame(frame, brightness) for frame in frames]


def _in_batches(
    ctx: PatientContext, frames: Sequence[Frame], size: int
) -> tuple[tracking.BatchResult, int]:
    """Every frame, ``size`` a batch, each batch with the state the one before gave back."""
    result = None
    batches = 0
    snapshot = None
    for start in range(0, len(frames), size):
        chunk = _frames(frames[start : start + size])
        result = tracking.track_batch(ctx, "knee-to-chest", STREAM.aspect, snapshot, chunk, SECRET)
        snapshot = result.snapshot
        batches += 1
    assert result is not None
    return result, batches


def test_counting_in_batches_equals_one_pass_over_the_stream(ann: PatientContext) -> None:
    whole = Detector("knee-to-chest", STREAM.aspect)
    for frame in STREAM.frames:
        whole.feed(frame)
    assert len(whole.result().holds) == len(STREAM.holds) == 2  # a stream it gets right

    result, batches = _in_batches(ann, STREAM.frames, 37)

    assert batches > 5
    assert result.live is not None
    assert result.live.holds == 2
    assert json.loads(result.snapshot.detector) == whole.snapshot()


def test_a_batch_without_frames_keeps_the_state(ann: PatientContext) -> None:
    first = tracking.track_batch(
        ann, "knee-to-chest", STREAM.aspect, None, _frames(STREAM.frames[:10]), SECRET
    )
    empty = tracking.track_batch(ann, "knee-to-chest", STREAM.aspect, first.snapshot, [], SECRET)

    assert empty.live is None
    assert empty.warnings == ()
    assert empty.snapshot == first.snapshot


def test_a_dark_picture_is_said_while_counting(ann: PatientContext) -> None:
    frames = STREAM.frames[40:50]
    assert all(f.landmarks is not None for f in frames)

    dark = tracking.track_batch(
        ann, "knee-to-chest", STREAM.aspect, None, _frames(frames, 20.0), SECRET
    )
    lit = tracking.track_batch(
        ann, "knee-to-chest", STREAM.aspect, None, _frames(frames, 140.0), SECRET
    )
    unknown = tracking.track_batch(
        ann, "knee-to-chest", STREAM.aspect, None, _frames(frames), SECRET
    )

    assert [w.code for w in dark.warnings] == ["too_dark"]
    assert dark.warnings[0].message.startswith("The picture is too dark. Turn on a light")
    assert lit.warnings == unknown.warnings == ()
    assert dark.live is not None and dark.live.has_pose  # a dark picture still counts


def test_one_odd_frame_in_a_batch_is_not_a_warning(ann: PatientContext) -> None:
    seen = [f for f in STREAM.frames[40:60] if f.landmarks is not None][:4]

    def gone(indexes: set[int]) -> list[Frame]:
        return [Frame(f.t, None) if i in indexes else f for i, f in enumerate(seen)]

    one = tracking.track_batch(
        ann, "knee-to-chest", STREAM.aspect, None, _frames(gone({1})), SECRET
    )
    half = tracking.track_batch(
        ann, "knee-to-chest", STREAM.aspect, None, _frames(gone({1, 2})), SECRET
    )

    assert one.warnings == ()
    assert [w.code for w in half.warnings] == ["no_pose"]
    assert "Nobody in the picture" in half.warnings[0].message


def test_warnings_come_in_one_order_with_their_latest_words() -> None:
    dark = tracking.CameraWarning("too_dark", "dark")
    nobody = tracking.CameraWarning("no_pose", "nobody, first words")
    nobody_again = tracking.CameraWarning("no_pose", "nobody, latest words")

    steady = tracking.steady_warnings([[dark, nobody], [dark], [dark, nobody_again], []])

    assert steady == (dark, nobody_again)
    assert tracking.steady_warnings([]) == ()


def test_nobody_in_the_picture_is_not_also_told_where_to_move() -> None:
    nobody = tracking.CameraWarning("no_pose", "nobody")
    side = tracking.CameraWarning("wrong_side", "not at the side")
    dark = tracking.CameraWarning("too_dark", "dark")

    flickering = tracking.steady_warnings([[dark, nobody], [dark, side], [dark, nobody], [side]])

    assert [w.code for w in flickering] == ["too_dark", "no_pose"]
    assert [w.code for w in tracking.steady_warnings([[side], [side], [nobody]])] == ["wrong_side"]


def test_a_state_is_only_good_for_its_person_exercise_and_secret(
    ann: PatientContext, database: Database
) -> None:
    made = tracking.track_batch(
        ann, "knee-to-chest", STREAM.aspect, None, _frames(STREAM.frames[:20]), SECRET
    ).snapshot
    edited = tracking.SealedSnapshot(made.detector.replace('"frames":20', '"frames":2'), made.seal)
    assert edited.detector != made.detector
    bob = _patient(database, "bob@example.org")
    attempts = [
        (ann, "knee-to-chest", edited, SECRET),
        (ann, "bird-dog", made, SECRET),
        (bob, "knee-to-chest", made, SECRET),
        (ann, "knee-to-chest", made, "another-install"),
    ]
    for ctx, exercise, snapshot, secret in attempts:
        with pytest.raises(InvalidInput) as refused:
            tracking.track_batch(ctx, exercise, STREAM.aspect, snapshot, [], secret)
        assert refused.value.field == "snapshot"

    again = tracking.track_batch(ann, "knee-to-chest", STREAM.aspect, made, [], SECRET)
    assert again.snapshot == made


def test_a_frame_earlier_than_the_one_before_is_named(ann: PatientContext) -> None:
    frames = [STREAM.frames[10], STREAM.frames[5]]

    with pytest.raises(InvalidInput) as refused:
        tracking.track_batch(ann, "knee-to-chest", STREAM.aspect, None, _frames(frames), SECRET)

    assert refused.value.field == "frames.1.t"


def test_no_counting_before_the_safety_questions(database: Database) -> None:
    fresh = _patient(database, "cat@example.org", screened=False)

    with pytest.raises(ProgramClosed):
        tracking.track_batch(
            fresh, "knee-to-chest", STREAM.aspect, None, _frames(STREAM.frames[:5]), SECRET
        )


def test_an_unknown_exercise_is_named(ann: PatientContext) -> None:
    with pytest.raises(InvalidInput) as refused:
        tracking.track_batch(ann, "plank", 4 / 3, None, [], SECRET)

    assert refused.value.field == "exercise"
