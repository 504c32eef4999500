"""A detector: frames in, one at a time; reps, holds and a live state out (issue 11).

The same object serves the CLI (a video, a camera, a recorded stream) and the web player's server
(landmarks posted from the browser): ``feed(frame)`` after each frame returns the ``LiveState``
to show (count, side held and for how long, the angle watched), ``result()`` the summary in the
issue's JSON shape. It is pure: no clock (time is each frame's ``t``), no I/O. Its whole state is
plain data: ``snapshot()`` and ``Detector.restore()`` carry it between requests of a stateless
server.

Phases. *Getting into position*: nothing counts until the person has held the exercise's start
posture, in a plausible rest pose, still for ``SETTLE_S``; that stretch calibrates the rest
values every threshold is measured from. *Tracking*: each channel (``excursion.Channel``) counts.
Leaving the start posture for longer than ``LOST_POSTURE_S`` (sitting up between sets) goes back
to getting into position, and the next settle calibrates again.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any, Literal

from sciatica_care.motion.angles import BodyAngles, measure
from sciatica_care.motion.errors import MotionError
from sciatica_care.motion.excursion import Channel, Excursion
from sciatica_care.motion.exercise_rules import ExerciseRules, Features, rules_for
from sciatica_care.motion.landmarks import Frame, Side

Phase = Literal["positioning", "tracking"]

SETTLE_S = 1.5
"""Seconds of stillness in the start posture that calibrate the rest pose."""
MIN_SETTLE_SAMPLES = 5
"""Each calibrated angle must have been seen at least this often in those seconds."""
LOST_POSTURE_S = 2.0
"""Seconds out of the start posture after which the person is getting into position again."""
SMOOTHING_S = 0.12
"""Time constant of the exponential smoothing of every angle (jitter of a few pixels)."""
REST_FOLLOW_S = 5.0
"""Time constant with which the rest values follow the person between reps and holds."""
DEFAULT_ASPECT = 4 / 3
"""Width / height of a common webcam picture (640×480), when the picture's shape is not known."""


@dataclass(frozen=True)
class Hold:
    """One hold: the side, when the position was reached (seconds from the start) and how long."""

    side: Side
    start_s: float
    seconds: float

    def as_json(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "start_s": round(self.start_s, 2),
            "seconds": round(self.seconds, 1),
        }


@dataclass(frozen=True)
class TrackingResult:
    """The issue's output: reps (for a hold exercise, the number of holds), the holds, frames,
    frames without a usable pose, and a confidence 0–1 (see ``Detector.confidence``)."""

    exercise: str
    reps: int
    holds: tuple[Hold, ...]
    frames: int
    frames_without_pose: int
    confidence: float

    def as_json(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "reps": self.reps,
            "holds": [h.as_json() for h in self.holds],
            "frames": self.frames,
            "frames_without_pose": self.frames_without_pose,
            "confidence": round(self.confidence, 2),
        }


@dataclass(frozen=True)
class LiveState:
    """What to show after a frame: the phase, the counts so far, what is being held (the side;
    for pelvic tilt the way it tilts, ``arch`` or ``flatten``; None out of position) and for how
    long, and the angle watched (its name, and its value in degrees once calibrated)."""

    t: float
    phase: Phase
    reps: int
    holds: int
    holding: str | None
    hold_seconds: float | None
    watched: str
    angle: float | None
    has_pose: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "t": round(self.t, 3),
            "phase": self.phase,
            "reps": self.reps,
            "holds": self.holds,
            "holding": self.holding,
            "hold_seconds": None if self.hold_seconds is None else round(self.hold_seconds, 1),
            "watched": self.watched,
            "angle": None if self.angle is None else round(self.angle, 1),
            "has_pose": self.has_pose,
        }


