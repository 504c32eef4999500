"""`sciatica screen`: asked one question at a time or read from a file; shown, saved, acknowledged.

Golden files in tests/data/golden/ hold the exact output; regenerate them with
``UPDATE_GOLDEN=1 pytest tests/cli/test_screen_cli.py`` and review the diff like any code change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from sciatica_care.cli import learn, screen
from sciatica_care.cli.main import app as main_app
from sciatica_care.store import patients, screenings
from sciatica_care.store.database import open_database
from tests.golden import assert_golden

DATA = Path(__file__).parents[1] / "data"
ANSWERS = DATA / "screening_answers"

app = typer.Typer()
screen.register(app)
learn.register(app)
runner = CliRunner()


pytestmark = pytest.mark.usefixtures("fixed_width_console")


def run(*args: str, input: str | None = None) -> Result:
    return runner.invoke(app, ["screen", *args], input=input)


def saved() -> list[dict[str, Any]]:
    db = open_database()
    try:
        with db.session() as s:
            pid = patients.local_patient_id(s)
            return [
                {
                    "answers": row.answers,
                    "result": row.result,
                    "content_version": row.content_version,
                    "acknowledged": row.acknowledged_at is not None,
                    "assessed": row.assessed_at is not None,
                }
                for row in screenings.list_for(s, pid)
            ]
    finally:
        db.dispose()


def one_line(text: str) -> str:
    return " ".join(text.split())


# --- from a file ----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["self_care", "emergency", "urgent"])
def test_json_output_is_the_machine_format(case: str) -> None:
    result = run("--answers", str(ANSWERS / f"{case}.json"), "--json")

    assert result.exit_code == 0, result.output
    assert_golden(f"screen_{case}.json", result.stdout)
    assert set(json.loads(result.stdout)) == {"action", "pattern", "reasons", "content_version"}


@pytest.mark.parametrize("case", ["self_care", "emergency", "urgent"])
def test_text_output(case: str) -> None:
    result = run("--answers", str(ANSWERS / f"{case}.json"))

    assert result.exit_code == 0, result.output
    assert_golden(f"screen_{case}.txt", result.stdout)


def test_emergency_shows_the_action_first_one_reason_and_nothing_about_exercises() -> None:
    result = run("--answers", str(ANSWERS / "emergency.json"))
    lines = [line.strip("│ ") for line in result.stdout.splitlines()]
    words = [line for line in lines if line and not line.startswith(("╭", "╰"))]

    assert words[0] == "Go to an emergency department now, or call your emergency number."
    assert sum(line.startswith("Why:") for line in words) == 1
    assert "exercise" not in result.stdout.lower()
    assert "sciatica" not in result.stdout.lower()  # no pattern talk either


def test_self_care_shows_the_pattern_with_its_reason() -> None:
    result = run("--answers", str(ANSWERS / "self_care.json"))

    assert (
        "Your answers fit a pattern often seen with sciatica: pain below the knee, leg pain "
        "worse than back pain. Only a clinician can confirm it."
    ) in one_line(result.stdout)
    assert "Not a diagnosis." in result.stdout


def test_urgent_says_by_when_and_that_progression_is_paused() -> None:
    text = one_line(run("--answers", str(ANSWERS / "urgent.json")).stdout)

    assert "Contact a doctor today." in text
    assert "no later than 48 hours" in text
    assert "will not move up a level" in text


def test_result_is_saved_with_answers_and_content_version() -> None:
    run("--answers", str(ANSWERS / "urgent.json"), "--json")

    [row] = saved()
    assert row["answers"]["Q8"] == "yes"
    assert row["answers"]["S1"] == {
        "left": {"pain": 4, "numbness": 5},
        "right": {"pain": 0, "numbness": 0},
    }
    assert row["result"]["action"] == "URGENT_24_48H"
    assert row["content_version"] == row["result"]["content_version"] != ""
    assert row["acknowledged"] is False


# --- bad answers ----------------------------------------------------------------------------------


def _bad_file(tmp_path: Path, **changes: Any) -> Path:
    data = json.loads((ANSWERS / "self_care.json").read_text(encoding="utf-8"))
    for item, value in changes.items():
        if value is None:
            del data[item]
        else:
            data[item] = value
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"Q12": None}, "Q12: missing"),
        ({"Q21": "no"}, "Q21: unknown item"),
        ({"S2_leg": 11}, "S2_leg: must be a whole number from 0 to 10 (got 11)"),
        ({"age": 200}, "age: must be a whole number from 0 to 120"),
        ({"Q4": "maybe"}, "Q4: must be 'yes', 'no' or 'unsure' (got 'maybe')"),
    ],
)
def test_bad_answers_exit_2_naming_the_item_and_save_nothing(
    tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    result = run("--answers", str(_bad_file(tmp_path, **changes)), "--json")

    assert result.exit_code == 2
    assert message in one_line(result.stderr)
    assert result.stdout == ""
    assert saved() == []


def test_a_file_that_is_not_json_exits_2_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text('{"Q1": "no",\n oops}', encoding="utf-8")

    result = run("--answers", str(path), "--json")

    assert result.exit_code == 2
    assert "answers.json: not valid JSON (line 2" in one_line(result.stderr)


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("--answers", str(tmp_path / "nope.json"))

    assert result.exit_code == 2
    assert "cannot read" in result.stderr


def test_json_without_an_answers_file_exits_2() -> None:
    result = run("--json")

    assert result.exit_code == 2
    assert "--json needs --answers" in result.stderr


# --- interactive ----------------------------------------------------------------------------------

ALL_NO_RED_FLAGS = ["n"] * 7 + ["n", "n", "n"] + ["n"] * 8 + ["n", "n"]
"""Q1–Q7, Q8–Q10, Q11–Q18, Q19–Q20: every red flag "no" (no follow-up questions)."""
PATTERN = ["0", "0", "4", "3", "6", "3", "y", "y", "n", "n"]
"""S1 left pain/numbness, right pain/numbness, S2 leg, S2 back, S3, S4, S5, S6."""


CONTINUE = "y"
"""After an emergency answer: yes, answer the remaining questions for the clinician."""


def lines(*answers: str) -> str:
    return "\n".join(answers) + "\n"


BLOCK_NO = ["n"] * 7
"""Q1–Q7 all "no": the "already checked" follow-up is not asked."""


def block(*yes: int, assessed: str) -> list[str]:
    """Q1–Q7 with yes to the numbered items, then the "already checked" follow-up."""
    return ["y" if n in yes else "n" for n in range(1, 8)] + [assessed]


REST_NO = ["n"] * 13
"""Q8–Q20 all "no"."""
CES_TEXT = (
    "Has a doctor checked you for this since it started, and is it no worse and no different since?"
)
Q1_TEXT = "Is there numbness or pins and needles between your legs"
Q2_TEXT = "Does it feel different when you wipe yourself"
Q7_TEXT = "Is there now pain, numbness or weakness in both of your legs?"
Q8_TEXT = "Is a leg or foot getting weaker?"
REMAINING = "Do you want to answer the remaining questions for your clinician?"


def kinds() -> list[str]:
    db = open_database()
    try:
        with db.session() as s:
            return [r.kind for r in screenings.list_for(s, patients.local_patient_id(s))]
    finally:
        db.dispose()


def test_interactive_self_care_asks_each_question_and_saves_the_answers() -> None:
    result = run(input=lines("45", *ALL_NO_RED_FLAGS, *PATTERN))

    assert result.exit_code == 0, result.output
    assert Q7_TEXT in result.stdout
    assert "Is that weakness getting worse" not in result.stdout  # Q8a only after Q8 yes
    assert CES_TEXT not in one_line(result.stdout)  # CES_ASSESSED only after Q1–Q7
    assert "5: ankle, foot or toes" in result.stdout  # the zone legend
    assert "None of your answers is a warning sign." in result.stdout
    [row] = saved()
    assert row["answers"]["age"] == 45
    assert row["answers"]["S1"] == {
        "left": {"pain": 0, "numbness": 0},
        "right": {"pain": 4, "numbness": 3},
    }
    assert row["result"]["pattern"] == "PATTERN_SCIATICA"
    assert kinds() == ["full"]


def test_interactive_asks_again_after_an_answer_it_cannot_read() -> None:
    result = run(input=lines("old", "45", "maybe", *ALL_NO_RED_FLAGS, *PATTERN))

    assert result.exit_code == 0, result.output
    assert "Please type a whole number from 0 to 120." in result.stdout
    assert "Please type y, n or u." in result.stdout


def test_interactive_weakness_asks_whether_it_is_getting_worse() -> None:
    red_flags = [*BLOCK_NO, "y", "y", CONTINUE, "n", "n"] + ["n"] * 8 + ["n", "n"]

    result = run(input=lines("45", *red_flags, *PATTERN, "y", "y"))

    assert "Is that weakness getting worse over hours or days?" in result.stdout
    [row] = saved()
    assert row["answers"]["Q8a"] == "yes"
    assert row["result"]["action"] == "EMERGENCY_NOW"


# --- the Q1–Q7 block and its "already checked" follow-up (§9 ruling 1) ---------------------------


def test_interactive_asks_the_whole_block_then_the_follow_up_once_naming_the_yes_items() -> None:
    result = run(input=lines("45", *block(1, 4, assessed="n"), CONTINUE))

    out = one_line(result.stdout)
    assert out.count(CES_TEXT) == 1
    assert out.index(Q1_TEXT) < out.index(Q7_TEXT) < out.index("You said yes to:")
    named = out.split("You said yes to:", 1)[1].split(CES_TEXT, 1)[0]
    assert "numbness or pins and needles between your legs or around your bottom" in named
    assert "leaking urine, needing pads, or not being able to pee" in named
    assert "sex life" not in named


def test_interactive_emergency_is_shown_after_the_block_and_before_q8() -> None:
    result = run(input=lines("45", *block(1, assessed="n"), CONTINUE))

    out = result.stdout
    assert out.index(Q7_TEXT) < out.index("EMERGENCY") < out.index(REMAINING) < out.index(Q8_TEXT)
    panel = out.split("EMERGENCY", 1)[1].split(REMAINING, 1)[0]
    words = [line.strip("│ ") for line in panel.splitlines()[1:]]  # after the title line
    words = [w for w in words if w and not w.startswith(("╭", "╰"))]
    assert words[0] == "Go to an emergency department now, or call your emergency number."
    assert sum(w.startswith("Why:") for w in words) == 1
    assert "Why: You said there is numbness or pins and needles" in one_line(panel)
    assert "call 999" in panel and "call 911" in panel
    assert "exercise" not in out.lower()


@pytest.mark.parametrize(
    ("lang", "first"), [("en_AU.UTF-8", "Call 000 (Australia)"), ("C.UTF-8", "Call 112")]
)
def test_the_emergency_panel_calls_this_computers_country_first(
    monkeypatch: pytest.MonkeyPatch, lang: str, first: str
) -> None:
    """clinical-spec.md §9 ruling 10: the country of the terminal's language setting first,
    112 always; without a country, 112, 999 and 911."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang)
    result = run(input=lines("45", *block(1, assessed="n"), CONTINUE))

    panel = " ".join(result.stdout.split("EMERGENCY", 1)[1].split(REMAINING, 1)[0].split())
    calls = [part.split(")")[0] for part in panel.split("Call ")[1:]]
    assert panel.split("Call ", 1)[1].startswith(first.removeprefix("Call "))
    assert any(call.startswith("112") for call in calls)


