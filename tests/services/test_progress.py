"""The progress chart's series and the change summary come from what the patient stored."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sciatica_care.domain.diary import BodyMap, CheckIn, LegZones
from sciatica_care.domain.progress import DoseChange, Flare
from sciatica_care.domain.questionnaires import score_grc, score_psfs, score_sbi
from sciatica_care.domain.session import SessionStatus
from sciatica_care.services import program
from sciatica_care.services.clock import Clock
from sciatica_care.services.context import patient_context
from sciatica_care.services.gate import program_gate
from sciatica_care.services.permissions import Actor
from sciatica_care.services.progress import (
    StartingPoint,
    pain_trend,
    progress_series,
    progress_summary,
    view_progress,
)
from sciatica_care.store import (
    checkins,
    exercise_sessions,
    patients,
    questionnaire_responses,
    screenings,
)
from sciatica_care.store.database import Database
from sciatica_care.store.models import Patient
from tests.store.diary_story import day, exercise_session, morning

PSFS_START = {"Walking to the shop": 3, "Sitting at work": 4, "Putting on socks": 2}
PSFS_NOW = {"Walking to the shop": 7, "Sitting at work": 5, "Putting on socks": 5}


def _story(database: Database) -> int:
    """Three weeks: usual leg pain 4, a flare on days 9–11, sessions, a step up, questionnaires."""
    with database.session() as s:
        pid = patients.local_patient_id(s)
        patients.program_start(s, pid, day(1))
        legs = {9: 7, 10: 7, 11: 6, 19: 1, 20: 1, 21: 1}
        for n in range(1, 22):
            morning(s, pid, n, leg=legs.get(n, 4), back=3, zone=4 if n < 15 else 2)
        right_leg = CheckIn(
            day=day(5),
            moment="other",
            leg_pain=8,
            back_pain=1,
            zones=BodyMap(right=LegZones(pain=5)),
        )
        checkins.save(s, pid, right_leg)  # not a morning: the chart leaves it out
        for n in (15, 16):
            sid = exercise_session(s, pid, n, {"pelvic-tilt": 2})
            saved = exercise_sessions.get(s, pid, sid)
            assert saved is not None
            program.after_session(s, pid, saved, Clock(UTC), program_gate(s, pid))
            program.after_morning_checkin(s, pid, day(n + 1), Clock(UTC), program_gate(s, pid))
        exercise_session(s, pid, 18, {"bird-dog": 9}, status=SessionStatus.STOPPED)
        questionnaire_responses.save(
            s,
            pid,
            score_sbi(dict.fromkeys(("leg_pain", "numbness", "weakness"), 5) | {"sitting_pain": 4}),
            day(1),
        )
        questionnaire_responses.save(
            s,
            pid,
            score_sbi({"leg_pain": 1, "numbness": 2, "weakness": 0, "sitting_pain": 1}),
            day(21),
        )
        questionnaire_responses.save(s, pid, score_psfs(PSFS_START), day(1))
        questionnaire_responses.save(s, pid, score_psfs(PSFS_NOW), day(15))
        questionnaire_responses.save(s, pid, score_grc(3), day(15))
    return pid


def test_series_holds_morning_pain_zones_sessions_changes_and_flares(database: Database) -> None:
    pid = _story(database)
    with database.session() as s:
        series = progress_series(s, pid, today=day(21), days=21, tz=UTC)

    assert [p.day for p in series.pain] == [day(n) for n in range(1, 22)]
    assert series.pain[8].leg_pain == 7 and series.pain[8].back_pain == 3
    assert series.pain[4].leg_pain == 4  # day 5's evening entry is not a morning
    assert {p.furthest_pain_zone for p in series.pain[:14]} == {4}
    assert series.pain[-1].furthest_pain_zone == 2
    assert [(x.day, x.status) for x in series.sessions] == [
        (day(15), "completed"),
        (day(16), "completed"),
        (day(18), "stopped"),
    ]
    assert series.dose_changes == [
        DoseChange(day=day(16), exercise="Pelvic tilt", action="PROGRESS")
    ]
    assert series.flares == [Flare(start=day(9), end=day(11))]


def test_window_leaves_out_older_days(database: Database) -> None:
    pid = _story(database)
    with database.session() as s:
        series = progress_series(s, pid, today=day(21), days=7, tz=UTC)
    assert series.pain[0].day == day(15)
    assert series.flares == []
    assert [x.day for x in series.sessions] == [day(15), day(16), day(18)]


def test_summary_phrases_each_change_with_its_threshold(database: Database) -> None:
    pid = _story(database)
    with database.session() as s:
        lines = progress_summary(s, pid)

    assert lines[0] == (
        "Leg pain down 3 points since you started (from 4 to 1): a change that matters."
    )
    assert lines[1].startswith("Back pain unchanged since you started (from 3 to 3)")
    assert lines[2].startswith("Sciatica bother score down 15 points since you started")
    assert "likely a real change" in lines[2]
    assert lines[3].startswith("Activity score up 2.7 points since you started")
    assert lines[3].endswith("a change that matters.")
    assert '"Walking to the shop" went from 3 to 7: a change that matters.' in lines
    assert lines[-1] == "You rated your sciatica +3, better than before: a change that matters."


def test_a_new_patient_has_an_empty_series_and_summary(database: Database) -> None:
    _story(database)
    with database.session() as s:
        other = Patient(email="new@example.org", settings={})
        s.add(other)
        s.flush()
        series = progress_series(s, other.id, today=day(21))
        summary = progress_summary(s, other.id)
    assert (series.pain, series.sessions, series.dose_changes, series.flares) == ([], [], [], [])
    assert summary == []


def test_a_long_diary_is_summed_up_from_its_first_and_latest_mornings(database: Database) -> None:
    """The summary reads only the diary's first and last week, and says what the whole would."""
    with database.session() as s:
        pid = patients.local_patient_id(s)
        for n in range(1, 61):
            morning(s, pid, n, leg=8 if n == 1 else (2 if n == 60 else 5), back=4)
        checkins.save(s, pid, CheckIn(day=day(1), moment="other", leg_pain=0, back_pain=0))
        lines = progress_summary(s, pid)

    assert lines[0] == (
        "Leg pain down 6 points since you started (from 8 to 2): a change that matters."
    )
    assert lines[1].startswith("Back pain unchanged since you started (from 4 to 4)")


