"""The program gate: one function every entry point calls before exercise content.

clinical-spec.md §1, §4.1 and the §9 rulings, in the order they are checked:

1. **Emergency → locked.** Any emergency screen (full, daily or the questions after a RED stop)
   hides the program until the person says they got help *and* "a doctor has checked you for this
   since it started, and it is no worse and no different since" (§9 ruling 1).
2. **No screen yet → screen first.**
3. **After a RED stop → the safety questions Q1–Q10** before the next session (§9 ruling 5): a
   session that ended RED, newer than the last full screen or re-check.
4. **URGENT → hold.** The program is open, but no step up is applied or accepted until the person
   records that a clinician has seen them (§9 ruling 4); current doses and step-downs continue.

Reading the gate changes nothing; the interfaces show ``message`` and the way forward.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from sciatica_care.content.triage import Action
from sciatica_care.domain.screening import locks_program, pauses_progression
from sciatica_care.domain.session import PAIN_STOP_AT, red_stop
from sciatica_care.store import exercise_sessions, screenings
from sciatica_care.store.exercise_sessions import SessionFacts
from sciatica_care.store.models import Screening
from sciatica_care.store.screenings import ScreenFacts

SCREEN_KINDS = ("full",)
"""Screens that count as "the safety questions were answered" (a partial one stopped early)."""
RECHECK_KINDS = ("full", "recheck")
"""Screens that answer the Q1–Q10 re-check after a RED stop (a full screen asks them too)."""
HELD_ACTIONS = tuple(
    action.value for action in Action if locks_program(action) or pauses_progression(action)
)
"""The actions whose screen, until assessed, locks the program or holds step-ups
(clinical-spec.md §1, §9 rulings 1 and 4): the only old screens the gate still reads."""


class GateState(StrEnum):
    OPEN = "open"
    NEEDS_SCREENING = "needs_screening"
    LOCKED = "locked"
    SAFETY_RECHECK = "safety_recheck"


MESSAGES = {
    GateState.OPEN: "Your program is open.",
    GateState.NEEDS_SCREENING: (
        "Answer the safety questions first. They take about three minutes and tell you when to "
        "get help fast."
    ),
    GateState.LOCKED: (
        "Your answers need urgent care: go to an emergency department or call your emergency "
        "number now. The program stays closed until a doctor has checked you and nothing is "
        "worse or different since."
    ),
    GateState.SAFETY_RECHECK: (
        "You stopped your last session because of pain or new symptoms. Answer the safety "
        "questions before you exercise again."
    ),
}
HOLD_MESSAGE = (
    "Your answers to the safety questions hold any step up until a clinician has seen you. "
    "Your current doses continue, and doses still go down if pain asks for it."
)


@dataclass(frozen=True)
class ScreenRecord:
    """A stored screen as the gate read it: plain values, safe after the transaction ended."""

    id: int
    kind: str
    action: str
    pattern: str | None
    answers: dict[str, Any]
    result: dict[str, Any]
    created_at: datetime
    acknowledged_at: datetime | None
    assessed_at: datetime | None

    @classmethod
    def of(cls, row: Screening | ScreenFacts) -> ScreenRecord:
        return cls(
            id=row.id,
            kind=row.kind,
            action=row.action,
            pattern=row.pattern,
            answers=dict(row.answers),
            result=dict(row.result),
            created_at=row.created_at,
            acknowledged_at=row.acknowledged_at,
            assessed_at=row.assessed_at,
        )


@dataclass(frozen=True)
class RedSession:
    """The session that ended RED and owes the safety questions (§9 ruling 5)."""

    id: int
    started_at: datetime
    stop_reason: str | None


@dataclass(frozen=True)
class Gate:
    """The program's state for one patient, with what caused it."""

    state: GateState
    locking: ScreenRecord | None = None
    red_session: RedSession | None = None
    holding: tuple[ScreenRecord, ...] = ()
    latest: ScreenRecord | None = None

    @property
    def open(self) -> bool:
        return self.state is GateState.OPEN

    @property
    def hold_step_ups(self) -> bool:
        """§9 ruling 4: an URGENT answer not yet followed by a clinician's visit holds step-ups."""
        return bool(self.holding) or self.state is GateState.LOCKED

    @property
    def message(self) -> str:
        return MESSAGES[self.state]

    def to_json(self) -> dict[str, object]:
        return {
            "state": self.state.value,
            "message": self.message,
            "hold_step_ups": self.hold_step_ups,
            "hold_message": HOLD_MESSAGE if self.hold_step_ups else None,
            "locking_screening_id": self.locking.id if self.locking else None,
        }


