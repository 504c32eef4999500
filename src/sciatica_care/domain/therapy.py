"""Heat and cold packs (clinical-spec.md §5): who should not use them, for how long, how often,
and a timer that insists on a skin check before and after.

Evidence for heat is modest and for cold thin, so the app offers both as a preference and spends
its effort on avoiding harm: burns and cold injury happen when the skin cannot feel or the pack
stays on too long. Time comes in as events (``tick(dt)``) and as values (``now``), never from a
clock, so the web player, the CLI and the tests drive the same rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from sciatica_care.domain.replies import Answer

StopReason = Literal["skin_numb", "skin_changed", "pain_increased", "other"]


class TherapyError(ValueError):
    """A therapy argument is invalid; the message names the field."""


class TherapyKind(StrEnum):
    COLD = "cold"
    HEAT = "heat"


class _Frozen(BaseModel):
    # Schemas are built on first use, not at import: every command imports these (start-up).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class TherapyLimits(_Frozen):
    """Duration and spacing of one kind of pack (clinical-spec.md §5 table)."""

    kind: TherapyKind
    min_minutes: int
    max_minutes: int
    gap_minutes: int
    every_minutes: int | None
    max_per_day: int | None


LIMITS: Mapping[TherapyKind, TherapyLimits] = {
    TherapyKind.COLD: TherapyLimits(
        kind=TherapyKind.COLD,
        min_minutes=10,
        max_minutes=15,
        gap_minutes=60,
        every_minutes=120,
        max_per_day=None,
    ),
    TherapyKind.HEAT: TherapyLimits(
        kind=TherapyKind.HEAT,
        min_minutes=15,
        max_minutes=20,
        gap_minutes=60,
        every_minutes=None,
        max_per_day=3,
    ),
}
"""Cold 10–15 min, up to every 2 h, ≥1 h for the skin to rewarm; heat 15–20 min, 2–3 times a day,
≥1 h apart. Neither ever more than 20 min."""
ABSOLUTE_MAX_MINUTES = 20


class ContraindicationQuestion(_Frozen):
    """A question asked before first use; "yes" (or "unsure") gives ``outcome`` for its kinds."""

    id: str
    text: str
    applies_to: Literal["both", "cold", "heat"]
    outcome: Literal["not_advised", "ask_clinician"]
    reason: str

    def applies(self, kind: TherapyKind) -> bool:
        return self.applies_to in ("both", kind.value)


CONTRAINDICATIONS: tuple[ContraindicationQuestion, ...] = (
    ContraindicationQuestion(
        id="reduced_sensation",
        text=(
            "Is feeling reduced or numb where the pack would go (for example from nerve damage "
            "caused by diabetes)?"
        ),
        applies_to="both",
        outcome="not_advised",
        reason="reduced feeling in the skin",
    ),
    ContraindicationQuestion(
        id="poor_circulation",
        text="Is the blood flow poor in that area (poor circulation)?",
        applies_to="both",
        outcome="not_advised",
        reason="poor circulation",
    ),
    ContraindicationQuestion(
        id="broken_skin",
        text="Is the skin there broken, fragile or still healing?",
        applies_to="both",
        outcome="not_advised",
        reason="broken or fragile skin",
    ),
    ContraindicationQuestion(
        id="cannot_feel_or_remove",
        text=(
            "Might you be unable to feel the pack or take it off yourself, for example because a "
            "medicine makes you very drowsy or because of memory problems?"
        ),
        applies_to="both",
        outcome="not_advised",
        reason="not being able to feel or remove the pack",
    ),
    ContraindicationQuestion(
        id="raynauds",
        text="Do your fingers or toes turn white or blue in the cold (Raynaud's)?",
        applies_to="cold",
        outcome="not_advised",
        reason="Raynaud's",
    ),
    ContraindicationQuestion(
        id="cold_urticaria",
        text="Does cold give you hives or an itchy rash (cold urticaria)?",
        applies_to="cold",
        outcome="not_advised",
        reason="a skin reaction to cold",
    ),
    ContraindicationQuestion(
        id="cryoglobulinaemia",
        text="Has a doctor found cryoglobulinaemia, a blood problem made worse by cold?",
        applies_to="cold",
        outcome="not_advised",
        reason="cryoglobulinaemia",
    ),
    ContraindicationQuestion(
        id="fresh_swelling",
        text="Is the area newly swollen, for example after a recent knock or strain?",
        applies_to="heat",
        outcome="not_advised",
        reason="fresh swelling",
    ),
    ContraindicationQuestion(
        id="bleeding_disorder",
        text="Do you bleed or bruise very easily because of a bleeding disorder?",
        applies_to="heat",
        outcome="not_advised",
        reason="a bleeding disorder",
    ),
    ContraindicationQuestion(
        id="tumour_or_clot",
        text=(
            "Is there a tumour in that area, or could there be a blood clot in your leg "
            "(a calf that is swollen, warm and painful)?"
        ),
        applies_to="heat",
        outcome="not_advised",
        reason="a tumour or a possible blood clot",
    ),
    ContraindicationQuestion(
        id="pregnancy",
        text="Are you pregnant?",
        applies_to="heat",
        outcome="ask_clinician",
        reason="pregnancy",
    ),
)
"""clinical-spec.md §5 contraindications: both kinds, cold only, heat only (pregnancy → ask)."""


class TherapyAdvice(_Frozen):
    """Whether a kind of pack is advised, and why not."""

    kind: TherapyKind
    outcome: Literal["ok", "not_advised", "ask_clinician"]
    reasons: list[str]
    message: str


def contraindication_questions(kind: TherapyKind) -> list[ContraindicationQuestion]:
    """The questions to ask before the first use of ``kind``, in order."""
    return [q for q in CONTRAINDICATIONS if q.applies(kind)]


def check_contraindications(kind: TherapyKind, answers: Mapping[str, Answer]) -> TherapyAdvice:
    """Decide from the answers whether ``kind`` is advised (clinical-spec.md §5).

    Every question for the kind must be answered; "unsure" counts as "yes", as in the red-flag
    screen (§1). Any "not advised" answer wins over "ask your clinician".
    """
    questions = contraindication_questions(kind)
    known = {q.id for q in questions}
    for key in answers:
        if key not in known:
            raise TherapyError(f"answers.{key}: not a {kind.value} question")
    for question in questions:
        answer = answers.get(question.id)
        if answer not in ("yes", "no", "unsure"):
            shown = "missing" if answer is None else f"'{answer}' is not yes, no or unsure"
            raise TherapyError(f"answers.{question.id}: {shown}")
    positive = [q for q in questions if answers[q.id] != "no"]
    blocking = [q for q in positive if q.outcome == "not_advised"]
    asking = [q for q in positive if q.outcome == "ask_clinician"]
    name = "Cold packs" if kind is TherapyKind.COLD else "Heat"
    if blocking:
        why = ", ".join(q.reason for q in blocking)
        return TherapyAdvice(
            kind=kind,
            outcome="not_advised",
            reasons=[q.id for q in blocking],
            message=(
                f"{name} not advised: you told us about {why}. The skin could be harmed without "
                f"you noticing. Ask a health professional about other ways to ease the pain."
            ),
        )
    if asking:
        why = ", ".join(q.reason for q in asking)
        return TherapyAdvice(
            kind=kind,
            outcome="ask_clinician",
            reasons=[q.id for q in asking],
            message=f"Check with your clinician or midwife before using {kind.value} ({why}).",
        )
    limits = LIMITS[kind]
    return TherapyAdvice(
        kind=kind,
        outcome="ok",
        reasons=[],
        message=(
            f"{name}: {limits.min_minutes}–{limits.max_minutes} minutes at a time, never more "
            f"than {ABSOLUTE_MAX_MINUTES}, with a layer of cloth between the pack and your skin."
        ),
    )


ANSWERS_VALID_DAYS = 30
"""How long contraindication answers stand before all the questions are asked again."""


def answers_still_valid(answered_on: dt.date, today: dt.date) -> bool:
    """Whether answers given on ``answered_on`` may still stand on ``today`` (clinical-spec.md §5).

    Health, skin and medicines change, so the full questions come back once 30 days have passed
    (on day 30, the safer side of "after 30 days"); before that only "has anything changed?" is
    asked. A date in the future (a clock moved back) never counts as valid.
    """
    age = (today - answered_on).days
    return 0 <= age < ANSWERS_VALID_DAYS


def spelled_date(day: dt.date) -> str:
    """A date nobody can misread: "3 March 2025"."""
    return f"{day.day} {day.strftime('%B %Y')}"


def changed_question(answered_on: dt.date) -> str:
    """The one question asked instead of all of them while the answers still stand."""
    return (
        f"Has anything changed in your health, skin or medicines since {spelled_date(answered_on)}?"
    )


SAFETY_TEXTS: Mapping[str, str] = {
    "barrier": (
        "Always put a layer between the pack and your skin: a cloth for cold, a towel for heat. "
        "Use heat pads on a medium setting at most."
    ),
    "never_sleep": (
        "Never fall asleep on a heat pad, hot-water bottle or heat pack. Set the timer first."
    ),
    "where": (
        "Put the pack on your back or buttock. Do not put it on numb areas of your leg or foot: "
        "you might not feel a burn."
    ),
    "stop_cold": (
        "Take a cold pack off if your skin goes numb (cold, then burning, then aching, then "
        "numb), turns white or blotchy, or the pain gets worse."
    ),
    "stop_heat": (
        "Take the heat off if your skin turns very red or blisters, or the pain gets worse."
    ),
    "heat_marks": (
        "Heat used again and again on the same spot can leave a lacy red-brown mark (erythema "
        "ab igne). If you see one, stop using heat there."
    ),
    "heat_wraps": "Stick-on heat wraps: follow the maker's instructions only.",
    "burns": (
        "Burns: cool the area under cool running water for 20 minutes. Get medical help if it "
        "blisters or covers a large area."
    ),
}
"""The §5 app rules in the words a person reads."""


def safety_texts(kind: TherapyKind) -> list[str]:
    """The safety texts to show before using ``kind``."""
    keys = ["barrier", "where"]
    if kind is TherapyKind.COLD:
        keys += ["stop_cold", "burns"]
    else:
        keys += ["never_sleep", "stop_heat", "heat_marks", "heat_wraps", "burns"]
    return [SAFETY_TEXTS[key] for key in keys]


# --- spacing between uses ---------------------------------------------------------------------


class TherapyUse(_Frozen):
    """One past use of a pack (as stored: kind, start, how long it stayed on)."""

    kind: TherapyKind
    started_at: dt.datetime
    duration_s: Annotated[float, Field(ge=0)]

    @property
    def ended_at(self) -> dt.datetime:
        return self.started_at + dt.timedelta(seconds=self.duration_s)


class GapCheck(_Frozen):
    """Whether a pack may be used at ``now``, and if not, from when and why."""

    kind: TherapyKind
    allowed: bool
    next_allowed_at: dt.datetime
    message: str


def skin_rest(kind: TherapyKind, now: dt.datetime) -> GapCheck:
    """clinical-spec.md §5: after a pack that left the skin numb, white or blistered, no pack of
    that kind again today (the day of ``now``, in the person's zone)."""
    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(0), now.tzinfo)
    return GapCheck(
        kind=kind,
        allowed=False,
        next_allowed_at=tomorrow,
        message=(
            f"You noted a skin problem after {kind.value} earlier today: do not use {kind.value} "
            "again today. If the skin is still not normal, ask a health professional."
        ),
    )