def test_interactive_already_checked_and_no_worse_reaches_urgent_without_an_emergency() -> None:
    result = run(input=lines("45", *block(3, assessed="y"), *REST_NO, *PATTERN))

    assert result.exit_code == 0, result.output
    assert "EMERGENCY" not in result.stdout
    assert REMAINING not in result.stdout
    text = one_line(result.stdout)
    assert "Contact a doctor today." in text
    assert "A doctor already checked this, and it is no worse." in text
    [row] = saved()
    assert row["answers"]["CES_ASSESSED"] == "yes"
    assert row["result"]["action"] == "URGENT_24_48H"
    assert kinds() == ["full"]


def test_interactive_not_sure_whether_already_checked_stays_an_emergency() -> None:
    result = run(input=lines("45", *block(3, assessed="u"), ""))

    assert "EMERGENCY" in result.stdout
    assert "Not sure counts as no." in result.stdout
    [row] = saved()
    assert row["answers"]["CES_ASSESSED"] == "unsure"
    assert row["result"]["action"] == "EMERGENCY_NOW"


def test_interactive_stopping_after_an_emergency_saves_a_partial_screen_and_locks() -> None:
    # Q1 yes, not yet checked, stop (the default, an empty line), read it.
    result = run(input=lines("45", *block(1, assessed="n"), "", "y"))

    assert result.exit_code == 0, result.output
    assert Q8_TEXT not in result.stdout
    assert "The program stays locked" in result.stdout
    # the follow-up was just answered "no": the unlock question is not asked again
    assert one_line(result.stdout).count(CES_TEXT) == 1
    [row] = saved()
    assert row["answers"] == {
        "age": 45,
        "Q1": "yes",
        **dict.fromkeys(["Q2", "Q3", "Q4", "Q5", "Q6", "Q7"], "no"),
        "CES_ASSESSED": "no",
    }
    assert row["result"]["action"] == "EMERGENCY_NOW"
    assert row["result"]["reasons"][0]["item"] == "Q1"
    assert row["content_version"] == row["result"]["content_version"] != ""
    assert "pattern" not in row["result"]
    assert row["acknowledged"] and not row["assessed"]
    assert kinds() == ["partial"]

    session = runner.invoke(main_app, ["session", "--speed", "100000"], input="n\n")
    assert session.exit_code == 1
    assert "Go to an emergency department now" in session.output


