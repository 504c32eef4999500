"""A clinician's caseload and alerts (issue 10 items 4–5), and the patient page behind each row.

``caseload`` lists the patients who link the clinician, newest concern first: open red-flag
actions (clinical-spec.md §1), RED sessions (§4.1, §9 ruling 6) and peripheralising legs (§6),
adherence over the last 7 and 28 days (§4.2: daily sessions, unless the patient's
``sessions_per_week`` setting says otherwise; only the patient's own days since their account
existed and their program started count, see ``first_counted_day``), the leg-pain trend with the §3 threshold for a change
that matters (``domain.questionnaires.describe_change``), and the last activity.

**Alerts.** A red-flag answer of URGENT or worse not yet assessed, two RED sessions in 7 days (§4.1
"≥2 RED in 7 days"), or peripheralisation persisting 3 days (§6) puts the patient at the top with
the reason until the clinician marks it seen. A red-flag alert names the answer (the question in
the words of ``content/triage.yaml``, the reply, where and when it was given, in the patient's
zone). The ``alert_key`` names the kind and the newest event
it covers (``red-flag:<screening id>``, ``red-sessions:<session id>``,
``peripheralising:<first day>``), so a newer event raises a new alert.

**Cost.** The numbers come from one derived summary row per patient (``services.caseload_summary``:
the last 35 local days, kept after every check-in, session and import, rebuilt here when missing,
stale, of another shape or kept in another zone). A page sorts every linked patient from the
summaries' small columns (whether they hold any event, the last activity) with the links, open red
flags and seen alerts, in a handful of indexed queries; the per-day document is parsed only for
the patients with events (their alerts and concern come from it), for the rows shown (their
adherence and leg-pain trend) and, to sort by adherence, for everyone. Reading the page is a
clinician read of each shown patient, written to their audit log in one transaction (folded as
``services.audit`` folds repeated views). 5,000 patients × a year: about 110 ms on SQLite and on
PostgreSQL (benchmarks/README.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from sciatica_care.content.errors import ContentError
from sciatica_care.content.exercises import exercise_library
from sciatica_care.content.questionnaires import Questionnaire
from sciatica_care.content.triage import triage_content
from sciatica_care.domain import diary
from sciatica_care.domain.habit import SESSIONS_PER_WEEK
from sciatica_care.domain.progress import ProgressSeries
from sciatica_care.domain.questionnaires import ChangeReading, describe_change
from sciatica_care.services import caseload_summary, links, progress
from sciatica_care.services.audit import note_reads
from sciatica_care.services.clock import utcnow
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import InvalidInput, NotFound
from sciatica_care.services.permissions import Actor, Permission, Role, authorize
from sciatica_care.services.questionnaires import asked_questionnaires, change_readings
from sciatica_care.store import (
    caseload_queries,
    caseload_summaries,
    checkins,
    clinicians,
    exercise_sessions,
    patients,
    prescriptions,
    questionnaire_responses,
)
from sciatica_care.store.database import Database
from sciatica_care.store.models import (
    CheckIn,
    ExerciseSession,
    ProgramChange,
)

WINDOW_DAYS = 28
WEEK_DAYS = 7
RED_SESSIONS_ALERT = 2
"""clinical-spec.md §4.1: "≥2 RED in 7 days" (§9 ruling 6: sessions, whatever the exercise)."""
PERIPHERALISING_ALERT_DAYS = diary.PERSISTING_DAYS
"""clinical-spec.md §6: peripheralisation persisting ≥3 days escalates."""
EMERGENCY = "EMERGENCY_NOW"
CASELOAD_READ = "saw you on their caseload"
PATIENT_PAGE_READ = "viewed your check-ins, sessions, questionnaires, program and charts"
PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class AlertKind(StrEnum):
    RED_FLAG = "red-flag"
    RED_SESSIONS = "red-sessions"
    PERIPHERALISING = "peripheralising"


class Sort(StrEnum):
    CONCERN = "concern"
    NAME = "name"
    LAST_ACTIVITY = "last_activity"
    ADHERENCE = "adherence"


class Filter(StrEnum):
    ALERTS = "alerts"
    INACTIVE = "inactive"
    """No check-in or session in the last 7 days."""


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    key: str
    reason: str
    at: datetime
    seen: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "key": self.key,
            "reason": self.reason,
            "at": self.at.isoformat(),
            "seen": self.seen,
        }


@dataclass(slots=True)
class Adherence:
    """Days with a done session against the days the plan asks for (§4.2; a day counts once)."""

    done: int
    planned: int

    @property
    def percent(self) -> int:
        return (
            100 if self.planned <= 0 else round(100 * min(self.done, self.planned) / self.planned)
        )

    def to_json(self) -> dict[str, int]:
        return {"done": self.done, "planned": self.planned, "percent": self.percent}


@dataclass(frozen=True)
class RedFlag:
    screening_id: int
    action: str
    at: datetime
    answer: str = ""
    """Which answer raised it, in plain words (``describe_answer``)."""

    @property
    def emergency(self) -> bool:
        return self.action == EMERGENCY


@dataclass(slots=True)
class Window:
    """Where the 7- and 28-day windows ending today fall in a patient's summary (day positions,
    ``services.caseload_summary``): adherence and the leg-pain trend are read from it only for the
    rows shown or sorted on, not for all 5,000."""

    days: dict[str, Any]
    first: int
    week: int
    last: int
    per_week: int
    start: int | None = None
    """The position of the first day that counts for adherence (``first_counted_day``); None
    when every day of the window counts."""

    def _since(self, since: int) -> int:
        return since if self.start is None else max(since, self.start)

    def counted_days(self, since: int) -> int:
        """The days from ``since`` to today that count (none before the account or program)."""
        return max(0, self.last - self._since(since) + 1)

    def done(self, since: int) -> int:
        return int(self.days["s"].count("1", self._since(since), self.last + 1))

    def planned(self, since: int) -> int:
        """The session days the plan asks for in the counted days: ``per_week`` a week, pro rata
        (rounded half up) for a part of a week."""
        return (2 * self.per_week * self.counted_days(since) + WEEK_DAYS) // (2 * WEEK_DAYS)

    def mean_leg(self, start: int, stop: int | None) -> float | None:
        mornings = caseload_summary.count_in(self.days["m"][start:stop])
        return (
            caseload_summary.count_in(self.days["l"][start:stop]) / mornings if mornings else None
        )


@dataclass(slots=True)
class CaseloadRow:
    """One patient on the dashboard: small values only (sorted and paged in memory). Not frozen:
    a frozen dataclass sets each field through ``object.__setattr__``, a third of the page's
    time at 5,000 patients; nothing changes a row once made."""

    patient_id: int
    public_id: str
    label: str
    today: date
    alerts: tuple[Alert, ...]
    red_flag: RedFlag | None
    red_sessions_7: int
    peripheralising_days: int
    person: caseload_summaries.LinkedSummary
    """The patient as read (plan, account and program start: ``window_of``)."""
    zone: tzinfo
    last_activity: date | None
    concern_at: datetime | None = None
    window: Window | None = None
    """Read for the rows shown or sorted on (``attach_windows``), not for all 5,000."""
    open_alerts: tuple[Alert, ...] = ()
    """The alerts not yet seen, newest first (set with ``alerts``; read many times a page)."""

    @property
    def windows(self) -> Window:
        if self.window is None:
            raise LookupError("the row's windows were not read (caseload.attach_windows)")
        return self.window

    @property
    def adherence_7(self) -> Adherence:
        w = self.windows
        return Adherence(w.done(w.week), w.planned(w.week))

    @property
    def adherence_28(self) -> Adherence:
        w = self.windows
        return Adherence(w.done(w.first), w.planned(w.first))

    @property
    def leg_recent(self) -> float | None:
        """Mean morning leg pain (NPRS) of the last 7 days."""
        return self.windows.mean_leg(self.windows.week, None)

    @property
    def leg_earlier(self) -> float | None:
        """Mean morning leg pain of the first 7 days of the 28-day window."""
        w = self.windows
        return w.mean_leg(w.first, w.first + WEEK_DAYS)

    @property
    def inactive(self) -> bool:
        return self.last_activity is None or (self.today - self.last_activity).days >= WEEK_DAYS

    @property
    def leg_change(self) -> ChangeReading | None:
        """Mean morning leg pain of the last week against the window's first week, read with
        the NPRS threshold of §3 (2 points or 30%)."""
        if self.leg_recent is None or self.leg_earlier is None:
            return None
        return describe_change(
            "nprs",
            round(self.leg_earlier, 1),
            round(self.leg_recent, 1),
            item="leg",
            since="over 4 weeks",
        )

    def to_json(self) -> dict[str, Any]:
        change = self.leg_change
        return {
            "patient_id": self.public_id,
            "label": self.label,
            "alerts": [alert.to_json() for alert in self.open_alerts],
            "seen_alerts": [alert.to_json() for alert in self.alerts if alert.seen],
            "open_red_flag": (
                {"action": self.red_flag.action, "at": self.red_flag.at.isoformat()}
                if self.red_flag
                else None
            ),
            "red_sessions_7d": self.red_sessions_7,
            "peripheralising_days": self.peripheralising_days,
            "adherence": {"7d": self.adherence_7.to_json(), "28d": self.adherence_28.to_json()},
            "leg_pain": {
                "last_7_days_mean": _rounded(self.leg_recent),
                "first_7_of_28_days_mean": _rounded(self.leg_earlier),
                "change": change.change if change else None,
                "improved": change.improved if change else None,
                "meaningful": change.meaningful if change else None,
            },
            "last_activity": self.last_activity.isoformat() if self.last_activity else None,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass(frozen=True)
class CaseloadPage:
    rows: list[CaseloadRow]
    total: int
    """Rows after the filters."""
    linked: int
    """Every linked patient."""
    alerting: int
    page: int
    page_size: int
    sort: Sort
    descending: bool
    filters: frozenset[Filter]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": [row.to_json() for row in self.rows],
            "total": self.total,
            "linked": self.linked,
            "alerting": self.alerting,
            "page": self.page,
            "pages": self.pages,
            "page_size": self.page_size,
            "sort": self.sort.value,
            "order": "desc" if self.descending else "asc",
            "filters": sorted(f.value for f in self.filters),
        }


# --- parsing the request ---------------------------------------------------------------------


DEFAULT_DESCENDING = {
    Sort.CONCERN: True,
    Sort.NAME: False,
    Sort.LAST_ACTIVITY: True,
    Sort.ADHERENCE: False,
}


def parse_sort(raw: str | None) -> Sort:
    try:
        return Sort(raw or Sort.CONCERN)
    except ValueError:
        choices = ", ".join(s.value for s in Sort)
        raise InvalidInput("sort", f"sort by one of: {choices}") from None


def parse_order(raw: str | None, sort: Sort) -> bool:
    if not raw:
        return DEFAULT_DESCENDING[sort]
    if raw not in ("asc", "desc"):
        raise InvalidInput("order", "order is asc or desc")
    return raw == "desc"


def parse_filters(raw: Iterable[str]) -> frozenset[Filter]:
    chosen = set()
    for value in raw:
        if not value:
            continue
        try:
            chosen.add(Filter(value))
        except ValueError:
            choices = ", ".join(f.value for f in Filter)
            raise InvalidInput("filter", f"filter by: {choices}") from None
    return frozenset(chosen)


def parse_page(raw: str | int | None, name: str = "page", maximum: int | None = None) -> int:
    try:
        value = int(raw) if raw not in (None, "") else (1 if name == "page" else PAGE_SIZE)
    except (TypeError, ValueError):
        raise InvalidInput(name, f"{name} is a whole number") from None
    if value < 1 or (maximum is not None and value > maximum):
        top = f" to {maximum}" if maximum else " or more"
        raise InvalidInput(name, f"{name} is a whole number from 1{top}")
    return value


# --- computing the rows ------------------------------------------------------------------------


def _per_week(value: Any) -> int:
    """The patient's planned sessions a week, or the program's daily default (§4.2)."""
    if value is None:
        return SESSIONS_PER_WEEK
    try:
        number = int(value)
    except (TypeError, ValueError):
        return SESSIONS_PER_WEEK
    return number if 1 <= number <= 14 else SESSIONS_PER_WEEK


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def _when(moment: datetime, zone: tzinfo) -> str:
    return f"{moment.astimezone(zone):%a %d %b}"


def _when_at(moment: datetime, zone: tzinfo) -> str:
    return f"{moment.astimezone(zone):%a %d %b at %H:%M}"


SCREEN_KINDS = {
    "daily": "in the daily check-in",
    "recheck": "in the safety re-check",
    "full": "in the safety check",
}
REPLIES = {"yes": "yes", "unsure": "not sure (counted as yes)"}


def describe_answer(kind: str, answers: dict[str, Any], result: dict[str, Any]) -> str:
    """The answer that raised a screen's action, for the clinician: the question as the patient
    read it (``content/triage.yaml``) and their reply, and how many other urgent answers came
    with it (§1). Empty when the stored result names no question this content knows."""
    reasons = [r for r in result.get("reasons") or [] if isinstance(r, dict)]
    urgent = [r for r in reasons if r.get("action") in caseload_queries.URGENT_ACTIONS]
    if not urgent:
        return ""
    top = urgent[0]
    try:
        question = triage_content().question(str(top.get("item"))).text
    except ContentError:
        return str(top.get("text") or "")
    reply = REPLIES.get(str(answers.get(str(top.get("item")))), "yes (from the body map)")
    where = SCREEN_KINDS.get(kind, "in the safety check")
    words = f"“{question}” {where}: {reply}"
    others = len(urgent) - 1
    if others:
        words += f", and {others} other urgent answer{'' if others == 1 else 's'}"
    return words


def red_flag_answers(session: Any, screening_ids: list[int]) -> dict[int, str]:
    """``describe_answer`` of each of these screens (the newest open one of each patient with a
    red flag: a few rows, by primary key)."""
    return {
        found.id: describe_answer(found.kind, found.answers, found.result)
        for found in caseload_queries.screen_answers(session, screening_ids)
    }


@dataclass(frozen=True)
class Beginning:
    """When a patient's account was made and the day their program started (None: not yet)."""

    created_at: datetime | None
    program_started_on: date | None


