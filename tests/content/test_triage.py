"""Loading ``triage.yaml``: the packaged file is complete, and a broken one fails naming the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sciatica_care.content.errors import ContentError
from sciatica_care.content.triage import TRIAGE_FILE, Action, QuestionKind, load_triage


def _packaged() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(TRIAGE_FILE.read_text(encoding="utf-8"))
    return data


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "triage.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_packaged_triage_has_every_question_of_the_spec() -> None:
    ids = {q.id for q in load_triage().questions}

    assert {f"Q{n}" for n in range(1, 21)} | {"Q8a", "CES_ASSESSED"} <= ids
    assert {"S1", "S2_leg", "S2_back", "S3", "S4", "S5", "S6", "age"} <= ids


def test_packaged_triage_has_a_message_for_every_action() -> None:
    assert set(load_triage().actions) == set(Action)


def test_every_yes_no_flag_question_counts_unsure_as_yes_except_assessed() -> None:
    lowering = [
        q.id
        for q in load_triage().questions
        if q.kind is QuestionKind.YES_NO and not q.unsure_counts_as_yes
    ]

    assert lowering == ["CES_ASSESSED"]


def test_a_rule_naming_an_unknown_question_is_refused(tmp_path: Path) -> None:
    data = _packaged()
    data["rules"][0]["when"] = {"all_yes": ["Q8", "Q99"]}

    with pytest.raises(ContentError, match=r"triage.yaml: .*rule weakness-with-both-legs.*Q99"):
        load_triage(_write(tmp_path, data))


def test_a_rule_with_an_empty_condition_is_refused(tmp_path: Path) -> None:
    data = _packaged()
    data["rules"][0]["when"] = {}

    with pytest.raises(ContentError, match=r"rules.0.when: .*needs at least one"):
        load_triage(_write(tmp_path, data))


def test_a_missing_action_message_is_refused(tmp_path: Path) -> None:
    data = _packaged()
    del data["actions"]["ROUTINE"]

    with pytest.raises(ContentError, match=r"actions missing text: ROUTINE"):
        load_triage(_write(tmp_path, data))


def test_an_unknown_action_code_names_the_question(tmp_path: Path) -> None:
    data = _packaged()
    data["questions"][1]["action"] = "SOON"

    with pytest.raises(ContentError, match=r"questions\.1\.action"):
        load_triage(_write(tmp_path, data))


def _question(data: dict[str, Any], item: str) -> dict[str, Any]:
    question: dict[str, Any] = next(q for q in data["questions"] if q["id"] == item)
    return question


def test_the_body_map_in_both_legs_counts_as_question_7() -> None:
    both_legs = load_triage().both_legs

    assert (both_legs.item, both_legs.counts_as) == ("S1", "Q7")
    assert "S1" not in load_triage().assessed.items  # lowered only through Q7 (§9 ruling 2)


def test_both_legs_must_name_the_body_map_and_a_question_with_an_action(tmp_path: Path) -> None:
    data = _packaged()
    data["both_legs"]["item"] = "Q7"
    with pytest.raises(ContentError, match=r"both_legs: Q7 is not the body map"):
        load_triage(_write(tmp_path, data))

    data = _packaged()
    data["both_legs"]["counts_as"] = "S3"
    with pytest.raises(ContentError, match=r"both_legs: S3 raises no action"):
        load_triage(_write(tmp_path, data))


def test_every_item_the_assessed_follow_up_lowers_has_a_topic_to_name_it(tmp_path: Path) -> None:
    data = _packaged()
    del _question(data, "Q4")["topic"]

    with pytest.raises(ContentError, match=r"assessed: Q4 needs a topic"):
        load_triage(_write(tmp_path, data))


def test_a_question_asked_again_must_come_earlier(tmp_path: Path) -> None:
    data = _packaged()
    _question(data, "Q8")["asks_again"] = "S5"
    _question(data, "Q8")["asks_again_note"] = "Again."

    with pytest.raises(ContentError, match=r"Q8.asks_again: S5 comes later"):
        load_triage(_write(tmp_path, data))


def test_leg_weakness_asks_question_8_again() -> None:
    s5 = load_triage().question("S5")

    assert s5.asks_again == "Q8"
    assert s5.asks_again_note
