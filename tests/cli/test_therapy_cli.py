"""`sciatica therapy heat|cold`: questions first, skin checks, the timer, the gap, the log."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner, Result

from sciatica_care.cli.main import app
from sciatica_care.domain.therapy import TherapyKind, safety_texts
from sciatica_care.store import patients, therapy_uses
from sciatica_care.store.database import open_database
from sciatica_care.store.models import TherapyUse

FAST = ["--speed", "100000"]
COLD_QUESTIONS_ALL_NO = ["n"] * 7
HEAT_QUESTIONS_ALL_NO = ["n"] * 8
runner = CliRunner()


def invoke(args: list[str], lines: list[str]) -> Result:
    return runner.invoke(app, args, input="\n".join(lines) + "\n", catch_exceptions=False)


def logged() -> list[TherapyUse]:
    db = open_database()
    with db.session() as s:
        rows = therapy_uses.list_for(s, patients.local_patient_id(s))
    db.dispose()
    return rows


def test_cold_pack_runs_the_timer_between_two_skin_checks_and_is_logged() -> None:
    result = invoke(["therapy", "cold", *FAST, "--json"], [*COLD_QUESTIONS_ALL_NO, "y", "y"])

    assert result.exit_code == 0, result.output
    flow = result.stderr
    assert (
        flow.index("Raynaud") < flow.index("Always put a layer") < flow.index("Look at and touch")
    )
    assert flow.index("Look at and touch") < flow.index("Time is up: take the pack off now.")
    data = json.loads(result.stdout)
    assert (data["kind"], data["duration_s"], data["planned_minutes"]) == ("cold", 600.0, 10.0)
    assert (data["skin_ok_after"], data["alarm"], data["stop_reason"]) == (True, True, None)
    [use] = logged()
    assert (use.kind, use.duration_s, use.detail["skin_ok_after"]) == ("cold", 600.0, True)


def test_a_second_cold_pack_within_the_hour_is_refused_with_the_time_to_wait() -> None:
    assert invoke(["therapy", "cold", *FAST], [*COLD_QUESTIONS_ALL_NO, "y", "y"]).exit_code == 0
    again = invoke(["therapy", "cold", *FAST], ["n", "y", "y"])

    assert again.exit_code == 1
    assert again.stdout.startswith("Please wait until ")
    assert "cold packs are best used at most every 2 hours" in again.stdout
    assert len(logged()) == 1


def test_heat_straight_after_cold_waits_for_the_skin_to_rewarm() -> None:
    invoke(["therapy", "cold", *FAST], [*COLD_QUESTIONS_ALL_NO, "y", "y"])
    heat = invoke(["therapy", "heat", *FAST, "--json"], [])
    assert heat.exit_code == 1
    data = json.loads(heat.stdout)
    assert data["allowed"] is False
    assert "your skin needs at least 1 hour between packs" in data["message"]


def _earlier(hours: float = 3, answered_days_ago: int | None = None) -> None:
    """Move the logged uses back (out of the gap) and, if given, the day the questions were answered."""
    db = open_database()
    with db.session() as s:
        for row in s.query(TherapyUse):
            row.started_at -= timedelta(hours=hours)
        if answered_days_ago is not None:
            pid = patients.local_patient_id(s)
            checks = dict(patients.get_settings(s, pid)[therapy_uses.CHECKS_KEY])
            for kind, check in checks.items():
                day = date.fromisoformat(check["day"]) - timedelta(days=answered_days_ago)
                checks[kind] = {**check, "day": day.isoformat()}
            patients.update_settings(s, pid, **{therapy_uses.CHECKS_KEY: checks})
    db.dispose()


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_use_within_thirty_days_asks_only_whether_anything_changed() -> None:
    invoke(["therapy", "cold", *FAST], [*COLD_QUESTIONS_ALL_NO, "y", "y"])
    _earlier(answered_days_ago=29)
    answered = (date.today() - timedelta(days=29)).day
    result = invoke(["therapy", "cold", *FAST], ["n", "y", "y"])

    assert result.exit_code == 0, result.output
    flow = _flat(result.stdout)
    assert f"Has anything changed in your health, skin or medicines since {answered} " in flow
    assert "Raynaud" not in flow
    assert len(logged()) == 2


def test_after_thirty_days_all_the_questions_are_asked_again() -> None:
    invoke(["therapy", "cold", *FAST], [*COLD_QUESTIONS_ALL_NO, "y", "y"])
    _earlier(answered_days_ago=30)
    result = invoke(["therapy", "cold", *FAST], [*COLD_QUESTIONS_ALL_NO, "y", "y"])

    assert result.exit_code == 0, result.output
    assert "Has anything changed" not in _flat(result.stdout)
    assert "Raynaud" in result.stdout
    assert len(logged()) == 2


def test_something_changed_asks_all_the_questions_again() -> None:
    invoke(["therapy", "cold", *FAST], [*COLD_QUESTIONS_ALL_NO, "y", "y"])
    _earlier()
    answers = ["n", "n", "n", "n", "y", "n", "n"]  # Raynaud's since
    result = invoke(["therapy", "cold", *FAST], ["y", *answers])

    assert result.exit_code == 1
    assert "Cold packs not advised: you told us about Raynaud's." in _flat(result.stdout)
    assert len(logged()) == 1
    again = invoke(["therapy", "cold", *FAST], [*COLD_QUESTIONS_ALL_NO, "y", "y"])
    assert "Has anything changed" not in _flat(again.stdout)


def test_each_safety_text_is_shown_once() -> None:
    first = invoke(["therapy", "heat", *FAST], [*HEAT_QUESTIONS_ALL_NO, "y", "y"])
    _earlier()
    later = invoke(["therapy", "heat", *FAST], ["n", "y", "y"])

    for result in (first, later):
        assert result.exit_code == 0, result.output
        flow = _flat(result.stdout)
        for text in safety_texts(TherapyKind.HEAT):
            assert flow.count(text) == 1, text


def test_a_contraindication_stops_before_the_timer_and_nothing_is_logged() -> None:
    answers = ["n", "n", "n", "n", "u", "n", "n"]  # not sure about Raynaud's counts as yes
    result = invoke(["therapy", "cold", *FAST], answers)
    assert result.exit_code == 1
    assert "Cold packs not advised: you told us about Raynaud's." in result.stdout
    assert "Look at and touch" not in result.stdout
    assert logged() == []


def test_pregnancy_asks_to_check_with_a_clinician_before_heat() -> None:
    result = invoke(["therapy", "heat", *FAST], [*(["n"] * 7), "y"])
    assert result.exit_code == 1
    assert "Check with your clinician or midwife before using heat (pregnancy)." in result.stdout


def test_skin_not_normal_before_means_no_pack_today() -> None:
    result = invoke(["therapy", "heat", *FAST], [*HEAT_QUESTIONS_ALL_NO, "n"])
    assert result.exit_code == 1
    assert "Do not use heat on this area today." in result.stdout
    assert logged() == []


def _daytime_zone() -> str:
    """A zone where it is now between 06:00 and 18:00, so "90 minutes ago" is still today."""
    now = datetime.now(UTC)
    for zone in (
        "Pacific/Kiritimati",
        "Asia/Tokyo",
        "Asia/Kolkata",
        "Europe/London",
        "America/New_York",
        "America/Los_Angeles",
        "Pacific/Honolulu",
    ):
        if 6 <= now.astimezone(ZoneInfo(zone)).hour < 18:
            return zone
    raise AssertionError("no zone in daytime")  # the zones above cover every hour


def test_skin_problem_after_blocks_that_kind_for_the_rest_of_the_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", _daytime_zone())  # the terminal's day is the patient's day
    first = invoke(["therapy", "heat", *FAST], [*HEAT_QUESTIONS_ALL_NO, "y", "n"])
    assert "Do not use heat again today." in " ".join(first.stdout.split())
    db = open_database()
    with db.session() as s:
        for row in s.query(TherapyUse):
            row.started_at -= timedelta(minutes=90)
    db.dispose()
    again = invoke(["therapy", "heat", *FAST], ["n", "y", "y"])
    assert again.exit_code == 1
    assert "You noted a skin problem after heat earlier today" in again.stdout


def test_too_long_a_pack_is_refused_naming_the_option() -> None:
    result = invoke(["therapy", "cold", "--minutes", "25"], [])
    assert result.exit_code == 2
    assert "minutes: cold is used for at most 15 minutes, got 25" in result.stderr


def test_a_shorter_heat_pack_is_timed_for_its_minutes() -> None:
    result = invoke(
        ["therapy", "heat", "--minutes", "5", *FAST, "--json"],
        [*HEAT_QUESTIONS_ALL_NO, "y", "y"],
    )
    assert json.loads(result.stdout)["duration_s"] == 300.0
