"""Recording a check-in, written once for the page, the JSON API and the offline outbox.

A check-in is the diary entry (domain ``CheckIn``) plus the daily red-flag questions Q1–Q7 and,
when one of them is yes, whether a doctor already assessed it (clinical-spec.md §1). The same
unit of work stores the entry, keeps a screening record when the answers raise an action (so an
emergency comes back until assessed, see ``store.program_access``), and, for a morning entry, lets the
program re-decide doses with the next-morning pain (§4.1).

Saving is idempotent by ``(patient, client_id)``: an entry re-sent by an offline browser, or a
form submitted twice, is stored once and the first answer stands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from sciatica_care.content.triage import Action
from sciatica_care.domain import diary
from sciatica_care.domain.screening import DailyResult, screen_daily
from sciatica_care.store import checkins, patients, program, screenings
from sciatica_care.store.database import Database
from sciatica_care.store.models import CheckIn as CheckInRow
from sciatica_care.web.patient_zone import patient_zone

CES_ASSESSED = "CES_ASSESSED"


@dataclass(frozen=True)
class CheckInOutcome:
    """What happened: the stored id, whether it is new, the daily screen and program notes."""

    id: int
    created: bool
    entry: diary.CheckIn
    daily: DailyResult
    notes: list[str] = field(default_factory=list)

    @property
    def action(self) -> Action:
        return self.daily.action


def daily_answers(entry: diary.CheckIn, ces_assessed: str | None) -> dict[str, str]:
    """The Q1–Q7 answers in the §8.1 shape, with CES_ASSESSED when given."""
    answers: dict[str, str] = {item: reply for item, reply in entry.red_flags.items()}
    if ces_assessed is not None:
        answers[CES_ASSESSED] = ces_assessed
    return answers


def _existing(session: Any, patient_id: int, client_id: str | None) -> CheckInRow | None:
    if client_id is None:
        return None
    query = select(CheckInRow).where(
        CheckInRow.patient_id == patient_id, CheckInRow.client_id == client_id
    )
    row: CheckInRow | None = session.scalars(query).first()
    return row


def record_checkin(
    db: Database,
    patient_id: int,
    entry: diary.CheckIn,
    *,
    ces_assessed: str | None = None,
    client_id: str | None = None,
) -> CheckInOutcome:
    """Store ``entry`` once (by ``client_id``) with its daily screen; see the module docstring.

    Raises ``ScreeningError`` when Q1–Q7 are incomplete (the callers check the form first).
    """
    answers = daily_answers(entry, ces_assessed)
    daily = screen_daily(answers)
    with db.session() as session:
        found = _existing(session, patient_id, client_id)
        if found is not None:
            return CheckInOutcome(
                id=found.id, created=False, entry=checkins.to_entry(found), daily=daily
            )
        checkin_id = checkins.save(
            session, patient_id, entry, daily.action.value, client_id=client_id
        )
        if daily.action is not Action.SELF_CARE:
            screenings.save(session, patient_id, answers, daily, kind="daily")
        notes: list[str] = []
        if entry.moment == "morning":
            zone = patient_zone(patients.get_settings(session, patient_id))
            update = program.after_morning_checkin(session, patient_id, entry.day, tz=zone)
            notes = [f"{d.exercise_name}: {d.decision.reason}" for d in update.decisions]
            notes += update.notes
    return CheckInOutcome(id=checkin_id, created=True, entry=entry, daily=daily, notes=notes)


@dataclass(frozen=True)
class DiaryView:
    """What the result page and the API show after a check-in: trends and a flare-up."""

    signals: list[diary.ZoneSignal]
    flare: diary.Flare | None
    both_legs: bool


def diary_view(db: Database, patient_id: int, entry: diary.CheckIn) -> DiaryView:
    """§6 zone trends, a §4.3 flare-up and symptoms in both legs, up to the entry's day."""
    with db.session() as session:
        entries = checkins.entries(session, patient_id, until=entry.day)
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
