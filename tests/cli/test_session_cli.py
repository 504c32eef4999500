"""``sciatica session`` and ``sciatica history``: the guided session driven through the terminal."""

from __future__ import annotations

import json
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from sciatica_care.cli import session as session_cli
from sciatica_care.domain.session import NUMBNESS_STOP_MESSAGE, STOP_MESSAGE

pytestmark = pytest.mark.usefixtures("screened")

FAST = ["--speed", "100000"]
# intro, then per exercise: ready, pain, spread, new numbness (pelvic tilt, knee to chest, trunk rotation, bird dog)
WHOLE_SESSION = "\n" + "\n2\nn\nn\n" + "\n3\nn\nn\n" + "\n6\nn\nn\n" + "\n1\nno\nn\n"
# 10 paced reps, then per-side holds with 5 s breaks and a 5 s side switch, 30 s rests between
EXERCISE_SECONDS = 10 * (2 + 3 + 3) + 2 * (3 * 20 + 2 * 5) + 5 + 2 * (3 * 20 + 2 * 5) + 5
EXERCISE_SECONDS += 2 * (5 * 5 + 4 * 5) + 5
REST_SECONDS = 3 * 30


@pytest.fixture
def app() -> typer.Typer:
    """Just this module's commands, as ``cli/main.py`` registers them."""
    app = typer.Typer()
    session_cli.register(app)
    return app


def invoke(app: typer.Typer, args: list[str], answers: str = "") -> Result:
    return CliRunner().invoke(app, args, input=answers, catch_exceptions=False)


