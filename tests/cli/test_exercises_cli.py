"""``sciatica exercises``: list, show, picture, and one clear line for an unknown id."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from sciatica_care.cli.main import app

runner = CliRunner()
IDS = ["pelvic-tilt", "knee-to-chest", "lower-trunk-rotation", "bird-dog"]


def test_exercises_without_subcommand_lists_the_four_with_their_standard_dose() -> None:
    result = runner.invoke(app, ["exercises"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for exercise_id in IDS:
        assert exercise_id in result.stdout
    assert "10 reps, 3 s at each end" in result.stdout
    assert result.stdout.index("pelvic-tilt") < result.stdout.index("bird-dog")


def test_list_as_json_gives_the_same_exercises_as_data() -> None:
    result = runner.invoke(app, ["exercises", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [e["id"] for e in data["exercises"]] == IDS
    assert data["version"]
    knee = data["exercises"][1]["standard_dose"]
    assert (knee["sets"], knee["reps"], knee["hold_s"], knee["per_side"]) == (1, 3, 20, True)


def test_list_subcommand_matches_the_bare_group() -> None:
    assert (
        runner.invoke(app, ["exercises", "list"]).stdout == runner.invoke(app, ["exercises"]).stdout
    )


def test_show_prints_position_numbered_steps_dose_stop_rules_caution_and_variations() -> None:
    result = runner.invoke(app, ["exercises", "show", "knee-to-chest"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for heading in ("Position", "Steps", "Dose", "Stop if", "Caution", "Easier and harder"):
        assert heading in out
    assert "1. Slowly bring one knee up toward your chest." in out
    assert "3 holds of 20 s each side, 1 set" in out
    assert "Level 1, Towel help" in out and "Level 3, Both knees" in out
    assert "flexion" in out


def test_show_as_json_carries_everything_a_page_needs() -> None:
    result = runner.invoke(app, ["exercises", "show", "bird-dog", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["id"] == "bird-dog"
    assert len(data["steps"]) >= 4 and data["stop_if"] and data["cues"]
    assert [lv["level"] for lv in data["levels"]] == [1, 2, 3]
    assert data["limits"]["max_hold_s"] == 10
    assert data["side_labels"] == ["right arm and left leg", "left arm and right leg"]


def test_picture_writes_an_animated_svg_file(tmp_path: Path) -> None:
    out = tmp_path / "pelvic-tilt.svg"
    result = runner.invoke(app, ["exercises", "picture", "pelvic-tilt", "--out", str(out)])
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    assert root.tag.endswith("svg")
    assert root.findall(".//{http://www.w3.org/2000/svg}animate")


def test_static_picture_has_no_animation(tmp_path: Path) -> None:
    out = tmp_path / "thumb.svg"
    result = runner.invoke(app, ["exercises", "picture", "bird-dog", "--out", str(out), "--static"])
    assert result.exit_code == 0, result.output
    assert "<animate" not in out.read_text(encoding="utf-8")


def test_picture_to_standard_output() -> None:
    result = runner.invoke(app, ["exercises", "picture", "knee-to-chest", "--out", "-"])
    assert result.exit_code == 0
    assert result.stdout.startswith("<svg")


def test_picture_into_a_missing_folder_fails_with_one_line(tmp_path: Path) -> None:
    out = tmp_path / "no-such-dir" / "x.svg"
    result = runner.invoke(app, ["exercises", "picture", "bird-dog", "--out", str(out)])
    assert result.exit_code == 2
    assert "cannot write" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_exercise_exits_2_with_one_line_naming_the_known_ids() -> None:
    # An 80-column terminal must not wrap the message: the error is one line however long.
    for args in (["show", "toe-touch"], ["picture", "toe-touch"], ["show", "toe-touch", "--json"]):
        result = runner.invoke(app, ["exercises", *args], env={"COLUMNS": "80"})
        assert result.exit_code == 2
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert "toe-touch" in lines[0]
        assert all(exercise_id in lines[0] for exercise_id in IDS)
