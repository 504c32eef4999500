"""`sciatica session` runs today's program from progression and decides the next doses after it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

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
FAST = ["--speed", "100000"]
FOUR_EXERCISES = "\n" + "\n2\nn\nn\n" + "\n3\nn\nn\n" + "\n2\nn\nn\n" + "\n1\nno\nn\n"
THREE_EXERCISES = "\n" + "\n2\nn\nn\n" + "\n3\nn\nn\n" + "\n2\nn\nn\n"


def test_the_session_uses_the_stepped_up_dose_and_prints_the_next_decisions(
    tmp_path: Path,
) -> None:
    seed_two_good_pelvic_tilt_sessions()
    runner.invoke(app, ["checkin", "--answers", str(morning_answers(tmp_path))])

    result = runner.invoke(app, ["session", *FAST, "--json"], input=FOUR_EXERCISES)

    assert result.exit_code == 0, result.output
    flow = " ".join(result.stderr.split())
    assert "Pelvic tilt: 12 reps, hold 3 s at each end." in flow
    assert "You managed 10 pelvic tilt reps with little pain twice: today 12." in flow
    assert "12 of 12: Tilt" in flow
    record = json.loads(result.stdout)
    assert record["items"][0]["reps_done"] == 12
    decisions = {d["exercise"]: d for d in record["progression"]["decisions"]}
    assert set(decisions) == {"pelvic-tilt", "knee-to-chest", "lower-trunk-rotation", "bird-dog"}
    assert decisions["pelvic-tilt"]["action"] == "HOLD"
    assert "Your program" in result.stderr


def test_a_paused_exercise_is_left_out_of_today_s_session(tmp_path: Path) -> None:
    seed_mornings({n: 3 for n in range(2, 9)})
    seed_session(1, {"bird-dog": 9})
    runner.invoke(app, ["checkin", "--answers", str(morning_answers(tmp_path))])

    result = runner.invoke(app, ["session", *FAST, "--json"], input=THREE_EXERCISES)

    assert result.exit_code == 0, result.output
    assert f"Bird dog rests until {days_ago(-1).isoformat()}" in " ".join(result.stderr.split())
    record = json.loads(result.stdout)
    assert [i["exercise_id"] for i in record["items"]] == [
        "pelvic-tilt",
        "knee-to-chest",
        "lower-trunk-rotation",
    ]
    assert record["status"] == "completed"


def answer_the_safety_questions_again() -> None:
    """A full screen with no red flag, saved a second from now (after the session)."""
    from datetime import timedelta

    from sciatica_care.domain.screening import screen
    from sciatica_care.store import patients, screenings
    from sciatica_care.store.base import utcnow
    from sciatica_care.store.database import open_database
    from tests.data_answers import SELF_CARE_ANSWERS

    db = open_database()
    with db.session() as s:
        pid = patients.local_patient_id(s)
        at = utcnow() + timedelta(seconds=1)
        screenings.save(s, pid, SELF_CARE_ANSWERS, screen(SELF_CARE_ANSWERS), at=at)
    db.dispose()


def test_a_red_pain_check_pauses_that_exercise_and_asks_for_the_safety_questions() -> None:
    result = runner.invoke(app, ["session", *FAST], input="\n\n9\nn\nn\n")

    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    assert "Pelvic tilt: Your pain reached 9 out of 10 during pelvic tilt. Rest pelvic tilt" in out
    assert "Run `sciatica screen --recheck` to answer the safety questions again." in out
    closed = runner.invoke(app, ["plan", "--json"])
    assert closed.exit_code == 1  # §9 ruling 5: the safety questions come first
    assert json.loads(closed.stdout)["gate"]["state"] == "safety_recheck"
    answer_the_safety_questions_again()
    plan = json.loads(runner.invoke(app, ["plan", "--json"]).stdout)
    tilt = plan["exercises"][0]
    assert (tilt["resting"], tilt["level"], tilt["paused_until"]) == (
        True,
        1,
        days_ago(-2).isoformat(),
    )


def test_new_numbness_at_the_pain_check_pauses_that_exercise_and_asks_for_the_safety_questions() -> (
    None
):
    result = runner.invoke(app, ["session", *FAST, "--json"], input="\n\n2\nn\ny\n")

    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["stop_reason"] == "new_numbness_or_weakness"
    progression = record["progression"]
    [tilt] = progression["decisions"]
    assert (tilt["exercise"], tilt["last_result"], tilt["action"]) == (
        "pelvic-tilt",
        "RED",
        "PAUSE",
    )
    assert "new numbness or weakness after pelvic tilt" in tilt["reason"]
    assert progression["red_flag_screen"] is True
    history = json.loads(runner.invoke(app, ["history", "--json"]).stdout)
    assert history[0]["stop_reason"] == "new_numbness_or_weakness"