@dataclass
class _State:
    """Everything that changes as frames come: plain data, so it can be stored as JSON."""

    phase: Phase = "positioning"
    frames: int = 0
    frames_without_pose: int = 0
    tracking_frames: int = 0
    tracking_usable: int = 0
    visibility_sum: float = 0.0
    last_t: float | None = None
    smoothed: dict[str, tuple[float, float]] = field(default_factory=dict)
    window: list[tuple[float, dict[str, float]]] = field(default_factory=list)
    baseline: dict[str, float] = field(default_factory=dict)
    last_in_posture: float | None = None
    channels: dict[str, Channel] = field(default_factory=dict)
    excursions: list[Excursion] = field(default_factory=list)
    features: Features = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "frames": self.frames,
            "frames_without_pose": self.frames_without_pose,
            "tracking_frames": self.tracking_frames,
            "tracking_usable": self.tracking_usable,
            "visibility_sum": self.visibility_sum,
            "last_t": self.last_t,
            "smoothed": {k: list(v) for k, v in self.smoothed.items()},
            "window": [[t, values] for t, values in self.window],
            "baseline": self.baseline,
            "last_in_posture": self.last_in_posture,
            "channels": {k: c.to_json() for k, c in self.channels.items()},
            "excursions": [asdict(e) for e in self.excursions],
            "features": self.features,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> _State:
        return cls(
            phase=data["phase"],
            frames=data["frames"],
            frames_without_pose=data["frames_without_pose"],
            tracking_frames=data["tracking_frames"],
            tracking_usable=data["tracking_usable"],
            visibility_sum=data["visibility_sum"],
            last_t=data["last_t"],
            smoothed={k: (v[0], v[1]) for k, v in data["smoothed"].items()},
            window=[(t, dict(values)) for t, values in data["window"]],
            baseline=dict(data["baseline"]),
            last_in_posture=data["last_in_posture"],
            channels={k: Channel.from_json(c) for k, c in data["channels"].items()},
            excursions=[Excursion(**e) for e in data["excursions"]],
            features=dict(data["features"]),
        )


