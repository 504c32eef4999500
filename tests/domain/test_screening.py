"""The red-flag screen and the sciatica pattern (clinical-spec.md §1, §2, §8.1, §8.2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from sciatica_care.content.triage import QuestionKind, triage_content
from sciatica_care.domain import body_map, diary
from sciatica_care.domain.screening import (
    DAILY_ITEMS,
    RECHECK_ITEMS,
    Action,
    Answers,
    BodyMap,
    Pattern,
    ScreeningError,
    action_message,
    ask_again,
    assessed_topics,
    locks_program,
    parse_answers,
    parse_answers_so_far,
    pauses_progression,
    screen,
    screen_daily,
    screen_recheck,
    screen_so_far,
    should_ask,
    unlock_question,
)

VIGNETTES_FILE = Path(__file__).parents[1] / "data" / "screening_vignettes.yaml"
_DATA = yaml.safe_load(VIGNETTES_FILE.read_text(encoding="utf-8"))
BASELINE: dict[str, Any] = _DATA["baseline"]
VIGNETTES: list[dict[str, Any]] = _DATA["vignettes"]
YES_NO_ITEMS = [q.id for q in triage_content().questions if q.kind is QuestionKind.YES_NO]
FLAG_ITEMS = [item for item in YES_NO_ITEMS if item != "CES_ASSESSED"]


def answers_with(**changes: Any) -> dict[str, Any]:
    return {**BASELINE, **changes}


# --- vignettes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["name"] for v in VIGNETTES])
def test_vignette(vignette: dict[str, Any]) -> None:
    result = screen(answers_with(**vignette["answers"]))

    assert result.action == vignette["action"]
    assert result.pattern == vignette["pattern"]
    assert [[r.item, r.action] for r in result.reasons] == vignette["reasons"]
    texts = {r.item: r.text for r in result.reasons}
    for item, words in vignette.get("text_contains", {}).items():
        assert words in texts[item]


def test_there_are_at_least_forty_vignettes() -> None:
    assert len(VIGNETTES) >= 40


def test_every_question_that_raises_an_action_has_a_vignette_alone() -> None:
    alone = {
        next(iter(v["answers"]))
        for v in VIGNETTES
        if len(v["answers"]) == 1 and next(iter(v["answers"].values())) == "yes"
    }
    raising = {q.id for q in triage_content().questions if q.action is not None}
    assert raising <= alone


def test_every_combination_rule_is_exercised_by_a_vignette() -> None:
    fired: set[str] = set()
    rules = triage_content().rules
    for vignette in VIGNETTES:
        texts = {r.text for r in screen(answers_with(**vignette["answers"])).reasons}
        fired |= {rule.id for rule in rules if any(t.startswith(rule.reason) for t in texts)}
    assert fired == {rule.id for rule in rules}


# --- the §8.2 result ------------------------------------------------------------------------------


def test_result_dumps_exactly_the_machine_format() -> None:
    result = screen(answers_with(Q11="yes"))

    assert result.model_dump() == {
        "action": "URGENT_24_48H",
        "pattern": "PATTERN_BACK_DOMINANT",
        "reasons": [
            {
                "item": "Q11",
                "action": "URGENT_24_48H",
                "text": "You said you had cancer in the past.",
            }
        ],
        "content_version": triage_content().version,
    }
    assert json.loads(json.dumps(result.model_dump())) == result.model_dump(mode="json")


def test_pattern_text_names_the_answers_that_shaped_it() -> None:
    result = screen(answers_with(S3="yes", S2_leg=6, S2_back=3))

    assert result.pattern_text.startswith(
        "Your answers fit a pattern often seen with sciatica: pain below the knee, "
        "leg pain worse than back pain. Only a clinician can confirm it."
    )


def test_equal_leg_and_back_pain_is_described_as_equal_not_worse() -> None:
    result = screen(answers_with(S3="yes", S2_leg=4, S2_back=4))

    assert "leg pain as bad as back pain" in result.pattern_text
    assert "worse than back pain" not in result.pattern_text


def test_cough_pain_adds_supporting_text_to_a_sciatica_pattern() -> None:
    without = screen(answers_with(S3="yes", S2_leg=6, S2_back=3))
    with_cough = screen(answers_with(S3="yes", S2_leg=6, S2_back=3, S6="yes"))

    assert with_cough.pattern == without.pattern
    assert "cough" in with_cough.pattern_text
    assert "cough" not in without.pattern_text


def test_every_reason_names_an_answer() -> None:
    every_flag = answers_with(**dict.fromkeys(FLAG_ITEMS, "yes"), age=70)
    reasons = screen(every_flag).reasons

    assert {r.item for r in reasons} == {q.id for q in triage_content().questions if q.action}
    assert all(r.text.startswith("You said") for r in reasons)


# --- parsing §8.1 ---------------------------------------------------------------------------------


def test_optional_items_may_be_left_out() -> None:
    answers = parse_answers(BASELINE)

    assert answers.Q8a == "no"
    assert answers.CES_ASSESSED == "no"
    assert answers.S1 is None


@pytest.mark.parametrize("item", ["Q1", "Q14", "Q20", "age", "S2_leg", "S2_back", "S3", "S6"])
def test_a_missing_item_is_named(item: str) -> None:
    data = dict(BASELINE)
    del data[item]

    with pytest.raises(ScreeningError, match=rf"^{item}: missing") as caught:
        parse_answers(data)
    assert caught.value.items == (item,)


def test_an_unknown_item_is_named() -> None:
    with pytest.raises(ScreeningError, match=r"Q21: unknown item"):
        parse_answers(answers_with(Q21="no"))


@pytest.mark.parametrize(
    ("item", "value"),
    [
        ("age", -1),
        ("age", 121),
        ("age", 40.5),
        ("age", "40"),
        ("S2_leg", 11),
        ("S2_back", -1),
        ("S2_leg", True),
    ],
)
def test_an_out_of_range_number_is_named(item: str, value: object) -> None:
    with pytest.raises(ScreeningError, match=rf"^{item}: must be a whole number"):
        parse_answers(answers_with(**{item: value}))


@pytest.mark.parametrize("value", ["maybe", "YES", True, None, 1])
def test_a_yes_no_item_takes_only_yes_no_or_unsure(value: object) -> None:
    with pytest.raises(ScreeningError, match=r"^Q5: must be 'yes', 'no' or 'unsure'"):
        parse_answers(answers_with(Q5=value))


def test_a_body_map_zone_out_of_range_is_named_by_its_path() -> None:
    body_map = {"left": {"pain": 6, "numbness": 0}, "right": {"pain": 0, "numbness": 0}}

    with pytest.raises(
        ScreeningError, match=r"^S1\.left\.pain: must be a whole number from 0 to 5"
    ):
        parse_answers(answers_with(S1=body_map))


def test_a_body_map_zone_given_as_text_is_refused() -> None:
    body_map = {"left": {"pain": "3", "numbness": 0}, "right": {"pain": 0, "numbness": 0}}

    with pytest.raises(ScreeningError, match=r"^S1\.left\.pain: must be a whole number"):
        parse_answers(answers_with(S1=body_map))


def test_a_body_map_with_a_part_left_out_names_it_instead_of_guessing_zero() -> None:
    with pytest.raises(ScreeningError) as caught:
        parse_answers(answers_with(S1={"left": {"pain": 4}}))

    assert set(caught.value.items) == {"S1.left.numbness", "S1.right"}
    assert ("S1.right", "missing") in caught.value.problems


def test_answers_that_are_not_an_object_are_refused() -> None:
    with pytest.raises(ScreeningError, match=r"^answers: must be an object"):
        parse_answers(["Q1", "no"])


def test_several_problems_are_all_named() -> None:
    data = answers_with(S2_leg=12, Q99="yes")
    del data["Q3"]

    with pytest.raises(ScreeningError) as caught:
        parse_answers(data)
    assert set(caught.value.items) == {"Q3", "S2_leg", "Q99"}


# --- daily check-in -------------------------------------------------------------------------------


def test_daily_check_in_with_no_cauda_equina_signs_is_self_care() -> None:
    result = screen_daily(dict.fromkeys(DAILY_ITEMS, "no"))

    assert result.action is Action.SELF_CARE
    assert result.reasons == []
    assert result.content_version == triage_content().version


def test_daily_check_in_new_bladder_problem_is_an_emergency() -> None:
    result = screen_daily({**dict.fromkeys(DAILY_ITEMS, "no"), "Q4": "yes"})

    assert result.action is Action.EMERGENCY_NOW
    assert [r.item for r in result.reasons] == ["Q4"]


def test_daily_check_in_assessed_and_unchanged_is_urgent() -> None:
    answers = {**dict.fromkeys(DAILY_ITEMS, "no"), "Q7": "yes", "CES_ASSESSED": "yes"}

    assert screen_daily(answers).action is Action.URGENT_24_48H


def test_daily_check_in_refuses_items_of_the_full_screen() -> None:
    with pytest.raises(ScreeningError, match=r"Q8: unknown item"):
        screen_daily({**dict.fromkeys(DAILY_ITEMS, "no"), "Q8": "yes"})


def test_daily_check_in_names_a_missing_item() -> None:
    answers = dict.fromkeys(DAILY_ITEMS, "no")
    del answers["Q6"]

    with pytest.raises(ScreeningError, match=r"^Q6: missing"):
        screen_daily(answers)


# --- the re-check after a RED stop (§9 ruling 5) -------------------------------------------------

RECHECK_NO = dict.fromkeys([i for i in RECHECK_ITEMS if i not in ("Q8a", "CES_ASSESSED")], "no")


def test_recheck_asks_q1_to_q10_with_their_follow_ups() -> None:
    assert list(RECHECK_ITEMS) == [*DAILY_ITEMS, "CES_ASSESSED", "Q8", "Q8a", "Q9", "Q10"]
    result = screen_recheck(RECHECK_NO)

    assert (result.action, result.reasons) == (Action.SELF_CARE, [])
    assert "pattern" not in result.model_dump()


@pytest.mark.parametrize(
    ("changes", "action", "items"),
    [
        ({"Q9": "yes"}, Action.URGENT_24_48H, ["Q9"]),
        ({"Q10": "unsure"}, Action.EMERGENCY_NOW, ["Q10"]),
        ({"Q8": "yes", "Q8a": "yes"}, Action.EMERGENCY_NOW, ["Q8a", "Q8"]),
        ({"Q8a": "yes"}, Action.EMERGENCY_NOW, ["Q8a"]),
        ({"Q7": "yes", "Q8": "yes"}, Action.EMERGENCY_NOW, ["Q7", "Q8"]),
        ({"Q2": "yes", "CES_ASSESSED": "yes"}, Action.URGENT_24_48H, ["Q2"]),
        ({"Q2": "yes", "CES_ASSESSED": "unsure"}, Action.EMERGENCY_NOW, ["Q2"]),
    ],
)
def test_recheck_uses_the_same_rules_as_the_full_screen(
    changes: dict[str, str], action: Action, items: list[str]
) -> None:
    result = screen_recheck({**RECHECK_NO, **changes})

    assert result.action is action
    assert [r.item for r in result.reasons] == items
    full = screen(answers_with(**changes))
    assert result.reasons == [r for r in full.reasons if r.item in RECHECK_ITEMS]


def test_recheck_refuses_items_it_does_not_ask_and_names_missing_ones() -> None:
    with pytest.raises(ScreeningError, match=r"Q11: unknown item"):
        screen_recheck({**RECHECK_NO, "Q11": "yes"})
    answers = dict(RECHECK_NO)
    del answers["Q9"]
    with pytest.raises(ScreeningError, match=r"^Q9: missing"):
        screen_recheck(answers)


# --- actions and what they lock -------------------------------------------------------------------


def test_actions_are_ordered_by_urgency() -> None:
    assert sorted(Action) == [
        Action.SELF_CARE,
        Action.ROUTINE,
        Action.URGENT_24_48H,
        Action.EMERGENCY_NOW,
    ]
    assert max(Action.ROUTINE, Action.EMERGENCY_NOW, Action.URGENT_24_48H) is Action.EMERGENCY_NOW


def test_only_an_emergency_locks_the_program() -> None:
    assert [a for a in Action if locks_program(a)] == [Action.EMERGENCY_NOW]


def test_urgent_and_emergency_pause_progression() -> None:
    assert [a for a in Action if pauses_progression(a)] == [
        Action.URGENT_24_48H,
        Action.EMERGENCY_NOW,
    ]


def test_emergency_message_puts_the_action_first() -> None:
    message = action_message(Action.EMERGENCY_NOW)

    assert message.headline.startswith("Go to an emergency department now")
    assert "emergency number" in message.headline


def test_every_action_says_what_to_do_and_by_when() -> None:
    for action in Action:
        message = action_message(action)
        assert message.headline and message.by_when and message.what_to_do


# --- which questions are asked --------------------------------------------------------------------


def test_q8a_is_asked_only_after_a_yes_or_unsure_to_q8() -> None:
    triage = triage_content()
    q8a = triage.question("Q8a")

    assert not should_ask(q8a, {"Q8": "no"}, triage)
    assert should_ask(q8a, {"Q8": "yes"}, triage)
    assert should_ask(q8a, {"Q8": "unsure"}, triage)


def test_assessed_question_is_asked_only_after_a_cauda_equina_yes() -> None:
    triage = triage_content()
    assessed = triage.question("CES_ASSESSED")

    assert not should_ask(assessed, dict.fromkeys(DAILY_ITEMS, "no"), triage)
    assert should_ask(assessed, {**dict.fromkeys(DAILY_ITEMS, "no"), "Q6": "yes"}, triage)


def test_the_assessed_follow_up_names_the_items_answered_yes() -> None:
    replies = {**dict.fromkeys(DAILY_ITEMS, "no"), "Q1": "yes", "Q4": "unsure", "Q7": "no"}

    topics = assessed_topics(replies)

    assert topics == [
        triage_content().question("Q1").topic,
        triage_content().question("Q4").topic,
    ]
    assert assessed_topics({"Q1": "no"}) == []


def test_the_assessed_follow_up_and_the_unlock_use_the_words_of_ruling_1() -> None:
    wording = (
        "Has a doctor checked you for this since it started, and is it no worse and no "
        "different since?"
    )

    assert triage_content().question("CES_ASSESSED").text == wording
    assert unlock_question() == wording


def test_leg_weakness_after_a_no_to_q8_asks_q8_again() -> None:
    triage = triage_content()
    s5 = triage.question("S5")

    again = ask_again(s5, {"Q8": "no", "S5": "yes"}, triage)

    assert again is not None and again.id == "Q8"
    assert ask_again(s5, {"Q8": "no", "S5": "unsure"}, triage) == again
    assert ask_again(s5, {"Q8": "yes", "S5": "yes"}, triage) is None
    assert ask_again(s5, {"Q8": "no", "S5": "no"}, triage) is None
    assert ask_again(triage.question("S4"), {"Q8": "no", "S4": "yes"}, triage) is None


def test_questions_in_the_content_match_the_machine_format() -> None:
    assert {q.id for q in triage_content().questions} == set(Answers.model_fields)


# --- properties -----------------------------------------------------------------------------------

_replies = st.sampled_from(["yes", "no", "unsure"])
_zone = st.integers(0, 5)
_side = st.fixed_dictionaries({"pain": _zone, "numbness": _zone})


@st.composite
def full_answers(draw: st.DrawFn) -> dict[str, Any]:
    answers: dict[str, Any] = {item: draw(_replies) for item in YES_NO_ITEMS}
    answers["age"] = draw(st.integers(0, 120))
    answers["S2_leg"] = draw(st.integers(0, 10))
    answers["S2_back"] = draw(st.integers(0, 10))
    if draw(st.booleans()):
        answers["S1"] = {"left": draw(_side), "right": draw(_side)}
    return answers


@given(full_answers(), st.sampled_from(FLAG_ITEMS), st.sampled_from(["yes", "unsure"]))
def test_turning_a_no_into_a_yes_never_lowers_the_action(
    answers: dict[str, Any], item: str, new_reply: str
) -> None:
    """One exception, by §9 ruling 2: with the body map in both legs and CES_ASSESSED yes, a yes
    to Q7 lets the assessment cover the body map too (see the next test)."""
    assume(
        not (
            item == "Q7"
            and answers["CES_ASSESSED"] == "yes"
            and body_map.in_both_legs(answers.get("S1"))
        )
    )
    before = screen({**answers, item: "no"}).action
    after = screen({**answers, item: new_reply}).action

    assert after >= before


@given(full_answers(), st.integers(0, 120))
def test_being_older_never_lowers_the_action(answers: dict[str, Any], older_by: int) -> None:
    before = screen(answers).action
    after = screen({**answers, "age": min(120, answers["age"] + older_by)}).action

    assert after >= before


def test_both_legs_on_the_body_map_are_lowered_only_with_q7_answered_yes_and_assessed() -> None:
    both = {"left": {"pain": 4, "numbness": 0}, "right": {"pain": 3, "numbness": 0}}

    not_named = screen(answers_with(S1=both, CES_ASSESSED="yes"))
    named = screen(answers_with(S1=both, Q7="yes", CES_ASSESSED="yes"))

    assert not_named.action is Action.EMERGENCY_NOW
    assert named.action is Action.URGENT_24_48H


@given(full_answers())
def test_the_action_is_the_highest_reason_and_self_care_has_none(answers: dict[str, Any]) -> None:
    result = screen(answers)

    if result.reasons:
        assert result.action == max(r.action for r in result.reasons)
    else:
        assert result.action is Action.SELF_CARE
    assert result.pattern in set(Pattern)


@given(full_answers())
def test_assessed_never_lowers_a_cauda_equina_yes_below_urgent(answers: dict[str, Any]) -> None:
    answers = {**answers, "Q1": "yes", "CES_ASSESSED": "yes"}

    assert screen(answers).action >= Action.URGENT_24_48H


# --- answers so far (an emergency shown before the rest of the questions) ------------------------


def test_no_answers_yet_is_self_care() -> None:
    result = screen_so_far({})

    assert (result.action, result.reasons) == (Action.SELF_CARE, [])
    assert result.content_version == triage_content().content_version


@pytest.mark.parametrize("item", ["Q1", "Q4", "Q7", "Q10", "Q17"])
def test_an_emergency_answer_is_an_emergency_on_its_own(item: str) -> None:
    result = screen_so_far({"age": 45, item: "yes"})

    assert result.action is Action.EMERGENCY_NOW
    assert result.top_reason is not None and result.top_reason.item == item
    assert "pattern" not in result.model_dump()


def test_unsure_counts_as_yes_so_far_and_says_so() -> None:
    result = screen_so_far({"Q2": "unsure"})

    assert result.action is Action.EMERGENCY_NOW
    assert result.reasons[0].text.endswith(triage_content().unsure_note)


def test_combination_rules_apply_to_the_answers_so_far() -> None:
    replies = {"Q8": "yes", "Q8a": "no", "Q9": "yes", "Q10": "no", "Q11": "yes"}

    result = screen_so_far(replies)

    assert result.action is Action.EMERGENCY_NOW
    assert result.top_reason is not None and result.top_reason.item == "Q11"


def test_a_body_map_in_both_legs_so_far_is_an_emergency() -> None:
    both = {"pain": 3, "numbness": 0}

    assert screen_so_far({"S1": {"left": both, "right": both}}).action is Action.EMERGENCY_NOW
    assert screen_so_far({"S1": {"left": "?"}}).action is Action.SELF_CARE


def test_both_legs_on_the_body_map_count_as_q7_in_the_rules_so_far() -> None:
    both = {"pain": 0, "numbness": 3}

    result = screen_so_far(
        {"Q1": "yes", "CES_ASSESSED": "yes", "Q11": "yes", "S1": {"left": both, "right": both}}
    )

    assert result.action is Action.EMERGENCY_NOW
    assert [r.item for r in result.reasons] == ["Q11", "S1", "Q1"]


def test_worsening_weakness_so_far_is_an_emergency_without_q8() -> None:
    assert screen_so_far({"Q8a": "yes"}).action is Action.EMERGENCY_NOW


def test_answers_so_far_are_checked_item_by_item_but_may_be_incomplete() -> None:
    assert parse_answers_so_far({"age": 45, "Q1": "yes"}) == {"age": 45, "Q1": "yes"}
    with pytest.raises(ScreeningError) as caught:
        parse_answers_so_far({"Q1": "maybe", "Q99": "no", "age": 200})
    assert set(caught.value.items) == {"Q1", "Q99", "age"}


def test_so_far_agrees_with_the_daily_check_in() -> None:
    daily = {item: "no" for item in DAILY_ITEMS} | {"Q3": "yes", "CES_ASSESSED": "yes"}

    assert screen_so_far(daily) == screen_daily(daily)


@given(full_answers())
def test_answers_so_far_never_overstate_the_full_screen_and_match_it_at_the_end(
    answers: dict[str, Any],
) -> None:
    """In question order with CES_ASSESSED "no" (the only answer that lowers), each prefix gives
    at most the final action, so an early emergency is never taken back by a later answer."""
    answers = {**answers, "CES_ASSESSED": "no"}
    full = screen(answers)
    so_far: dict[str, Any] = {}
    for question in triage_content().questions:
        if question.id in answers:
            so_far[question.id] = answers[question.id]
            assert screen_so_far(so_far).action <= full.action
    assert screen_so_far(so_far).action == full.action
    assert screen_so_far(so_far).reasons == full.reasons


# --- one body map ---------------------------------------------------------------------------------


def test_the_diary_and_the_screen_share_one_body_map() -> None:
    assert diary.BodyMap is BodyMap is body_map.BodyMap
    assert diary.LEG_ZONE == body_map.LEG_ZONE == 3
    entry = diary.CheckIn.model_validate(
        {
            "day": "2026-01-05",
            "leg_pain": 3,
            "back_pain": 2,
            "zones": {"left": {"pain": 3}, "right": {"numbness": 3}},
        }
    )
    assert diary.symptoms_in_both_legs(entry) is entry.zones.both_legs is True