def next_allowed_at(
    previous_uses: Sequence[TherapyUse], kind: TherapyKind, now: dt.datetime
) -> GapCheck:
    """When the next ``kind`` pack may go on (clinical-spec.md §5 frequency rules).

    At least 1 h after any pack came off, so the skin can return to normal (heat straight after
    cold meets skin that cannot yet feel well); cold at most every 2 h; heat at most 3 times per
    calendar day of ``now``. Uses that start after ``now`` are ignored.
    """
    limits = LIMITS[kind]
    uses = [u for u in previous_uses if u.started_at <= now]
    waits: list[tuple[dt.datetime, str]] = []
    if uses:
        last_off = max(u.ended_at for u in uses)
        waits.append(
            (
                last_off + dt.timedelta(minutes=limits.gap_minutes),
                "your skin needs at least 1 hour between packs to return to normal",
            )
        )
    same = [u for u in uses if u.kind is kind]
    if limits.every_minutes is not None and same:
        last_start = max(u.started_at for u in same)
        waits.append(
            (
                last_start + dt.timedelta(minutes=limits.every_minutes),
                "cold packs are best used at most every 2 hours",
            )
        )
    if limits.max_per_day is not None:
        today = [u for u in same if u.started_at.date() == now.date()]
        if len(today) >= limits.max_per_day:
            midnight = dt.datetime.combine(
                now.date() + dt.timedelta(days=1), dt.time(0), tzinfo=now.tzinfo
            )
            waits.append((midnight, f"heat is best used up to {limits.max_per_day} times a day"))
    blocking = [w for w in waits if w[0] > now]
    if not blocking:
        return GapCheck(
            kind=kind,
            allowed=True,
            next_allowed_at=now,
            message=f"You can use {kind.value} now, for {limits.min_minutes}–"
            f"{limits.max_minutes} minutes.",
        )
    at, why = max(blocking, key=lambda w: w[0])
    if at.date() == now.date():
        when = at.strftime("%H:%M")
    elif at.time() == dt.time(0):
        when = "tomorrow"
    else:
        when = at.strftime("%H:%M tomorrow")
    return GapCheck(
        kind=kind,
        allowed=False,
        next_allowed_at=at,
        message=f"Please wait until {when}: {why}.",
    )