# --- acknowledging and unlocking (§1, §9 ruling 1) ------------------------------------------------


def test_interactive_emergency_acknowledged_and_assessed_unlocks_the_program() -> None:
    red_flags = [*BLOCK_NO, "n", "n", "y", CONTINUE, *["n"] * 10]  # Q10: clumsy hands

    result = run(input=lines("45", *red_flags, *PATTERN, "y", "y"))

    assert result.exit_code == 0, result.output
    outcome = result.stdout.split("EMERGENCY", 1)[1]
    assert "exercise" not in outcome.lower()
    assert f"{CES_TEXT} y / n:" in one_line(outcome)  # the unlock question, in ruling 1's words
    assert "The program is unlocked." in outcome
    [row] = saved()
    assert row["acknowledged"] and row["assessed"]


def test_interactive_emergency_not_yet_assessed_stays_locked() -> None:
    red_flags = [*BLOCK_NO, "n", "n", "y", CONTINUE, *["n"] * 10]

    result = run(input=lines("45", *red_flags, *PATTERN, "y", "n"))

    assert "The program stays locked" in result.stdout
    [row] = saved()
    assert row["acknowledged"] and not row["assessed"]


def test_interactive_emergency_not_acknowledged_repeats_the_action() -> None:
    red_flags = [*BLOCK_NO, *["n"] * 9, "y", CONTINUE] + ["n"] * 3  # Q17 major trauma

    result = run(input=lines("45", *red_flags, *PATTERN, "n"))

    after_prompt = result.stdout.split("will you get help now?", 1)[1]
    assert "Go to an emergency department now" in after_prompt
    [row] = saved()
    assert not row["acknowledged"]