def first_counted_day(
    beginning: Beginning | None, zone: tzinfo, first_recorded: date | None
) -> date | None:
    """The first of the patient's days that adherence counts (§4.2), in their zone: none before
    the account existed nor before the program started. None: every day counts.

    The account's day is when it was made, or the first day recorded in it if that is earlier
    (an import brings the days the person kept on another computer); the program's day is
    ``program_started_on``, or again the first day recorded if earlier (it is set on first use
    of some pages, which may come after the first session). A program with no stored start
    counts from the account's day. ``first_recorded`` is only ever an earlier bound: the summary
    holds 35 days, not the whole history.
    """
    created = beginning.created_at if beginning else None
    started = beginning.program_started_on if beginning else None
    account = program = None
    if created is not None:
        account = created.astimezone(zone).date()
        account = min(account, first_recorded) if first_recorded else account
    if started is not None:
        program = min(started, first_recorded) if first_recorded else started
    return max((d for d in (account, program) if d), default=None)


def _first_recorded(days: dict[str, Any], covers_from: date) -> date | None:
    """The first day of the summary with a check-in or a done session."""
    found = [at for at in (days["n"].find("1"), days["s"].find("1")) if at >= 0]
    return covers_from + timedelta(days=min(found)) if found else None


EMPTY_DAYS: dict[str, Any] = {"n": "", "s": "", "l": "", "m": "", "r": [], "z": []}
"""The days of a summary with nothing in it (every count of a window is 0)."""


