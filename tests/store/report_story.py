"""Six weeks of one patient's diary, as a clinician would receive it (report and FHIR tests).

Leg pain starts at 6 and eases to 2 with a flare-up in week 3; the pain retreats from the calf to
the buttock; sessions most days (two stopped early), one step up of pelvic tilt, SBI/PSFS/GRC,
a full screen with a ROUTINE item (Q13 "unsure"), one day whose daily questions raised Q7, and
heat and cold packs. Days come from ``tests.store.diary_story`` (day 1 = 1 Nov 2026, UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy.orm import Session

from sciatica_care.domain.diary import BodyMap, CheckIn, LegZones
from sciatica_care.domain.questionnaires import score_grc, score_psfs, score_sbi
from sciatica_care.domain.screening import screen, screen_daily
from sciatica_care.domain.session import SessionStatus
from sciatica_care.domain.therapy import TherapyKind, TherapyUse
from sciatica_care.services import program
from sciatica_care.services.clock import Clock
from sciatica_care.services.gate import program_gate
from sciatica_care.store import (
    checkins,
    exercise_sessions,
    patients,
    questionnaire_responses,
    screenings,
    therapy_uses,
)
from tests.store.diary_story import day, exercise_session, morning

DAYS = 42
NO = "no"
SCREEN = {
    **{f"Q{n}": NO for n in range(1, 21)},
    "Q13": "unsure",
    "age": 44,
    "S2_leg": 6,
    "S2_back": 3,
    "S3": "yes",
    "S4": "yes",
    "S5": NO,
    "S6": NO,
}
STOPPED_DAYS = (12, 20)
REST_DAYS = (6, 13, 21, 27, 34, 41)
Q7_DAY = 18


def leg_pain(n: int) -> int:
    """6 easing to 2 over six weeks, with a flare (7–8) on days 16–18."""
    if 16 <= n <= 18:
        return 8 if n == 17 else 7
    return max(2, 6 - n // 8)


def pain_zone(n: int) -> int:
    """Calf (4) for two weeks, then thigh (3), then buttock (2) from day 30."""
    return 4 if n < 15 else 3 if n < 30 else 2


def seed(s: Session, pid: int, days: int = DAYS) -> None:
    """Write the story for patient ``pid`` (days 1..``days``)."""
    patients.program_start(s, pid, day(1))
    result = screen(SCREEN)
    screenings.save(s, pid, SCREEN, result, at=datetime.combine(day(1), time(8), tzinfo=UTC))
    for n in range(1, days + 1):
        morning(s, pid, n, leg=leg_pain(n), back=3 if n < 20 else 2, zone=pain_zone(n))
        if n == Q7_DAY:
            answers = {f"Q{k}": NO for k in range(1, 8)} | {"Q7": "yes"}
            entry = CheckIn(
                day=day(n),
                moment="other",
                leg_pain=7,
                back_pain=3,
                zones=BodyMap(left=LegZones(pain=4), right=LegZones(pain=3)),
                red_flags=answers,  # type: ignore[arg-type]
            )
            daily = screen_daily(answers)
            at = datetime.combine(day(n), time(18), tzinfo=UTC)
            checkins.save(s, pid, entry, daily_action=daily.action.value, at=at)
            screenings.save(s, pid, answers, daily, kind="daily", at=at)
        if n >= 3 and n not in REST_DAYS:
            status = SessionStatus.STOPPED if n in STOPPED_DAYS else SessionStatus.COMPLETED
            pains = {"pelvic-tilt": 2, "bird-dog": 3} if n not in (16, 17) else {"pelvic-tilt": 5}
            sid = exercise_session(s, pid, n, pains, status=status)
            saved = exercise_sessions.get(s, pid, sid)
            assert saved is not None
            program.after_session(s, pid, saved, Clock(UTC), program_gate(s, pid))
        if n > 1:
            program.after_morning_checkin(s, pid, day(n), Clock(UTC), program_gate(s, pid))
        if n % 3 == 0:
            kind = TherapyKind.HEAT if n % 2 else TherapyKind.COLD
            started = datetime.combine(day(n), time(19), tzinfo=UTC)
            therapy_uses.save(s, pid, TherapyUse(kind=kind, started_at=started, duration_s=900))
    for n, sbi in ((1, (5, 4, 2, 5)), (8, (4, 4, 2, 4)), (29, (2, 2, 1, 2)), (days, (1, 1, 0, 2))):
        if n <= days:
            items = dict(
                zip(("leg_pain", "numbness", "weakness", "sitting_pain"), sbi, strict=True)
            )
            questionnaire_responses.save(s, pid, score_sbi(items), day(n))
    psfs_start = {"Walking 20 minutes": 3, "Sitting at work": 4, "Putting on socks": 2}
    psfs_now = {"Walking 20 minutes": 7, "Sitting at work": 6, "Putting on socks": 5}
    questionnaire_responses.save(s, pid, score_psfs(psfs_start), day(1))
    if days >= 29:
        questionnaire_responses.save(s, pid, score_psfs(psfs_now), day(29))
    if days >= 15:
        questionnaire_responses.save(s, pid, score_grc(2), day(15))
    if days >= 42:
        questionnaire_responses.save(s, pid, score_grc(4), day(42))