def test_interactive_partial_screen_acknowledged_and_assessed_unlocks() -> None:
    red_flags = [*BLOCK_NO, "n", "n", "y"]  # Q10: both hands clumsy

    result = run(input=lines("45", *red_flags, "n", "y", "y"))

    assert "Why: You said both hands are newly clumsy" in one_line(result.stdout)
    assert "The program is unlocked." in result.stdout
    [row] = saved()
    assert row["result"]["reasons"][0]["item"] == "Q10"
    assert row["acknowledged"] and row["assessed"]


def test_interactive_partial_screen_not_acknowledged_repeats_the_action() -> None:
    result = run(input=lines("45", *block(2, assessed="n"), "n", "n"))

    after_prompt = result.stdout.split("will you get help now?", 1)[1]
    assert "Go to an emergency department now" in after_prompt
    [row] = saved()
    assert not row["acknowledged"]


def test_interactive_stopped_by_end_of_input_inside_the_block_still_shows_and_saves_it() -> None:
    result = run(input=lines("45", "y", "n"))

    assert result.exit_code == 0, result.output
    assert "Go to an emergency department now" in result.stdout
    assert "The program stays locked" in result.stdout
    [row] = saved()
    assert row["answers"] == {"age": 45, "Q1": "yes", "Q2": "no"}
    assert row["result"]["action"] == "EMERGENCY_NOW"
    assert not row["acknowledged"]
    assert kinds() == ["partial"]