def _still(values: list[float], tolerance: float) -> bool:
    """Values that only jitter: their spread within ``tolerance``, and the means of the window's
    three thirds within a third of it (no drift, no slow wiggle). A range test alone fails on a
    small, noisy body lying perfectly still; a spread test alone passes a slow movement."""
    n = len(values)
    mean = sum(values) / n
    spread = math.sqrt(sum((v - mean) ** 2 for v in values) / n)
    cuts = [0, n // 3, 2 * n // 3, n]
    thirds = [sum(values[a:b]) / (b - a) for a, b in pairwise(cuts) if b > a]
    return spread <= tolerance and max(thirds) - min(thirds) <= tolerance / 3


class Detector:
    """Counts one exercise from landmark frames fed in time order."""

    def __init__(self, exercise_id: str, aspect: float = DEFAULT_ASPECT) -> None:
        if not (isinstance(aspect, int | float) and math.isfinite(aspect) and 0.2 <= aspect <= 5):
            raise MotionError(f"the picture's shape (width / height) must be 0.2–5, not {aspect}")
        self.exercise_id = exercise_id
        self.rules: ExerciseRules = rules_for(exercise_id)
        self.aspect = float(aspect)
        self._s = _State(channels={name: Channel(name) for name in self.rules.channels})

    # --- keeping between requests --------------------------------------------------------------

    SNAPSHOT_VERSION = 1

    def snapshot(self) -> dict[str, Any]:
        """The whole detector as JSON-ready data: a stateless server stores it between batches
        of frames and carries on with ``Detector.restore`` (in any process)."""
        return {
            "version": self.SNAPSHOT_VERSION,
            "exercise": self.exercise_id,
            "aspect": self.aspect,
            "state": self._s.to_json(),
        }

    @classmethod
    def restore(cls, snapshot: dict[str, Any]) -> Detector:
        """A detector carrying on exactly where ``snapshot()`` was taken."""
        try:
            if snapshot["version"] != cls.SNAPSHOT_VERSION:
                raise MotionError("the tracking state is from another version; start again")
            detector = cls(snapshot["exercise"], snapshot["aspect"])
            detector._s = _State.from_json(snapshot["state"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise MotionError("not a saved tracking state") from exc
        if set(detector._s.channels) != set(detector.rules.channels):
            raise MotionError("not a saved tracking state")
        return detector

    # --- feeding ----------------------------------------------------------------------------

    def feed(self, frame: Frame) -> LiveState:
        """Take the next frame (time never runs backwards) and say what to show now."""
        s = self._s
        if s.last_t is not None and frame.t < s.last_t:
            raise MotionError(
                f"frames must come in time order ({frame.t:g} s after {s.last_t:g} s)"
            )
        s.last_t = frame.t
        s.frames += 1
        if s.phase == "tracking":
            s.tracking_frames += 1
        angles = measure(frame, self.aspect, self.rules.front)
        features = self._smooth(frame.t, self.rules.features(angles)) if angles else {}
        usable = any(v is not None for v in features.values())
        s.features = features
        if not usable or angles is None:
            s.frames_without_pose += 1
            self._missing(frame.t)
            return self.live(frame.t, has_pose=False)
        if s.phase == "tracking":
            s.tracking_usable += 1
            s.visibility_sum += angles.core_visibility
            self._track(frame.t, angles, features)
        else:
            self._settle(frame.t, angles, features)
        return self.live(frame.t, has_pose=True)

    def _smooth(self, t: float, raw: Features) -> Features:
        out: Features = {}
        for name, value in raw.items():
            if value is None:
                out[name] = None
                continue
            previous = self._s.smoothed.get(name)
            if previous is None or t - previous[1] > LOST_POSTURE_S:
                smoothed = value
            else:
                alpha = 1 - math.exp(-max(t - previous[1], 0.0) / SMOOTHING_S)
                smoothed = previous[0] + alpha * (value - previous[0])
            self._s.smoothed[name] = (smoothed, t)
            out[name] = smoothed
        return out

    def _settle(self, t: float, angles: BodyAngles, features: Features) -> None:
        """Getting into position: calibrate once the start posture has been held still.

        A frame where a limb is hidden adds what it shows and breaks nothing; leaving the
        posture, or a pose that cannot be rest (a knee already up), starts the wait again.
        """
        s = self._s
        if not (self.rules.in_posture(angles) and self.rules.plausible_rest(features)):
            s.window = []
            return
        s.window.append((t, {k: v for k, v in features.items() if v is not None}))
        while len(s.window) > 1 and t - s.window[1][0] >= SETTLE_S:
            s.window.pop(0)
        if t - s.window[0][0] < SETTLE_S:
            return
        baseline = {}
        for name in features:
            values = [w[name] for _, w in s.window if name in w]
            if len(values) < MIN_SETTLE_SAMPLES:
                return
            tolerance = self.rules.tolerance.get(name)
            if tolerance is not None and not _still(values, tolerance):
                return
            # The end of the window is the stillest part (a settling movement eases out).
            latest = values[-max(1, len(values) // 3) :]
            baseline[name] = sum(latest) / len(latest)
        s.baseline = baseline
        s.phase, s.window, s.last_in_posture = "tracking", [], t

    def _track(self, t: float, angles: BodyAngles, features: Features) -> None:
        s = self._s
        if not self.rules.in_posture(angles):
            if s.last_in_posture is not None and t - s.last_in_posture > LOST_POSTURE_S:
                self._close_all()
                s.phase = "positioning"
            else:
                self._missing(t)
            return
        dt = t - s.last_in_posture if s.last_in_posture is not None else 0.0
        s.last_in_posture = t
        signals = self.rules.signals(features, s.baseline)
        for name, (value, aux) in signals.items():
            channel = s.channels[name]
            if value is None:
                done = channel.lost(t, self.rules.channel)
            else:
                done = channel.update(t, value, aux, self.rules.channel)
            if done is not None:
                s.excursions.append(done)
        if all(value is None or value < self.rules.channel.enter for value, _ in signals.values()):
            self._follow_rest(features, dt)

    def _follow_rest(self, features: Features, dt: float) -> None:
        """Move the rest values slowly towards what is measured while nothing is near a
        position: a person shifts on the mat, and a rest pose calibrated a little off would
        otherwise keep a channel from ever coming back below its leave threshold."""
        alpha = 1 - math.exp(-max(dt, 0.0) / REST_FOLLOW_S)
        for name, value in features.items():
            if value is not None and name in self._s.baseline:
                self._s.baseline[name] += alpha * (value - self._s.baseline[name])

    def _missing(self, t: float) -> None:
        for channel in self._s.channels.values():
            done = channel.lost(t, self.rules.channel)
            if done is not None:
                self._s.excursions.append(done)
        if (
            self._s.phase == "tracking"
            and self._s.last_in_posture is not None
            and t - self._s.last_in_posture > LOST_POSTURE_S * 2
        ):
            self._close_all()
            self._s.phase = "positioning"

    def _close_all(self) -> None:
        for channel in self._s.channels.values():
            done = channel.close()
            if done is not None:
                self._s.excursions.append(done)

    # --- reading ----------------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        return self._s.phase

    def _counted(self, include_open: bool) -> list[Excursion]:
        done = list(self._s.excursions)
        if include_open:
            done += [e for c in self._s.channels.values() if (e := c.preview()) is not None]
        return sorted(done, key=lambda e: e.start_s)

    def _reps(self, excursions: list[Excursion]) -> int:
        if self.rules.counts == "holds":
            return len(excursions)
        per_channel = [sum(e.channel == c for e in excursions) for c in self.rules.channels]
        return max(per_channel, default=0)

    def live(self, t: float, has_pose: bool = True) -> LiveState:
        s = self._s
        done = self._counted(include_open=False)
        holding = next((c for c in s.channels.values() if c.active), None)
        holding_side: str | None = None
        if holding is not None:
            sketch = Excursion(holding.name, holding.entered_at, t, 0.0, holding.recent_aux())
            holding_side = self.rules.side_of(sketch, s.baseline)
        angle = self.rules.watched(self._s.features, s.baseline) if s.phase == "tracking" else None
        return LiveState(
            t=t,
            phase=s.phase,
            reps=self._reps(done),
            holds=len(done) if self.rules.counts == "holds" else 0,
            holding=holding_side,
            hold_seconds=None if holding is None else max(0.0, t - holding.entered_at),
            watched=self.rules.watched_label,
            angle=angle,
            has_pose=has_pose,
        )

    def confidence(self) -> float:
        """0 if the person never got into position; else the share of frames since then with a
        usable pose times the mean visibility of shoulders and hips in them."""
        s = self._s
        if not s.tracking_frames or not s.tracking_usable:
            return 0.0
        usable = s.tracking_usable / s.tracking_frames
        return max(0.0, min(1.0, usable * s.visibility_sum / s.tracking_usable))

    def result(self) -> TrackingResult:
        """The summary so far: completed reps and holds, and a hold still open counted up to the
        last frame it was seen in (at the end of a recording, that is where it ended)."""
        counted = self._counted(include_open=self.rules.counts == "holds")
        # Samples are smoothed (exponentially, SMOOTHING_S): a ramp shows that much late.
        holds = tuple(
            Hold(self.rules.side_of(e, self._s.baseline), e.start_s - SMOOTHING_S, e.seconds)
            for e in counted
            if self.rules.counts == "holds"
        )
        return TrackingResult(
            exercise=self.exercise_id,
            reps=self._reps(counted) if self.rules.counts == "reps" else len(holds),
            holds=holds,
            frames=self._s.frames,
            frames_without_pose=self._s.frames_without_pose,
            confidence=self.confidence(),
        )
