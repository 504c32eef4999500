"""The packaged exercise library: doses from clinical-spec.md §4.4, limits from §4.2, wording §7."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from sciatica_care.content import ContentError
from sciatica_care.content.exercises import (
    EXERCISES_FILE,
    DoseKind,
    Exercise,
    exercise_library,
    load_exercises,
)

PROGRAM_ORDER = ["pelvic-tilt", "knee-to-chest", "lower-trunk-rotation", "bird-dog"]

# (exercise, level) -> (sets, reps, hold_s, per_side), read from clinical-spec.md §4.4 and the brief.
SPEC_DOSES = {
    ("pelvic-tilt", 1): (1, 5, 3, False),
    ("pelvic-tilt", 2): (1, 10, 3, False),
    ("pelvic-tilt", 3): (1, 10, 10, False),
    ("knee-to-chest", 1): (1, 3, 10, True),
    ("knee-to-chest", 2): (1, 3, 20, True),
    ("knee-to-chest", 3): (1, 3, 20, False),
    ("lower-trunk-rotation", 1): (1, 10, 0, True),
    ("lower-trunk-rotation", 2): (1, 3, 20, True),
    ("lower-trunk-rotation", 3): (1, 3, 20, True),
    ("bird-dog", 1): (1, 5, 5, True),
    ("bird-dog", 2): (1, 5, 5, True),
    ("bird-dog", 3): (2, 6, 10, True),
}

FORBIDDEN = ("diagnos", "cure", "treat", "you have", "safe for you")


def reader_text(exercise: Exercise) -> list[str]:
    """Every sentence a person reads about the exercise."""
    return [
        exercise.name,
        exercise.summary,
        exercise.position,
        *exercise.steps,
        *exercise.cues,
        *exercise.stop_if,
        *([exercise.caution] if exercise.caution else []),
        *(f"{lv.name}. {lv.description}" for lv in exercise.levels),
        exercise.animation.description,
    ]


def _syllables(word: str) -> int:
    groups = len(re.findall(r"[aeiouy]+", word.lower()))
    if word.lower().endswith("e") and not word.lower().endswith(("le", "ee")) and groups > 1:
        groups -= 1
    return max(groups, 1)


def flesch_kincaid_grade(sentences: list[str]) -> float:
    """Flesch–Kincaid grade with a vowel-group syllable count (works offline, unlike a dictionary)."""
    words = [w for s in sentences for w in re.findall(r"[A-Za-z']+", s)]
    count = sum(len([p for p in re.split(r"[.!?]+(?:\s|$)", s) if p.strip()]) for s in sentences)
    syllables = sum(_syllables(w) for w in words)
    return 0.39 * len(words) / count + 11.8 * syllables / len(words) - 15.59


def test_packaged_library_has_the_four_exercises_in_program_order() -> None:
    library = load_exercises()
    assert [e.id for e in library.exercises] == PROGRAM_ORDER
    assert re.fullmatch(r"\d{4}\.\d+\.\d+", library.version)


def test_library_is_loaded_once_per_process() -> None:
    assert exercise_library() is exercise_library()


@pytest.mark.parametrize(("exercise_id", "level"), sorted(SPEC_DOSES))
def test_doses_match_clinical_spec(exercise_id: str, level: int) -> None:
    dose = exercise_library().get(exercise_id).level(level).dose
    assert (dose.sets, dose.reps, dose.hold_s, dose.per_side) == SPEC_DOSES[exercise_id, level]


def test_limits_follow_the_progression_rules() -> None:
    library = exercise_library()
    assert all(e.max_reps == 15 for e in library.exercises)
    assert library.get("knee-to-chest").max_hold_s == 30
    assert library.get("lower-trunk-rotation").max_hold_s == 30
    assert library.get("bird-dog").max_hold_s == 10
    assert library.get("pelvic-tilt").kind is DoseKind.REPS
    assert library.get("pelvic-tilt").sides == "none"
    assert {e.kind for e in library.exercises[1:]} == {DoseKind.HOLD}


@pytest.mark.parametrize("exercise_id", PROGRAM_ORDER)
def test_every_exercise_says_stop_on_sharp_pain_and_pain_spreading_down_the_leg(
    exercise_id: str,
) -> None:
    stop_if = " ".join(exercise_library().get(exercise_id).stop_if).lower()
    assert "sharp" in stop_if
    assert "spreads down your leg" in stop_if


def test_knee_to_chest_warns_that_flexion_can_aggravate_disc_related_leg_pain() -> None:
    caution = exercise_library().get("knee-to-chest").caution or ""
    assert "flexion" in caution.lower()
    assert "disc" in caution.lower()
    assert "spread" in caution.lower()


@pytest.mark.parametrize("exercise_id", PROGRAM_ORDER)
def test_wording_avoids_forbidden_claims(exercise_id: str) -> None:
    text = " ".join(reader_text(exercise_library().get(exercise_id))).lower()
    assert [w for w in FORBIDDEN if w in text] == []


@pytest.mark.parametrize("exercise_id", PROGRAM_ORDER)
def test_reading_level_is_grade_eight_or_below(exercise_id: str) -> None:
    assert flesch_kincaid_grade(reader_text(exercise_library().get(exercise_id))) <= 8


@pytest.mark.parametrize("exercise_id", PROGRAM_ORDER)
def test_steps_are_several_and_levels_go_easier_standard_harder(exercise_id: str) -> None:
    exercise = exercise_library().get(exercise_id)
    assert len(exercise.steps) >= 4
    assert [lv.level for lv in exercise.levels] == [1, 2, 3]
    assert exercise.level(2).name == "Standard"


def _packaged_data() -> dict[str, Any]:
    return yaml.safe_load(EXERCISES_FILE.read_text(encoding="utf-8"))


def test_malformed_dose_error_names_the_file_and_the_field(tmp_path: Path) -> None:
    data = _packaged_data()
    data["exercises"][1]["levels"][1]["dose"]["reps"] = 40
    path = tmp_path / "broken-exercises.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_exercises(path)
    message = str(error.value)
    assert "broken-exercises.yaml" in message
    assert "exercises.1.levels.1.dose.reps" in message


def test_missing_field_error_names_it(tmp_path: Path) -> None:
    data = _packaged_data()
    del data["exercises"][0]["stop_if"]
    path = tmp_path / "exercises.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(
        ContentError, match=r"exercises\.yaml: .*exercises\.0\.stop_if: Field required"
    ):
        load_exercises(path)


def test_unknown_joint_in_a_keyframe_is_rejected_by_name(tmp_path: Path) -> None:
    data = _packaged_data()
    data["exercises"][3]["animation"]["keyframes"][2]["angles"]["elbw_far"] = 10
    path = tmp_path / "exercises.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(
        ContentError, match=r"exercises\.3\.animation\.keyframes\.2: .*unknown joint angle elbw_far"
    ):
        load_exercises(path)


def test_keyframes_out_of_order_are_rejected(tmp_path: Path) -> None:
    data = _packaged_data()
    frames = data["exercises"][0]["animation"]["keyframes"]
    frames[1]["t"], frames[2]["t"] = frames[2]["t"], frames[1]["t"]
    path = tmp_path / "exercises.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ContentError, match="keyframe times must rise"):
        load_exercises(path)


def test_dose_above_the_exercise_maximum_is_rejected(tmp_path: Path) -> None:
    data = _packaged_data()
    data["exercises"][3]["levels"][2]["dose"]["hold_s"] = 20
    path = tmp_path / "exercises.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ContentError, match="level 3 dose exceeds the exercise maximum"):
        load_exercises(path)


def test_invalid_yaml_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "exercises.yaml"
    path.write_text("exercises: [\n  - id: x\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"^exercises\.yaml: not valid YAML"):
        load_exercises(path)


def test_unknown_exercise_id_lists_the_known_ones() -> None:
    with pytest.raises(ContentError) as error:
        exercise_library().get("toe-touch")
    assert all(exercise_id in str(error.value) for exercise_id in PROGRAM_ORDER)
