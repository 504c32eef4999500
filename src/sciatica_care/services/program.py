"""The patient's exercise program: current doses, today's program, and progression as tolerated.

The application layer's program use cases (moved here from ``store``: this is orchestration, not
persistence, and not rules). After a session and after the next morning's check-in it
gathers, per exercise, what ``domain.progression.decide`` needs (clinical-spec.md §4.1–4.3, §8.3):
the current dose, the stored sessions with their pain response, the baseline morning pain, the
date of the last step, a current flare-up and, at the weekly review, the weekly leg-pain means.
It stores every decision with its reason and, when automatic progression is on, applies it to the
dose the next session uses; when it is off, the decision waits as a suggestion the person accepts
(§7 "progression offered as a rule the user applies"). CLI and web call the same functions.

Progression is derived work (design.md "Transactions"): it never shares a transaction with what the
person recorded. ``catch_up`` runs it for every final session and check-in not yet used, oldest
first, in its own transaction; when it fails the entries stay marked as waiting and the next read
or write tries again. A step up is held while the program gate holds step-ups (§9 ruling 4).

A clinician's custom exercise is never decided for (its dose is the clinician's), but its pain
checks count: a RED result rests it for the same 48 h as a seed exercise's PAUSE, worked out from
its stored results each time (``custom_rests``, rule in ``domain.progression_custom``), so
today's program (``TodaysProgram.custom_resting``) and the guided session leave it out until then.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any, Protocol, TypeVar

from pydantic import ValidationError
from sqlalchemy.orm import Session

from sciatica_care.content.exercises import Dose, Exercise, ExerciseLibrary, exercise_library
from sciatica_care.content.triage import Action
from sciatica_care.domain import diary
from sciatica_care.domain.diary import DayReading
from sciatica_care.domain.habit import SESSIONS_PER_WEEK as DEFAULT_SESSIONS_PER_WEEK
from sciatica_care.domain.habit import WeeklyGoal, streak, weekly_goal
from sciatica_care.domain.progression import (
    PAUSE_DAYS,
    ProgressionAction,
    ProgressionDecision,
    ProgressionDose,
    ProgressionError,
    ProgressionInput,
    SessionRecord,
    check_dose_fits,
    decide,
)
from sciatica_care.domain.progression_custom import CustomRest, rest_on
from sciatica_care.domain.screening import locks_program
from sciatica_care.domain.session import (
    STANDARD_LEVEL,
    PlannedExercise,
    build_program,
    pain_for_progression,
    red_stop,
)
from sciatica_care.services.clock import Clock, utcnow
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import Conflict, NotFound, ProgramClosed, ServiceError
from sciatica_care.services.gate import Gate, program_gate
from sciatica_care.services.permissions import Permission
from sciatica_care.store import (
    checkins,
    custom_exercises,
    doses,
    exercise_sessions,
    patients,
    program_changes,
    programs,
    screenings,
)
from sciatica_care.store.custom_exercises import CustomFacts
from sciatica_care.store.errors import StoreError
from sciatica_care.store.exercise_sessions import SessionFacts
from sciatica_care.store.models import DoseDecision, ExerciseSession
from sciatica_care.store.patients import PatientFacts
from sciatica_care.store.program_changes import ChangeFacts

logger = logging.getLogger(__name__)

AUTO_PROGRESSION = "auto_progression"
"""Patient setting: apply decisions automatically (default) or keep them as suggestions."""
PROGRESSION_MODE = "progression_mode"
"""Set by a clinician's prescription (issue 10 item 3): "auto", "suggest" or "off" (no step up
ever; regressions and pauses on pain still apply, clinical-spec.md §4.1). Absent: the person's own
``auto_progression`` choice decides between "auto" and "suggest"."""
MODES = ("auto", "suggest", "off")
SESSIONS_PER_WEEK = "sessions_per_week"
"""Set by a clinician's prescription: the habit's weekly goal (default: daily, §4.2)."""
WEEKLY_REVIEW = "last_weekly_review"
"""Patient setting: the day of the last weekly review (clinical-spec.md §4.1 weekly rule)."""
WEEK = timedelta(days=7)
HISTORY = timedelta(days=60)
"""Sessions and check-ins further back than this no longer shape a decision."""

APPLIED = "applied"
SUGGESTED = "suggested"
ACCEPTED = "accepted"
SUPERSEDED = "superseded"
CHANGED = (APPLIED, ACCEPTED)
"""Statuses whose decision changed the dose the person does."""
_EXTRA_KEYS = ("trigger", "accepted_on")
"""Keys stored beside the §8.3 decision in ``DoseDecision.decision``."""
RED_WINDOW = timedelta(days=7)

SCREEN_PAUSE_NOTE = (
    "Your answers to the safety questions hold any step up until a clinician has seen you. "
    "Your current doses continue."
)
STEP_UPS_OFF_NOTE = (
    "Your clinician turned step ups off, so your doses stay as they are. They still step down or "
    "pause if an exercise hurts."
)
RESET_REASON = (
    "Your saved dose no longer matched this exercise, so it is back to the starting dose of "
    "its level."
)


# --- doses -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrentDose:
    """What the next session uses for one exercise, and the reason of the latest decision."""

    exercise_id: str
    level: int
    dose: Dose
    active: bool = True
    paused_until: date | None = None
    reason: str | None = None

    def resting_on(self, day: date) -> bool:
        """Left out today: removed from the program, or paused until a later day (§4.1 RED)."""
        return not self.active or (self.paused_until is not None and day < self.paused_until)


def _default_dose(exercise: Exercise) -> CurrentDose:
    """No decision yet: level 2 at its starting dose (clinical-spec.md §4.4 standard dose)."""
    return CurrentDose(exercise.id, STANDARD_LEVEL, exercise.level(STANDARD_LEVEL).dose)


def current_doses(
    session: Session, patient_id: int, library: ExerciseLibrary | None = None
) -> dict[str, CurrentDose]:
    """Every exercise of the library with its current dose, in program order.

    A stored dose that no longer fits the content (a level or limit changed since) falls back to
    its level's starting dose instead of breaking every later page and check-in.
    """
    library = library or exercise_library()
    rows = doses.dose_rows(session, patient_id)
    current: dict[str, CurrentDose] = {}
    for exercise in library.exercises:
        row = rows.get(exercise.id)
        if row is None:
            current[exercise.id] = _default_dose(exercise)
            continue
        try:
            level = exercise.level(row.level)
            dose = Dose.model_validate(row.dose)
            check_dose_fits(exercise, _progression_dose(dose))
        except (ValidationError, ValueError, KeyError, LookupError):
            logger.warning("stored dose of %s does not fit the content; reset", exercise.id)
            fallback = _default_dose(exercise)
            current[exercise.id] = CurrentDose(
                exercise.id, fallback.level, fallback.dose, reason=RESET_REASON
            )
            continue
        current[exercise.id] = CurrentDose(
            exercise_id=exercise.id,
            level=level.level,
            dose=dose,
            active=row.active,
            paused_until=row.paused_until,
            reason=row.reason,
        )
    return current


def _progression_dose(dose: Dose) -> ProgressionDose:
    return ProgressionDose(
        sets=dose.sets, reps=dose.reps, hold_s=dose.hold_s, per_side=dose.per_side
    )


def _content_dose(dose: ProgressionDose, exercise: Exercise, level: int) -> Dose:
    """A decision's dose in the full shape a session needs (missing keys from the level)."""
    start = exercise.level(level).dose
    return Dose(
        sets=dose.sets,
        reps=dose.reps if dose.reps is not None else start.reps,
        hold_s=dose.hold_s if dose.hold_s is not None else start.hold_s,
        per_side=dose.per_side if dose.per_side is not None else start.per_side,
    )