def test_interactive_stopped_by_end_of_input_after_an_emergency_still_saves_it() -> None:
    result = run(input=lines("45", *block(1, assessed="n"), CONTINUE, "n"))

    assert result.exit_code == 0, result.output
    assert "The program stays locked" in result.stdout
    [row] = saved()
    assert row["answers"]["Q8"] == "no"
    assert row["result"]["action"] == "EMERGENCY_NOW"
    assert not row["acknowledged"]


def test_interactive_continuing_after_an_emergency_asks_everything_and_saves_the_full_result() -> (
    None
):
    red_flags = [*BLOCK_NO, *["n"] * 9, "y", CONTINUE] + ["n"] * 3  # Q17 major trauma

    result = run(input=lines("45", *red_flags, *PATTERN, "y", "n"))

    assert result.exit_code == 0, result.output
    assert result.stdout.count(REMAINING) == 1
    assert "Does coughing, sneezing or straining" in result.stdout  # the last question
    [row] = saved()
    assert set(row["answers"]) >= {"Q20", "S6", "S2_leg"}
    assert row["result"]["action"] == "EMERGENCY_NOW"
    assert row["result"]["pattern"] == "PATTERN_SCIATICA"
    assert row["acknowledged"] and not row["assessed"]
    assert kinds() == ["full"]


def test_interactive_self_care_never_offers_to_stop() -> None:
    result = run(input=lines("45", *ALL_NO_RED_FLAGS, *PATTERN))

    assert REMAINING not in result.stdout
    assert "EMERGENCY" not in result.stdout


def test_interactive_stopped_early_exits_2_and_saves_nothing() -> None:
    result = run(input=lines("45", "n", "n"))

    assert result.exit_code == 2
    assert "nothing was saved" in result.stderr
    assert saved() == []


def test_the_session_lock_asks_the_unlock_question_in_the_words_of_ruling_1() -> None:
    run("--answers", str(ANSWERS / "emergency.json"))

    locked = runner.invoke(main_app, ["session", "--speed", "100000"], input="n\n")

    assert locked.exit_code == 1
    assert f"{CES_TEXT} y / n:" in one_line(locked.output)
    assert "Has a doctor checked you for this since it started? y / n" not in locked.output


# --- leg weakness feeds Q8 (§9 ruling 3) ----------------------------------------------------------

WEAK_PATTERN = ["0", "0", "4", "3", "6", "3", "y", "y", "y"]
"""S1, S2, S3, S4 and a yes to S5 (weakness in the leg or foot)."""


def test_leg_weakness_after_a_no_to_q8_asks_q8_again() -> None:
    # Q8 again: yes; Q8a: no; then S6.
    result = run(input=lines("45", *ALL_NO_RED_FLAGS, *WEAK_PATTERN, "y", "n", "n"))

    assert result.exit_code == 0, result.output
    out = one_line(result.stdout)
    asked = out.split("Is there weakness in your leg or foot?", 1)[1]
    assert "Please answer this question again." in asked
    assert (
        asked.index(Q8_TEXT)
        < asked.index("Is that weakness getting worse")
        < asked.index("Does coughing")
    )
    [row] = saved()
    assert (row["answers"]["Q8"], row["answers"]["Q8a"], row["answers"]["S5"]) == (
        "yes",
        "no",
        "yes",
    )
    assert row["result"]["action"] == "URGENT_24_48H"


