"""Recording a check-in, written once for the page, the JSON API and the offline outbox.

A check-in is the diary entry (domain ``CheckIn``) plus the daily red-flag questions Q1–Q7 and,
when one of them is yes, whether a doctor already assessed it (clinical-spec.md §1). One
transaction stores the entry and keeps a screening record when the answers raise an action (so an
emergency locks the program and an URGENT answer holds step-ups, see ``services.gate``). Then, in
its own transaction, progression re-decides doses with the next-morning pain (§4.1): a failure
there never loses the entry and is caught up on the next read or write.

Saving is idempotent by ``(patient, client_id)``: an entry re-sent by an offline browser, or a
form submitted twice (even at the same moment), is stored once and the first answer stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from sciatica_care.content.triage import Action
from sciatica_care.domain import diary
from sciatica_care.domain.body_map import BodyMap
from sciatica_care.domain.screening import (
    DAILY_ITEMS,
    DailyResult,
    locks_program,
    screen_daily,
)
from sciatica_care.services import caseload_summary, program, view_cache
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import NotFound
from sciatica_care.services.permissions import Permission
from sciatica_care.store import checkins, screenings
from sciatica_care.store.errors import StoreError
from sciatica_care.store.models import CheckIn as CheckInRow

CES_ASSESSED = "CES_ASSESSED"
BOTH_LEGS_ITEM = "Q7"


def grouped_daily_answers(
    any_of_these: str, details: Mapping[str, str], *, both_legs_on_map: bool = False
) -> dict[str, str]:
    """Q1–Q7 from the grouped question "Any of these today?" and the items answered after it.

    clinical-spec.md §9 ruling 11 groups Q1–Q7 into one question, with the detail after a yes;
    the daily screen (§1) still gets all seven answers, so its rules stay as they are:

    - "no" to the group: every item not answered is "no". An item answered yes or not sure
      still counts (a yes is never overruled by a no; doubt never lowers an emergency).
    - "yes" (or "unsure") to the group: the items answered are kept. If none of them is yes or
      not sure, every unanswered item is "unsure" (something is yes, we do not know which: §1
      "not sure" = yes). Otherwise the unanswered items are "no", so the reasons shown are
      what the person said.
    - Q7 left unanswered with symptoms in both legs on the body map is "yes" (§9 ruling 2).

    An empty group answer with no item answered returns {} (the caller asks the question).
    """
    given = {item: details[item] for item in DAILY_ITEMS if details.get(item)}
    if any_of_these not in ("yes", "no", "unsure"):
        return given
    some_yes = any(answer != "no" for answer in given.values())
    missing = "no" if any_of_these == "no" or some_yes else "unsure"
    answers = {item: given.get(item, missing) for item in DAILY_ITEMS}
    if both_legs_on_map and BOTH_LEGS_ITEM not in given and any_of_these != "no":
        answers[BOTH_LEGS_ITEM] = "yes"
    return answers


@dataclass(frozen=True)
class CheckInOutcome:
    """What happened: the stored id, whether it is new, the daily screen and program notes."""

    id: int
    created: bool
    entry: diary.CheckIn
    daily: DailyResult
    notes: list[str] = field(default_factory=list)
    update: program.ProgramUpdate | None = None

    @property
    def action(self) -> Action:
        return self.daily.action


def daily_answers(entry: diary.CheckIn, ces_assessed: str | None) -> dict[str, str]:
    """The Q1–Q7 answers in the §8.1 shape, with CES_ASSESSED when given."""
    answers: dict[str, str] = {item: reply for item, reply in entry.red_flags.items()}
    if ces_assessed is not None:
        answers[CES_ASSESSED] = ces_assessed
    return answers


def _store(
    ctx: PatientContext,
    entry: diary.CheckIn,
    answers: dict[str, str],
    daily: DailyResult,
    client_id: str | None,
    moment_given: bool,
) -> tuple[int, diary.CheckIn, bool]:
    """(row id, the stored entry, created) — the first copy of a ``client_id`` stands."""
    with ctx.unit(Permission.RECORD) as session:
        if client_id is not None:
            found = checkins.by_client_id(session, ctx.patient_id, client_id)
            if found is not None:
                return found.id, checkins.to_entry(found), False
        if not moment_given:
            first = not checkins.has_morning_entry(session, ctx.patient_id, entry.day)
            entry = entry.model_copy(update={"moment": "morning" if first else "other"})
        checkin_id = checkins.save(
            session,
            ctx.patient_id,
            entry,
            daily.action.value,
            at=ctx.clock.now_fn(),
            client_id=client_id,
        )
        if daily.action is not Action.SELF_CARE:
            screenings.save(
                session, ctx.patient_id, answers, daily, kind="daily", at=ctx.clock.now_fn()
            )
        return checkin_id, entry, True


def record_checkin(
    ctx: PatientContext,
    entry: diary.CheckIn,
    *,
    ces_assessed: str | None = None,
    client_id: str | None = None,
    moment_given: bool = True,
) -> CheckInOutcome:
    """Store ``entry`` once (by ``client_id``) with its daily screen; see the module docstring.

    Without ``moment_given`` the day's first entry is its morning entry and any later one is
    "other": an evening entry must not become the next-morning pain of §4.1.

    Raises ``ScreeningError`` when Q1–Q7 are incomplete (the callers check the form first).
    """
    answers = daily_answers(entry, ces_assessed)
    daily = screen_daily(answers)
    caseload_summary.before_entry(ctx)
    try:
        checkin_id, stored, created = _store(ctx, entry, answers, daily, client_id, moment_given)
    except StoreError:
        if client_id is None:
            raise
        checkin_id, stored, created = _store(ctx, entry, answers, daily, client_id, moment_given)
    update = program.catch_up(ctx.db, ctx.patient_id, ctx.clock) if created else None
    caseload_summary.after_entry(ctx)
    if update is None or locks_program(daily.action):
        update = None  # §7.2: an emergency answer shows no exercise content
    elif not update.decisions and not update.notes:
        update = None
    notes = [f"{d.exercise_name}: {d.decision.reason}" for d in update.decisions] if update else []
    notes += update.notes if update else []
    return CheckInOutcome(
        id=checkin_id, created=created, entry=stored, daily=daily, notes=notes, update=update
    )


@dataclass(frozen=True)
class PreviousMap:
    """The body map of the last entry before now, for "same as yesterday" (issue 9 item 4)."""

    day: date
    zones: BodyMap
    today: bool
    """True when it is an earlier entry of the same day ("same as earlier today")."""


def previous_map(ctx: PatientContext, day: date) -> PreviousMap | None:
    """The zones of the latest entry of ``day`` or the day before it; None when there is none.

    §6 asks where the leg pain reaches each morning and around sessions; when nothing changed
    the person says so in one tap and the zones are copied here, on the server, from their own
    record. Older entries are not offered: a map from days ago is no answer to "today".
    """
    return view_cache.remember(ctx, "previous-map", lambda: _previous_map(ctx, day), day)


def _previous_map(ctx: PatientContext, day: date) -> PreviousMap | None:
    with ctx.unit(Permission.READ) as session:
        recent = checkins.entries(session, ctx.patient_id, since=day - timedelta(days=1), until=day)
    if not recent:
        return None
    last = recent[-1]
    return PreviousMap(day=last.day, zones=last.zones, today=last.day == day)


@dataclass(frozen=True)
class DiaryView:
    """What the result page and the API show after a check-in: trends and a flare-up."""

    signals: list[diary.ZoneSignal]
    flare: diary.Flare | None
    both_legs: bool


def diary_view(ctx: PatientContext, entry: diary.CheckIn) -> DiaryView:
    """§6 zone trends, a §4.3 flare-up and symptoms in both legs, up to the entry's day.

    Both rules look back as far as the latest run of days goes (a flare-up's consecutive days,
    a zone's run), so the diary up to the entry's day is read, in one query of the few values
    they use (``checkins.readings``), and each rule makes one pass over it.
    """
    with ctx.unit(Permission.READ) as session:
        entries = checkins.readings(session, ctx.patient_id, until=entry.day)
    signals = [
        s
        for s in diary.zone_signals(entries)
        if s.trend is not diary.ZoneTrend.NOT_ENOUGH_DATA and (s.to_zone or s.from_zone)
    ]
    return DiaryView(
        signals=signals,
        flare=diary.detect_flare(entries, entry.day),
        both_legs=diary.symptoms_in_both_legs(entry),
    )


def stored_checkin(ctx: PatientContext, checkin_id: int) -> CheckInRow:
    """One of the patient's entries; ``NotFound`` for anyone else's id."""
    with ctx.unit(Permission.READ) as session:
        row = checkins.get(session, ctx.patient_id, checkin_id)
    if row is None:
        raise NotFound("No such check-in.")
    return row


def stored_checkins(
    ctx: PatientContext, since: date | None = None, until: date | None = None
) -> list[CheckInRow]:
    """The patient's entries, oldest first (``since``/``until`` inclusive)."""
    with ctx.unit(Permission.READ) as session:
        return checkins.list_for(session, ctx.patient_id, since, until)