def _apply(
    session: Session, patient_id: int, exercise: Exercise, decision: ProgressionDecision
) -> None:
    """Make a decision the dose of the next session (PAUSE: rest until ``resume_on``)."""
    doses.set_dose(
        session,
        patient_id,
        exercise.id,
        level=decision.next_level,
        dose=_content_dose(decision.next_dose, exercise, decision.next_level).model_dump(),
        active=not decision.remove_exercise,
        paused_until=decision.resume_on,
        reason=decision.reason,
    )


# --- settings --------------------------------------------------------------------------------


def _mode_of(settings: Mapping[str, Any]) -> str:
    mode = settings.get(PROGRESSION_MODE)
    if mode in MODES:
        return str(mode)
    return "auto" if settings.get(AUTO_PROGRESSION, True) else "suggest"


def progression_mode(session: Session, patient_id: int) -> str:
    """ "auto", "suggest" or "off": the clinician's choice when they made one, else the person's."""
    return _mode_of(patients.get_settings(session, patient_id))


def mode_set_by_clinician(session: Session, patient_id: int) -> bool:
    return patients.get_settings(session, patient_id).get(PROGRESSION_MODE) in MODES


def auto_progression(session: Session, patient_id: int) -> bool:
    """Whether step ups change the dose by themselves (on unless turned off or to suggestions)."""
    return progression_mode(session, patient_id) == "auto"


def set_auto_progression(session: Session, patient_id: int, on: bool) -> None:
    """Turn automatic progression on or off (clinical-spec.md §7: it must be switchable).

    After a clinician chose "auto" or "suggest", the person's switch still decides between the two;
    a clinician's "off" (no step up at all) stays until the clinician changes it.
    """
    changes: dict[str, Any] = {AUTO_PROGRESSION: on}
    if patients.get_settings(session, patient_id).get(PROGRESSION_MODE) in ("auto", "suggest"):
        changes[PROGRESSION_MODE] = "auto" if on else "suggest"
    patients.update_settings(session, patient_id, **changes)


def set_progression_mode(session: Session, patient_id: int, mode: str) -> None:
    """A clinician's choice (issue 10 item 3); ``auto_progression`` follows for older readers."""
    if mode not in MODES:
        raise ValueError(f"progression: {mode!r} is not one of {', '.join(MODES)}")
    patients.update_settings(
        session, patient_id, **{PROGRESSION_MODE: mode, AUTO_PROGRESSION: mode == "auto"}
    )


def _per_week_of(settings: Mapping[str, Any]) -> int:
    value = settings.get(SESSIONS_PER_WEEK)
    return value if isinstance(value, int) and 1 <= value <= 14 else DEFAULT_SESSIONS_PER_WEEK


def sessions_per_week(session: Session, patient_id: int) -> int:
    """The weekly goal of session days' source: the clinician's frequency, else daily (§4.2)."""
    return _per_week_of(patients.get_settings(session, patient_id))


# --- decisions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionOutcome:
    """One stored decision: what the rule said, for which exercise, and whether it was applied."""

    decision_id: int
    exercise_id: str
    exercise_name: str
    decision: ProgressionDecision
    status: str
    trigger: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.decision_id,
            "status": self.status,
            "trigger": self.trigger,
            **self.decision.model_dump(mode="json"),
        }


