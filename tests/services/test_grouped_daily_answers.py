"""Q1–Q7 from the grouped question "Any of these today?" (clinical-spec.md §1, §9 rulings 2, 11).

The daily screen keeps its seven answers; these stories check how the one grouped answer and the
detail after it become those seven, always in the safer direction.
"""

from __future__ import annotations

from sciatica_care.domain.screening import screen_daily
from sciatica_care.services.checkins import grouped_daily_answers

ALL_NO = {f"Q{n}": "no" for n in range(1, 8)}


def test_no_to_the_group_is_no_to_all_seven_and_self_care() -> None:
    answers = grouped_daily_answers("no", {})

    assert answers == ALL_NO
    assert screen_daily(answers).action.value == "SELF_CARE"


def test_a_yes_in_the_detail_stands_even_after_no_to_the_group() -> None:
    answers = grouped_daily_answers("no", {"Q4": "yes"})

    assert answers == {**ALL_NO, "Q4": "yes"}
    assert screen_daily(answers).action.value == "EMERGENCY_NOW"


def test_yes_naming_one_item_leaves_the_others_no() -> None:
    assert grouped_daily_answers("yes", {"Q2": "unsure"}) == {**ALL_NO, "Q2": "unsure"}


def test_yes_without_naming_any_item_is_not_sure_for_all_seven() -> None:
    answers = grouped_daily_answers("yes", {})

    assert set(answers.values()) == {"unsure"}
    assert screen_daily(answers).action.value == "EMERGENCY_NOW"


def test_yes_then_no_to_every_item_keeps_what_was_said() -> None:
    assert grouped_daily_answers("yes", ALL_NO) == ALL_NO


def test_both_legs_on_the_map_after_a_yes_answers_question_7() -> None:
    answers = grouped_daily_answers("yes", {"Q1": "yes"}, both_legs_on_map=True)

    assert answers["Q7"] == "yes"


def test_both_legs_on_the_map_never_overrules_an_answered_question_7() -> None:
    answers = grouped_daily_answers("yes", {"Q7": "no", "Q1": "yes"}, both_legs_on_map=True)

    assert answers["Q7"] == "no"  # the form then asks to check question 7


def test_the_same_rule_with_a_doctor_already_checking_it_is_urgent() -> None:
    answers = grouped_daily_answers("yes", {"Q1": "yes"})

    assert screen_daily({**answers, "CES_ASSESSED": "yes"}).action.value == "URGENT_24_48H"


def test_no_group_answer_returns_only_what_was_answered() -> None:
    assert grouped_daily_answers("", {"Q1": "no"}) == {"Q1": "no"}
