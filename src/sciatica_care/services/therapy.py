"""Heat and cold packs, written once for the pages and the JSON API (clinical-spec.md §5).

The order is the safety order: the contraindication questions (remembered per kind, asked again
after 30 days or when something changed), then the spacing rule between packs, a skin check before, the timer, a
skin check after, and the use logged. The rules and the words are ``domain.therapy``'s; this
module adds the clock (the patient's own zone, so "wait until 15:10" is their time) and the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.orm import Session

from sciatica_care.domain.therapy import (
    Answer,
    GapCheck,
    StopReason,
    TherapyAdvice,
    TherapyKind,
    TherapyUse,
    answers_still_valid,
    changed_question,
    check_contraindications,
    skin_rest,
    start_timer,
)
from sciatica_care.services.clock import patient_clock
from sciatica_care.store import patients, therapy_uses
from sciatica_care.store.database import Database

MAX_START_AGE = dt.timedelta(hours=2)
"""A use is logged soon after it ends; an older or future start is a mistake, not a record."""


@dataclass
class TherapyProblem(Exception):
    """Why a use cannot be started or logged: the message, HTTP status and field."""

    message: str
    status_code: int
    field: str | None = None

    def __str__(self) -> str:
        return self.message


def now_for(db: Database, patient_id: int) -> dt.datetime:
    with db.session() as session:
        return patient_clock(patients.get_settings(session, patient_id)).now()


def _may_start(session: Session, patient_id: int, kind: TherapyKind, at: dt.datetime) -> GapCheck:
    """The §5 rules for a pack at ``at``: no more today after a skin problem, then the gaps."""
    if therapy_uses.skin_problem_today(session, patient_id, kind, at):
        return skin_rest(kind, at)
    return therapy_uses.gap_check(session, patient_id, kind, at)


def gap_status(db: Database, patient_id: int, kind: TherapyKind) -> GapCheck:
    """May a ``kind`` pack go on now (no skin problem today, ≥1 h between packs, cold ≤ every
    2 h, heat ≤ 3 a day)? The CLI, the pages and the API all ask here."""
    now = now_for(db, patient_id)
    with db.session() as session:
        return _may_start(session, patient_id, kind, now)


def save_timed_use(
    db: Database, patient_id: int, use: TherapyUse, detail: dict[str, Any]
) -> GapCheck:
    """Store a use the app's own timer measured (the terminal); when the next pack may go on."""
    with db.session() as session:
        therapy_uses.save(session, patient_id, use, detail)
        return _may_start(session, patient_id, use.kind, use.ended_at)


def answer_questions(
    db: Database, patient_id: int, kind: TherapyKind, answers: Mapping[str, str]
) -> TherapyAdvice:
    """Decide from the answers (raises ``TherapyError`` naming the question) and remember them."""
    advice = check_contraindications(kind, cast(Mapping[str, Answer], answers))
    today = now_for(db, patient_id).date()
    with db.session() as session:
        therapy_uses.remember_check(session, patient_id, advice, dict(answers), today)
    return advice


def remembered(db: Database, patient_id: int, kind: TherapyKind) -> dict[str, Any] | None:
    """The last answers for ``kind`` (``day``, ``outcome``, ``answers``), or None."""
    with db.session() as session:
        return therapy_uses.last_check(session, patient_id, kind)


@dataclass(frozen=True)
class QuestionsDue:
    """What to ask before a pack: all the questions, or only whether anything changed.

    ``changed_question`` is set when remembered "ok" answers still stand (under 30 days old,
    ``domain.therapy.answers_still_valid``): "no" goes straight on, "yes" asks all again.
    """

    kind: TherapyKind
    answered_on: dt.date | None
    changed_question: str | None

    @property
    def ask_all(self) -> bool:
        return self.changed_question is None


def _still_standing(last: dict[str, Any] | None, today: dt.date) -> dt.date | None:
    """The day of remembered "ok" answers that still stand on ``today``, else None."""
    if not last or last.get("outcome") != "ok":
        return None
    try:
        day = dt.date.fromisoformat(str(last.get("day")))
    except ValueError:
        return None
    return day if answers_still_valid(day, today) else None


def questions_due(db: Database, patient_id: int, kind: TherapyKind) -> QuestionsDue:
    """The §5 questions the CLI and the pages ask before a ``kind`` pack (one rule for both)."""
    today = now_for(db, patient_id).date()
    day = _still_standing(remembered(db, patient_id, kind), today)
    question = changed_question(day) if day is not None else None
    return QuestionsDue(kind=kind, answered_on=day, changed_question=question)


def cleared(db: Database, patient_id: int, kind: TherapyKind) -> bool:
    """Whether remembered answers allow ``kind`` now: "ok", and given under 30 days ago.

    Saying "nothing has changed" does not renew them: the full questions return after 30 days.
    """
    today = now_for(db, patient_id).date()
    return _still_standing(remembered(db, patient_id, kind), today) is not None


@dataclass(frozen=True)
class LoggedUse:
    """A stored use, what to tell the person now, and when the next pack may go on."""

    id: int
    use: TherapyUse
    prompt: str
    skin_ok_after: bool
    next: GapCheck


def log_use(
    db: Database,
    patient_id: int,
    kind: TherapyKind,
    *,
    started_at: dt.datetime,
    minutes: float,
    duration_s: float,
    skin_ok_after: bool,
    stop_reason: StopReason | None = None,
) -> LoggedUse:
    """Check and store one use; the closing words come from the domain timer.

    Refused (``TherapyProblem``): without cleared contraindication answers (409), inside the gap
    after the previous pack (409), or with a start that is in the future or over 2 h ago, or a
    duration beyond the plan (422).
    """
    if not cleared(db, patient_id, kind):
        raise TherapyProblem(
            f"Answer the questions about {kind.value} first: they check it is advised for you.",
            409,
            "kind",
        )
    try:
        timer = start_timer(kind, minutes)
    except ValueError as exc:
        raise TherapyProblem(str(exc).partition(": ")[2] or str(exc), 422, "minutes") from exc
    now = now_for(db, patient_id)
    if started_at.tzinfo is None:
        raise TherapyProblem("Give the start time with its time zone.", 422, "started_at")
    started_at = started_at.astimezone(now.tzinfo)
    if started_at > now + dt.timedelta(minutes=1) or started_at < now - MAX_START_AGE:
        raise TherapyProblem("The start time must be within the last 2 hours.", 422, "started_at")
    if not 0 <= duration_s <= timer.planned_s + 5:
        raise TherapyProblem(
            f"The pack was planned for {minutes:g} minutes; the time on is longer.",
            422,
            "duration_s",
        )
    duration_s = min(duration_s, timer.planned_s)
    with db.session() as session:
        gap = _may_start(session, patient_id, kind, started_at)
        if not gap.allowed:
            raise TherapyProblem(gap.message, 409, "started_at")
    timer = timer.skin_checked(True).tick(duration_s)
    if stop_reason is not None and duration_s < timer.planned_s:
        timer = timer.stop(stop_reason)
    elif timer.phase.value == "running":
        timer = timer.stop("other")
    timer = timer.skin_checked(skin_ok_after)
    use = timer.use(started_at)
    detail = {
        "planned_minutes": minutes,
        "skin_ok_before": True,
        "skin_ok_after": skin_ok_after,
        "stop_reason": stop_reason,
    }
    with db.session() as session:
        use_id = therapy_uses.save(session, patient_id, use, detail)
        after = therapy_uses.gap_check(session, patient_id, kind, max(now, use.ended_at))
    return LoggedUse(use_id, use, timer.prompt, skin_ok_after, after)