def record_of(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_whole_session_prints_the_flow_and_a_complete_record(app: typer.Typer) -> None:
    result = invoke(app, ["session", *FAST, "--json"], WHOLE_SESSION)

    assert result.exit_code == 0, result.output
    flow = result.stderr
    assert flow.index("Stop at once if the pain is sharp") < flow.index("Press Enter to begin")
    for line in [
        "Today: 4 exercises",
        "Pelvic tilt: 10 reps, hold 3 s at each end.",
        "1. Breathe in and let your back and belly relax.",
        "10 of 10: Tilt ... 3 s",
        "First side: right knee. Hold 1 of 3: 20 s",
        "Now switch sides: left knee",
        "Well done. Rest 30 s",
        "Did the pain spread further down your leg?",
        "Pain 6 out of 10 is more than we aim for.",
        "Session complete. Well done.",
    ]:
        assert line in flow, line
    record = record_of(result)
    assert record["status"] == "completed"
    assert record["elapsed_s"] == EXERCISE_SECONDS + REST_SECONDS
    items = {item["exercise_id"]: item for item in record["items"]}
    assert list(items) == ["pelvic-tilt", "knee-to-chest", "lower-trunk-rotation", "bird-dog"]
    assert items["pelvic-tilt"]["reps_done"] == 10
    assert items["knee-to-chest"]["holds_done"] == 6
    assert items["knee-to-chest"]["hold_seconds"] == 120
    assert items["knee-to-chest"]["sides_done"] == ["right knee", "left knee"]
    assert [item["pain"] for item in record["items"]] == [2, 3, 6, 1]
    assert all(item["completed"] for item in record["items"])
    assert record["notes"] == ["Lower trunk rotation: pain 6/10, above the aim of 5 or less"]


def test_text_mode_ends_with_a_summary_table(app: typer.Typer) -> None:
    result = invoke(app, ["session", *FAST], WHOLE_SESSION)

    assert result.exit_code == 0
    assert "Today's session" in result.stdout
    assert "Knee to chest" in result.stdout and "6 holds" in result.stdout
    assert "All done for today" in result.stdout


def test_pain_of_nine_stops_the_session_with_the_stop_message(app: typer.Typer) -> None:
    result = invoke(app, ["session", *FAST, "--json"], "\n\n9\nn\nn\n")

    assert result.exit_code == 0
    assert STOP_MESSAGE in result.stderr.replace("\n", " ")
    assert "Knee to chest" not in result.stderr
    record = record_of(result)
    assert (record["status"], record["stop_reason"]) == ("stopped", "pain")
    assert record["stop_note"] == "pain 9/10 after Pelvic tilt"
    assert [(i["exercise_id"], i["pain"], i["completed"]) for i in record["items"]] == [
        ("pelvic-tilt", 9, True)
    ]


def test_not_sure_about_spread_counts_as_yes_and_stops(app: typer.Typer) -> None:
    result = invoke(app, ["session", *FAST, "--json"], "\n\n2\nnot sure\nn\n")

    record = record_of(result)
    assert record["stop_reason"] == "spread_down_leg"
    assert record["items"][0]["spread_down_leg"] is True


def test_new_numbness_or_weakness_stops_and_asks_for_the_safety_questions(
    app: typer.Typer,
) -> None:
    result = invoke(app, ["session", *FAST, "--json"], "\n\n2\nn\ny\n")

    assert "Any new numbness, tingling or weakness in your leg or foot?" in result.stderr
    assert NUMBNESS_STOP_MESSAGE in result.stderr.replace("\n", " ")
    assert "Knee to chest" not in result.stderr
    record = record_of(result)
    assert (record["status"], record["stop_reason"]) == ("stopped", "new_numbness_or_weakness")
    item = record["items"][0]
    assert (item["pain"], item["spread_down_leg"], item["new_numbness_or_weakness"]) == (
        2,
        False,
        True,
    )


def test_not_sure_about_new_numbness_counts_as_yes(app: typer.Typer) -> None:
    result = invoke(app, ["session", *FAST, "--json"], "\n\n2\nn\nnot sure\n")

    assert record_of(result)["stop_reason"] == "new_numbness_or_weakness"


def test_stop_key_at_instructions_asks_the_reason(app: typer.Typer) -> None:
    result = invoke(app, ["session", *FAST, "--json"], "\ns\n3\n")

    assert "Why are you stopping?" in result.stderr
    record = record_of(result)
    assert (record["status"], record["stop_reason"], record["items"]) == ("stopped", "tired", [])


def test_stop_for_another_reason_keeps_the_note(app: typer.Typer) -> None:
    result = invoke(app, ["session", *FAST, "--json"], "\n\n2\nn\nn\ns\n4\nThe phone rang\n")

    record = record_of(result)
    assert (record["stop_reason"], record["stop_note"]) == ("other", "The phone rang")
    assert [i["exercise_id"] for i in record["items"]] == ["pelvic-tilt"]


def test_empty_answer_to_the_stop_question_carries_on(app: typer.Typer) -> None:
    result = invoke(app, ["session", *FAST, "--json"], "s\n\n\n\n1\nn\nn\n")

    record = record_of(result)
    assert record["items"][0]["pain"] == 1
    assert record["stop_note"] == "input ended"


def test_bad_answers_are_asked_again_and_end_of_input_stops(app: typer.Typer) -> None:
    result = invoke(app, ["session", *FAST, "--json"], "\n\n11\nlots\n4\nmaybe\nn\nn\n")

    assert result.exit_code == 0
    assert result.stderr.count("Please type a whole number from 0 to 10.") == 2
    assert "Please answer y or n." in result.stderr
    record = record_of(result)
    assert (record["status"], record["stop_reason"], record["stop_note"]) == (
        "stopped",
        "other",
        "input ended",
    )
    assert record["items"][0]["pain"] == 4


def test_speed_comes_from_the_environment(
    app: typer.Typer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCIATICA_SPEED", "100000")
    result = invoke(app, ["session", "--json"], "\n\n2\nn\nn\n")

    assert record_of(result)["elapsed_s"] == 10 * 8 + 30


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [(["--speed", "0"], None, "--speed must be more than 0"), ([], "-1", "SCIATICA_SPEED")],
)
def test_bad_speed_is_one_clear_error(
    app: typer.Typer,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: str | None,
    message: str,
) -> None:
    if env is not None:
        monkeypatch.setenv("SCIATICA_SPEED", env)
    result = invoke(app, ["session", *args])

    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_history_lists_saved_sessions_newest_first(app: typer.Typer) -> None:
    assert "No sessions yet" in invoke(app, ["history"]).stdout
    invoke(app, ["session", *FAST], WHOLE_SESSION)
    invoke(app, ["session", *FAST], "\n\n9\nn\nn\n")

    entries = json.loads(invoke(app, ["history", "--json"]).stdout)

    assert [(e["status"], e["stop_reason"]) for e in entries] == [
        ("stopped", "pain"),
        ("completed", None),
    ]
    assert [i["exercise_id"] for i in entries[1]["items"]][:2] == ["pelvic-tilt", "knee-to-chest"]
    assert entries[0]["items"][0]["pain"] == 9
    table = invoke(app, ["history"]).stdout
    assert "stopped (pain)" in table and "4 of 4" in table and "9/10" in table


def test_history_counts_a_stopped_session_as_done_of_planned(app: typer.Typer) -> None:
    two_then_stop = "\n" + "\n2\nn\nn\n" + "\n3\nn\nn\n" + "s\n3\n"
    invoke(app, ["session", *FAST], two_then_stop)

    table = invoke(app, ["history"]).stdout

    assert "stopped (tired)" in " ".join(table.split())
    assert "2 of 4" in table