def window_of(
    person: caseload_summaries.LinkedSummary,
    zone: tzinfo,
    covers_from: date,
    days: dict[str, Any],
    today: date,
) -> Window:
    """The 7- and 28-day windows ending ``today`` (the patient's day) in a summary's days: day
    positions, with the first day adherence counts (``first_counted_day``)."""
    last = (today - covers_from).days
    beginning = Beginning(person.created_at, person.program_started_on)
    counted_from = first_counted_day(beginning, zone, _first_recorded(days, covers_from))
    start = None if counted_from is None else (counted_from - covers_from).days
    return Window(
        days,
        last - WINDOW_DAYS + 1,
        last - WEEK_DAYS + 1,
        last,
        _per_week(person.sessions_per_week),
        start,
    )


def _red_flag_alert(
    flags: list[caseload_queries.OpenRedFlag], zone: tzinfo, answers: dict[int, str]
) -> tuple[RedFlag, Alert]:
    newest = flags[-1]
    worst = EMERGENCY if any(f.action == EMERGENCY for f in flags) else newest.action
    answer = answers.get(newest.screening_id, "")
    word = "Emergency" if newest.action == EMERGENCY else "Urgent"
    named = f": {answer}" if answer else ""
    alert = Alert(
        AlertKind.RED_FLAG,
        f"{AlertKind.RED_FLAG}:{newest.screening_id}",
        f"{word} red-flag answer on {_when_at(newest.created_at, zone)}{named}. Not yet assessed.",
        newest.created_at,
    )
    return RedFlag(newest.screening_id, worst, newest.created_at, answer), alert