@dataclass(frozen=True)
class ProgramUpdate:
    """What changed after a session or a morning check-in, and what the person must be told."""

    decisions: list[DecisionOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def escalation(self) -> str | None:
        """The highest action any decision asked for (ROUTINE, ...), or None."""
        raised = [Action(d.decision.escalation) for d in self.decisions if d.decision.escalation]
        return max(raised, key=lambda action: action.rank).value if raised else None

    @property
    def red_flag_screen(self) -> bool:
        """A RED session asks for the red-flag questions again (clinical-spec.md §4.1)."""
        return any(d.decision.red_flag_screen for d in self.decisions)

    def to_json(self) -> dict[str, Any]:
        return {
            "decisions": [d.to_json() for d in self.decisions],
            "notes": list(self.notes),
            "escalation": self.escalation,
            "red_flag_screen": self.red_flag_screen,
        }


class StoredDecision(Protocol):
    """A stored decision as the rules read it: an ORM row (to change) or ``programs``'s values."""

    @property
    def id(self) -> int: ...
    @property
    def exercise_id(self) -> str: ...
    @property
    def decision(self) -> dict[str, Any]: ...
    @property
    def action(self) -> str: ...
    @property
    def status(self) -> str: ...


def decision_of(row: StoredDecision) -> ProgressionDecision:
    """The domain decision stored in a row (without the bookkeeping keys)."""
    data = {k: v for k, v in row.decision.items() if k not in _EXTRA_KEYS}
    return ProgressionDecision.model_validate(data)


def _decided_on(row: StoredDecision) -> date:
    return date.fromisoformat(str(row.decision["decided_on"]))


def _last_step_on(rows: Sequence[DoseDecision]) -> date | None:
    """The last day a decision changed the dose (an accepted suggestion counts from acceptance)."""
    days = [
        max(
            _decided_on(row),
            date.fromisoformat(str(row.decision.get("accepted_on") or "0001-01-01")),
        )
        for row in rows
        if row.status in CHANGED and row.action != ProgressionAction.HOLD
    ]
    return max(days, default=None)


def _prescribed_on(
    session: Session, patient_id: int, exercise_id: str, clock: Clock
) -> date | None:
    """The last day (in the patient's zone) a clinician changed this exercise's dose: a step in
    the sense of the 48-hour rule (clinical-spec.md §4.2), so no automatic step follows at once."""
    return _prescribed_in(_recent_changes(session, patient_id), exercise_id, clock)


def _recent_changes(session: Session, patient_id: int) -> list[ChangeFacts]:
    """The clinician's 20 latest changes (what each one changed and when, not the whole
    prescription of each)."""
    return program_changes.latest(session, patient_id, limit=20)


def _prescribed_in(changes: Sequence[ChangeFacts], exercise_id: str, clock: Clock) -> date | None:
    """``_prescribed_on`` over the clinician's latest changes, read once for every exercise."""
    for change in changes:
        if any(c.get("exercise") == exercise_id for c in change.changes):
            return change.changed_at.astimezone(clock.zone).date()
    return None


def _start_of(day: date, clock: Clock) -> datetime:
    """A stored time at or before the start of ``day`` in the patient's zone (a day early, so a
    zone's odd midnight never leaves a session out); readers still filter by ``clock.day_of``."""
    return datetime.combine(day, time.min, tzinfo=clock.zone) - timedelta(days=1)


Dated = tuple[date, SessionFacts]
"""A stored session with its day in the patient's zone (worked out once per read)."""


def _dated(rows: Sequence[SessionFacts], clock: Clock) -> list[Dated]:
    return [(clock.day_of(row.started_at), row) for row in rows]


def _session_records(
    history: Sequence[Dated],
    exercise_id: str,
    entries: Sequence[diary.Reading],
    since: date,
) -> list[SessionRecord]:
    """Stored results of one exercise with a pain signal, as §8.3 sessions, oldest first.

    ``history`` holds the stored sessions from ``since`` on, with their days
    (``exercise_sessions.facts_since``, read once for every exercise). The next-morning pain is
    the morning check-in of the day after the session: a morning two days later reflects more
    than the session. An exercise the session stopped at for a symptom counts as RED even
    without a completed pain check (§9 ruling 7).
    """
    mornings = dict(diary.morning_pain(entries, "leg"))
    records = []
    for day, saved in history:
        if not saved.final or day < since:
            continue
        for result in saved.items:
            if result.exercise_id != exercise_id:
                continue
            last = result.position == saved.size - 1
            pain = pain_for_progression(result.pain, saved.stop_reason, last)
            if pain is None:
                continue
            records.append(
                SessionRecord(
                    date=day,
                    peak_pain=pain,
                    spread_down_leg=bool(result.spread_down_leg),
                    new_numbness_or_weakness=bool(result.new_numbness_or_weakness),
                    next_morning_pain=mornings.get(day + timedelta(days=1)),
                    asked_easier=bool(result.asked_easier),
                )
            )
    return sorted(records, key=lambda r: r.date)


def _red_sessions_in_week(history: Sequence[Dated], day: date) -> int:
    """RED guided sessions in the 7 days up to ``day``, whatever the exercise (§9 ruling 6)."""
    count = 0
    for started, row in history:
        if not row.final or started > day or day - started >= RED_WINDOW:
            continue
        items = [(i.pain, i.spread_down_leg, i.new_numbness_or_weakness) for i in row.items]
        count += red_stop(row.stop_reason, items)
    return count


def red_sessions_in_week(session: Session, patient_id: int, day: date, clock: Clock) -> int:
    """RED guided sessions in the 7 days up to ``day``, whatever the exercise (§9 ruling 6)."""
    history = exercise_sessions.facts_since(session, patient_id, _start_of(day - RED_WINDOW, clock))
    return _red_sessions_in_week(_dated(history, clock), day)


@dataclass(frozen=True)
class _History:
    """What progression reads once per run, however many entries it decides for (§4.1): the
    sessions from ``HISTORY`` before the earliest day decided (narrow, every exercise at once),
    the diary's readings over the same days, and the clinician's latest changes (§4.2)."""

    sessions: list[Dated]
    readings: list[DayReading]
    changes: list[ChangeFacts]

    def entries(self, since: date, until: date) -> list[DayReading]:
        """The diary from ``since`` to ``until`` (inclusive), oldest first, as ``checkins``."""
        return [reading for reading in self.readings if since <= reading.day <= until]


def _history(
    session: Session, patient_id: int, first_day: date, last_day: date, clock: Clock
) -> _History:
    since = first_day - HISTORY
    return _History(
        sessions=_dated(
            exercise_sessions.facts_since(session, patient_id, _start_of(since, clock)), clock
        ),
        readings=checkins.readings(session, patient_id, since=since, until=last_day),
        changes=_recent_changes(session, patient_id),
    )


def _baseline(entries: Sequence[diary.Reading], last_session: date) -> float:
    """Median of the 7 mornings up to the session day (§4.1); the judged morning is excluded.

    With no morning before, every recorded morning is used; with none at all the value is never
    read, because no session has a next-morning score to compare.
    """
    before = diary.baseline_morning_pain(entries, before=last_session + timedelta(days=1))
    if before is not None:
        return before
    later = diary.baseline_morning_pain(entries, before=date.max)
    return later if later is not None else 0.0


@dataclass(frozen=True)
class _Context:
    """What every decision of one update shares."""

    entries: list[DayReading]
    today: date
    automatic: bool
    hold_step_ups: bool
    weekly: diary.WeeklyPain | None
    clock: Clock
    red_sessions: int
    history: _History
    decisions: dict[str, list[DoseDecision]]
    """Per exercise, the stored decisions a decision reads (``store.programs.for_progression``):
    read once per update; each exercise is decided at most once in it."""
    step_ups_off: bool = False
    """A clinician set progression "off": no step up is applied or suggested (§4.1 safety
    decisions, regress and pause, still apply)."""


def _decide_one(
    session: Session,
    patient_id: int,
    exercise: Exercise,
    current: CurrentDose,
    records: list[SessionRecord],
    trigger: str,
    context: _Context,
) -> DecisionOutcome | None:
    """Decide for one exercise, store the decision and apply it when automatic; None if skipped."""
    rows = context.decisions.get(exercise.id, [])
    last_day = records[-1].date
    same_session = [row for row in rows if _decided_on(row) == last_day]
    if any(row.action == ProgressionAction.PAUSE for row in same_session):
        return None  # a RED session is acted on once, not again the next morning
    if trigger == "morning" and any(
        row.decision.get("trigger") == "morning" for row in same_session
    ):
        return None  # only the first morning check-in after a session counts
    flare = diary.detect_flare(context.entries, context.today)
    weekly = context.weekly
    try:
        data = ProgressionInput(
            exercise=exercise.id,
            level=current.level,
            dose=_progression_dose(current.dose),
            baseline_morning_pain=_baseline(context.entries, last_day),
            sessions=records,
            last_step_on=max(
                (
                    d
                    for d in (
                        _last_step_on(rows),
                        _prescribed_in(context.history.changes, exercise.id, context.clock),
                    )
                    if d
                ),
                default=None,
            ),
            flare_started_on=flare.started_on if flare else None,
            leg_pain_mean_this_week=weekly.this_week if weekly else None,
            leg_pain_mean_last_week=weekly.last_week if weekly else None,
            automatic=context.automatic,
            red_sessions_this_week=context.red_sessions,
        )
        decision = decide(data, exercise)
    except (ProgressionError, ValueError) as exc:
        raise ServiceError(
            f"{exercise.id}: the stored dose does not fit the exercise ({exc})"
        ) from exc
    if (context.hold_step_ups or context.step_ups_off) and (
        decision.action is ProgressionAction.PROGRESS
    ):
        return None
    changes = decision.action is not ProgressionAction.HOLD
    status = SUGGESTED if changes and decision.requires_acceptance else APPLIED
    for row in rows:
        if row.status == SUGGESTED:
            row.status = SUPERSEDED
    row = doses.add_decision(
        session,
        patient_id,
        exercise.id,
        {**decision.model_dump(mode="json"), "trigger": trigger},
        decision.action.value,
        status,
    )
    if status == APPLIED:
        _apply(session, patient_id, exercise, decision)
    return DecisionOutcome(row.id, exercise.id, exercise.name, decision, status, trigger)


def _context(
    session: Session,
    patient_id: int,
    today: date,
    clock: Clock,
    hold_step_ups: bool,
    weekly: diary.WeeklyPain | None,
    history: _History,
) -> _Context:
    decisions: dict[str, list[DoseDecision]] = {}
    for row in programs.for_progression(
        session,
        patient_id,
        waiting=SUGGESTED,
        changed=CHANGED,
        hold=ProgressionAction.HOLD.value,
        decided_since=today - HISTORY,
    ):
        decisions.setdefault(row.exercise_id, []).append(row)
    return _Context(
        entries=history.entries(today - HISTORY, today),
        today=today,
        automatic=auto_progression(session, patient_id),
        hold_step_ups=hold_step_ups,
        weekly=weekly,
        clock=clock,
        red_sessions=_red_sessions_in_week(history.sessions, today),
        history=history,
        decisions=decisions,
        step_ups_off=progression_mode(session, patient_id) == "off",
    )


def after_session(
    session: Session,
    patient_id: int,
    saved: ExerciseSession,
    clock: Clock,
    gate: Gate,
    library: ExerciseLibrary | None = None,
    history: _History | None = None,
) -> ProgramUpdate:
    """Decide the next dose of each exercise of the saved session that has a pain signal.

    The session's own next morning is not known yet, so a step up waits for it (the domain holds
    the dose and says so); a RED result pauses the exercise at once. ``history`` is what
    ``run_pending`` read once for all it decides (read here when not given).
    """
    library = library or exercise_library()
    saved.progressed_at = utcnow()
    today = clock.day_of(saved.started_at)
    history = history or _history(session, patient_id, today, today, clock)
    context = _context(session, patient_id, today, clock, gate.hold_step_ups, None, history)
    current = current_doses(session, patient_id, library)
    known = {exercise.id: exercise for exercise in library.exercises}
    update = ProgramUpdate()
    seen: set[str] = set()
    last = len(saved.items) - 1
    for item in saved.items:
        exercise = known.get(item.exercise_id)
        pain = pain_for_progression(item.pain, saved.stop_reason, item.position == last)
        if pain is None or exercise is None or exercise.id in seen:
            continue
        seen.add(exercise.id)
        records = _session_records(history.sessions, exercise.id, context.entries, today - HISTORY)
        if not records or not current[exercise.id].active:
            continue
        outcome = _decide_one(
            session, patient_id, exercise, current[exercise.id], records, "session", context
        )
        if outcome is not None:
            update.decisions.append(outcome)
    if context.hold_step_ups:
        update.notes.append(SCREEN_PAUSE_NOTE)
    return update


def weekly_review_due(session: Session, patient_id: int, day: date) -> bool:
    """A week has passed since the program started or since the last weekly review."""
    settings = patients.get_settings(session, patient_id)
    last = settings.get(WEEKLY_REVIEW)
    start = date.fromisoformat(last) if last else patients.program_start(session, patient_id, day)
    return day >= start + WEEK


def after_morning_checkin(
    session: Session,
    patient_id: int,
    day: date,
    clock: Clock,
    gate: Gate,
    library: ExerciseLibrary | None = None,
    history: _History | None = None,
) -> ProgramUpdate:
    """Re-decide with the next-morning pain; at the weekly review, add the weekly means.

    Exercises done yesterday are decided again now that their next morning is known (this is when
    a dose steps up). At the weekly review (every 7 days) a 7-day mean leg pain up 2 or more also
    re-decides every other exercise that has sessions (§4.1 weekly rule: regress and ROUTINE).
    ``history`` as for ``after_session``.
    """
    library = library or exercise_library()
    history = history or _history(session, patient_id, day, day, clock)
    weekly = None
    if weekly_review_due(session, patient_id, day):
        weekly = diary.weekly_leg_pain(history.entries(day - 2 * WEEK, day), day)
        patients.update_settings(session, patient_id, **{WEEKLY_REVIEW: day.isoformat()})
    for row in checkins.list_for(session, patient_id, since=day, until=day):
        row.progressed_at = row.progressed_at or utcnow()
    context = _context(session, patient_id, day, clock, gate.hold_step_ups, weekly, history)
    rising = weekly is not None and (weekly.rise or 0) >= 2
    all_doses = current_doses(session, patient_id, library)
    update = ProgramUpdate()
    for exercise in library.exercises:
        current = all_doses[exercise.id]
        if not current.active:
            continue
        records = _session_records(history.sessions, exercise.id, context.entries, day - HISTORY)
        if not records or records[-1].date >= day:
            continue
        if records[-1].date == day - timedelta(days=1):
            trigger = "morning"
        elif rising:
            trigger = "weekly"
        else:
            continue
        outcome = _decide_one(session, patient_id, exercise, current, records, trigger, context)
        if outcome is not None:
            update.decisions.append(outcome)
    if context.hold_step_ups:
        update.notes.append(SCREEN_PAUSE_NOTE)
    return update


# --- today's program and suggestions ---------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A decision waiting for the person's acceptance (automatic progression is off)."""

    decision_id: int
    exercise_id: str
    exercise_name: str
    decision: ProgressionDecision

    def to_json(self) -> dict[str, Any]:
        return {"id": self.decision_id, **self.decision.model_dump(mode="json")}


@dataclass(frozen=True)
class ProgramItem:
    """One exercise of the program today: its dose, and whether it rests today and why."""

    exercise: Exercise
    current: CurrentDose
    resting: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise.id,
            "name": self.exercise.name,
            "level": self.current.level,
            "dose": self.current.dose.model_dump(),
            "resting": self.resting,
            "active": self.current.active,
            "paused_until": self.current.paused_until.isoformat()
            if self.current.paused_until
            else None,
            "reason": self.current.reason,
        }


