"""The pain diary: check-in entries and what their trend means (clinical-spec.md §4.1, §4.3, §6).

A check-in records morning (or before/after-session) leg and back pain, how far down each leg pain
and numbness reach (zones 0–5, §6), the daily red-flag answers Q1–Q7 (§1) and a few notes. The
functions here read a list of entries and return signals: the baseline morning pain progression
compares against, weekly means, centralisation or peripheralisation per leg, symptoms in both legs
(a reason to ask Q7 again), and a flare-up (§4.3). Several entries a day are allowed; a day's value
for trends is its morning entry, or its first entry when there was no morning entry.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from sciatica_care.domain.body_map import LEG_ZONE as LEG_ZONE  # re-exported for the diary's users
from sciatica_care.domain.body_map import BodyMap, Side, SymptomKind
from sciatica_care.domain.body_map import LegZones as LegZones
from sciatica_care.domain.progression import BASELINE_MORNINGS, baseline_from_mornings
from sciatica_care.domain.replies import Answer
from sciatica_care.domain.wording import spelled_date

Pain = Annotated[int, Field(ge=0, le=10)]
DailyItem = Literal["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7"]
Measure = Literal["leg", "back"]

FLARE_RISE = 2
"""§4.3: a flare is pain at least 2 points above usual ..."""
FLARE_MIN_DAYS = 2
"""... for more than 24 h: two consecutive days."""
MIN_USUAL_MORNINGS = 3
"""Fewer mornings than this give no reliable "usual" pain to compare a flare against."""
PERSISTING_DAYS = 3
"""§6: peripheralisation persisting 3 days or more → ROUTINE."""
CENTRALISING_DAYS = 2
"""§6: centralisation counts once sustained for 2 days."""
WEEK = dt.timedelta(days=7)

ZONE_WORDS: dict[int, str] = {
    0: "nowhere",
    1: "the middle of your lower back",
    2: "one side of your back or buttock",
    3: "your thigh",
    4: "your knee or calf",
    5: "your ankle, foot or toes",
}
"""Body-map zones of clinical-spec.md §6, in words a person reads."""


class _Entry(BaseModel):
    # Schemas are built on first use, not at import: every command imports these (start-up).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class CheckIn(_Entry):
    """One diary entry. ``medication`` is what the person took, in their words: the app never
    suggests a medicine or a dose (§7 rule 4)."""

    day: dt.date
    moment: Literal["morning", "before_session", "after_session", "other"] = "morning"
    leg_pain: Pain
    back_pain: Pain
    zones: BodyMap = BodyMap()
    red_flags: dict[DailyItem, Answer] = {}
    activities_impossible: bool = False
    sleep_quality: Literal["good", "fair", "poor"] | None = None
    medication: Annotated[str | None, Field(max_length=500)] = None
    heat_or_cold: Literal["none", "heat", "cold", "both"] = "none"
    note: Annotated[str | None, Field(max_length=2000)] = None


class Reading(Protocol):
    """What the trend rules read of an entry: a whole ``CheckIn`` or a ``DayReading``."""

    @property
    def day(self) -> dt.date: ...
    @property
    def moment(self) -> str: ...
    @property
    def leg_pain(self) -> int: ...
    @property
    def back_pain(self) -> int: ...
    @property
    def zones(self) -> BodyMap: ...
    @property
    def activities_impossible(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class DayReading:
    """The values of one entry the trends, charts and flare-up rule read, without the rest.

    A year of diary on a chart or in a flare-up check needs these few values per entry, not the
    whole validated ``CheckIn`` (notes, medication, red-flag answers): ``store.checkins.readings``
    reads only them.
    """

    day: dt.date
    moment: str
    leg_pain: int
    back_pain: int
    zones: BodyMap
    activities_impossible: bool


R = TypeVar("R", bound=Reading)


class ZoneTrend(StrEnum):
    CENTRALISING = "CENTRALISING"
    PERIPHERALISING = "PERIPHERALISING"
    STABLE = "STABLE"
    NOT_ENOUGH_DATA = "NOT_ENOUGH_DATA"


class ZoneSignal(_Entry):
    """The §6 trend of one leg and one symptom, with the sentence to show."""

    side: Side
    kind: SymptomKind
    trend: ZoneTrend
    days: int
    from_zone: int | None
    to_zone: int | None
    escalation: Literal["ROUTINE"] | None
    message: str


class WeeklyPain(_Entry):
    """Mean morning pain of the 7 days ending on ``end`` and of the 7 days before (§4.1 weekly)."""

    end: dt.date
    this_week: float | None
    last_week: float | None

    @property
    def rise(self) -> float | None:
        if self.this_week is None or self.last_week is None:
            return None
        return self.this_week - self.last_week


class Flare(_Entry):
    """A flare-up (§4.3): since ``started_on`` pain stayed ≥2 above ``usual`` or activities stopped."""

    started_on: dt.date
    days: int
    usual: float | None
    latest: int
    message: str


def daily_entries(entries: Sequence[R]) -> list[R]:
    """One entry per day, oldest first: the day's first morning entry, else its first entry."""
    chosen: dict[dt.date, R] = {}
    for entry in entries:
        current = chosen.get(entry.day)
        if current is None or (entry.moment == "morning" and current.moment != "morning"):
            chosen[entry.day] = entry
    return [chosen[day] for day in sorted(chosen)]