def _window_row(
    person: caseload_summaries.LinkedSummary,
    summary: caseload_summaries.StoredSummary,
    zone: tzinfo,
    today: date,
    seen: set[tuple[int, str]],
    flags: list[caseload_queries.OpenRedFlag],
    answers: dict[int, str] | None = None,
) -> CaseloadRow:
    """The row of a patient with something to say: an open red flag, or a summary with RED
    sessions or peripheralising runs, read from its days (slices of its per-day strings and
    lists, ``services.caseload_summary``). The others are ``_quiet_row``s."""
    pid = person.id
    alerts: list[Alert] = []
    concerns: list[datetime] = []
    red_flag = None
    if flags:
        red_flag, alert = _red_flag_alert(flags, zone, answers or {})
        alerts.append(alert)
    days = summary.days
    window = None if days is None else window_of(person, zone, summary.covers_from, days, today)
    reds: list[list[Any]] = []
    run = None
    if window is not None and summary.has_events:
        assert days is not None
        reds = [r for r in days["r"] if window.week <= r[2] <= window.last]
        diary_days = days["n"].count("1", window.first)
        run = next(((k, at) for k, at in reversed(days["z"]) if k <= diary_days - 1), None)
    if reds:
        newest_red_at = datetime.fromisoformat(reds[-1][1])
        concerns.append(newest_red_at)
        if len(reds) >= RED_SESSIONS_ALERT:
            alerts.append(
                Alert(
                    AlertKind.RED_SESSIONS,
                    f"{AlertKind.RED_SESSIONS}:{reds[-1][0]}",
                    f"{len(reds)} RED sessions in 7 days, the last on {_when(newest_red_at, zone)}",
                    newest_red_at,
                )
            )
    if run:
        started_on = summary.covers_from + timedelta(days=run[1])
        concerns.append(_midnight(started_on, zone))
        if run[0] >= PERIPHERALISING_ALERT_DAYS:
            alerts.append(
                Alert(
                    AlertKind.PERIPHERALISING,
                    f"{AlertKind.PERIPHERALISING}:{started_on.isoformat()}",
                    f"Leg symptoms further down the leg for {run[0]} days, since "
                    f"{started_on:%a %d %b}",
                    _midnight(started_on + timedelta(days=PERIPHERALISING_ALERT_DAYS - 1), zone),
                )
            )
    if alerts:
        alerts = [replace(a, seen=(pid, a.key) in seen) for a in alerts]
        alerts.sort(key=lambda a: a.at, reverse=True)
        concerns += [a.at for a in alerts]
    return CaseloadRow(
        patient_id=pid,
        public_id=person.public_id,
        label=patient_label(person.email, person.public_id),
        today=today,
        alerts=tuple(alerts),
        red_flag=red_flag,
        red_sessions_7=len(reds),
        peripheralising_days=run[0] if run else 0,
        person=person,
        zone=zone,
        last_activity=summary.last_activity,
        concern_at=max(concerns) if concerns else None,
        window=window,
        open_alerts=tuple(alert for alert in alerts if not alert.seen),
    )


