"""Outcome questionnaires (clinical-spec.md §3): scoring, schedule and meaningful change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sciatica_care.content.errors import ContentError
from sciatica_care.content.questionnaires import load_questionnaires, questionnaire_set
from sciatica_care.domain.questionnaires import (
    QuestionnaireError,
    describe_activity_change,
    describe_change,
    describe_grc,
    due_questionnaires,
    score,
    score_grc,
    score_nprs,
    score_psfs,
    score_sbi,
)

START = dt.date(2025, 3, 3)
SBI_ITEMS = ["leg_pain", "numbness", "weakness", "sitting_pain"]


def week(n: float) -> dt.date:
    return START + dt.timedelta(days=round(n * 7))


# --- content ------------------------------------------------------------------------------------


def test_packaged_questionnaires_are_the_recommended_free_set() -> None:
    ids = [q.id for q in questionnaire_set().questionnaires]

    assert ids == ["nprs", "sbi", "psfs", "grc"]
    assert questionnaire_set().get("sbi").maximum == 24


def test_a_broken_questionnaire_file_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "questionnaires.yaml"
    path.write_text("version: '1'\nquestionnaires:\n  - id: sbi\n    name: x\n", encoding="utf-8")

    with pytest.raises(ContentError, match=r"questionnaires.yaml: questionnaires\.0\.full_name"):
        load_questionnaires(path)


# --- scoring ------------------------------------------------------------------------------------


def test_sbi_is_the_sum_of_four_items() -> None:
    result = score_sbi({"leg_pain": 5, "numbness": 3, "weakness": 0, "sitting_pain": 6})

    assert (result.total, result.minimum, result.maximum) == (14, 0, 24)


def test_psfs_is_the_mean_of_the_named_activities() -> None:
    result = score_psfs({"Walking to the shop": 3, "Sitting at work": 4, "Sleeping": 8})

    assert result.total == 5
    assert result.answers["Sleeping"] == 8


def test_grc_and_nprs_keep_their_single_ratings() -> None:
    assert score_grc(-3).total == -3
    nprs = score_nprs(leg=7, back=2)
    assert nprs.total is None
    assert nprs.answers == {"leg": 7, "back": 2}


@pytest.mark.parametrize(
    ("questionnaire", "answers", "message"),
    [
        ("sbi", {"leg_pain": 7, "numbness": 0, "weakness": 0, "sitting_pain": 0}, "sbi.leg_pain"),
        ("sbi", {"leg_pain": 1, "numbness": 0, "weakness": 0}, "sbi.sitting_pain: missing"),
        ("sbi", {**dict.fromkeys(SBI_ITEMS, 1), "mood": 2}, "sbi.mood: not a question"),
        ("sbi", {**dict.fromkeys(SBI_ITEMS, 1), "weakness": True}, "sbi.weakness: answer must"),
        ("sbi", {**dict.fromkeys(SBI_ITEMS, 1), "weakness": 2.5}, "sbi.weakness: answer must"),
        ("psfs", {"Walking": 3, "Sitting": 4}, "psfs.activities: name 3 to 5"),
        ("psfs", {"Walking": 3, "walking ": 4, "Sleeping": 1}, "psfs.walking: activity named"),
        ("psfs", {"Walking": 3, "Sitting": 11, "Sleeping": 1}, "psfs.Sitting: answer 11"),
        ("psfs", {"Walking": 3, " ": 1, "Sleeping": 1}, "psfs.activities: each name"),
        ("grc", {"change": 6}, "grc.change: answer 6 is outside -5 to 5"),
        ("odi", {}, "questionnaire: unknown 'odi'"),
    ],
)
def test_bad_answers_name_the_item(
    questionnaire: str, answers: dict[str, Any], message: str
) -> None:
    with pytest.raises(QuestionnaireError) as error:
        score(questionnaire, answers)

    assert str(error.value).startswith(message)


@given(st.lists(st.integers(0, 6), min_size=4, max_size=4))
def test_sbi_total_stays_within_0_to_24(values: list[int]) -> None:
    result = score_sbi(dict(zip(SBI_ITEMS, values, strict=True)))

    assert result.total is not None
    assert result.minimum <= result.total <= result.maximum == 24
    assert result.total == sum(values)


@given(
    st.dictionaries(st.text(min_size=1, max_size=20), st.integers(0, 10), min_size=3, max_size=5)
)
def test_psfs_mean_stays_within_its_activity_ratings(ratings: dict[str, int]) -> None:
    names = {name.strip().casefold() for name in ratings}
    if len(names) != len(ratings) or "" in names:
        with pytest.raises(QuestionnaireError):
            score_psfs(ratings)
        return

    result = score_psfs(ratings)

    assert result.total is not None
    assert min(ratings.values()) - 0.01 <= result.total <= max(ratings.values()) + 0.01


@given(st.integers(-20, 20))
def test_grc_accepts_exactly_minus_five_to_plus_five(rating: int) -> None:
    if -5 <= rating <= 5:
        assert score_grc(rating).total == rating
    else:
        with pytest.raises(QuestionnaireError):
            score_grc(rating)


# --- schedule (§3) ------------------------------------------------------------------------------


def test_at_the_start_sbi_and_psfs_are_due_but_not_grc() -> None:
    assert due_questionnaires(START, START, {}) == ["sbi", "psfs"]


def test_nothing_is_due_before_the_start() -> None:
    assert due_questionnaires(START, START - dt.timedelta(days=1), {}) == []


def test_sbi_weekly_and_psfs_every_two_weeks() -> None:
    done = {"sbi": START, "psfs": START}

    assert due_questionnaires(START, week(0.9), done) == []
    assert due_questionnaires(START, week(1), done) == ["sbi"]
    assert due_questionnaires(START, week(2), {"sbi": week(1), "psfs": START}) == [
        "sbi",
        "psfs",
        "grc",
    ]


def test_grc_is_due_at_weeks_2_6_and_12_until_done() -> None:
    repeating_done = {"sbi": week(5.9), "psfs": week(5.9)}

    assert "grc" in due_questionnaires(START, week(2), {})
    assert "grc" not in due_questionnaires(START, week(3), {"grc": week(2)})
    assert "grc" not in due_questionnaires(START, week(5.9), {"grc": week(2), **repeating_done})
    assert "grc" in due_questionnaires(START, week(6), {"grc": week(2)})
    assert "grc" in due_questionnaires(START, week(12), {"grc": week(6)})
    assert "grc" not in due_questionnaires(START, week(13), {"grc": week(12)})
    assert "grc" not in due_questionnaires(START, week(20), {"grc": week(6)})


def test_answers_from_before_the_start_do_not_count() -> None:
    assert due_questionnaires(START, START, {"sbi": START - dt.timedelta(days=1)}) == [
        "sbi",
        "psfs",
    ]


# --- meaningful change (§3) ---------------------------------------------------------------------


def test_leg_pain_down_three_points_is_a_change_that_matters() -> None:
    reading = describe_change("nprs", 7, 4, item="leg")

    assert reading.text == (
        "Leg pain down 3 points since you started (from 7 to 4): a change that matters."
    )
    assert (reading.meaningful, reading.improved, reading.change) == (True, True, -3)


def test_nprs_thirty_percent_counts_even_below_two_points() -> None:
    assert describe_change("nprs", 3, 2, item="leg").meaningful is True
    assert describe_change("nprs", 5, 4, item="back").meaningful is False


def test_nprs_worsening_that_matters_suggests_sharing_it() -> None:
    reading = describe_change("nprs", 3, 5, item="leg")

    assert reading.improved is False
    assert reading.text.endswith("a change that matters. Share it with your clinician.")


def test_nprs_needs_leg_or_back() -> None:
    with pytest.raises(QuestionnaireError, match=r"nprs\.item"):
        describe_change("nprs", 3, 5)


def test_sbi_changes_are_read_against_measurement_error_only() -> None:
    small = describe_change("sbi", 12, 9)
    large = describe_change("sbi", 16, 6)

    assert small.meaningful is None
    assert "within the usual measurement error of about 5 points" in small.text
    assert "likely a real change" in large.text
    assert "no agreed size of change" in large.text
    assert "doing well a year later" in large.text


def test_psfs_average_two_points_matter_and_one_activity_three() -> None:
    assert describe_change("psfs", 3, 5).meaningful is True
    assert describe_change("psfs", 3, 4.5).meaningful is False
    assert describe_activity_change("Walking", 2, 5).meaningful is True
    assert describe_activity_change("Walking", 2, 4).meaningful is False


def test_grc_minimal_important_change_is_two_and_a_half() -> None:
    assert describe_grc(3).meaningful is True
    assert describe_grc(-3).text.endswith("Share it with your clinician.")
    assert describe_grc(2).meaningful is False
    assert describe_grc(0).improved is None


def test_scores_out_of_range_are_refused() -> None:
    with pytest.raises(QuestionnaireError, match=r"sbi\.after"):
        describe_change("sbi", 3, 30)


@given(st.integers(0, 10), st.integers(0, 10))
def test_nprs_reading_direction_matches_the_numbers(before: int, after: int) -> None:
    reading = describe_change("nprs", before, after, item="leg")

    assert reading.change == after - before
    assert reading.improved == (None if before == after else after < before)
    if abs(after - before) >= 2:
        assert reading.meaningful is True
    if before == after:
        assert reading.meaningful is False