def _pain(entry: Reading, measure: Measure) -> int:
    return entry.leg_pain if measure == "leg" else entry.back_pain


def morning_pain(entries: Sequence[Reading], measure: Measure = "leg") -> list[tuple[dt.date, int]]:
    """Each day's morning pain (leg or back), oldest first; days without a morning entry are left
    out so the baseline compares like with like."""
    return [
        (entry.day, _pain(entry, measure))
        for entry in daily_entries([e for e in entries if e.moment == "morning"])
    ]


def baseline_morning_pain(
    entries: Sequence[Reading], before: dt.date, measure: Measure = "leg"
) -> float | None:
    """Median of the last 7 mornings before ``before`` (clinical-spec.md §4.1 baseline).

    The morning being judged is excluded, so a bad morning cannot raise its own yardstick.
    """
    values = [pain for day, pain in morning_pain(entries, measure) if day < before]
    return baseline_from_mornings(values[-BASELINE_MORNINGS:])


def weekly_mean(entries: Sequence[Reading], end: dt.date, measure: Measure = "leg") -> float | None:
    """Mean morning pain over the 7 days ending on ``end`` (inclusive); ``None`` without data."""
    values = [pain for day, pain in morning_pain(entries, measure) if end - WEEK < day <= end]
    return statistics.fmean(values) if values else None


def weekly_leg_pain(entries: Sequence[Reading], end: dt.date) -> WeeklyPain:
    """This week's and last week's mean morning leg pain, for the §4.1 weekly rule (rise ≥2)."""
    return WeeklyPain(
        end=end,
        this_week=weekly_mean(entries, end),
        last_week=weekly_mean(entries, end - WEEK),
    )


def _run_length(values: Sequence[int], moved: str) -> int:
    """Longest run of latest values all ≥1 zone beyond the value just before the run.

    ``moved`` is "down" (centralising: lower zones) or "up" (peripheralising: further down the leg).
    One pass from the latest value back: the run's lowest (or highest) value so far decides.
    """
    best = 0
    edge: int | None = None
    for k in range(1, len(values)):
        value, before = values[-k], values[-k - 1]
        if moved == "up":
            if edge is None or value < edge:
                edge = value
            if edge >= before + 1:
                best = k
        else:
            if edge is None or value > edge:
                edge = value
            if edge <= before - 1:
                best = k
    return best


def zone_signal(entries: Sequence[Reading], side: Side, kind: SymptomKind) -> ZoneSignal:
    """Centralisation or peripheralisation of one leg's pain or numbness (clinical-spec.md §6).

    PERIPHERALISING: the furthest zone moved ≥1 further down the leg than the day before the change;
    persisting 3 days or more → ``ROUTINE``. CENTRALISING: the furthest zone moved ≥1 back towards
    the spine and stayed there at least 2 days. Days without an entry are skipped. This is a trend
    to share with a clinician, not a diagnosis (§6: poor reliability).
    """
    return _zone_signal(daily_entries(entries), side, kind)