def attach_windows(session: Any, rows: Iterable[CaseloadRow]) -> None:
    """Read the summary days of the rows without windows (those shown, or all of them to sort by
    adherence) in one query, and set their windows."""
    missing = [row for row in rows if row.window is None]
    found = caseload_summaries.days_of(session, [row.patient_id for row in missing])
    for row in missing:
        # Gone since the rows were read (the patient deleted their account): an empty window.
        covers_from, days = found.get(row.patient_id) or (row.today, EMPTY_DAYS)
        row.window = window_of(row.person, row.zone, covers_from, days, row.today)


def patient_label(email: str | None, public_id: str) -> str:
    """How the clinician's pages name a patient: their e-mail, or the start of their public id."""
    return email or f"Patient {public_id[:8]}"


def label_of(ctx: PatientContext) -> str:
    """The caseload's label of the patient, for the headings of the clinician's other pages
    (``NotFound`` when not linked). Not audited on its own: it names the page whose read is."""
    with ctx.db.session() as session:
        authorize(session, ctx.actor, Permission.READ, ctx.patient_id)
        patient = patients.get(session, ctx.patient_id)
        return patient_label(patient.email, patient.public_id)


def _usable(person: caseload_summaries.LinkedSummary, zone: str, first: date) -> bool:
    """A summary the dashboard may read: present, of this program's shape, not flagged stale,
    kept in the patient's zone now, and covering the whole 28-day window."""
    return (
        person.summary_zone == zone
        and person.shape == caseload_summary.FORMAT
        and not person.stale
        and person.covers_from <= first
    )


def _stored(new: caseload_summaries.NewSummary) -> caseload_summaries.StoredSummary:
    return caseload_summaries.StoredSummary(
        new.timezone,
        new.covers_from,
        new.shape,
        new.has_events,
        False,
        new.last_activity,
        new.days,
    )


