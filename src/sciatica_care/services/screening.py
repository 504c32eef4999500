"""The safety questions, written once for the CLI, the pages and the JSON API (clinical-spec.md
§1, §2, §8.1–8.2 and the §9 rulings).

* ``submit_screen``: the full screen, or (``partial``) the answers given so far when they already
  mean "go to an emergency department now" and the person stopped there (§7.2: the emergency
  comes first, the rest of the questions may wait). A partial screen is only ever an emergency:
  answers that stop short of one are incomplete, and the missing items are named.
* ``submit_recheck``: Q1–Q10 after a RED session stop (§9 ruling 5), kind "recheck".
* ``acknowledge``: the person read an emergency screen; when they also say "a doctor has checked
  me for this since it started, and it is no worse and no different since" (§9 ruling 1, the
  same words as the follow-up), the lock lifts.
* ``latest``: the newest full screen.

Every screen is saved with its answers, result and content version (§1: log answers, action and
acknowledgement); the program gate (``services.gate``) reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sciatica_care.content.triage import Action, Triage, triage_content
from sciatica_care.domain.screening import (
    DailyResult,
    ScreeningError,
    ScreeningResult,
    locks_program,
    parse_answers,
    parse_answers_so_far,
    parse_recheck_answers,
    screen,
    screen_recheck,
    screen_so_far,
)
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import Conflict, InvalidInput, NotFound
from sciatica_care.services.gate import Gate, GateState, program_gate
from sciatica_care.services.permissions import Permission
from sciatica_care.store import screenings
from sciatica_care.store.errors import StoreError
from sciatica_care.store.models import Screening

FULL = "full"
PARTIAL = "partial"
RECHECK = "recheck"


class InvalidAnswers(InvalidInput):
    """Answers the domain refused; ``problems`` names every bad item (the API lists each)."""

    def __init__(self, exc: ScreeningError) -> None:
        super().__init__(exc.items[0] if exc.items else "answers", str(exc))
        self.problems = exc.problems


@dataclass(frozen=True)
class SavedScreen:
    """A stored screen, its result, and the program gate just after it was saved."""

    row: Screening
    result: ScreeningResult | DailyResult
    gate: Gate

    @property
    def id(self) -> int:
        return self.row.id

    @property
    def kind(self) -> str:
        return self.row.kind

    @property
    def action(self) -> Action:
        return self.result.action

    @property
    def program_locked(self) -> bool:
        return self.gate.state is GateState.LOCKED


def _save(
    ctx: PatientContext,
    answers: dict[str, Any],
    result: ScreeningResult | DailyResult,
    kind: str,
) -> SavedScreen:
    with ctx.unit(Permission.RECORD) as session:
        screening_id = screenings.save(
            session, ctx.patient_id, answers, result, kind=kind, at=ctx.clock.now_fn()
        )
    with ctx.unit(Permission.READ) as session:
        row = session.get(Screening, screening_id)
        assert row is not None
        return SavedScreen(row, result, program_gate(session, ctx.patient_id))


def submit_screen(
    ctx: PatientContext,
    answers: Mapping[str, Any],
    *,
    partial: bool = False,
    triage: Triage | None = None,
) -> SavedScreen:
    """Screen and save §8.1 answers ("full"), or the answers so far of an emergency ("partial").

    ``InvalidAnswers`` names every bad item; for a partial screen that is not (yet) an emergency,
    every item still missing.
    """
    triage = triage or triage_content()
    try:
        if partial:
            given = parse_answers_so_far(answers)
            so_far = screen_so_far(given, triage)
            if locks_program(so_far.action):
                return _save(ctx, given, so_far, PARTIAL)
        parsed = parse_answers(answers)
    except ScreeningError as exc:
        raise InvalidAnswers(exc) from None
    return _save(ctx, parsed.model_dump(mode="json"), screen(parsed, triage), FULL)


def submit_recheck(
    ctx: PatientContext, answers: Mapping[str, Any], triage: Triage | None = None
) -> SavedScreen:
    """The Q1–Q10 re-check after a RED stop (§9 ruling 5), saved as kind "recheck"."""
    try:
        parsed = parse_recheck_answers(answers)
    except ScreeningError as exc:
        raise InvalidAnswers(exc) from None
    result = screen_recheck(parsed, triage or triage_content())
    return _save(ctx, parsed.model_dump(mode="json"), result, RECHECK)


def get(ctx: PatientContext, screening_id: int) -> Screening:
    """One of the patient's screens; ``NotFound`` for anyone else's (or none)."""
    with ctx.unit(Permission.READ) as session:
        row = session.get(Screening, screening_id)
    if row is None or row.patient_id != ctx.patient_id:
        raise NotFound(f"no safety check {screening_id}")
    return row


def acknowledge(
    ctx: PatientContext, screening_id: int, *, got_help: bool, assessed_no_worse: bool
) -> Screening:
    """Record that the person read an emergency screen and will get help (§1); with
    ``assessed_no_worse`` (the §9 ruling 1 question answered yes) the lock of this screen lifts.

    ``NotFound`` for another patient's screen, ``Conflict`` for a screen that is not an
    emergency, ``InvalidInput`` when neither answer was given.
    """
    if not (got_help or assessed_no_worse):
        raise InvalidInput("got_help", "confirm that you have read this and will get help now")
    with ctx.unit(Permission.OWN) as session:
        row = session.get(Screening, screening_id)
        if row is None or row.patient_id != ctx.patient_id:
            raise NotFound(f"no safety check {screening_id}")
        if not locks_program(Action(row.action)):
            raise Conflict("only an emergency result needs acknowledging")
        try:
            return screenings.acknowledge(
                session, ctx.patient_id, screening_id, assessed=assessed_no_worse
            )
        except StoreError as exc:
            raise NotFound(f"no safety check {screening_id}") from exc


def latest(ctx: PatientContext, kind: str | None = FULL) -> Screening | None:
    """The newest screen of ``kind`` ("full" by default; None: any kind)."""
    with ctx.unit(Permission.READ) as session:
        return screenings.latest(session, ctx.patient_id, kind=kind)


def gate(ctx: PatientContext) -> Gate:
    """The program gate now (what a screen page shows while an emergency is unresolved)."""
    with ctx.unit(Permission.READ) as session:
        return program_gate(session, ctx.patient_id)
