"""A hand-written ``ReportData`` (two weeks, fixed ids and times) for PDF and FHIR tests.

Written out rather than read from a database so the FHIR golden file and the PDF text depend on
nothing but this file: leg pain 6 → 3 with the pain retreating from calf to thigh, a ROUTINE
screen (Q13), one daily Q7 warning, a step up of pelvic tilt, SBI, PSFS and GRC, sessions with
one stopped early, heat and cold.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sciatica_care.content.exercises import Dose, DoseKind
from sciatica_care.domain.clinician_report import (
    DailyCheck,
    DoseLine,
    PainReading,
    RedFlag,
    ReportData,
    ScoreReading,
    ScreeningLine,
    SessionLine,
    weekly_adherence,
)
from sciatica_care.domain.diary import ZoneSignal, ZoneTrend
from sciatica_care.domain.progress import DoseChange, PainPoint, ProgressSeries, SessionPoint

START = date(2026, 11, 2)
END = START + timedelta(days=13)
LEG = [6, 6, 5, 6, 5, 5, 5, 4, 4, 4, 3, 4, 3, 3]
ZONE = [4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3, 3]
STOPPED_ON = START + timedelta(days=4)
PSFS_ACTIVITIES = {"Walking <20> minutes": 3, "Sitting at work": 4, "Putting on socks": 2}
INSTALL_ID = "0b6f3c1e-5a7d-4e8b-9c2f-71d4a3e6b5c0"
PATIENT_REF = "9d2e7f4a-1c3b-4a5e-8f6d-2b7c9e1a4d3f"
WARNING_DAY = START + timedelta(days=9)
LATE_ENTRY_DAY = START + timedelta(days=3)
"""The morning entry of this day was written the next day: only its day is known."""
DAILY = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7")


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def sample_report() -> ReportData:
    days = [START + timedelta(days=n) for n in range(14)]
    written = {day: _at(day + timedelta(days=day == LATE_ENTRY_DAY), 7) for day in days}
    mornings = [
        PainReading(
            id=100 + n,
            day=day,
            recorded_at=written[day],
            leg_pain=LEG[n],
            back_pain=3 if n < 7 else 2,
            furthest_pain_zone=ZONE[n],
            local_time=None if day == LATE_ENTRY_DAY else written[day],
        )
        for n, day in enumerate(days)
    ]
    checks = [
        DailyCheck(
            id=100 + n,
            day=day,
            recorded_at=written[day],
            local_time=None if day == LATE_ENTRY_DAY else written[day],
            moment="morning",
            answers={item: "yes" if (day, item) == (WARNING_DAY, "Q7") else "no" for item in DAILY},
            action="EMERGENCY_NOW" if day == WARNING_DAY else "SELF_CARE",
        )
        for n, day in enumerate(days)
    ]
    full_screen = ScreeningLine(
        day=START,
        kind="full",
        action="ROUTINE",
        acknowledged=True,
        assessed=False,
        red_flags=[
            RedFlag(
                item="Q13",
                action="ROUTINE",
                question="Is the pain there all the time, worse at night or lying down, "
                "and not eased by any position?",
            )
        ],
        id=400,
        recorded_at=_at(START, 6),
        answers={"Q1": "no", "Q8": "no", "Q13": "yes", "S3": "unsure"},
    )
    warning = ScreeningLine(
        day=WARNING_DAY,
        kind="daily",
        action="EMERGENCY_NOW",
        acknowledged=True,
        assessed=True,
        red_flags=[
            RedFlag(
                item="Q7",
                action="EMERGENCY_NOW",
                question="Is there now pain, numbness or weakness in both of your legs?",
            )
        ],
        id=401,
        recorded_at=written[WARNING_DAY],
        answers={item: "yes" if item == "Q7" else "no" for item in DAILY},
    )
    sessions = [
        SessionLine(
            id=200 + n,
            day=day,
            started_at=_at(day, 10),
            status="stopped" if day == STOPPED_ON else "completed",
            exercises_completed=2 if day == STOPPED_ON else 4,
            exercises_total=4,
            elapsed_s=600.0,
            stop_reason="pain" if day == STOPPED_ON else None,
        )
        for n, day in enumerate(days)
        if n % 7 != 6
    ]
    scores = [
        ScoreReading(
            id=300,
            instrument="sbi",
            name="Sciatica bother score",
            day=START,
            recorded_at=_at(START, 8),
            score=15,
            minimum=0,
            maximum=24,
            answers={"leg_pain": 5, "numbness": 3, "weakness": 2, "sitting_pain": 5},
        ),
        ScoreReading(
            id=301,
            instrument="psfs",
            name="Activity score",
            day=START,
            recorded_at=_at(START, 8),
            score=3,
            minimum=0,
            maximum=10,
            answers=PSFS_ACTIVITIES,
        ),
        ScoreReading(
            id=302,
            instrument="sbi",
            name="Sciatica bother score",
            day=START + timedelta(days=7),
            recorded_at=_at(START + timedelta(days=7), 8),
            score=9,
            minimum=0,
            maximum=24,
            answers={"leg_pain": 3, "numbness": 2, "weakness": 1, "sitting_pain": 3},
        ),
        ScoreReading(
            id=303,
            instrument="grc",
            name="How things have changed",
            day=END,
            recorded_at=_at(END, 8),
            score=2,
            minimum=-5,
            maximum=5,
            answers={"change": 2},
        ),
    ]
    return ReportData(
        patient_ref=PATIENT_REF,
        install_id=INSTALL_ID,
        period_start=START,
        period_end=END,
        notice="Not a diagnosis. If worried, contact a health professional.",
        screening=full_screen,
        daily_warnings=[warning],
        doses=[
            DoseLine(
                exercise_id="pelvic-tilt",
                name="Pelvic tilt",
                kind=DoseKind.REPS,
                level=2,
                variation="Standard",
                dose=Dose(sets=1, reps=12, hold_s=3),
                last_change_on=START + timedelta(days=10),
                last_change="PROGRESS",
                reason="You managed 10 pelvic tilt reps with little pain twice: today 12.",
            ),
            DoseLine(
                exercise_id="knee-to-chest",
                name="Knee to chest",
                kind=DoseKind.HOLD,
                level=2,
                variation="Standard",
                dose=Dose(sets=1, reps=3, hold_s=20, per_side=True),
                active=True,
                paused_until=END + timedelta(days=1),
                last_change_on=END - timedelta(days=1),
                last_change="PAUSE",
                reason="Your leg pain spread after knee to chest: rest it for 2 days.",
            ),
        ],
        sessions=sessions,
        adherence=weekly_adherence(sessions, START, END),
        mornings=mornings,
        first_pain=mornings[0],
        latest_pain=mornings[-1],
        change_summary=[
            "Leg pain down 3 points since you started (from 6 to 3): a change that matters.",
            "Back pain down 1 point since you started (from 3 to 2): a change that matters.",
        ],
        scores=scores,
        zone_signals=[
            ZoneSignal(
                side="left",
                kind="pain",
                trend=ZoneTrend.CENTRALISING,
                days=9,
                from_zone=4,
                to_zone=3,
                escalation=None,
                message="(patient text)",
            ),
            ZoneSignal(
                side="right",
                kind="pain",
                trend=ZoneTrend.STABLE,
                days=0,
                from_zone=0,
                to_zone=0,
                escalation=None,
                message="(patient text)",
            ),
        ],
        heat_uses=5,
        cold_uses=2,
        series=ProgressSeries(
            pain=[
                PainPoint(
                    day=m.day,
                    leg_pain=m.leg_pain,
                    back_pain=m.back_pain,
                    furthest_pain_zone=m.furthest_pain_zone,
                )
                for m in mornings
            ],
            sessions=[SessionPoint(day=s.day, status=s.status) for s in sessions],
            dose_changes=[
                DoseChange(
                    day=START + timedelta(days=10), exercise="Pelvic tilt", action="PROGRESS"
                )
            ],
        ),
        checks=checks,
        screens=[full_screen, warning],
    )