def _quiet_row(person: caseload_summaries.LinkedSummary, zone: tzinfo, today: date) -> CaseloadRow:
    """The row of a patient whose summary holds no event and who has no open red flag (most of
    a caseload): no alert, no concern; its windows are read only if it is shown."""
    return CaseloadRow(
        person.id,
        person.public_id,
        patient_label(person.email, person.public_id),
        today,
        (),
        None,
        0,
        0,
        person,
        zone,
        person.last_activity,
    )


def gather_rows(
    session: Any,
    clinician_id: int,
    now: datetime,
    patient_ids: list[int] | None = None,
    windows: bool = False,
) -> tuple[list[CaseloadRow], list[caseload_summaries.NewSummary]]:
    """Rows of every linked patient (or of ``patient_ids`` among them), in no order, and the
    summaries rebuilt on the way (missing, stale or in another zone) for the caller to store.
    The summaries' days are read for the patients with events (their alerts and concern come
    from them) and, with ``windows``, for every row (adherence and the leg-pain trend);
    otherwise the caller reads them for the rows it shows (``attach_windows``)."""
    people = caseload_summaries.linked_with_summaries(session, clinician_id, patient_ids)
    if not people:
        return [], []
    zones: dict[str | None, tuple[tzinfo, str, date]] = {}
    for person in people:
        if person.timezone not in zones:
            zone = caseload_summary.zone_of(person.timezone)
            zones[person.timezone] = (
                zone,
                caseload_summary.zone_key(zone),
                now.astimezone(zone).date(),
            )
    stale = []
    for person in people:
        zone, key, today = zones[person.timezone]
        if not _usable(person, key, today - timedelta(days=WINDOW_DAYS - 1)):
            stale.append(caseload_summary.Patient(person.id, zone))
    rebuilt = caseload_summary.build(session, stale, now)
    full = {new.patient_id: _stored(new) for new in rebuilt}
    eventful = {p.id: p for p in people if p.id not in full and (windows or p.has_events)}
    for pid, (covers_from, days) in caseload_summaries.days_of(session, list(eventful)).items():
        stored = eventful[pid].summary
        assert stored is not None
        full[pid] = replace(stored, covers_from=covers_from, days=days)
    flags: dict[int, list[caseload_queries.OpenRedFlag]] = defaultdict(list)
    for flag in caseload_queries.open_red_flags(session, clinician_id, patient_ids):
        flags[flag.patient_id].append(flag)
    seen = caseload_queries.seen_alerts(session, clinician_id, patient_ids)
    answers = red_flag_answers(session, [found[-1].screening_id for found in flags.values()])
    rows = []
    for person in people:
        zone, _, today = zones[person.timezone]
        summary = full.get(person.id)
        if summary is None and person.id not in flags:
            rows.append(_quiet_row(person, zone, today))
            continue
        summary = summary or person.summary
        assert summary is not None
        rows.append(
            _window_row(person, summary, zone, today, seen, flags.get(person.id, []), answers)
        )
    if windows:
        attach_windows(session, rows)
    return rows, rebuilt


_FAR_PAST = datetime.min.replace(tzinfo=UTC)


def _sort_key(sort: Sort) -> Callable[[CaseloadRow], Any]:
    if sort is Sort.NAME:
        return lambda row: row.label.casefold()
    if sort is Sort.LAST_ACTIVITY:
        return lambda row: row.last_activity or date.min
    if sort is Sort.ADHERENCE:
        return lambda row: (row.adherence_28.percent, row.adherence_7.percent)
    return lambda row: row.concern_at or _FAR_PAST


def order_rows(rows: list[CaseloadRow], sort: Sort, descending: bool) -> list[CaseloadRow]:
    """Patients with an alert not yet seen first (newest alert first), then the rest by ``sort``
    (the label breaks ties, so the order is stable across pages)."""
    rows = sorted(rows, key=lambda row: row.label.casefold())
    rows = sorted(rows, key=_sort_key(sort), reverse=descending)
    alerting = [row for row in rows if row.open_alerts]
    alerting.sort(key=lambda row: row.open_alerts[0].at, reverse=True)
    return alerting + [row for row in rows if not row.open_alerts]