def _newest(rows: list[ScreenRecord], kinds: tuple[str, ...]) -> ScreenRecord | None:
    chosen = [row for row in rows if row.kind in kinds]
    return chosen[-1] if chosen else None


def _ended_red(row: SessionFacts) -> bool:
    items = [(i.pain, i.spread_down_leg, i.new_numbness_or_weakness) for i in row.items]
    return red_stop(row.stop_reason, items)


@dataclass(frozen=True)
class GateReads:
    """What the gate reads: the screens that decide, oldest first (``screenings.for_gate``: the
    held ones not yet assessed and the newest full screen and re-check, not every daily and
    weekly screen), and (unless the program is locked or was never screened) the sessions since
    the last safety check that may have ended RED, newest first
    (``exercise_sessions.possibly_red_since``: the database leaves out the calm ones)."""

    screens: list[ScreenRecord]
    since: datetime | None = None
    sessions: list[SessionFacts] | None = None

    def with_session(self, saved: SessionFacts) -> GateReads:
        """The reads after ``saved`` was stored (a new session, or a new copy of one), as reading
        again in the same transaction would find them, as far as the gate looks: the RED ones."""
        if self.sessions is None:
            return self
        sessions = [row for row in self.sessions if row.id != saved.id]
        if (self.since is None or saved.started_at > self.since) and _ended_red(saved):
            sessions.append(saved)
        sessions.sort(key=lambda row: (row.started_at, row.id), reverse=True)
        return replace(self, sessions=sessions)


def _locking(rows: list[ScreenRecord]) -> ScreenRecord | None:
    return next(
        (
            row
            for row in reversed(rows)
            if locks_program(Action(row.action)) and row.assessed_at is None
        ),
        None,
    )


def gate_reads(session: Session, patient_id: int) -> GateReads:
    """Two reads at most: the screens that decide, then the sessions that may have ended RED
    since the last full screen or re-check (not needed while locked or before the first screen).
    """
    rows = [
        ScreenRecord.of(row)
        for row in screenings.for_gate(
            session,
            patient_id,
            held_actions=HELD_ACTIONS,
            screen_kinds=SCREEN_KINDS,
            recheck_kinds=RECHECK_KINDS,
        )
    ]
    if _locking(rows) is not None or _newest(rows, SCREEN_KINDS) is None:
        return GateReads(rows)
    recheck = _newest(rows, RECHECK_KINDS)
    since = recheck.created_at if recheck is not None else None
    found = exercise_sessions.possibly_red_since(session, patient_id, since, PAIN_STOP_AT)
    return GateReads(rows, since, found)


def gate_of(reads: GateReads) -> Gate:
    """The gate from what it read (see the module docstring for the order)."""
    rows = reads.screens
    locking = _locking(rows)
    holding = tuple(
        row for row in rows if pauses_progression(Action(row.action)) and row.assessed_at is None
    )
    latest = _newest(rows, SCREEN_KINDS)
    if locking is not None:
        return Gate(GateState.LOCKED, locking=locking, holding=holding, latest=latest)
    if latest is None:
        return Gate(GateState.NEEDS_SCREENING, holding=holding)
    for row in reads.sessions or []:
        if _ended_red(row):
            red = RedSession(row.id, row.started_at, row.stop_reason)
            return Gate(GateState.SAFETY_RECHECK, red_session=red, holding=holding, latest=latest)
    return Gate(GateState.OPEN, holding=holding, latest=latest)


def program_gate(session: Session, patient_id: int) -> Gate:
    """The gate of ``patient_id``'s program now (see the module docstring for the order)."""
    return gate_of(gate_reads(session, patient_id))
