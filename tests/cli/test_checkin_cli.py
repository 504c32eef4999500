"""`sciatica checkin`: the daily diary entry, its safety questions and what follows from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from sciatica_care.cli.main import app
from sciatica_care.store import checkins, patients, screenings
from sciatica_care.store.database import open_database
from tests.cli.program_story import (
    NO_FLAGS,
    days_ago,
    morning_answers,
    seed_mornings,
    seed_two_good_pelvic_tilt_sessions,
)

runner = CliRunner()


def invoke(args: list[str], answers: str = "") -> Result:
    return runner.invoke(app, args, input=answers, catch_exceptions=False)


def as_json(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_answers_file_saves_a_morning_entry_and_lists_questionnaires_due(tmp_path: Path) -> None:
    path = morning_answers(tmp_path, medication="the tablets my pharmacist suggested")
    first = as_json(invoke(["checkin", "--answers", str(path), "--json"]))
    second = as_json(invoke(["checkin", "--answers", str(path), "--json"]))

    assert first["entry"]["moment"] == "morning"
    assert first["entry"]["medication"] == "the tablets my pharmacist suggested"
    assert first["daily_screen"]["action"] == "SELF_CARE"
    assert first["questionnaires_due"] == ["sbi", "psfs"]
    assert second["entry"]["moment"] == "other"  # more than one entry a day
    assert second["progression"] is None  # only a morning entry re-decides doses
    db = open_database()
    with db.session() as s:
        pid = patients.local_patient_id(s)
        rows = checkins.list_for(s, pid)
        daily = screenings.latest(s, pid, kind="daily")
    db.dispose()
    assert [(r.leg_pain, r.daily_action) for r in rows] == [(3, "SELF_CARE"), (3, "SELF_CARE")]
    assert rows[0].entry["red_flags"] == NO_FLAGS  # the answers are kept with the entry
    assert daily is None  # only answers that raise an action add a screening


def test_a_red_flag_shows_the_emergency_action_first_and_nothing_about_exercises(
    tmp_path: Path,
) -> None:
    seed_two_good_pelvic_tilt_sessions()
    path = morning_answers(tmp_path, red_flags={**NO_FLAGS, "Q3": "unsure"})
    result = invoke(["checkin", "--answers", str(path)])

    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("EMERGENCY") < out.index("Go to an emergency department now")
    assert out.index("Go to an emergency department now") < out.index("is saved")
    assert "The program stays locked" in out
    for word in ("Pelvic tilt", "pelvic tilt", "dose", "Questionnaires due"):
        assert word not in out


def test_emergency_in_json_keeps_the_program_untouched(tmp_path: Path) -> None:
    seed_two_good_pelvic_tilt_sessions()
    path = morning_answers(tmp_path, red_flags={**NO_FLAGS, "Q7": "yes"})
    data = as_json(invoke(["checkin", "--answers", str(path), "--json"]))
    assert data["daily_screen"]["action"] == "EMERGENCY_NOW"
    assert data["daily_screen"]["reasons"][0]["item"] == "Q7"
    assert data["progression"] is None


def test_assessed_and_unchanged_symptoms_lower_the_action_to_urgent(tmp_path: Path) -> None:
    flags = {**NO_FLAGS, "Q1": "yes", "CES_ASSESSED": "yes"}
    path = morning_answers(tmp_path, red_flags=flags)
    result = invoke(["checkin", "--answers", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.index("Contact a doctor today.") < result.stdout.index("Saved your")


def test_a_good_second_morning_steps_the_dose_up_and_says_why(tmp_path: Path) -> None:
    seed_two_good_pelvic_tilt_sessions()
    result = invoke(["checkin", "--answers", str(morning_answers(tmp_path))])

    assert result.exit_code == 0, result.output
    assert "Pelvic tilt: You managed 10 pelvic tilt reps with little pain twice: today 12." in (
        " ".join(result.stdout.split())
    )


def test_leg_pain_reaching_further_down_is_shown_as_peripheralising(tmp_path: Path) -> None:
    seed_mornings({3: 3, 2: 3, 1: 3}, zone=2)
    data = as_json(invoke(["checkin", "--answers", str(morning_answers(tmp_path)), "--json"]))
    left_pain = next(s for s in data["signals"] if (s["side"], s["kind"]) == ("left", "pain"))
    assert left_pain["trend"] == "PERIPHERALISING"
    text = invoke(
        ["checkin", "--moment", "other", "--answers", str(morning_answers(tmp_path))]
    ).stdout
    assert "Your left leg pain now reaches your thigh, further down than before" in " ".join(
        text.split()
    )


def test_a_flare_up_shows_the_flare_plan(tmp_path: Path) -> None:
    seed_mornings({n: 3 for n in range(2, 9)} | {1: 6})
    result = invoke(["checkin", "--answers", str(morning_answers(tmp_path, leg_pain=6))])
    assert "a flare-up" in result.stdout
    words = " ".join(result.stdout.replace("│", " ").split())  # the panel's borders are not words
    assert "ask a pharmacist or doctor" in words


def test_interactive_check_in_asks_each_question(tmp_path: Path) -> None:
    answers = "\n".join(
        [
            *("11", "4", "2", "4", "0", "0", "0"),  # leg (11 re-asked), back, zones
            "n",  # "Any of these today?" no: the seven safety questions in one answer
            *("f", "n", "a hot drink", "heat", "walked the dog"),
        ]
    )
    result = invoke(["checkin", "--json"], answers + "\n")

    data = as_json(result)
    assert "Please type a whole number from 0 to 10." in result.stderr
    assert "This app gives no advice on medicines" in result.stderr
    entry = data["entry"]
    assert (entry["leg_pain"], entry["back_pain"]) == (4, 2)
    assert entry["zones"]["left"] == {"pain": 4, "numbness": 0}
    assert entry["sleep_quality"] == "fair"
    assert (entry["medication"], entry["heat_or_cold"]) == ("a hot drink", "heat")
    assert entry["note"] == "walked the dog"
    assert entry["red_flags"] == NO_FLAGS
    assert "Any of these today?" in result.stderr
    assert "Does it feel different when you wipe" not in result.stderr  # asked only after a yes


def test_interactive_yes_to_the_group_asks_each_item_and_is_an_emergency() -> None:
    answers = ["4", "2", "4", "0", "0", "0"]  # leg, back, zones
    answers += ["y"]  # "Any of these today?"
    answers += ["n", "n", "y", "n", "n", "n", "n"]  # Q1–Q7: trouble peeing
    answers += ["n"]  # not checked by a doctor since
    result = invoke(["checkin", "--json"], "\n".join(answers) + "\n")

    data = as_json(result)
    assert "Does it feel different when you wipe" in result.stderr
    assert data["entry"]["red_flags"] == {**NO_FLAGS, "Q3": "yes"}
    assert data["daily_screen"]["action"] == "EMERGENCY_NOW"


def test_stopping_the_questions_early_saves_nothing() -> None:
    result = runner.invoke(app, ["checkin"], input="4\n2\n")
    assert result.exit_code == 2
    assert "stopped before the end; nothing was saved" in result.stderr
    db = open_database()
    with db.session() as s:
        assert checkins.list_for(s, patients.local_patient_id(s)) == []
    db.dispose()


def test_out_of_range_pain_exits_2_naming_the_field(tmp_path: Path) -> None:
    result = invoke(["checkin", "--answers", str(morning_answers(tmp_path, leg_pain=11))])
    assert result.exit_code == 2
    assert "today.json: leg_pain:" in result.stderr


def test_a_missing_red_flag_answer_exits_2_naming_it(tmp_path: Path) -> None:
    flags = {k: v for k, v in NO_FLAGS.items() if k != "Q5"}
    result = invoke(["checkin", "--answers", str(morning_answers(tmp_path, red_flags=flags))])
    assert result.exit_code == 2
    assert "red_flags.Q5: missing" in result.stderr


def test_a_bad_zone_and_a_bad_day_exit_2_naming_them(tmp_path: Path) -> None:
    zones = {"left": {"pain": 6, "numbness": 0}}
    bad_zone = invoke(["checkin", "--answers", str(morning_answers(tmp_path, zones=zones))])
    bad_day = invoke(["checkin", "--answers", str(morning_answers(tmp_path, day="yesterday"))])
    assert bad_zone.exit_code == bad_day.exit_code == 2
    assert "zones.left.pain:" in bad_zone.stderr
    assert "day: must be a date" in bad_day.stderr


def test_an_entry_for_an_earlier_day_is_kept_on_that_day(tmp_path: Path) -> None:
    path = morning_answers(tmp_path, day=days_ago(3).isoformat())
    data = as_json(invoke(["checkin", "--answers", str(path), "--json"]))
    assert data["entry"]["day"] == days_ago(3).isoformat()
    assert data["entry"]["moment"] == "morning"