def _zone_signal(days: Sequence[Reading], side: Side, kind: SymptomKind) -> ZoneSignal:
    """``zone_signal`` of the diary's days (``daily_entries``)."""
    values = [getattr(entry.zones.side(side), kind) for entry in days]
    word = "pain" if kind == "pain" else "numbness or pins and needles"
    if len(values) < 2:
        return ZoneSignal(
            side=side,
            kind=kind,
            trend=ZoneTrend.NOT_ENOUGH_DATA,
            days=len(values),
            from_zone=None,
            to_zone=values[-1] if values else None,
            escalation=None,
            message=f"Record a few more days to see how your {side} leg {word} changes.",
        )
    up = _run_length(values, "up")
    if up:
        before, now = values[-up - 1], values[-1]
        escalation: Literal["ROUTINE"] | None = "ROUTINE" if up >= PERSISTING_DAYS else None
        message = (
            f"Your {side} leg {word} now reaches {ZONE_WORDS[now]}, further down than before "
            f"({ZONE_WORDS[before]})."
        )
        if escalation:
            message += (
                f" It has stayed further down for {up} days: please book a review with a "
                f"clinician in the next 1–2 weeks. If your leg or foot is getting weaker, answer "
                f"the safety questions now."
            )
        return ZoneSignal(
            side=side,
            kind=kind,
            trend=ZoneTrend.PERIPHERALISING,
            days=up,
            from_zone=before,
            to_zone=now,
            escalation=escalation,
            message=message,
        )
    down = _run_length(values, "down")
    if down >= CENTRALISING_DAYS:
        before, now = values[-down - 1], values[-1]
        where = "has gone" if now == 0 else f"now reaches only {ZONE_WORDS[now]}"
        return ZoneSignal(
            side=side,
            kind=kind,
            trend=ZoneTrend.CENTRALISING,
            days=down,
            from_zone=before,
            to_zone=now,
            escalation=None,
            message=(
                f"Your {side} leg {word} {where}, no longer {ZONE_WORDS[before]}, for {down} "
                f"days. Symptoms moving back towards the spine are usually a good sign, even if "
                f"your back aches a little more for a while."
            ),
        )
    return ZoneSignal(
        side=side,
        kind=kind,
        trend=ZoneTrend.STABLE,
        days=0,
        from_zone=values[-2],
        to_zone=values[-1],
        escalation=None,
        message=f"Your {side} leg {word} reaches about as far as before ({ZONE_WORDS[values[-1]]}).",
    )


def zone_signals(entries: Sequence[Reading]) -> list[ZoneSignal]:
    """All four §6 trends: left and right leg, pain and numbness."""
    days = daily_entries(entries)
    return [
        _zone_signal(days, side, kind)
        for side in ("left", "right")
        for kind in ("pain", "numbness")
    ]


def symptoms_in_both_legs(entry: CheckIn) -> bool:
    """Whether pain or numbness reaches into both legs (zone ≥3 on each side).

    Symptoms appearing in the other leg count as red-flag Q7 (§6, §1, §9 ruling 2).
    """
    return entry.zones.both_legs


def daily_flags(entry: CheckIn) -> list[str]:
    """The daily red-flag items answered "yes" or "unsure" ("unsure" counts as yes, §1)."""
    return [item for item, answer in sorted(entry.red_flags.items()) if answer != "no"]


