"""`sciatica plan`, `plan accept` and `settings`: today's doses, reasons and suggestions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from sciatica_care.cli.main import app
from tests.cli.program_story import (
    days_ago,
    morning_answers,
    seed_mornings,
    seed_session,
    seed_two_good_pelvic_tilt_sessions,
)

pytestmark = pytest.mark.usefixtures("screened")

runner = CliRunner()
REASON_12 = "You managed 10 pelvic tilt reps with little pain twice: today 12."


def invoke(args: list[str]) -> Result:
    return runner.invoke(app, args, catch_exceptions=False)


def plan_json() -> dict[str, Any]:
    result = invoke(["plan", "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def tilt(plan: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(e for e in plan["exercises"] if e["exercise"] == "pelvic-tilt")
    return found


def test_a_new_program_is_every_exercise_at_the_standard_dose() -> None:
    plan = plan_json()
    assert [e["exercise"] for e in plan["exercises"]] == [
        "pelvic-tilt",
        "knee-to-chest",
        "lower-trunk-rotation",
        "bird-dog",
    ]
    assert {e["level"] for e in plan["exercises"]} == {2}
    assert (plan["automatic_progression"], plan["suggestions"]) == (True, [])
    assert (
        "Pelvic tilt: 10 reps, hold 3 s at each end (Standard, level 2)" in invoke(["plan"]).stdout
    )


def test_after_a_step_up_the_plan_shows_the_new_dose_and_why(tmp_path: Path) -> None:
    seed_two_good_pelvic_tilt_sessions()
    invoke(["checkin", "--answers", str(morning_answers(tmp_path))])

    entry = tilt(plan_json())
    assert (entry["dose"]["reps"], entry["reason"]) == (12, REASON_12)
    text = " ".join(invoke(["plan"]).stdout.split())
    assert "Pelvic tilt: 12 reps, hold 3 s at each end" in text
    assert REASON_12 in text


def test_with_automatic_progression_off_the_change_waits_to_be_accepted(tmp_path: Path) -> None:
    off = invoke(["settings", "--auto-progression", "off", "--json"])
    assert json.loads(off.stdout) == {"auto_progression": False}
    seed_two_good_pelvic_tilt_sessions()
    checkin = invoke(["checkin", "--answers", str(morning_answers(tmp_path))])
    assert "To accept: sciatica plan accept pelvic-tilt" in checkin.stdout

    waiting = plan_json()
    assert tilt(waiting)["dose"]["reps"] == 10
    assert [s["exercise"] for s in waiting["suggestions"]] == ["pelvic-tilt"]
    assert "Suggested for Pelvic tilt:" in invoke(["plan"]).stdout

    accepted = invoke(["plan", "accept", "pelvic-tilt", "--json"])
    assert accepted.exit_code == 0, accepted.output
    data = json.loads(accepted.stdout)
    assert (data["status"], data["next_dose"]["reps"]) == ("accepted", 12)
    after = plan_json()
    assert (tilt(after)["dose"]["reps"], tilt(after)["reason"]) == (12, REASON_12)
    assert after["suggestions"] == []


def test_accepting_with_nothing_waiting_exits_2() -> None:
    result = invoke(["plan", "accept", "bird-dog"])
    assert result.exit_code == 2
    assert "no suggestion is waiting for 'bird-dog'" in result.stderr


def test_a_paused_exercise_shows_when_it_comes_back(tmp_path: Path) -> None:
    seed_mornings({n: 3 for n in range(2, 9)})
    seed_session(1, {"bird-dog": 9})
    invoke(["checkin", "--answers", str(morning_answers(tmp_path))])
    text = " ".join(invoke(["plan"]).stdout.split())
    resume = days_ago(-1).isoformat()
    assert f"Bird dog: resting until {resume}" in text
    assert "Rest bird dog for 2 days" in text


def test_settings_without_options_shows_the_current_mode() -> None:
    assert "Automatic progression is on" in invoke(["settings"]).stdout