@dataclass(frozen=True)
class TodaysProgram:
    """Today's doses with their reasons, exercises resting today, and pending suggestions."""

    day: date
    library: ExerciseLibrary
    items: list[ProgramItem]
    suggestions: list[Suggestion]
    automatic: bool
    custom_resting: dict[str, CustomRest] = field(default_factory=dict)
    """The clinician's custom exercises resting today after a RED result, by key
    (``custom_rests``): the guided session leaves them out until their resume day."""

    @property
    def today(self) -> list[ProgramItem]:
        return [item for item in self.items if not item.resting]

    @property
    def resting(self) -> list[ProgramItem]:
        return [item for item in self.items if item.resting]

    @property
    def doses(self) -> dict[str, tuple[int, Dose]]:
        """What ``domain.session.build_program`` takes: level and dose per exercise done today."""
        return {item.exercise.id: (item.current.level, item.current.dose) for item in self.today}

    @property
    def reasons(self) -> dict[str, str]:
        """The reason shown beside each dose (the latest decision's sentence)."""
        return {item.exercise.id: item.current.reason for item in self.today if item.current.reason}

    def planned(self) -> list[PlannedExercise]:
        """The program a guided session runs (resting exercises left out)."""
        library = self.library.model_copy(
            update={"exercises": [item.exercise for item in self.today]}
        )
        return build_program(library, self.doses, self.reasons)

    def to_json(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "automatic_progression": self.automatic,
            "exercises": [item.to_json() for item in self.items],
            "suggestions": [s.to_json() for s in self.suggestions],
            "custom_resting": [
                {
                    "key": rest.key,
                    "name": rest.name,
                    "resume_on": rest.resume_on.isoformat(),
                    "reason": rest.reason,
                }
                for rest in self.custom_resting.values()
            ],
        }


