"""`sciatica questionnaire`: what is due, answering, scoring and the change since the start."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from sciatica_care.cli.main import app
from tests.cli.program_story import seed_mornings

runner = CliRunner()


def invoke(args: list[str], answers: str = "") -> Result:
    return runner.invoke(app, args, input=answers, catch_exceptions=False)


def answers_file(tmp_path: Path, data: dict[str, Any], name: str = "a.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_without_a_name_it_lists_what_is_due() -> None:
    listed = invoke(["questionnaire", "--json"])
    assert json.loads(listed.stdout) == {"due": ["sbi", "psfs"], "last_done": {}}
    text = invoke(["questionnaire"]).stdout
    assert "Sciatica Bothersomeness Index" in text and "sciatica questionnaire sbi" in text


def test_grc_is_due_two_weeks_after_the_start() -> None:
    seed_mornings({14: 5})
    assert "grc" in json.loads(invoke(["questionnaire", "--json"]).stdout)["due"]


def test_sbi_scores_and_the_second_time_reads_the_change(tmp_path: Path) -> None:
    first = answers_file(
        tmp_path, {"leg_pain": 6, "numbness": 5, "weakness": 4, "sitting_pain": 6}, "1.json"
    )
    later = answers_file(
        tmp_path, {"leg_pain": 1, "numbness": 2, "weakness": 0, "sitting_pain": 2}, "2.json"
    )
    one = json.loads(invoke(["questionnaire", "sbi", "--answers", str(first), "--json"]).stdout)
    two = invoke(["questionnaire", "sbi", "--answers", str(later)])

    assert (one["total"], one["change"]) == (21.0, None)
    out = " ".join(two.stdout.split())
    assert "Sciatica Bothersomeness Index: 5 (from 0 to 24; lower is better)" in out
    assert "Sciatica bother score down 16 points since you started (from 21 to 5)" in out
    assert "likely a real change" in out
    due = json.loads(invoke(["questionnaire", "--json"]).stdout)
    assert due["due"] == ["psfs"]


def test_psfs_asks_named_activities_then_rates_the_same_ones_next_time() -> None:
    first = invoke(
        ["questionnaire", "psfs", "--json"],
        "Walking to the shop\nSitting at work\n\nPutting on socks\n\n3\n4\n2\n",
    )
    assert first.exit_code == 0, first.output
    assert "Please name at least 3 activities." in first.stderr
    data = json.loads(first.stdout)
    assert data["answers"] == {
        "Walking to the shop": 3,
        "Sitting at work": 4,
        "Putting on socks": 2,
    }
    assert data["total"] == 3.0

    second = invoke(["questionnaire", "psfs"], "\n7\n6\n5\n")
    out = " ".join(second.stdout.split())
    assert "Rate the same activities as last time." in out
    assert "Activity score up 3 points since you started (from 3 to 6): a change that matters." in (
        out
    )


def test_grc_reads_the_rating_itself(tmp_path: Path) -> None:
    result = invoke(["questionnaire", "grc"], "3\n")
    assert "You rated your sciatica +3, better than before: a change that matters." in (
        " ".join(result.stdout.split())
    )


def test_an_answer_off_the_scale_exits_2_naming_the_item(tmp_path: Path) -> None:
    path = answers_file(tmp_path, {"leg_pain": 7, "numbness": 0, "weakness": 0, "sitting_pain": 0})
    result = invoke(["questionnaire", "sbi", "--answers", str(path)])
    assert result.exit_code == 2
    assert "a.json: sbi.leg_pain: answer 7 is outside 0 to 6" in result.stderr


def test_pain_scores_are_asked_in_the_check_in_instead() -> None:
    result = invoke(["questionnaire", "nprs"])
    assert result.exit_code == 2
    assert "pain scores are part of `sciatica checkin`" in result.stderr


def test_a_small_grc_rating_is_read_as_little_or_no_change(tmp_path: Path) -> None:
    path = answers_file(tmp_path, {"change": -1})
    data = json.loads(invoke(["questionnaire", "grc", "--answers", str(path), "--json"]).stdout)
    assert data["total"] == -1.0
    assert data["change"]["meaningful"] is False
    assert data["change"]["text"].startswith("You rated your sciatica -1: little or no change")
