"""My progress with a year of data, against today's /learn page, measured side by side.

Issue 9 item 5: My progress must answer in under 100 ms of server time with a year of data. The
page is timed in-process (no network, so the time is the server's: routing, queries, templates)
after one warm-up request, which fills the chart cache the way the first visit of the day does;
/learn, a static page of the same app, is the yardstick timed in the same run on the same machine.
``seed_year`` is shared with the browser tests that photograph the page.
"""

from __future__ import annotations

import tempfile
import timeit
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from sciatica_care.config import Settings
from sciatica_care.content.exercises import exercise_library
from sciatica_care.domain.diary import BodyMap, CheckIn, LegZones
from sciatica_care.domain.progression import (
    ProgressionAction,
    ProgressionDecision,
    ProgressionDose,
    SessionResult,
)
from sciatica_care.domain.questionnaires import score_psfs, score_sbi
from sciatica_care.store import checkins, questionnaire_responses
from sciatica_care.store.base import utcnow
from sciatica_care.store.models import DoseDecision, ExerciseResult, ExerciseSession, Patient
from sciatica_care.web.app import create_app

DAYS = 365
ACTIVITIES = ("Walking to the shop", "Sitting at work", "Putting on socks")


def _leg_pain(n: int) -> int:
    """A year that starts at 7 and eases to about 2, with a flare-up now and then."""
    base = max(1, 7 - n // 60)
    return min(10, base + (3 if n % 47 in (20, 21, 22) else 0) + (n % 3 == 0))


def _progressed(exercise_id: str, dose: dict[str, Any], day: date) -> dict[str, Any]:
    """A whole stored decision (as progression writes it), so an export of the year imports."""
    shape = {k: v for k, v in dose.items() if k in ("sets", "reps", "hold_s", "per_side")}
    return ProgressionDecision(
        exercise=exercise_id,
        last_result=SessionResult.GREEN,
        action=ProgressionAction.PROGRESS,
        next_level=2,
        next_dose=ProgressionDose.model_validate(shape),
        resume_on=None,
        escalation=None,
        reason="Two good sessions.",
        requires_acceptance=False,
        decided_on=day,
        red_flag_screen=False,
        remove_exercise=False,
    ).model_dump(mode="json")


def seed_year(session: Session, patient_id: int, today: date, days: int = DAYS) -> None:
    """A year of a patient's diary up to ``today``: a morning check-in and a session most days
    (one rest day a week), a step up every few weeks, SBI weekly and PSFS every two weeks."""
    library = exercise_library()
    first = today - timedelta(days=days - 1)
    patient = session.get(Patient, patient_id)
    assert patient is not None
    patient.program_started_on = first
    done = utcnow()
    for n in range(days):
        day = first + timedelta(days=n)
        zone = max(1, 5 - n // 80)
        entry = CheckIn(
            day=day,
            moment="morning",
            leg_pain=_leg_pain(n),
            back_pain=max(0, _leg_pain(n) - 2),
            zones=BodyMap(left=LegZones(pain=zone)),
            red_flags={f"Q{q}": "no" for q in range(1, 8)},
        )
        at = datetime.combine(day, time(7), tzinfo=UTC)
        row_id = checkins.save(session, patient_id, entry, daily_action="SELF_CARE", at=at)
        saved = checkins.get(session, patient_id, row_id)
        assert saved is not None
        saved.progressed_at = done  # progression has used it: Today need not catch up a year
        if n % 7 != 3:
            session.add(
                ExerciseSession(
                    patient_id=patient_id,
                    started_at=datetime.combine(day, time(10), tzinfo=UTC),
                    status="stopped" if n % 29 == 5 else "completed",
                    elapsed_s=540.0 + (n % 5) * 60,
                    final=True,
                    progressed_at=done,
                    items=[
                        ExerciseResult(
                            patient_id=patient_id,
                            position=i,
                            exercise_id=exercise.id,
                            level=2,
                            dose=exercise.level(2).dose.model_dump(),
                            sides_done=[],
                            pain=2,
                            spread_down_leg=False,
                            new_numbness_or_weakness=False,
                            completed=True,
                        )
                        for i, exercise in enumerate(library.exercises)
                    ],
                )
            )
        if n % 21 == 10:
            exercise = library.exercises[(n // 21) % len(library.exercises)]
            session.add(
                DoseDecision(
                    patient_id=patient_id,
                    exercise_id=exercise.id,
                    action="PROGRESS",
                    status="applied",
                    decision=_progressed(exercise.id, exercise.level(2).dose.model_dump(), day),
                )
            )
        if n % 7 == 0:
            sbi = {"leg_pain": max(0, 5 - n // 80), "numbness": 2, "weakness": 1}
            questionnaire_responses.save(
                session, patient_id, score_sbi(sbi | {"sitting_pain": 3}), day
            )
        if n % 14 == 0:
            ratings = {a: min(10, 2 + i + n // 50) for i, a in enumerate(ACTIVITIES)}
            questionnaire_responses.save(session, patient_id, score_psfs(ratings), day)
    session.flush()


def run() -> tuple[str, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(data_dir=Path(tmp), secret_key="bench"))
        with TestClient(app) as client:
            created = client.post(
                "/api/accounts", json={"email": "bench@example.org", "password": "a long password"}
            ).json()
            client.post("/api/me/disclaimer", headers={"X-CSRF-Token": created["csrf_token"]})
            with app.state.db.session() as session:
                seed_year(session, created["id"], datetime.now(UTC).date())

            def page(url: str) -> None:
                response = client.get(url)
                assert response.status_code == 200, url

            page("/progress?days=90")  # first visit: converts and caches the charts
            page("/learn")
            ours = min(timeit.repeat(lambda: page("/progress?days=90"), number=5, repeat=5)) / 5
            base = min(timeit.repeat(lambda: page("/learn"), number=5, repeat=5)) / 5
    return "My progress, a year of data (vs /learn)", ours, base