class TodayReads:
    """What Today reads of each table, each at most once a request, when first needed.

    Today's program, its resting custom exercises and the habit all read the patient's settings,
    the decisions, the clinician's custom exercises and the last days' sessions; reading them
    here once, and only the rows and columns those views use (``store.programs``,
    ``store.custom_exercises``, ``exercise_sessions.facts_since``, plain values from Core
    statements built once), keeps a year of history as cheap as a week (design.md "Scale").
    """

    def __init__(
        self,
        session: Session,
        patient_id: int,
        today: date,
        clock: Clock | None,
        patient: PatientFacts | None = None,
    ):
        self.session = session
        self.patient_id = patient_id
        self.today = today
        self.clock = clock
        if patient is not None:
            self.__dict__["patient"] = patient  # read by the caller in this transaction

    @cached_property
    def patient(self) -> PatientFacts:
        """The settings (mode, weekly goal) and the program's start, read once."""
        return patients.facts(self.session, self.patient_id)

    @property
    def automatic(self) -> bool:
        """``auto_progression`` from the settings read once."""
        return _mode_of(self.patient.settings) == "auto"

    def program_start(self, today: date) -> date:
        """``patients.program_start``: the stored start, or (the first time) today, stored."""
        started = self.patient.program_started_on
        if started is None:
            return patients.program_start(self.session, self.patient_id, today)
        return started

    @cached_property
    def decisions(self) -> list[programs.DecisionFacts]:
        """The waiting suggestions and the pauses that changed a dose, oldest first."""
        return programs.waiting_and_pauses(
            self.session,
            self.patient_id,
            waiting=SUGGESTED,
            changed=CHANGED,
            pause=ProgressionAction.PAUSE.value,
        )

    @cached_property
    def customs(self) -> list[CustomFacts]:
        """The clinician's custom exercises, taken out or not, in the order they were written."""
        return custom_exercises.of_patient(self.session, self.patient_id, active_only=False)

    @cached_property
    def recent(self) -> list[Dated]:
        """The sessions of the days a custom exercise may still rest after (``PAUSE_DAYS``)
        and of today, oldest first, with their days."""
        assert self.clock is not None, "the recent sessions are read in the patient's days"
        first = min(self.today - PAUSE_DAYS + timedelta(days=1), self.today)
        start = _start_of(first, self.clock)
        rows = exercise_sessions.facts_since(self.session, self.patient_id, start)
        return _dated(rows, self.clock)