def caseload(
    db: Database,
    clinician_id: int,
    clock_now: Callable[[], datetime] = utcnow,
    filters: frozenset[Filter] = frozenset(),
    sort: Sort = Sort.CONCERN,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    descending: bool | None = None,
) -> CaseloadPage:
    """One page of the clinician's caseload (see the module docstring); each shown patient's
    audit log gets "saw you on their caseload" (folded within ``services.audit.FOLD_WINDOW``)."""
    if descending is None:
        descending = DEFAULT_DESCENDING[sort]
    now = clock_now()
    with db.session() as session:
        clinicians.get(session, clinician_id)
        rows, rebuilt = gather_rows(session, clinician_id, now, windows=sort is Sort.ADHERENCE)
    if rebuilt:
        caseload_summary.save_quietly(db, rebuilt, now)
    linked = len(rows)
    alerting = sum(1 for row in rows if row.open_alerts)
    if Filter.ALERTS in filters:
        rows = [row for row in rows if row.open_alerts]
    if Filter.INACTIVE in filters:
        rows = [row for row in rows if row.inactive]
    ordered = order_rows(rows, sort, descending)
    shown = ordered[(page - 1) * page_size : page * page_size]
    if shown:
        with db.session() as session:
            attach_windows(session, shown)
            note_reads(
                session,
                Actor.clinician(clinician_id),
                [r.patient_id for r in shown],
                CASELOAD_READ,
                now,
            )
    return CaseloadPage(
        rows=shown,
        total=len(ordered),
        linked=linked,
        alerting=alerting,
        page=page,
        page_size=page_size,
        sort=sort,
        descending=descending,
        filters=filters,
    )


def _clinician_of(ctx: PatientContext) -> int:
    if ctx.actor.role is not Role.CLINICIAN:
        raise NotFound("no such patient")
    return ctx.actor.id


def _row_of(
    session: Any, ctx: PatientContext
) -> tuple[CaseloadRow, list[caseload_summaries.NewSummary]]:
    """The patient's caseload row, and their summary if it had to be rebuilt (for the caller to
    store once its transaction is over, so the next page does not rebuild it again)."""
    now = ctx.clock.now_fn()
    rows, rebuilt = gather_rows(session, _clinician_of(ctx), now, [ctx.patient_id], windows=True)
    if not rows:
        raise NotFound("no such patient")
    return rows[0], rebuilt


def mark_alert_seen(ctx: PatientContext, alert_key: str) -> Alert:
    """The clinician marks one of the patient's current alerts as seen (recorded and audited).

    ``NotFound`` for a key that is not a current alert of this patient (a stale key from an old
    page, or one made up): an alert is only ever seen as it is shown.
    """
    clinician_id = _clinician_of(ctx)
    with ctx.db.session() as session:
        row, rebuilt = _row_of(session, ctx)
    if rebuilt:
        caseload_summary.save_quietly(ctx.db, rebuilt, ctx.clock.now_fn())
    alert = next((a for a in row.alerts if a.key == alert_key), None)
    if alert is None:
        raise NotFound("no such alert")
    what = f"marked an alert as seen: {alert.reason}"
    with ctx.unit(Permission.READ, what=what) as session:
        caseload_queries.mark_seen(
            session, clinician_id, ctx.patient_id, alert_key, ctx.clock.now_fn()
        )
    return replace(alert, seen=True)


def remove_from_caseload(ctx: PatientContext) -> None:
    """The clinician ends their own link with the patient (``links.unlink``)."""
    with ctx.db.session() as session:
        public_id = clinicians.get(session, _clinician_of(ctx)).public_id
    links.unlink(ctx, public_id)


# --- the patient page --------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionnaireLine:
    questionnaire: Questionnaire
    last_day: date | None
    last_score: float | None
    count: int
    readings: list[ChangeReading]


