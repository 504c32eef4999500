"""One watched signal leaving its rest value and coming back: a hysteresis state machine.

Every detector is built from these. A channel (one side's hip flexion, the pelvis tilting one way)
is fed the signal's distance from the person's own rest value, frame by frame. It goes ``idle`` →
``entering`` when the signal passes the *enter* threshold, → ``in`` once it has stayed past it for
a minimum dwell (a jolt of noise never counts), → ``leaving`` when it falls below the lower *leave*
threshold, and closes the excursion once it has stayed below that for the dwell (so hovering near
one threshold does not chatter). Frames without a usable pose are skipped; a gap longer than
``max_gap_s`` closes an open excursion where the pose was last seen.

When the excursion closes, its samples say when the position was reached and left: the signal's
plateau, the times it crossed 50 % and 90 % of it on the way in and out, and the rest of the move
extrapolated for an ease-in-out movement (the cosine easing ``domain.skeleton`` animates with,
which spends 0.69 of its 50→90 % time again above 90 %). Thresholds alone would count the hold
from halfway through the move in to halfway through the move out, a second or more too long.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

ChannelState = Literal["idle", "entering", "in", "leaving"]

EASE_50_90 = 0.2952
"""The share of a cosine ease's time spent going from 50 % to 90 % of the way."""
EASE_TAIL = 0.6938
"""For a cosine ease, the time above 90 % of the move over the time from 50 % to 90 %."""

MAX_SEEN_GAP_S = 0.3
"""A move whose crossings are bracketed by samples further apart than this was not seen."""
MAX_SAMPLES = 4000
LEAD_S = 3.0
"""Seconds of samples kept while idle, so the way in is seen even below the enter threshold."""


@dataclass(frozen=True)
class ChannelSettings:
    enter: float
    leave: float
    dwell_in_s: float = 0.3
    dwell_out_s: float = 0.3
    max_gap_s: float = 2.0


@dataclass(frozen=True)
class Excursion:
    """A completed excursion: its channel, when the position was reached and left, the plateau
    value, and the median of the channel's auxiliary value there (e.g. which way knees fell)."""

    channel: str
    start_s: float
    end_s: float
    plateau: float
    aux: float | None

    @property
    def seconds(self) -> float:
        return max(0.0, self.end_s - self.start_s)


Sample = tuple[float, float, float | None]