def pending_suggestions(
    session: Session,
    patient_id: int,
    library: ExerciseLibrary | None = None,
    reads: TodayReads | None = None,
) -> list[Suggestion]:
    """Decisions waiting for acceptance, one (the latest) per exercise, in program order."""
    library = library or exercise_library()
    rows: Sequence[StoredDecision] = (
        reads.decisions if reads is not None else doses.decision_rows(session, patient_id)
    )
    latest: dict[str, StoredDecision] = {}
    for row in rows:
        if row.status == SUGGESTED:
            latest[row.exercise_id] = row
    return [
        Suggestion(latest[e.id].id, e.id, e.name, decision_of(latest[e.id]))
        for e in library.exercises
        if e.id in latest
    ]


def withdraw_suggestions(
    session: Session,
    patient_id: int,
    exercise_ids: set[str] | None = None,
    step_ups_only: bool = False,
) -> int:
    """Mark waiting suggestions superseded (a clinician changed the dose they were made for, or
    turned step ups off); returns how many. ``exercise_ids`` None: every exercise."""
    withdrawn = 0
    for row in doses.decision_rows(session, patient_id):
        if row.status != SUGGESTED:
            continue
        if exercise_ids is not None and row.exercise_id not in exercise_ids:
            continue
        if step_ups_only and row.action != ProgressionAction.PROGRESS:
            continue
        row.status = SUPERSEDED
        withdrawn += 1
    session.flush()
    return withdrawn


def custom_rests(
    session: Session, patient_id: int, today: date, clock: Clock, reads: TodayReads | None = None
) -> dict[str, CustomRest]:
    """The active custom exercises resting ``today`` after a RED result, by key (§4.1, §9.5).

    The same 48 h as a seed exercise's PAUSE, read from the same records (``_session_records``:
    final sessions, a symptom stop counted RED, the next morning's pain), but without a stored
    decision or dose change: the clinician's dose stays (``domain.progression_custom``). Only
    results of the last ``PAUSE_DAYS`` can rest an exercise today, so older ones are not read.
    """
    since = today - PAUSE_DAYS + timedelta(days=1)
    if reads is None or reads.today != today or reads.clock != clock:
        reads = TodayReads(session, patient_id, today, clock)
    entries: list[DayReading] | None = None
    rests: dict[str, CustomRest] = {}
    for row in reads.customs:
        if not row.active or not _session_records(reads.recent, row.key, [], since):
            continue
        if entries is None:
            entries = checkins.readings(session, patient_id, since=today - HISTORY, until=today)
        records = _session_records(reads.recent, row.key, entries, since)
        rest = rest_on(row.key, row.name, [(r, _baseline(entries, r.date)) for r in records], today)
        if rest is not None:
            rests[row.key] = rest
    return rests


def todays_program(
    session: Session,
    patient_id: int,
    today: date,
    library: ExerciseLibrary | None = None,
    clock: Clock | None = None,
    reads: TodayReads | None = None,
) -> TodaysProgram:
    """Today's program for this patient (what the guided session and ``sciatica plan`` show).

    With the patient's ``clock``, the custom exercises resting today are named too
    (``custom_rests``); without it none is read as resting. ``reads``: what the rest of the
    request shares (``view_today``).
    """
    library = library or exercise_library()
    if reads is None or reads.today != today:
        reads = TodayReads(session, patient_id, today, clock)
    current = current_doses(session, patient_id, library)
    items = [
        ProgramItem(exercise, current[exercise.id], current[exercise.id].resting_on(today))
        for exercise in library.exercises
    ]
    return TodaysProgram(
        day=today,
        library=library,
        items=items,
        suggestions=pending_suggestions(session, patient_id, library, reads),
        automatic=reads.automatic,
        custom_resting=custom_rests(session, patient_id, today, clock, reads) if clock else {},
    )


def accept_suggestion(
    session: Session,
    patient_id: int,
    exercise_id: str,
    today: date,
    gate: Gate,
    library: ExerciseLibrary | None = None,
) -> DecisionOutcome:
    """Apply the waiting suggestion for one exercise.

    ``ProgramClosed`` while the gate is closed; ``Conflict`` for a step up while step-ups are held
    (§9 ruling 4: no *accepted* step up either); ``NotFound`` when no suggestion waits (a second
    click).
    """
    if not gate.open:
        raise ProgramClosed(gate)
    library = library or exercise_library()
    waiting = {s.exercise_id: s for s in pending_suggestions(session, patient_id, library)}
    suggestion = waiting.get(exercise_id)
    if suggestion is None:
        names = ", ".join(waiting) or "none"
        raise NotFound(f"no suggestion is waiting for '{exercise_id}' (waiting: {names})")
    if gate.hold_step_ups and suggestion.decision.action is ProgressionAction.PROGRESS:
        raise Conflict(SCREEN_PAUSE_NOTE)
    if (
        progression_mode(session, patient_id) == "off"
        and suggestion.decision.action is ProgressionAction.PROGRESS
    ):
        raise Conflict(STEP_UPS_OFF_NOTE)
    row = doses.get_decision(session, patient_id, suggestion.decision_id)
    assert row is not None
    row.status = ACCEPTED
    row.decision = {**row.decision, "accepted_on": today.isoformat()}
    exercise = library.get(exercise_id)
    _apply(session, patient_id, exercise, suggestion.decision)
    trigger = str(row.decision.get("trigger", ""))
    return DecisionOutcome(
        row.id, exercise.id, exercise.name, suggestion.decision, ACCEPTED, trigger
    )