def test_leg_weakness_getting_worse_when_asked_again_is_shown_at_once() -> None:
    result = run(input=lines("45", *ALL_NO_RED_FLAGS, *WEAK_PATTERN, "y", "y", "", "y", "n"))

    assert "Why: You said the weakness in your leg or foot is getting worse" in one_line(
        result.stdout
    )
    assert "Does coughing" not in result.stdout
    [row] = saved()
    assert row["answers"]["Q8a"] == "yes"
    assert kinds() == ["partial"]


def test_leg_weakness_with_q8_yes_does_not_ask_again() -> None:
    red_flags = [*BLOCK_NO, "y", "n", "n", "n"] + ["n"] * 8 + ["n", "n"]  # Q8 yes, Q8a no

    result = run(input=lines("45", *red_flags, *WEAK_PATTERN, "n"))

    assert result.exit_code == 0, result.output
    assert "Please answer this question again." not in result.stdout


# --- the re-check after a RED stop (§9 ruling 5) -------------------------------------------------


def test_recheck_asks_only_q1_to_q10_and_saves_a_recheck() -> None:
    result = run("--recheck", input=lines(*BLOCK_NO, "n", "y", "n"))

    assert result.exit_code == 0, result.output
    assert "How old are you" not in result.stdout
    assert "Have you ever had cancer" not in result.stdout
    assert "Contact a doctor today." in result.stdout
    assert "pattern" not in result.stdout
    [row] = saved()
    assert set(row["answers"]) == {*(f"Q{n}" for n in range(1, 11)), "Q8a", "CES_ASSESSED"}
    assert row["result"]["action"] == "URGENT_24_48H"
    assert kinds() == ["recheck"]


def test_recheck_shows_an_emergency_after_the_block_and_can_stop_there() -> None:
    result = run("--recheck", input=lines(*block(5, assessed="n"), "", "y"))

    assert "EMERGENCY" in result.stdout
    assert "The program stays locked" in result.stdout
    assert kinds() == ["partial"]


def test_recheck_from_a_file_prints_the_result_without_a_pattern() -> None:
    result = run("--recheck", "--answers", str(ANSWERS / "recheck_urgent.json"), "--json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"action", "reasons", "content_version"}
    assert data["action"] == "URGENT_24_48H"
    assert [r["item"] for r in data["reasons"]] == ["Q9"]
    assert kinds() == ["recheck"]


def test_recheck_from_a_file_names_an_item_it_does_not_ask(tmp_path: Path) -> None:
    path = _bad_file(tmp_path)  # a full screen's answers

    result = run("--recheck", "--answers", str(path), "--json")

    assert result.exit_code == 2
    assert "Q11" in result.stderr and "unknown item" in result.stderr
    assert saved() == []


# --- learn ----------------------------------------------------------------------------------------


def test_learn_lists_the_topics() -> None:
    result = runner.invoke(app, ["learn"])

    assert result.exit_code == 0
    for slug in ("what-is-sciatica", "causes", "red-flags", "exercise-program"):
        assert slug in result.stdout


def test_learn_prints_one_topic_with_its_sources() -> None:
    result = runner.invoke(app, ["learn", "what-is-sciatica"])

    assert result.exit_code == 0
    assert "What is sciatica?" in result.stdout
    assert "Sources: NICE" in result.stdout
    assert "Not a diagnosis." in result.stdout


def test_learn_json_gives_the_front_matter_and_body() -> None:
    result = runner.invoke(app, ["learn", "outlook", "--json"])

    page = json.loads(result.stdout)
    assert page["slug"] == "outlook"
    assert page["reviewed"] and page["sources"] and page["body"].startswith("# How long")


def test_learn_unknown_topic_exits_2_listing_the_topics() -> None:
    result = runner.invoke(app, ["learn", "sciatic"])

    assert result.exit_code == 2
    assert "unknown topic 'sciatic'" in result.stderr
    assert "what-is-sciatica" in result.stderr
