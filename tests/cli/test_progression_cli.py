"""`sciatica progression`: one exercise's history in, the next-dose decision out (§8.3).

Golden files in tests/data/golden/ hold the exact output; regenerate them with
``UPDATE_GOLDEN=1 pytest tests/cli/test_progression_cli.py`` and review the diff like any code change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from sciatica_care.cli import progression
from tests.golden import assert_golden

DATA = Path(__file__).parents[1] / "data"
HISTORIES = DATA / "progression_histories"
CASES = ["progress", "pause", "regress", "flare"]
SPEC_KEYS = {
    "exercise",
    "last_result",
    "action",
    "next_level",
    "next_dose",
    "resume_on",
    "escalation",
    "reason",
}

app = typer.Typer()


@app.callback()
def _group() -> None:
    """Keep ``progression`` a subcommand, as in ``cli/main.py``."""


progression.register(app)
runner = CliRunner()


pytestmark = pytest.mark.usefixtures("fixed_width_console")


def run(*args: str, input: str | None = None) -> Result:
    return runner.invoke(app, ["progression", *args], input=input)


def history(case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HISTORIES / f"{case}.json").read_text(encoding="utf-8"))
    return data


def write(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "history.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("case", CASES)
def test_json_output_is_the_machine_format(case: str) -> None:
    result = run("--input", str(HISTORIES / f"{case}.json"), "--json")

    assert result.exit_code == 0, result.output
    assert_golden(f"progression_{case}.json", result.stdout)
    assert set(json.loads(result.stdout)) >= SPEC_KEYS


@pytest.mark.parametrize("case", CASES)
def test_text_output(case: str) -> None:
    result = run("--input", str(HISTORIES / f"{case}.json"))

    assert result.exit_code == 0, result.output
    assert_golden(f"progression_{case}.txt", result.stdout)


def test_two_comfortable_sessions_step_up_with_the_reason_shown() -> None:
    result = run("--input", str(HISTORIES / "progress.json"))

    assert "Pelvic tilt: Step up" in result.stdout
    assert "You managed 10 pelvic tilt reps with little pain twice: today 12." in result.stdout


def test_spreading_down_the_leg_pauses_and_points_to_the_safety_questions() -> None:
    decision = json.loads(run("--input", str(HISTORIES / "pause.json"), "--json").stdout)

    assert (decision["action"], decision["resume_on"], decision["next_level"]) == (
        "PAUSE",
        "2025-03-08",
        1,
    )
    assert decision["escalation"] == "ROUTINE"
    text = run("--input", str(HISTORIES / "pause.json")).stdout
    assert "sciatica screen" in text


def test_suggest_marks_the_decision_as_needing_acceptance() -> None:
    result = run("--input", str(HISTORIES / "progress.json"), "--suggest", "--json")

    decision = json.loads(result.stdout)
    assert decision["requires_acceptance"] is True
    assert decision["reason"].startswith("You managed")


def test_input_can_come_from_standard_input() -> None:
    result = run("--input", "-", "--json", input=json.dumps(history("progress")))

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["action"] == "PROGRESS"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"level": 5}, "history.json: level: Input should be less than or equal to 3"),
        ({"sessions": []}, "history.json: sessions: List should have at least 1 item"),
        ({"dose": {"sets": 1}}, "history.json: dose.reps: required for Pelvic tilt"),
        ({"dose": {"sets": 1, "reps": 16}}, "history.json: dose.reps: Input should be less than"),
        ({"exercise": "handstand"}, "history.json: exercise: unknown exercise 'handstand'"),
    ],
)
def test_bad_input_exits_2_naming_the_field(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    data = {**history("progress"), **change}
    data["sessions"] = change.get("sessions", data["sessions"])

    result = run("--input", write(tmp_path, data), "--json")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {message}")
    assert "Traceback" not in result.output


def test_a_session_value_out_of_range_names_its_path(tmp_path: Path) -> None:
    data = history("progress")
    data["sessions"][1]["next_morning_pain"] = 12

    result = run("--input", write(tmp_path, data))

    assert result.exit_code == 2
    assert "history.json: sessions.1.next_morning_pain:" in result.stderr


def test_not_json_or_missing_file_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "history.json"
    broken.write_text("{not json", encoding="utf-8")

    assert run("--input", str(broken)).exit_code == 2
    assert "not valid JSON" in run("--input", str(broken)).stderr
    missing = run("--input", str(tmp_path / "nope.json"))
    assert missing.exit_code == 2
    assert "cannot read" in missing.stderr
