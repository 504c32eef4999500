"""An unassessed emergency screen keeps `sciatica session` closed until a doctor has checked you."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from sciatica_care.cli.main import app

DATA = Path(__file__).parents[1] / "data" / "screening_answers"
runner = CliRunner()


def _emergency_screen() -> None:
    result = runner.invoke(app, ["screen", "--answers", str(DATA / "emergency.json")])
    assert result.exit_code == 0
    assert "EMERGENCY" in result.output


def test_locked_program_shows_the_emergency_again_and_does_not_start() -> None:
    _emergency_screen()
    result = runner.invoke(app, ["session", "--speed", "100000"], input="n\n")
    assert result.exit_code == 1
    assert "Go to an emergency department now" in result.output
    assert "The program stays locked" in result.output
    assert "Pelvic tilt" not in result.output


def test_json_mode_cannot_answer_so_it_stays_locked() -> None:
    _emergency_screen()
    result = runner.invoke(app, ["session", "--speed", "100000", "--json"])
    assert result.exit_code == 1
    assert result.stdout.strip() == ""


def test_saying_a_doctor_has_checked_unlocks_the_program() -> None:
    _emergency_screen()
    # assessed, then stop at the intro prompt with the reason "tired"
    result = runner.invoke(app, ["session", "--speed", "100000"], input="y\ns\n3\n\n")
    assert "The program is unlocked" in result.output
    assert result.exit_code == 0, result.output
    assert "Stopped" in result.output
    again = runner.invoke(app, ["session", "--speed", "100000"], input="s\n3\n\n")
    assert "EMERGENCY" not in again.output


def test_self_care_screen_leaves_the_program_open() -> None:
    result = runner.invoke(app, ["screen", "--answers", str(DATA / "self_care.json")])
    assert result.exit_code == 0
    started = runner.invoke(app, ["session", "--speed", "100000"], input="s\n3\n\n")
    assert "EMERGENCY" not in started.output
    assert "Pelvic tilt" in started.output or "Today" in started.output