@dataclass(frozen=True)
class PatientOverview:
    """What the clinician's patient page shows, read in one audited transaction."""

    row: CaseloadRow
    today: date
    days: int
    series: ProgressSeries
    summary: list[str]
    signals: list[diary.ZoneSignal]
    sessions: list[ExerciseSession]
    checkins: list[CheckIn]
    questionnaires: list[QuestionnaireLine]
    program_history: list[ProgramChange]
    zone: tzinfo
    exercise_names: dict[str, str] = field(default_factory=dict)
    """Every exercise a session may name, by id: the library's and the patient's custom ones."""
    custom_keys: frozenset[str] = frozenset()
    """The clinician's custom exercises (one level: no "L1" beside them)."""

    def exercise_name(self, exercise_id: str) -> str:
        return self.exercise_names.get(exercise_id, exercise_id.replace("-", " "))

    def exercise_label(self, exercise_id: str, level: int) -> str:
        """How the sessions table names an exercise: "Pelvic tilt L2", a custom one by name."""
        name = self.exercise_name(exercise_id)
        return name if exercise_id in self.custom_keys else f"{name} L{level}"

    def to_json(self) -> dict[str, Any]:
        return {
            "patient": self.row.to_json(),
            "today": self.today.isoformat(),
            "series": self.series.model_dump(mode="json"),
            "summary": self.summary,
            "zone_signals": [s.model_dump(mode="json") for s in self.signals],
            "sessions": [
                {
                    "started_at": s.started_at.isoformat(),
                    "status": s.status,
                    "stop_reason": s.stop_reason,
                    "stop_note": s.stop_note,
                    "minutes": round(s.elapsed_s / 60),
                    "exercises": [
                        {
                            "exercise": i.exercise_id,
                            "name": self.exercise_name(i.exercise_id),
                            "custom": i.exercise_id in self.custom_keys,
                            "level": i.level,
                            "pain": i.pain,
                        }
                        for i in s.items
                    ],
                }
                for s in self.sessions
            ],
            "checkins": [
                {
                    "day": c.day.isoformat(),
                    "leg_pain": c.leg_pain,
                    "back_pain": c.back_pain,
                    "daily_action": c.daily_action,
                    "moment": c.entry.get("moment"),
                }
                for c in self.checkins
            ],
            "questionnaires": [
                {
                    "questionnaire": q.questionnaire.id,
                    "last_day": q.last_day.isoformat() if q.last_day else None,
                    "last_score": q.last_score,
                    "count": q.count,
                    "changes": [r.text for r in q.readings],
                }
                for q in self.questionnaires
            ],
            "program_history": [
                {
                    "changed_at": c.changed_at.isoformat(),
                    "clinician": c.clinician_name,
                    "changes": [str(x.get("sentence", "")) for x in c.changes],
                    "reason": c.reason,
                    "note": c.note,
                }
                for c in self.program_history
            ],
        }


OVERVIEW_DAYS = 90
RECENT_SESSIONS = 20
RECENT_CHECKIN_DAYS = 28
PROGRAM_VERSIONS = 20


def patient_overview(ctx: PatientContext, days: int = OVERVIEW_DAYS) -> PatientOverview:
    """The patient page: the charts' series as My progress draws them, recent sessions (with
    stop reasons), check-ins, questionnaire scores, the program history and the alerts."""
    today = ctx.clock.today()
    since = today - timedelta(days=max(days, progress.ZONE_LOOK_BACK_DAYS) - 1)
    with ctx.unit(Permission.READ, what=PATIENT_PAGE_READ) as session:
        row, rebuilt = _row_of(session, ctx)
        entries = checkins.entries(
            session, ctx.patient_id, since=since - progress.FLARE_LOOK_BACK, until=today
        )
        series = progress.progress_series(
            session, ctx.patient_id, today, days, tz=ctx.clock.zone, entries=entries
        )
        summary = progress.progress_summary(session, ctx.patient_id)
        sessions = exercise_sessions.list_for(session, ctx.patient_id, limit=RECENT_SESSIONS)
        recent = checkins.list_for(
            session, ctx.patient_id, since=today - timedelta(days=RECENT_CHECKIN_DAYS - 1)
        )
        asked = asked_questionnaires()
        ends = questionnaire_responses.ends(session, ctx.patient_id, [q.id for q in asked])
        answered = questionnaire_responses.counts(session, ctx.patient_id)
        history = prescriptions.history(session, ctx.patient_id, limit=PROGRAM_VERSIONS)
        customs = {
            row.key: row.name
            for row in prescriptions.custom_exercises(session, ctx.patient_id, active_only=False)
        }
        patients.get(session, ctx.patient_id)
    if rebuilt:
        caseload_summary.save_quietly(ctx.db, rebuilt, ctx.clock.now_fn())
    lines = []
    for questionnaire in asked:
        first, last = ends.get(questionnaire.id, (None, None))
        # ``change_readings`` compares the first and the latest response (one: the latest only).
        compared = [r for r in (first, last) if r is not None]
        compared = compared[-1:] if first is last else compared
        lines.append(
            QuestionnaireLine(
                questionnaire,
                last.day if last else None,
                last.score if last else None,
                answered.get(questionnaire.id, 0),
                change_readings(compared),
            )
        )
    signals = [
        s for s in diary.zone_signals(entries) if s.trend is not diary.ZoneTrend.NOT_ENOUGH_DATA
    ]
    return PatientOverview(
        row=row,
        today=today,
        days=days,
        series=series,
        summary=summary,
        signals=signals,
        sessions=sessions,
        checkins=list(reversed(recent)),
        questionnaires=lines,
        program_history=history,
        zone=ctx.clock.zone,
        exercise_names={e.id: e.name for e in exercise_library().exercises} | customs,
        custom_keys=frozenset(customs),
    )