class _FlareRule:
    """The §4.3 rule over one diary's days, in one pass each (see ``detect_flare``).

    Built once for a diary, it answers "is there a flare-up ending at day ``i``?" for any day
    without reading the days before the run again: the mornings before each day are counted
    and their lowest pain kept, so the usual pain before a run is a slice of at most 7 values.
    """

    def __init__(self, entries: Sequence[Reading]) -> None:
        self.days = daily_entries(entries)
        self.impossible = {e.day for e in entries if e.activities_impossible}
        self.legs: list[int] = []  # morning leg pain, oldest first
        self.mornings_before: list[int] = []  # mornings among days[:i]
        self.lowest_before: list[int | None] = []  # the lowest of those mornings' leg pain
        self._usual: dict[int, float | None] = {}  # usual pain before days[i], once worked out
        lowest: int | None = None
        for day in self.days:
            self.mornings_before.append(len(self.legs))
            self.lowest_before.append(lowest)
            if day.moment == "morning":
                self.legs.append(day.leg_pain)
                lowest = day.leg_pain if lowest is None else min(lowest, day.leg_pain)

    def usual_before(self, start: int) -> float | None:
        """The median of up to 7 mornings before ``days[start]``; None with fewer than 3."""
        if start in self._usual:
            return self._usual[start]
        count = self.mornings_before[start]
        prior = self.legs[max(0, count - BASELINE_MORNINGS) : count]
        usual = statistics.median(prior) if len(prior) >= MIN_USUAL_MORNINGS else None
        self._usual[start] = usual
        return usual

    def ending_at(self, last: int) -> tuple[int, float | None] | None:
        """(run length, usual pain) of the longest flare-up run ending at ``days[last]``.

        Every run of 2 or more consecutive days ending there is tried, as the rule reads; the
        search stops early only when no longer run can pass: a longer run keeps the lowest
        pain found so far, and its usual pain (a median of earlier mornings) is at least the
        lowest morning before the current run.
        """
        days = self.days
        found: tuple[int, float | None] | None = None
        lowest: int | None = None  # lowest leg pain of the run's days that were not impossible
        if days[last].day not in self.impossible:
            lowest = days[last].leg_pain
        for k in range(FLARE_MIN_DAYS, last + 2):
            start = last - k + 1
            if days[last].day - days[start].day != dt.timedelta(days=k - 1):
                break
            if days[start].day not in self.impossible:
                pain = days[start].leg_pain
                lowest = pain if lowest is None else min(lowest, pain)
            usual = self.usual_before(start)
            if lowest is None or (usual is not None and lowest >= usual + FLARE_RISE):
                found = (k, usual)
            elif lowest is not None:
                floor = self.lowest_before[start]
                if floor is None or lowest < floor + FLARE_RISE:
                    break
        return found

    def flare(self, last: int) -> Flare | None:
        """The flare-up ending at ``days[last]``, with its message, if any."""
        found = self.ending_at(last)
        if found is None:
            return None
        k, usual = found
        return _flare_of(self.days[last - k + 1], self.days[last], k, usual)


def detect_flare(entries: Sequence[Reading], today: dt.date) -> Flare | None:
    """A current flare-up (clinical-spec.md §4.3), or ``None``.

    Flare = on at least 2 consecutive days up to today or yesterday, morning leg pain was ≥2 above
    usual (the median of up to 7 mornings before the flare, needing at least 3) or usual
    activities were impossible. The start date feeds ``ProgressionInput.flare_started_on``.
    """
    rule = _FlareRule(entries)
    if not rule.days or rule.days[-1].day < today - dt.timedelta(days=1):
        return None
    return rule.flare(len(rule.days) - 1)


def flare_starts(
    entries: Sequence[Reading], first: dt.date, last: dt.date
) -> dict[dt.date, dt.date]:
    """For each day from ``first`` to ``last`` with a current flare-up, the day it started.

    The same answer as ``detect_flare`` asked on each day with the entries up to that day, in
    one pass over the diary (a chart of a year asks 365 times).
    """
    rule = _FlareRule(entries)
    starts: dict[dt.date, dt.date] = {}
    index = -1  # the latest daily entry on or before ``day``
    answers: dict[int, dt.date | None] = {}
    day = first
    while day <= last:
        while index + 1 < len(rule.days) and rule.days[index + 1].day <= day:
            index += 1
        if index >= 0 and rule.days[index].day >= day - dt.timedelta(days=1):
            if index not in answers:
                found = rule.ending_at(index)
                answers[index] = rule.days[index - found[0] + 1].day if found else None
            started = answers[index]
            if started is not None:
                starts[day] = started
        day += dt.timedelta(days=1)
    return starts


def _flare_of(start: Reading, latest: Reading, k: int, usual: float | None) -> Flare:
    """The flare-up of ``k`` days from ``start`` to ``latest``, with its message."""
    if usual is not None and latest.leg_pain >= usual + FLARE_RISE:
        why = f"Your leg pain has stayed well above your usual {usual:g} (now {latest.leg_pain})"
    else:
        why = "Your usual activities have not been possible"
    message = (
        f"{why}, since {spelled_date(start.day)}: a flare-up. Go back to the easiest version of "
        f"each exercise with half the usual amount, keep gently active with short walks, and "
        f"avoid more than a day or two in bed. Heat or cold may help. For pain relief, ask a "
        f"pharmacist or doctor. If it is not better in 7 days, or if any warning sign appears, "
        f"answer the safety questions and contact a health professional."
    )
    return Flare(
        started_on=start.day,
        days=k,
        usual=float(usual) if usual is not None else None,
        latest=latest.leg_pain,
        message=message,
    )
