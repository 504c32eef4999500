"""Each patient's caseload summary: the last 35 local days in the shape the dashboard reads.

The clinician dashboard (``services.caseload``) must cost the same at 5,000 patients × a year as at
a week (design.md "Scale"), so it does not read the diary: it reads one ``caseload_summaries`` row
per patient, kept here as derived data (design.md "Transactions"). What the person recorded is
committed first; ``before_entry`` flags the summary stale before the write and ``after_entry``
recomputes it after, in its own transaction. A failure is logged without personal data and never
loses the entry: the flag stays set and the next dashboard read rebuilds the summary, as it does
for a missing one (data from before migration 0008, an import) or one kept in another time zone.

The summary (``days``, compact JSON) is indexed by local day: position ``i`` is the day
``covers_from + i`` (35 days, more when an entry is dated later), so the dashboard reads any
window with slices, counts and sums that run in C (5,000 patients in a few tens of ms):

* ``n``: a string, ``"1"`` on a day with a check-in; ``s``: ``"1"`` on a day a final session with
  an exercise completed started (§4.2 adherence counts days, not sessions);
* ``l`` and ``m``: per day, the sum of morning leg pain (NPRS) and the number of morning entries
  (the §3 trend compares means of mornings), one character a day (``encode_counts``);
* ``r``: the final sessions that ended RED (``domain.session.red_stop``, §4.1, §9 rulings 5–7),
  oldest first, as ``[session id, started at, day position]``;
* ``z``: the peripheralising runs ending at the latest diary day, ``[days, first day position]``
  for every run length at which one leg's pain or numbness reaches at least one zone further
  down than the day before the run (§6, as ``domain.diary.zone_signal`` reads it); the dashboard
  keeps the longest that fits its 28-day window;

Beside ``days``, the row's columns say what the dashboard needs of all 5,000 patients without
parsing it: its shape (``FORMAT``), whether ``r`` or ``z`` lists anything (``has_events``: a
patient without events has no alert or concern from the summary), and the last activity (the
newest local day with a check-in or a session over all time).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sciatica_care.domain.session import red_stop
from sciatica_care.services.clock import UTC_ZONE, utcnow, zone_named
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import ServiceError
from sciatica_care.store import caseload_summaries as store
from sciatica_care.store.database import Database
from sciatica_care.store.errors import StoreError

logger = logging.getLogger(__name__)

SUMMARY_DAYS = 35
"""Five weeks: the dashboard's 28-day window plus a week, so a summary made up to a week ago
still covers the whole window (a newer entry or a read rebuilds it anyway)."""
ZONE_SERIES = (("left", "pain"), ("left", "numbness"), ("right", "pain"), ("right", "numbness"))
"""The four §6 trends: each leg, pain and numbness."""
FORMAT = 2
"""The shape of ``days`` (the row's ``shape``): a summary of another shape is rebuilt on read."""
ZERO = ord("0")
BATCH = 500
"""Patients read at once when many summaries are (re)built."""


def encode_counts(values: Sequence[int]) -> str:
    """Small whole numbers as one character each (``chr(48 + n)``: "0"–"9" and on), so the
    dashboard sums any window of days in C (``count_in``) instead of decoding a JSON list."""
    return "".join(chr(ZERO + value) for value in values)


def count_in(encoded: str) -> int:
    """The sum of the numbers ``encode_counts`` wrote (of a slice of them)."""
    return sum(map(ord, encoded)) - ZERO * len(encoded)


def zone_of(name: str | None) -> tzinfo:
    """The patient's zone (UTC until one is stored), as the patient's clock reads it."""
    return zone_named(name) or UTC_ZONE


def zone_key(zone: tzinfo) -> str:
    return str(getattr(zone, "key", zone))


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def _zone_value(entry: dict[str, Any], side: str, kind: str) -> int:
    """A §6 zone of the entry's body map (0 when the leg or symptom is not recorded)."""
    try:
        value = entry["zones"][side][kind]
    except (KeyError, TypeError):
        return 0
    return value if isinstance(value, int) else 0


def daily_zones(checkins: Sequence[store.RawCheckIn]) -> list[tuple[date, tuple[int, ...]]]:
    """Each diary day's four zone values, oldest first, from the day's first morning entry, else
    its first entry (``domain.diary.daily_entries``; ``checkins`` in recorded order)."""
    chosen: dict[date, store.RawCheckIn] = {}
    for row in checkins:
        current = chosen.get(row.day)
        morning = row.entry.get("moment") == "morning"
        if current is None or (morning and current.entry.get("moment") != "morning"):
            chosen[row.day] = row
    return [
        (day, tuple(_zone_value(chosen[day].entry, s, k) for s, k in ZONE_SERIES))
        for day in sorted(chosen)
    ]


def rising_runs(values: Sequence[int]) -> list[int]:
    """Every ``k`` for which the last ``k`` values are all at least one zone further down than
    the value just before them (clinical-spec.md §6 peripheralisation; the longest is
    ``domain.diary.zone_signal``'s run)."""
    runs = []
    lowest = None
    for k in range(1, len(values)):
        value = values[-k]
        lowest = value if lowest is None else min(lowest, value)
        if lowest >= values[-k - 1] + 1:
            runs.append(k)
    return runs


def summarise(
    patient_id: int,
    zone: tzinfo,
    today: date,
    checkins: Sequence[store.RawCheckIn],
    sessions: Sequence[store.RawSession],
    last: tuple[date | None, datetime | None],
) -> store.NewSummary:
    """The summary of one patient from their entries since ``today - 34`` (see the module
    docstring for its shape)."""
    covers_from = today - timedelta(days=SUMMARY_DAYS - 1)
    diary = [c for c in checkins if c.day >= covers_from]
    done = [
        (s, (s.started_at.astimezone(zone).date() - covers_from).days) for s in sessions if s.final
    ]
    done = [(s, offset) for s, offset in done if offset >= 0]
    offsets = [(c.day - covers_from).days for c in diary] + [offset for _, offset in done]
    length = max([SUMMARY_DAYS - 1, *offsets]) + 1
    entries, sessions_done = ["0"] * length, ["0"] * length
    leg_sums, mornings = [0] * length, [0] * length
    for row in diary:
        offset = (row.day - covers_from).days
        entries[offset] = "1"
        if row.entry.get("moment") == "morning":
            leg_sums[offset] += row.leg_pain
            mornings[offset] += 1
    reds = []
    for s, offset in done:
        if any(item[3] for item in s.items):
            sessions_done[offset] = "1"
        if red_stop(s.stop_reason, [item[:3] for item in s.items]):
            reds.append([s.id, s.started_at.isoformat(), offset])
    activity = [last[0]] if last[0] else []
    activity += [last[1].astimezone(zone).date()] if last[1] else []
    zones = daily_zones(diary)
    runs: dict[int, int] = {}
    for n in range(len(ZONE_SERIES)):
        values = [value[n] for _, value in zones]
        for k in rising_runs(values):
            runs[k] = (zones[-k][0] - covers_from).days
    events = sorted([k, offset] for k, offset in runs.items())
    return store.NewSummary(
        patient_id=patient_id,
        timezone=zone_key(zone),
        covers_from=covers_from,
        days={
            "n": "".join(entries),
            "s": "".join(sessions_done),
            "l": encode_counts(leg_sums),
            "m": encode_counts(mornings),
            "r": reds,
            "z": events,
        },
        last_checkin_day=last[0],
        last_session_at=last[1],
        shape=FORMAT,
        has_events=bool(reds or events),
        last_activity=max(activity) if activity else None,
    )


@dataclass(frozen=True)
class Patient:
    """Whose summary to build, and in which zone."""

    id: int
    zone: tzinfo


def build(session: Any, people: Sequence[Patient], now: datetime) -> list[store.NewSummary]:
    """The summaries of ``people`` as of ``now`` (each in their own zone), read in batches."""
    built = []
    for start in range(0, len(people), BATCH):
        batch = people[start : start + BATCH]
        ids = [p.id for p in batch]
        todays = {p.id: now.astimezone(p.zone).date() for p in batch}
        first_day = min(todays.values()) - timedelta(days=SUMMARY_DAYS - 1)
        since = min(_midnight(first_day, p.zone) for p in batch)
        checkins: dict[int, list[store.RawCheckIn]] = {}
        for row in store.checkins_since(session, ids, first_day):
            checkins.setdefault(row.patient_id, []).append(row)
        sessions: dict[int, list[store.RawSession]] = {}
        for s in store.sessions_since(session, ids, since):
            sessions.setdefault(s.patient_id, []).append(s)
        last = store.last_entries(session, ids)
        for p in batch:
            built.append(
                summarise(
                    p.id,
                    p.zone,
                    todays[p.id],
                    checkins.get(p.id, []),
                    sessions.get(p.id, []),
                    last.get(p.id, (None, None)),
                )
            )
    return built


def save_quietly(db: Database, summaries: Iterable[store.NewSummary], now: datetime) -> bool:
    """Store rebuilt summaries in their own transaction; False (logged) when that failed."""
    try:
        with db.session() as session:
            store.save(session, summaries, now)
    except (StoreError, ServiceError, ValueError, LookupError) as exc:
        logger.warning("caseload summaries not saved: %s", exc.__class__.__name__)
        return False
    return True


def refresh(db: Database, patient_id: int, now_fn: Callable[[], datetime] = utcnow) -> None:
    """Recompute one patient's summary from their last 35 days, in one transaction (raises)."""
    now = now_fn()
    with db.session() as session:
        zone = zone_of(store.zone_setting(session, patient_id))
        store.save(session, build(session, [Patient(patient_id, zone)], now), now)


def refresh_quietly(db: Database, patient_id: int, now_fn: Callable[[], datetime] = utcnow) -> bool:
    """``refresh`` after an entry was committed: a failure is logged without personal data and
    left for the next read to heal (the summary stays stale); False then."""
    try:
        refresh(db, patient_id, now_fn)
    except (StoreError, ServiceError, ValueError, LookupError) as exc:
        logger.warning("caseload summary waiting: %s", exc.__class__.__name__)
        return False
    return True


def before_entry(ctx: PatientContext) -> None:
    """Flag the summary stale before an entry is written, so a refresh that then fails is
    rebuilt on the next dashboard read. Never stops the entry: a failure is only logged."""
    try:
        with ctx.db.session() as session:
            store.mark_stale(session, ctx.patient_id)
    except (StoreError, ValueError, LookupError) as exc:
        logger.warning("caseload summary not flagged: %s", exc.__class__.__name__)


def after_entry(ctx: PatientContext) -> None:
    """Recompute the summary once the entry (check-in, session, import) is committed."""
    refresh_quietly(ctx.db, ctx.patient_id, ctx.clock.now_fn)


def after_import(db: Database, patient_id: int, now_fn: Callable[[], datetime] = utcnow) -> None:
    """An import replaced the patient's entries: rebuild their summary (quietly, as above)."""
    refresh_quietly(db, patient_id, now_fn)
