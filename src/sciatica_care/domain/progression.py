"""Exercise progression from the pain response (clinical-spec.md §4.1–4.3, §6, machine format §8.3).

After each session (and the next morning) one exercise's history decides what happens next:
progress one step, hold, regress one step, or pause. The rules are deliberately conservative: a
step up needs two GREEN sessions in a row at the current dose, at most one step per exercise per
48 h, and any RED pauses the exercise and restarts it one level easier. Every decision carries the
sentence the person reads, so the reason is never hidden behind the action.

The function is stateless: everything it needs comes in the input (§8.3 plus a few optional
fields). Callers decide once per new session and record ``decided_on`` as ``last_step_on``
whenever the decision changed the dose or level; that date resets the GREEN/AMBER streaks and
starts the 48 h clock.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Any, Literal, cast

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
)

from sciatica_care.content.exercises import DoseKind, Exercise
from sciatica_care.domain.wording import spelled_date

Pain = Annotated[int, Field(ge=0, le=10)]
Escalation = Literal["ROUTINE", "URGENT_24_48H", "EMERGENCY_NOW"]

BASELINE_MORNINGS = 7
"""clinical-spec.md §4.1: baseline = median of the last 7 mornings."""
GREEN_PEAK_MAX = 5
RED_PEAK_MIN = 8
GREEN_MORNING_RISE_MAX = 1
RED_MORNING_RISE_MIN = 3
GREEN_STREAK = 2
"""§4.1: two consecutive GREEN sessions before any step up."""
AMBER_STREAK = 2
"""§4.1: two AMBER sessions in a row regress one step."""
STEP_GAP = dt.timedelta(days=2)
"""§4.2: one step per exercise per 48 h."""
PAUSE_DAYS = dt.timedelta(days=2)
"""§4.1 RED: stop that exercise for 24–48 h; we use the full 48 h."""
RED_WINDOW = dt.timedelta(days=7)
RED_COUNT_FOR_REVIEW = 2
"""§4.1: two or more RED sessions within 7 days → ROUTINE."""
WEEKLY_RISE_FOR_REVIEW = 2.0
"""§4.1: 7-day mean leg NPRS up by 2 or more → regress and ROUTINE."""
SPREADS_TO_REMOVE = 2
"""§6: an exercise that peripheralises on 2 occasions is regressed, or removed at level 1."""
REP_STEP = 2
HOLD_STEP_S = 5
MIN_REPS = 1
MIN_HOLD_S = 5
TOP_LEVEL = 3

REVIEW_TEXT = "Please book a review with a clinician in the next 1–2 weeks."


class ProgressionError(ValueError):
    """The progression input does not fit the rules or the exercise; the message names the field."""


class SessionResult(StrEnum):
    """The traffic light of one session (clinical-spec.md §4.1)."""

    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"


class ProgressionAction(StrEnum):
    """What happens to the exercise next (clinical-spec.md §8.3)."""

    PROGRESS = "PROGRESS"
    HOLD = "HOLD"
    REGRESS = "REGRESS"
    PAUSE = "PAUSE"


class _Strict(BaseModel):
    # Schemas are built on first use, not at import: every command imports these (start-up).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class ProgressionDose(_Strict):
    """A dose in the §8.3 shape: ``{"sets", "reps"}`` or ``{"sets", "hold_s", "per_side"}``.

    Keys left out stay out of the output, so a decision returns the dose in the shape it came in.
    """

    sets: Annotated[int, Field(ge=1, le=3)]
    reps: Annotated[int | None, Field(ge=1, le=15)] = None
    hold_s: Annotated[int | None, Field(ge=0, le=60)] = None
    per_side: bool | None = None

    @model_serializer(mode="wrap")
    def _without_absent_keys(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {key: value for key, value in data.items() if value is not None}


class SessionRecord(_Strict):
    """One session of the exercise and the pain response to it (clinical-spec.md §4.1)."""

    date: dt.date
    peak_pain: Pain
    spread_down_leg: bool
    new_numbness_or_weakness: bool
    next_morning_pain: Pain | None = None
    asked_easier: bool = False
    """The person asked for the easier version during the session because it hurt (issue 9): a
    pain signal that the dose was too much (see ``classify_session`` and ``decide``)."""


class ProgressionInput(_Strict):
    """The §8.3 input for one exercise, plus optional context the full rules need.

    ``last_step_on``: the ``decided_on`` of the last decision that changed this exercise's dose or
    level (streaks count only later sessions; the next step up waits 48 h from it).
    ``flare_started_on``: first day of the latest flare-up (§4.3, see ``diary.detect_flare``).
    ``leg_pain_mean_this_week`` / ``leg_pain_mean_last_week``: 7-day mean morning leg NPRS, given at
    the weekly review (§4.1 weekly rule; see ``diary.weekly_leg_pain``).
    ``automatic``: false when the person turned automatic progression off (§7): the decision is
    then only a suggestion that needs their acceptance (``requires_acceptance``; the reason text
    stays the same, each interface labels it as a suggestion).
    ``red_sessions_this_week``: RED guided sessions in the 7 days up to the last session, whatever
    the exercise (§9 ruling 6); without it only this exercise's RED sessions are counted.
    """

    exercise: str
    level: Annotated[int, Field(ge=1, le=3)]
    dose: ProgressionDose
    baseline_morning_pain: Annotated[float, Field(ge=0, le=10)]
    sessions: Annotated[list[SessionRecord], Field(min_length=1)]
    last_step_on: dt.date | None = None
    flare_started_on: dt.date | None = None
    leg_pain_mean_this_week: Annotated[float | None, Field(ge=0, le=10)] = None
    leg_pain_mean_last_week: Annotated[float | None, Field(ge=0, le=10)] = None
    automatic: bool = True
    red_sessions_this_week: Annotated[int | None, Field(ge=0)] = None

    @field_validator("sessions")
    @classmethod
    def _oldest_first(cls, sessions: list[SessionRecord]) -> list[SessionRecord]:
        dates = [s.date for s in sessions]
        if dates != sorted(dates):
            raise ValueError("sessions must be listed oldest first")
        return sessions


class ProgressionDecision(_Strict):
    """The §8.3 output, plus fields a caller needs to apply or show it.

    ``requires_acceptance``: a step up while automatic progression is off: show it as a
    suggestion (pauses and steps down apply at once).
    ``decided_on``: the date the decision belongs to (the last session's date); store it as the
    next ``last_step_on`` when the dose or level changed.
    ``red_flag_screen``: a RED session asks for the red-flag questions again (§4.1).
    ``remove_exercise``: the exercise spread symptoms down the leg twice at the easiest level (§6).
    """

    exercise: str
    last_result: SessionResult
    action: ProgressionAction
    next_level: int
    next_dose: ProgressionDose
    resume_on: dt.date | None
    escalation: Escalation | None
    reason: str
    requires_acceptance: bool
    decided_on: dt.date
    red_flag_screen: bool
    remove_exercise: bool


def read_input(data: Any) -> ProgressionInput:
    """Validate parsed JSON into a ``ProgressionInput``; errors name each bad field by its path."""
    try:
        return ProgressionInput.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ProgressionError(problems) from exc


def baseline_from_mornings(mornings: Sequence[float]) -> float | None:
    """Median of the last 7 morning pain scores, oldest first (clinical-spec.md §4.1).

    The median resists one bad night; ``None`` when there is no morning yet.
    """
    recent = list(mornings)[-BASELINE_MORNINGS:]
    if not recent:
        return None
    return float(statistics.median(recent))


def classify_session(session: SessionRecord, baseline_morning_pain: float) -> SessionResult:
    """GREEN, AMBER or RED by the pain-monitoring rule (clinical-spec.md §4.1).

    Without a next-morning score the session is judged on what is known; the morning criterion
    joins once it is recorded. A session where the person asked for the easier version because
    it hurt is never GREEN: at least AMBER, whatever the score (the safer reading of §4.1). Half-point baselines fall between the spec's whole-point bands, so
    a rise above +1 and below +3 counts as AMBER.
    """
    rise = None
    if session.next_morning_pain is not None:
        rise = session.next_morning_pain - baseline_morning_pain
    if (
        session.peak_pain >= RED_PEAK_MIN
        or session.spread_down_leg
        or session.new_numbness_or_weakness
        or (rise is not None and rise >= RED_MORNING_RISE_MIN)
    ):
        return SessionResult.RED
    if (
        session.peak_pain > GREEN_PEAK_MAX
        or (rise is not None and rise > GREEN_MORNING_RISE_MAX)
        or session.asked_easier
    ):
        return SessionResult.AMBER
    return SessionResult.GREEN


def check_fits(data: ProgressionInput, exercise: Exercise) -> None:
    """Refuse input that does not belong to ``exercise`` or exceeds its limits (names the field)."""
    if data.exercise != exercise.id:
        raise ProgressionError(f"exercise: '{data.exercise}' does not match '{exercise.id}'")
    check_dose_fits(exercise, data.dose)


def check_dose_fits(exercise: Exercise, dose: ProgressionDose) -> None:
    """Refuse a dose beyond the exercise's limits (§4.2 maxima) or of the wrong kind."""
    if dose.sets > exercise.max_sets:
        raise ProgressionError(f"dose.sets: {dose.sets} is above the maximum {exercise.max_sets}")
    if exercise.kind is DoseKind.REPS:
        if dose.reps is None:
            raise ProgressionError(f"dose.reps: required for {exercise.name} (a rep exercise)")
    else:
        if dose.hold_s is None:
            raise ProgressionError(f"dose.hold_s: required for {exercise.name} (a hold exercise)")
        if dose.hold_s > exercise.max_hold_s:
            raise ProgressionError(
                f"dose.hold_s: {dose.hold_s} is above the maximum {exercise.max_hold_s}"
            )
    if dose.reps is not None and dose.reps > exercise.max_reps:
        raise ProgressionError(f"dose.reps: {dose.reps} is above the maximum {exercise.max_reps}")
    if dose.per_side and exercise.sides == "none":
        raise ProgressionError(f"dose.per_side: {exercise.name} is not done per side")


# --- the dose ladder (clinical-spec.md §4.2) -------------------------------------------------


def _main_field(exercise: Exercise, level: int) -> Literal["reps", "hold_s"]:
    """The variable a step changes: reps, or hold time (a hold level without a hold counts reps)."""
    if exercise.kind is DoseKind.REPS or exercise.level(level).dose.hold_s == 0:
        return "reps"
    return "hold_s"


def _main(exercise: Exercise, level: int, dose: ProgressionDose) -> int:
    field = _main_field(exercise, level)
    return (dose.reps if field == "reps" else dose.hold_s) or 0


def complete_dose(exercise: Exercise, level: int, dose: ProgressionDose) -> ProgressionDose:
    """Fill what a §8.3 hold dose may leave out (holds per set, per side) from the level's dose."""
    if exercise.kind is DoseKind.REPS:
        return dose
    start = exercise.level(level).dose
    return dose.model_copy(
        update={
            "reps": dose.reps if dose.reps is not None else start.reps,
            "per_side": dose.per_side if dose.per_side is not None else start.per_side,
        }
    )


def starting_dose(exercise: Exercise, level: int, like: ProgressionDose) -> ProgressionDose:
    """The level's starting dose, in the key shape of ``like`` (reps always included)."""
    dose = exercise.level(level).dose
    return ProgressionDose(
        sets=dose.sets,
        reps=dose.reps,
        hold_s=dose.hold_s if like.hold_s is not None else None,
        per_side=dose.per_side if like.per_side is not None else None,
    )


def step_up(
    exercise: Exercise, level: int, dose: ProgressionDose
) -> tuple[int, ProgressionDose] | None:
    """One step harder, changing one variable (clinical-spec.md §4.2); ``None`` at the top.

    Order: reps +2 per set (up to the exercise's maximum, never above 15) or hold +5 s (up to its
    maximum hold); then one more set (up to 3); then the harder variation at its starting dose.
    """
    field = _main_field(exercise, level)
    limit = exercise.max_reps if field == "reps" else exercise.max_hold_s
    step = REP_STEP if field == "reps" else HOLD_STEP_S
    main = _main(exercise, level, dose)
    if main < limit:
        return level, dose.model_copy(update={field: min(main + step, limit)})
    if dose.sets < exercise.max_sets:
        return level, dose.model_copy(update={"sets": dose.sets + 1})
    if level < TOP_LEVEL:
        return level + 1, starting_dose(exercise, level + 1, dose)
    return None


def step_down(
    exercise: Exercise, level: int, dose: ProgressionDose
) -> tuple[int, ProgressionDose] | None:
    """One step easier, mirroring ``step_up``; ``None`` when already at the gentlest dose.

    Undo the most recent kind of step first: extra sets, then reps/hold back towards the level's
    starting dose, then the easier variation at its starting dose. At level 1 the dose can shrink
    further (fewer sets, then reps −2 down to 1 or hold −5 s down to 5 s).
    """
    field = _main_field(exercise, level)
    step = REP_STEP if field == "reps" else HOLD_STEP_S
    floor = MIN_REPS if field == "reps" else MIN_HOLD_S
    start = starting_dose(exercise, level, dose)
    main, start_main = _main(exercise, level, dose), _main(exercise, level, start)
    if dose.sets > start.sets:
        return level, dose.model_copy(update={"sets": dose.sets - 1})
    if main > start_main:
        return level, dose.model_copy(update={field: max(main - step, start_main)})
    if level > 1:
        return level - 1, starting_dose(exercise, level - 1, dose)
    if dose.sets > 1:
        return level, dose.model_copy(update={"sets": dose.sets - 1})
    if main > floor:
        return level, dose.model_copy(update={field: max(main - step, floor)})
    return None


def flare_dose(exercise: Exercise, like: ProgressionDose) -> ProgressionDose:
    """Level 1 at half volume (clinical-spec.md §4.3): one set, half the reps or half the hold."""
    start = starting_dose(exercise, 1, like)
    field = _main_field(exercise, 1)
    half = max(1, math.ceil(_main(exercise, 1, start) / 2))
    return start.model_copy(update={"sets": 1, field: half})


def _above(exercise: Exercise, level: int, dose: ProgressionDose, floor: ProgressionDose) -> bool:
    """Whether (level, dose) is harder than level 1 at ``floor``."""
    return (
        level > 1 or dose.sets > floor.sets or _main(exercise, 1, dose) > _main(exercise, 1, floor)
    )


# --- plain-language pieces --------------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def dose_text(exercise: Exercise, dose: ProgressionDose) -> str:
    """A dose in words: "10 reps, 1 set", "3 holds of 20 s each side, 2 sets"."""
    per_side = dose.per_side if dose.per_side is not None else exercise.sides == "both"
    each_side = " each side" if per_side else ""
    if exercise.kind is DoseKind.REPS or not dose.hold_s:
        unit = _plural(dose.reps or 0, "rep")
    elif dose.reps:
        unit = f"{_plural(dose.reps, 'hold')} of {dose.hold_s} s"
    else:
        unit = f"{dose.hold_s} s holds"
    return f"{unit}{each_side}, {_plural(dose.sets, 'set')}"


def _lower_name(exercise: Exercise) -> str:
    name = exercise.name
    return name[:1].lower() + name[1:]


def _progress_text(
    exercise: Exercise, level: int, dose: ProgressionDose, new_level: int, new: ProgressionDose
) -> str:
    name = _lower_name(exercise)
    if new_level != level:
        variation = exercise.level(new_level).name
        return (
            f"You managed the top dose of {name} with little pain twice: today move on to the "
            f"harder version, {variation}, starting at {dose_text(exercise, new)}."
        )
    if new.sets != dose.sets:
        return (
            f"You managed {_plural(dose.sets, 'set')} of {name} with little pain twice: "
            f"today add a set ({new.sets} sets)."
        )
    if new.reps != dose.reps:
        return f"You managed {dose.reps} {name} reps with little pain twice: today {new.reps}."
    return (
        f"You held {name} for {dose.hold_s} s with little pain twice: "
        f"today hold for {new.hold_s} s."
    )


def red_cause(session: SessionRecord, baseline: float, name: str) -> str:
    """What made a session RED (§4.1), in the person's words; shared with the RED rest of a
    clinician's custom exercise (``domain.progression_custom``)."""
    if session.spread_down_leg:
        return f"Your symptoms spread further down your leg during {name}"
    if session.new_numbness_or_weakness:
        return f"You noticed new numbness or weakness after {name}"
    if session.peak_pain >= RED_PEAK_MIN:
        return f"Your pain reached {session.peak_pain} out of 10 during {name}"
    return (
        f"Your leg pain the next morning was {session.next_morning_pain}, well above your usual "
        f"{_number(baseline)}"
    )


def _amber_cause(session: SessionRecord, baseline: float) -> str:
    if session.peak_pain > GREEN_PEAK_MAX:
        return f"Your pain reached {session.peak_pain} out of 10"
    return (
        f"Your leg pain the next morning was {session.next_morning_pain}, above your usual "
        f"{_number(baseline)}"
    )


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


# --- the decision -----------------------------------------------------------------------------


def decide(data: ProgressionInput, exercise: Exercise) -> ProgressionDecision:
    """Decide PROGRESS, HOLD, REGRESS or PAUSE for one exercise (clinical-spec.md §4.1–4.3, §6).

    Order of the rules, safest first: a RED last session pauses (restart one level easier after
    48 h; a second spread down the leg at level 1 removes the exercise); a flare-up not yet acted
    on drops to level 1 at half volume; a weekly rise in leg pain regresses one step; two AMBER in
    a row regress one step; two GREEN in a row, with both next mornings recorded and 48 h since
    the last step, progress one step. Everything else holds the dose. Two RED in 7 days or the
    weekly rise add ``ROUTINE``.
    """
    check_fits(data, exercise)
    baseline = data.baseline_morning_pain
    results = [classify_session(s, baseline) for s in data.sessions]
    last, last_result = data.sessions[-1], results[-1]
    today = last.date
    level = data.level
    dose = complete_dose(exercise, level, data.dose)
    name = _lower_name(exercise)

    reds = sum(
        1
        for s, r in zip(data.sessions, results, strict=True)
        if r is SessionResult.RED and today - s.date < RED_WINDOW
    )
    if data.red_sessions_this_week is not None:
        reds = max(reds, data.red_sessions_this_week)
    this_week, last_week = data.leg_pain_mean_this_week, data.leg_pain_mean_last_week
    weekly_rise = this_week - last_week if this_week is not None and last_week is not None else 0.0
    notes = []
    if weekly_rise >= WEEKLY_RISE_FOR_REVIEW:
        notes.append(
            f"Your average leg pain this week is {_number(this_week or 0)}, up "
            f"{_number(weekly_rise)} from last week."
        )
    if reds >= RED_COUNT_FOR_REVIEW:
        notes.append(f"Pain flared in {reds} sessions in the last 7 days.")
    escalation: Escalation | None = "ROUTINE" if notes else None
    if notes:
        notes.append(REVIEW_TEXT)

    def decision(
        action: ProgressionAction,
        next_level: int,
        next_dose: ProgressionDose,
        reason: str,
        *,
        resume_on: dt.date | None = None,
        remove: bool = False,
    ) -> ProgressionDecision:
        text = " ".join([reason, *(note for note in notes if note not in reason)])
        # Only a step up waits for the person: stopping or stepping down on pain protects them and
        # applies at once even with automatic progression off (§4.1; §7 lower-risk design).
        requires_acceptance = not data.automatic and action is ProgressionAction.PROGRESS
        return ProgressionDecision(
            exercise=exercise.id,
            last_result=last_result,
            action=action,
            next_level=next_level,
            next_dose=next_dose,
            resume_on=resume_on,
            escalation=escalation,
            reason=text,
            requires_acceptance=requires_acceptance,
            decided_on=today,
            red_flag_screen=last_result is SessionResult.RED,
            remove_exercise=remove,
        )

    flare_target = flare_dose(exercise, dose)
    flare_pending = (
        data.flare_started_on is not None
        and (data.last_step_on is None or data.last_step_on < data.flare_started_on)
        and _above(exercise, level, dose, flare_target)
    )

    if last_result is SessionResult.RED:
        resume_on = today + PAUSE_DAYS
        spreads = sum(1 for s in data.sessions if s.spread_down_leg)
        remove = last.spread_down_leg and spreads >= SPREADS_TO_REMOVE and level == 1
        new_level = max(1, level - 1)
        new_dose = starting_dose(exercise, new_level, dose)
        if flare_pending:
            new_level, new_dose = 1, flare_target
        cause = red_cause(last, baseline, name)
        if remove:
            reason = (
                f"{cause}. That has now happened {spreads} times with {name}: leave it out of "
                f"your program and ask your clinician about it. Please answer the safety "
                f"questions again."
            )
        else:
            which = "the easiest" if new_level == 1 else "the easier"
            reason = (
                f"{cause}. Rest {name} for 2 days; from {spelled_date(resume_on)} restart with "
                f"{which} version, {exercise.level(new_level).name}, at "
                f"{dose_text(exercise, new_dose)}. Please answer the safety questions again."
            )
        return decision(
            ProgressionAction.PAUSE, new_level, new_dose, reason, resume_on=resume_on, remove=remove
        )

    if flare_pending:
        reason = (
            f"Your pain has been well above your usual level since {data.flare_started_on}: a "
            f"flare-up. For now do {name} at the easiest version, {exercise.level(1).name}, with "
            f"half the usual amount: {dose_text(exercise, flare_target)}. Keep gently active "
            f"with short walks. Steps up start again after 2 good sessions."
        )
        return decision(ProgressionAction.REGRESS, 1, flare_target, reason)

    counted = [
        (s, r)
        for s, r in zip(data.sessions, results, strict=True)
        if (data.last_step_on is None or s.date > data.last_step_on)
        and (data.flare_started_on is None or s.date >= data.flare_started_on)
    ]
    streak = _streak(counted)
    gentlest = f"{exercise.name} is already at its gentlest dose: keep it there."

    if last.asked_easier:
        return _easier_asked(exercise, level, dose, decision)

    if weekly_rise >= WEEKLY_RISE_FOR_REVIEW and counted:
        down = step_down(exercise, level, dose)
        if down is None:
            return decision(ProgressionAction.HOLD, level, dose, f"{notes[0]} {gentlest}")
        reason = f"{notes[0][:-1]}: go back one step, to {dose_text(exercise, down[1])}."
        return decision(ProgressionAction.REGRESS, *down, reason)

    if last_result is SessionResult.AMBER:
        cause = _amber_cause(last, baseline)
        if streak >= AMBER_STREAK:
            cause += ", and the session before was not comfortable either"
            down = step_down(exercise, level, dose)
            if down is None:
                reason = f"{cause}. {gentlest} If this keeps happening, talk to your clinician."
                return decision(ProgressionAction.HOLD, level, dose, reason)
            reason = f"{cause}: go back one step, to {dose_text(exercise, down[1])}."
            return decision(ProgressionAction.REGRESS, *down, reason)
        reason = f"{cause}. Repeat the same dose next time: {dose_text(exercise, dose)}."
        return decision(ProgressionAction.HOLD, level, dose, reason)

    low = f"Your pain stayed low with {name}."
    same = f"Keep the same dose next time: {dose_text(exercise, dose)}."
    if streak < GREEN_STREAK:
        reason = f"{low} One more session like this and the dose can go up. {same}"
        return decision(ProgressionAction.HOLD, level, dose, reason)
    if any(s.next_morning_pain is None for s, _ in counted[-GREEN_STREAK:]):
        reason = (
            f"{low} Record your leg pain tomorrow morning; if it stays near your usual level, "
            f"the dose can go up. {same}"
        )
        return decision(ProgressionAction.HOLD, level, dose, reason)
    if data.last_step_on is not None and today < data.last_step_on + STEP_GAP:
        earliest = spelled_date(data.last_step_on + STEP_GAP)
        reason = (
            f"{low} One step at a time: the dose last changed on {spelled_date(data.last_step_on)}, so the "
            f"next step comes no sooner than {earliest}. {same}"
        )
        return decision(ProgressionAction.HOLD, level, dose, reason)
    up = step_up(exercise, level, dose)
    if up is None:
        reason = (
            f"You managed {name} at its top dose with little pain twice: keep going at "
            f"{dose_text(exercise, dose)}."
        )
        return decision(ProgressionAction.HOLD, level, dose, reason)
    return decision(ProgressionAction.PROGRESS, *up, _progress_text(exercise, level, dose, *up))


def _easier_asked(
    exercise: Exercise,
    level: int,
    dose: ProgressionDose,
    decision: Any,
) -> ProgressionDecision:
    """The person asked for the easier version because it hurt: next time starts there.

    clinical-spec.md §4.1 regresses after two AMBER sessions; a person saying "this one hurts"
    has already done the easier level for the rest of the session, so the safer direction is to
    keep them there at once: one level easier at its starting dose (as the player switched), or,
    at level 1, one step down (§4.2 in reverse).
    """
    name = _lower_name(exercise)
    if level > 1:
        new_level, new_dose = level - 1, starting_dose(exercise, level - 1, dose)
    else:
        down = step_down(exercise, level, dose)
        if down is None:
            reason = (
                f"You said {name} hurt and asked for an easier version. It is already at its "
                f"gentlest dose: keep it there, and talk to your clinician if it keeps hurting."
            )
            return cast(ProgressionDecision, decision(ProgressionAction.HOLD, level, dose, reason))
        new_level, new_dose = down
    version = exercise.level(new_level).name
    reason = (
        f"You said {name} hurt and asked for an easier version: next time do {version} at "
        f"{dose_text(exercise, new_dose)}."
    )
    return cast(
        ProgressionDecision, decision(ProgressionAction.REGRESS, new_level, new_dose, reason)
    )


def _streak(counted: Sequence[tuple[SessionRecord, SessionResult]]) -> int:
    """How many of the latest counted sessions share the last session's result."""
    if not counted:
        return 0
    last = counted[-1][1]
    count = 0
    for _, result in reversed(counted):
        if result is not last:
            break
        count += 1
    return count