def test_the_pain_trend_is_each_morning_then_a_weekly_mean_for_a_long_window() -> None:
    short = pain_trend([6, 5, 3])
    assert short is not None and short.points == [6.0, 5.0, 3.0] and not short.smoothed
    assert (short.first, short.latest, short.change) == (6, 3, -3)

    long = pain_trend([7] * 7 + [0] * 14)
    assert long is not None and long.smoothed
    assert long.points[0] == 7.0 and long.points[-1] == 0.0 and len(long.points) == 15
    assert pain_trend([]) is None


class _CalmResult:
    """A stored §8.2 result with nothing to act on (only its action is read here)."""

    def model_dump(self, *, mode: str = "json") -> dict[str, Any]:
        return {"action": "SELF_CARE", "content_version": "test"}


def test_my_progress_on_the_first_day_uses_the_safety_checks_pain(database: Database) -> None:
    with database.session() as s:
        pid = patients.local_patient_id(s)
    ctx = patient_context(
        database,
        Actor.patient(pid),
        pid,
        clock=Clock(UTC, lambda: datetime(2026, 11, 3, 9, tzinfo=UTC)),
    )
    with database.session() as s:
        screenings.save(
            s,
            pid,
            {"S2_leg": 7, "S2_back": 2},
            _CalmResult(),
            at=datetime(2026, 11, 2, 18, tzinfo=UTC),
        )

    view = view_progress(ctx, 30)

    assert view.first_day
    assert view.starting_point == StartingPoint(day=day(2), leg_pain=7, back_pain=2)
    assert (view.wins.sessions_this_week, view.wins.sessions_total, view.wins.week) == (0, 0, 1)
