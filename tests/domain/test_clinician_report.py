"""Weekly adherence for the clinician: completed and stopped sessions per Monday-to-Sunday week."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sciatica_care.domain.clinician_report import SessionLine, week_start, weekly_adherence


def _session(n: int, day: date, status: str = "completed") -> SessionLine:
    return SessionLine.model_validate(
        {
            "id": n,
            "day": day,
            "started_at": datetime.combine(day, time(10), tzinfo=UTC),
            "status": status,
            "exercises_completed": 4,
            "exercises_total": 4,
            "elapsed_s": 600,
        }
    )


def test_weeks_start_on_monday() -> None:
    assert week_start(date(2026, 11, 1)) == date(2026, 10, 26)  # a Sunday
    assert week_start(date(2026, 11, 2)) == date(2026, 11, 2)


def test_each_week_counts_completed_and_stopped_and_empty_weeks_show_zero() -> None:
    sessions = [
        _session(1, date(2026, 11, 2)),
        _session(2, date(2026, 11, 4), "stopped"),
        _session(3, date(2026, 11, 8)),
        _session(4, date(2026, 11, 20)),
    ]

    weeks = weekly_adherence(sessions, date(2026, 11, 2), date(2026, 11, 22))

    assert [(w.week_start.day, w.completed, w.stopped, w.total) for w in weeks] == [
        (2, 2, 1, 3),
        (9, 0, 0, 0),
        (16, 1, 0, 1),
    ]


def test_sessions_outside_the_period_are_not_counted() -> None:
    sessions = [_session(1, date(2026, 10, 30)), _session(2, date(2026, 11, 3))]
    weeks = weekly_adherence(sessions, date(2026, 11, 1), date(2026, 11, 3))
    assert [(w.week_start, w.total) for w in weeks] == [
        (date(2026, 10, 26), 0),
        (date(2026, 11, 2), 1),
    ]
    assert weekly_adherence(sessions, date(2026, 11, 3), date(2026, 11, 1)) == []