# --- the timer --------------------------------------------------------------------------------


class TimerPhase(StrEnum):
    SKIN_CHECK_BEFORE = "skin_check_before"
    RUNNING = "running"
    PAUSED = "paused"
    SKIN_CHECK_AFTER = "skin_check_after"
    DONE = "done"
    STOPPED = "stopped"


STOP_MESSAGES: Mapping[str, str] = {
    "skin_numb": "Take the pack off now: numb skin is the sign to stop.",
    "skin_changed": "Take the pack off now: the skin has changed colour or blistered.",
    "pain_increased": "Take the pack off now: it should never make the pain worse.",
    "other": "Pack off.",
}


class TherapyTimer(_Frozen):
    """A pack timer as a pure state machine: each event returns the next timer.

    skin check before → running (pause/resume) → alarm at the planned time → skin check after →
    done. A failed first skin check ends in ``stopped`` before anything touches the skin. Events
    that do not fit the phase return the timer unchanged, so a late tap never crashes a player.
    """

    kind: TherapyKind
    planned_s: Annotated[float, Field(gt=0, le=ABSOLUTE_MAX_MINUTES * 60)]
    phase: TimerPhase = TimerPhase.SKIN_CHECK_BEFORE
    elapsed_s: Annotated[float, Field(ge=0)] = 0.0
    alarm: bool = False
    stop_reason: StopReason | None = None
    skin_ok_after: bool | None = None

    @property
    def remaining_s(self) -> float:
        return max(0.0, self.planned_s - self.elapsed_s)

    @property
    def prompt(self) -> str:
        """What the player shows now."""
        if self.phase is TimerPhase.SKIN_CHECK_BEFORE:
            return (
                "Look at and touch the skin where the pack will go. Is it unbroken, a normal "
                "colour, and can you feel your touch normally?"
            )
        if self.phase is TimerPhase.RUNNING:
            minutes, seconds = divmod(round(self.remaining_s), 60)
            return f"{minutes}:{seconds:02d} left. Keep a layer between the pack and your skin."
        if self.phase is TimerPhase.PAUSED:
            return "Paused. The pack should be off while the timer is paused."
        if self.phase is TimerPhase.SKIN_CHECK_AFTER:
            head = STOP_MESSAGES[self.stop_reason] + " " if self.stop_reason else ""
            if self.alarm:
                head = "Time is up: take the pack off now. "
            return (
                f"{head}Look at your skin. Is it a normal colour, without blisters and without "
                f"white or blotchy patches?"
            )
        if self.phase is TimerPhase.STOPPED:
            return (
                f"Do not use {self.kind.value} on this area today. If the skin is numb, broken "
                f"or discoloured, ask a health professional."
            )
        if self.skin_ok_after is False:
            first_aid = (
                SAFETY_TEXTS["burns"]
                if self.kind is TherapyKind.HEAT
                else "Let the skin warm up slowly at room temperature; do not rub it or put heat "
                "on it. Get medical help if it blisters or stays white or numb."
            )
            return f"Do not use {self.kind.value} again today. {first_aid}"
        return "Done. Note in your diary whether it helped."

    def skin_checked(self, ok: bool) -> TherapyTimer:
        """The answer to the skin check shown in ``prompt`` (before or after)."""
        if self.phase is TimerPhase.SKIN_CHECK_BEFORE:
            phase = TimerPhase.RUNNING if ok else TimerPhase.STOPPED
            return self.model_copy(update={"phase": phase})
        if self.phase is TimerPhase.SKIN_CHECK_AFTER:
            return self.model_copy(update={"phase": TimerPhase.DONE, "skin_ok_after": ok})
        return self

    def tick(self, dt_s: float) -> TherapyTimer:
        """Time passes; at the planned time the alarm goes off and the after-check starts."""
        if dt_s < 0:
            raise TherapyError(f"dt: time cannot go backwards ({dt_s})")
        if self.phase is not TimerPhase.RUNNING:
            return self
        elapsed = min(self.planned_s, self.elapsed_s + dt_s)
        if elapsed >= self.planned_s:
            return self.model_copy(
                update={
                    "elapsed_s": elapsed,
                    "phase": TimerPhase.SKIN_CHECK_AFTER,
                    "alarm": True,
                }
            )
        return self.model_copy(update={"elapsed_s": elapsed})

    def pause(self) -> TherapyTimer:
        if self.phase is TimerPhase.RUNNING:
            return self.model_copy(update={"phase": TimerPhase.PAUSED})
        return self

    def resume(self) -> TherapyTimer:
        if self.phase is TimerPhase.PAUSED:
            return self.model_copy(update={"phase": TimerPhase.RUNNING})
        return self

    def stop(self, reason: StopReason = "other") -> TherapyTimer:
        """Pack off early (numb skin, skin change, more pain, or by choice); check the skin."""
        if self.phase in (TimerPhase.RUNNING, TimerPhase.PAUSED):
            return self.model_copy(
                update={"phase": TimerPhase.SKIN_CHECK_AFTER, "stop_reason": reason}
            )
        return self

    def use(self, started_at: dt.datetime) -> TherapyUse:
        """The record to store once the pack came off (``started_at`` comes from the caller)."""
        return TherapyUse(kind=self.kind, started_at=started_at, duration_s=self.elapsed_s)


def start_timer(kind: TherapyKind, minutes: float | None = None) -> TherapyTimer:
    """A new timer for ``kind``: by default the shortest recommended time (cold 10, heat 15 min).

    The plan may be shorter, but never longer than the kind's recommended maximum (cold 15,
    heat 20 min), so the 20-minute ceiling of §5 can never be passed.
    """
    limits = LIMITS[kind]
    planned = limits.min_minutes if minutes is None else minutes
    if not 0 < planned <= limits.max_minutes:
        raise TherapyError(
            f"minutes: {kind.value} is used for at most {limits.max_minutes} minutes, got {planned}"
        )
    return TherapyTimer(kind=kind, planned_s=planned * 60)