@dataclass
class Channel:
    """The mutable state of one channel; plain data so a server can store it between requests."""

    name: str
    state: ChannelState = "idle"
    since: float = 0.0
    entered_at: float = 0.0
    last_seen: float | None = None
    samples: list[Sample] = field(default_factory=list)

    @property
    def active(self) -> bool:
        """Past the enter threshold long enough: the person is in the position."""
        return self.state in ("in", "leaving")

    def update(
        self, t: float, value: float, aux: float | None, settings: ChannelSettings
    ) -> Excursion | None:
        """Feed one sample; returns the excursion this sample completed, if any."""
        done = self.lost(t, settings)
        self.last_seen = t
        self.samples.append((t, value, aux))
        if self.state == "idle":
            self._trim(t)
            if value >= settings.enter:
                self.state, self.since, self.entered_at = "entering", t, t
        elif self.state == "entering":
            if value < settings.enter:
                self.state = "idle"
            elif t - self.since >= settings.dwell_in_s:
                self.state = "in"
        elif self.state == "in":
            if value < settings.leave:
                self.state, self.since = "leaving", t
        elif value >= settings.leave:
            self.state = "in"
        elif t - self.since >= settings.dwell_out_s:
            return self._complete()
        if len(self.samples) > MAX_SAMPLES:
            keep = MAX_SAMPLES // 4
            self.samples = self.samples[:keep] + self.samples[keep:-keep:2] + self.samples[-keep:]
        return done

    def lost(self, t: float, settings: ChannelSettings) -> Excursion | None:
        """No usable value at ``t``: a long enough gap ends an open excursion where last seen."""
        if self.last_seen is None or t - self.last_seen <= settings.max_gap_s:
            return None
        if self.active:
            return self._complete()
        self.state, self.samples = "idle", []
        return None

    def close(self) -> Excursion | None:
        """End of the stream (or of the position): an open excursion ends where last seen."""
        if self.active:
            return self._complete()
        self.state = "idle"
        return None

    def preview(self) -> Excursion | None:
        """The open excursion as if it ended now, without changing anything."""
        return _estimate(self.name, self.samples) if self.active else None

    def _complete(self) -> Excursion | None:
        excursion = _estimate(self.name, self.samples)
        # Only what came after the position was left leads into the next excursion.
        back = self.since if self.state == "leaving" else math.inf
        self.state = "idle"
        self.samples = [s for s in self.samples if s[0] >= back]
        return excursion

    def _trim(self, t: float) -> None:
        while self.samples and self.samples[0][0] < t - LEAD_S:
            self.samples.pop(0)

    def recent_aux(self, count: int = 15) -> float | None:
        """The median auxiliary value of the last few samples (cheap, for a live display)."""
        values = sorted(a for _, _, a in self.samples[-count:] if a is not None)
        return values[len(values) // 2] if values else None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "state": self.state,
            "since": self.since,
            "entered_at": self.entered_at,
            "last_seen": self.last_seen,
            "samples": [list(s) for s in self.samples],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Channel:
        return cls(
            name=data["name"],
            state=data["state"],
            since=data["since"],
            entered_at=data["entered_at"],
            last_seen=data["last_seen"],
            samples=[(s[0], s[1], s[2]) for s in data["samples"]],
        )


def _crossing(a: Sample, b: Sample, level: float) -> float:
    """When the signal crossed ``level`` between samples ``a`` and ``b`` (linear in between)."""
    (ta, va, _), (tb, vb, _) = a, b
    if vb == va:
        return tb
    return ta + (tb - ta) * min(1.0, max(0.0, (level - va) / (vb - va)))


def _clamp(x: float) -> float:
    return max(-1.0, min(1.0, x))


def _widest_gap(samples: list[Sample], first: int, last: int) -> float:
    """The longest time between consecutive samples from index ``first`` to ``last``."""
    return max((samples[q + 1][0] - samples[q][0] for q in range(first, last)), default=0.0)


def _estimate(name: str, samples: list[Sample]) -> Excursion | None:
    if not samples:
        return None
    top = max(v for _, v, _ in samples)
    upper = sorted(v for _, v, _ in samples if v >= 0.8 * top)
    plateau = upper[len(upper) // 2]
    half, near = 0.5 * plateau, 0.9 * plateau
    n = len(samples)

    # The way in: the first sample near the plateau, and the run above half before it (the
    # samples kept from before may still hold the end of the previous excursion).
    j = next(q for q in range(n) if samples[q][1] >= near)
    i = j
    while i > 0 and samples[i - 1][1] >= half:
        i -= 1
    t50_in = _crossing(samples[i - 1], samples[i], half) if i > 0 else samples[i][0]
    t90_in = _crossing(samples[j - 1], samples[j], near) if j > 0 else samples[j][0]
    tail_in = EASE_TAIL * (t90_in - t50_in)

    # The way out, mirrored: the last sample near the plateau and the run above half after it.
    m = next(q for q in range(n - 1, -1, -1) if samples[q][1] >= near)
    k = m
    while k < n - 1 and samples[k + 1][1] >= half:
        k += 1
    t90_out = _crossing(samples[m], samples[m + 1], near) if m < n - 1 else samples[m][0]
    t50_out = _crossing(samples[k], samples[k + 1], half) if k < n - 1 else samples[k][0]
    tail_out = EASE_TAIL * (t50_out - t90_out)

    reach = t90_in + tail_in
    leave = t90_out - tail_out
    # A move seen through a gap (lost frames, a hidden leg) cannot be timed from its own
    # crossings. Take the other move's duration and fit the ease through the last sample seen
    # before the position was reached (or the first seen after it was left).
    hidden_in = _widest_gap(samples, max(i - 1, 0), j) > MAX_SEEN_GAP_S
    hidden_out = _widest_gap(samples, m, min(k + 1, n - 1)) > MAX_SEEN_GAP_S
    if hidden_in and not hidden_out and j > 0:
        move = tail_out / EASE_TAIL / EASE_50_90
        t, v, _ = samples[j - 1]
        reach = t + move * (1 - math.acos(_clamp(1 - 2 * v / plateau)) / math.pi)
    elif hidden_out and not hidden_in and m < n - 1:
        move = tail_in / EASE_TAIL / EASE_50_90
        t, v, _ = samples[m + 1]
        leave = t - move * math.acos(_clamp(2 * v / plateau - 1)) / math.pi

    if leave <= reach:
        # No plateau to speak of (a position drifted through rather than held): the hold runs
        # from halfway in to halfway out.
        reach, leave = t50_in, max(t50_in, t50_out)
    held = [a for t, v, a in samples if reach <= t <= leave and v >= near and a is not None]
    aux = sorted(held)[len(held) // 2] if held else None
    return Excursion(name, reach, leave, plateau, aux)