# --- derived work ----------------------------------------------------------------------------


def run_pending(session: Session, patient_id: int, clock: Clock) -> ProgramUpdate:
    """Progression for every final session and check-in not yet used, oldest first.

    Sessions are decided as they were saved; a morning check-in re-decides with its next-morning
    pain (§4.1). Each row is marked as used, so this runs once per entry. With nothing waiting
    (most reads) it costs the two look-ups; otherwise the gate and the history are read once for
    every entry decided.
    """
    waiting: list[tuple[Any, str, Any]] = [
        (row.started_at, "session", row)
        for row in exercise_sessions.awaiting_progression(session, patient_id)
    ]
    waiting += [
        (row.recorded_at, "checkin", row)
        for row in checkins.awaiting_progression(session, patient_id)
    ]
    update = ProgramUpdate()
    if not waiting:
        return update
    held = patients.get(session, patient_id)  # kept: settings are read once, not per decision
    gate = program_gate(session, patient_id)
    days = [
        clock.day_of(row.started_at) if kind == "session" else row.day for _, kind, row in waiting
    ]
    history = _history(session, patient_id, min(days), max(days), clock)
    for _, kind, row in sorted(waiting, key=lambda item: (item[0], item[1])):
        if kind == "session":
            step = after_session(session, patient_id, row, clock, gate, history=history)
        elif checkins.to_entry(row).moment == "morning":
            step = after_morning_checkin(session, patient_id, row.day, clock, gate, history=history)
        else:
            step = ProgramUpdate()
        row.progressed_at = row.progressed_at or utcnow()  # (after_session marked it already)
        update.decisions.extend(step.decisions)
        update.notes.extend(note for note in step.notes if note not in update.notes)
    session.flush()
    del held
    return update


def catch_up(db: Any, patient_id: int, clock: Clock) -> ProgramUpdate | None:
    """``run_pending`` in its own transaction; None when it failed (the entries stay waiting).

    What the person recorded is already committed: a failure here is logged (without personal
    data) and tried again on the next read or write, never shown as a lost entry.
    """
    try:
        with db.session() as session:
            return run_pending(session, patient_id, clock)
    except (ServiceError, StoreError, ValueError, LookupError) as exc:
        logger.warning("progression is waiting: %s", exc.__class__.__name__)
        return None


def applied_changes(
    session: Session, patient_id: int, since: date | None = None
) -> list[DoseDecision]:
    """Decisions that changed a dose (applied or accepted, not HOLD), oldest first."""
    return [
        row
        for row in doses.decision_rows(session, patient_id)
        if row.status in CHANGED
        and row.action != ProgressionAction.HOLD
        and (since is None or _decided_on(row) >= since)
    ]


# --- use cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DoneToday:
    """What the person did today: the exercises finished and the minutes moved (Today's tick)."""

    sessions: int
    exercises: list[str]
    minutes: int


@dataclass(frozen=True)
class Habit:
    """Today's habit view (issue 9 item 3): done today, the weekly goal, the streak, the week.

    The rules are ``domain.habit`` (the plan is daily, clinical-spec.md §4.2); this gathers the
    patient's days in their own zone.
    """

    done_today: DoneToday | None
    goal: WeeklyGoal
    streak: int
    rest_today: bool


def planned_rest_days(
    session: Session,
    patient_id: int,
    library: ExerciseLibrary | None = None,
    reads: TodayReads | None = None,
) -> set[date]:
    """Days on which every exercise of the program was paused by a RED result (§4.1, §9.5).

    A PAUSE decided on a session's day rests the exercise from the next day until ``resume_on``
    (the day it comes back), as ``CurrentDose.resting_on`` reads it.
    """
    library = library or exercise_library()
    rows: Sequence[StoredDecision] = (
        reads.decisions if reads is not None else applied_changes(session, patient_id)
    )
    paused: dict[date, set[str]] = {}
    for row in rows:
        if row.status not in CHANGED or row.action != ProgressionAction.PAUSE:
            continue
        resume = row.decision.get("resume_on")
        if not resume:
            continue
        day = _decided_on(row) + timedelta(days=1)
        while day < date.fromisoformat(str(resume)):
            paused.setdefault(day, set()).add(row.exercise_id)
            day += timedelta(days=1)
    everyone = {exercise.id for exercise in library.exercises}
    return {day for day, ids in paused.items() if ids >= everyone}


HABIT_WINDOW = timedelta(days=42)
"""The session days Today reads first: the program week and most streaks. A streak that runs
back past it (or a program older than it) reads the earlier days too, so the numbers are the
same as from the whole history."""


def _run_reaches(done: set[date], rest: set[date], today: date, first: date) -> bool:
    """Whether the run of session and rest days ending today (or yesterday, today being still
    open) goes back to ``first``: then the days before it may extend the streak."""
    day = today if (today in done or today in rest) else today - timedelta(days=1)
    while day in done or day in rest:
        if day <= first:
            return True
        day -= timedelta(days=1)
    return False


def _moved_days(
    session: Session, patient_id: int, clock: Clock, rest: set[date], today: date
) -> tuple[set[date], date | None]:
    """The days with a finished session (final, an exercise completed) as far back as the habit
    needs them, and the first such day ever (the program's origin when it came first)."""
    window = today - HABIT_WINDOW
    bound = _start_of(window, clock)
    starts, first_at = exercise_sessions.moved_since_and_first(session, patient_id, bound)
    moved = {clock.day_of(at) for at in starts}
    first = clock.day_of(first_at) if first_at is not None else None
    if first is not None and first < window and _run_reaches(moved, rest, today, window):
        earlier = exercise_sessions.moved_at(session, patient_id, before=bound)
        moved |= {clock.day_of(at) for at in earlier}
    return moved, first


