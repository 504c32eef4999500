"""Sessions in the clinician's PDF: two on one day are two, and an early stop says why.

The progress chart's daily strip puts every session of a day on one spot, so the report's
week-by-day table gives each session its own mark, and each session stopped early is listed with
the reason the person chose and the words they gave, at the time of day in their own zone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sciatica_care.domain.clinician_report import (
    ReportData,
    SessionLine,
    sessions_by_day,
    weekly_adherence,
)
from sciatica_care.domain.progress import SessionPoint
from sciatica_care.reports.pdf_report import chart_summary, render_pdf, report_html
from tests.reports.pdf_text import pdf_text, table_rows
from tests.reports.report_sample import START, STOPPED_ON, sample_report

PARIS = ZoneInfo("Europe/Paris")
TWICE_ON = START + timedelta(days=2)
"""Wednesday 4 Nov: a morning session completed and an evening one stopped because tired."""
UNFINISHED_ON = START + timedelta(days=10)
SPREAD_NOTE = "pain 7/10 after Bird dog, spread further down the leg"


def _local(line: SessionLine, **changes: object) -> SessionLine:
    updated = line.model_copy(update=changes)
    return updated.model_copy(update={"local_time": updated.started_at.astimezone(PARIS)})


def _sessions() -> list[SessionLine]:
    lines = []
    for line in sample_report().sessions:
        if line.day == STOPPED_ON:
            line = line.model_copy(
                update={"stop_reason": "spread_down_leg", "stop_note": SPREAD_NOTE}
            )
        if line.day == UNFINISHED_ON:
            line = line.model_copy(
                update={
                    "status": "stopped",
                    "exercises_completed": 3,
                    "finished": False,
                    "started_at": line.started_at + timedelta(hours=9),
                }
            )
        lines.append(_local(line))
    morning = next(line for line in lines if line.day == TWICE_ON)
    evening = _local(
        morning,
        id=900,
        started_at=morning.started_at + timedelta(hours=8, minutes=30),
        status="stopped",
        exercises_completed=1,
        elapsed_s=290.0,
        stop_reason="tired",
        stop_note="Had to pick up the <kids>",
    )
    return sorted([*lines, evening], key=lambda line: line.started_at)


def _report() -> ReportData:
    sample = sample_report()
    sessions = _sessions()
    series = sample.series.model_copy(
        update={"sessions": [SessionPoint(day=s.day, status=s.status) for s in sessions]}
    )
    return sample.model_copy(
        update={
            "sessions": sessions,
            "adherence": weekly_adherence(sessions, sample.period_start, sample.period_end),
            "series": series,
        }
    )


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report, made once without the chart (slow to draw, and not what is tested here)."""
    path = tmp_path_factory.mktemp("sessions") / "report.pdf"
    path.write_bytes(render_pdf(_report(), with_chart=False))
    return path


def test_two_sessions_on_one_day_are_two_marks_and_counted_twice(pdf: Path) -> None:
    rows = table_rows(pdf)
    weeks = {row[0]: row[1:] for row in rows if row[0] in ("2 Nov 2026", "9 Nov 2026")}

    # Wednesday 4 Nov: a completed and a stopped session; Friday 6 Nov: stopped.
    assert weeks["2 Nov 2026"] == ["✓", "✓", "✓ ✗", "✓", "✗", "✓", "", "5", "2", "7"]
    assert weeks["9 Nov 2026"] == ["✓", "✓", "✓", "✗", "✓", "✓", "", "5", "1", "6"]
    assert "2 Nov 2026 ✓ ✓ ✓ ✗ ✓ ✗ ✓ 5 2 7" in pdf_text(pdf)  # the same, as plain text
    assert "two or more sessions that day (1 day in this period)" in pdf_text(pdf)


def test_the_chart_in_words_counts_sessions_not_days() -> None:
    assert "13 exercise sessions on 12 days, 3 stopped early." in chart_summary(_report())


def test_each_early_stop_is_listed_with_its_reason_and_the_persons_words(pdf: Path) -> None:
    rows = table_rows(pdf)
    header = ["Date", "Started", "Done", "Why it stopped", "Note given with the stop"]
    stops = [row for row in rows[rows.index(header) :] if row != header]  # repeated per page

    assert stops == [
        [
            "4 Nov 2026",
            "19:30",
            "1 of 4 exercises after 5 minutes",
            "Tired",
            "“Had to pick up the <kids>”",
        ],
        [
            "6 Nov 2026",
            "11:00",
            "2 of 4 exercises after 10 minutes",
            "Pain spread down the leg",
            f"“{SPREAD_NOTE}”",
        ],
        [
            "12 Nov 2026",
            "20:00",
            "3 of 4 exercises after 10 minutes",
            "Not finished: saved part-way, the session never reached its end (no reason chosen)",
            "–",
        ],
    ]
    text = pdf_text(pdf)
    assert "spread_down_leg" not in text and "tired" not in text


def test_what_the_person_typed_stays_text() -> None:
    html = report_html(_report())

    assert "“Had to pick up the &lt;kids&gt;”" in html
    assert "<kids>" not in html


def test_a_stop_without_a_reason_says_so_in_words(tmp_path: Path) -> None:
    sample = sample_report()
    quiet = [
        line.model_copy(update={"stop_reason": None}) if line.status == "stopped" else line
        for line in sample.sessions
    ]
    html = report_html(sample.model_copy(update={"sessions": quiet}))

    assert "No reason given" in html


def test_sessions_by_day_keeps_every_session_in_start_order() -> None:
    sessions = _sessions()
    days = sessions_by_day(list(reversed(sessions)))

    assert [line.status for line in days[TWICE_ON]] == ["completed", "stopped"]
    assert sum(len(lines) for lines in days.values()) == len(sessions) == 13
    assert all(len(lines) == 1 for day, lines in days.items() if day != TWICE_ON)
    assert min(days) == date(2026, 11, 2)
    assert days[TWICE_ON][1].local_time == datetime(2026, 11, 4, 19, 30, tzinfo=PARIS)