def habit_of(
    session: Session,
    patient_id: int,
    clock: Clock,
    todays: TodaysProgram | None = None,
    reads: TodayReads | None = None,
) -> Habit:
    """The habit view for the patient's today: session days, planned rest, program week.

    "You did …" names each exercise as the patient knows it, a clinician's custom one too (taken
    out since or not), never by the key its results are stored under. The session days are read
    back only as far as the week and the streak reach (``HABIT_WINDOW``).
    """
    today = clock.today()
    if reads is None or reads.today != today or reads.clock != clock:
        reads = TodayReads(session, patient_id, today, clock)
    library = todays.library if todays is not None else exercise_library()
    rest = planned_rest_days(session, patient_id, library, reads)
    if todays is not None and not todays.today:
        rest.add(today)
    moved, first_session = _moved_days(session, patient_id, clock, rest, today)
    start = min(reads.program_start(today), first_session or today)
    done_today = None
    if today in moved:
        todays_rows = [row for day, row in reads.recent if row.final and day == today]
        names = {exercise.id: exercise.name for exercise in library.exercises}
        # a custom exercise's results are stored under its key (``custom-`` + hex)
        names |= {row.key: row.name for row in reads.customs}
        finished: list[str] = []
        for row in todays_rows:
            for item in row.items:
                name = names.get(item.exercise_id, item.exercise_id)
                if item.completed and name not in finished:
                    finished.append(name)
        seconds = sum(row.elapsed_s for row in todays_rows)
        done_today = DoneToday(len(todays_rows), finished, max(1, round(seconds / 60)))
    return Habit(
        done_today=done_today,
        goal=weekly_goal(moved, rest, start, today, per_week=_per_week_of(reads.patient.settings)),
        streak=streak(moved, rest, today, start),
        rest_today=today in rest,
    )


@dataclass(frozen=True)
class ProgramView:
    """The gate and, when it is open, today's program (what Today, the player and plan show)."""

    gate: Gate
    program: TodaysProgram | None
    update: ProgramUpdate | None = None
    habit: Habit | None = None


def current_gate(ctx: PatientContext) -> Gate:
    with ctx.unit(Permission.READ) as session:
        return program_gate(session, ctx.patient_id)


@dataclass(frozen=True)
class _CaughtUp:
    """A read unit's session after the catch-up, what the catch-up changed, and the patient's
    settings when they were read along (None: not yet)."""

    session: Session
    update: ProgramUpdate | None
    patient: PatientFacts | None = None


@contextmanager
def _caught_up(ctx: PatientContext) -> Iterator[_CaughtUp]:
    """A read unit that sees progression caught up, and what the catch-up changed.

    Nearly always nothing waits: the unit's first statement finds that, with the patient's
    settings (``programs.patient_and_waiting``), and the reads go on in the same transaction, so
    the catch-up costs no statement and no transaction of its own. Otherwise ``catch_up`` runs
    in its own transaction first (design.md "Transactions"), and the reads in a unit after it.
    """
    with ctx.unit(Permission.READ) as session:
        found = programs.patient_and_waiting(session, ctx.patient_id)
        if found is None or not found[1]:  # (no such patient: nothing waits either)
            yield _CaughtUp(session, ProgramUpdate(), found[0] if found else None)
            return
    update = catch_up(ctx.db, ctx.patient_id, ctx.clock)
    with ctx.unit(Permission.READ) as session:
        yield _CaughtUp(session, update)


Also = TypeVar("Also")


def view_today_and(
    ctx: PatientContext, also: Callable[[TodayReads], Also], *, habit: bool = True
) -> tuple[ProgramView, Also | None]:
    """``view_today`` (without the habit when ``habit`` is False) and, when the program is open,
    ``also(reads)`` in the same transaction: what a caller reads besides (the guided session's
    custom exercises) shares the reads and the unit of the view. None while the gate is shut.
    """
    with _caught_up(ctx) as unit:
        session, update = unit.session, unit.update
        gate = program_gate(session, ctx.patient_id)
        if not gate.open:
            return ProgramView(gate, None, update, None), None
        reads = TodayReads(session, ctx.patient_id, ctx.clock.today(), ctx.clock, unit.patient)
        todays = todays_program(session, ctx.patient_id, reads.today, clock=ctx.clock, reads=reads)
        shown = habit_of(session, ctx.patient_id, ctx.clock, todays, reads) if habit else None
        return ProgramView(gate, todays, update, shown), also(reads)


def view_today(ctx: PatientContext) -> ProgramView:
    """Catch up on waiting progression, then the gate and today's program in the patient's day.

    One transaction when nothing waits (``_caught_up``); each table is read once
    (``TodayReads``).
    """
    view, _ = view_today_and(ctx, _nothing_more)
    return view


def _nothing_more(_: TodayReads) -> None:
    return None


def open_program(ctx: PatientContext) -> TodaysProgram:
    """Today's program for a session about to start; ``ProgramClosed`` when the gate is shut."""
    view, _ = view_today_and(ctx, _nothing_more, habit=False)
    if view.program is None:
        raise ProgramClosed(view.gate)
    return view.program


def accept(ctx: PatientContext, exercise_id: str) -> DecisionOutcome:
    """Accept the suggestion waiting for one exercise (gate and hold checked)."""
    with ctx.unit(Permission.ADJUST) as session:
        gate = program_gate(session, ctx.patient_id)
        return accept_suggestion(session, ctx.patient_id, exercise_id, ctx.clock.today(), gate)


def confirm_clinician_seen(ctx: PatientContext) -> int:
    """The person records that a clinician has seen them: URGENT holds end (§9 ruling 4).

    An emergency lock is not lifted here: it needs its own answer (``screening``). Returns the
    number of holds ended.
    """
    with ctx.unit(Permission.OWN) as session:
        gate = program_gate(session, ctx.patient_id)
        ended = 0
        for row in gate.holding:
            if not locks_program(Action(row.action)):
                screenings.mark_assessed(session, ctx.patient_id, row.id)
                ended += 1
        return ended


def set_automatic(ctx: PatientContext, on: bool) -> None:
    with ctx.unit(Permission.ADJUST) as session:
        set_auto_progression(session, ctx.patient_id, on)
