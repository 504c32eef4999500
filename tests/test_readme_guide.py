"""README's exercise guide is generated from exercises.yaml; this fails when they disagree."""

from __future__ import annotations

from pathlib import Path

from sciatica_care.content.exercises import exercise_library
from sciatica_care.reports.exercise_guide import (
    END,
    START,
    dose_text,
    guide_in,
    main,
    render_guide,
    replace_guide,
)

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_guide_matches_the_content_file() -> None:
    current = guide_in(README.read_text(encoding="utf-8"))
    assert current is not None, "README.md lacks the exercise-guide markers"
    assert current == render_guide(exercise_library()), (
        "README's exercise guide is out of date: "
        "run `python -m sciatica_care.reports.exercise_guide --write`"
    )


def test_guide_lists_every_exercise_with_its_steps_and_stop_rules() -> None:
    guide = render_guide(exercise_library())
    for number, exercise in enumerate(exercise_library().exercises, start=1):
        assert f"### {number}. {exercise.name}" in guide
        assert f"1. {exercise.steps[0]}" in guide
        assert f"- {exercise.stop_if[0]}" in guide
    assert "> **Caution.** Bending forward like this (flexion)" in guide
    assert exercise_library().version in guide


def test_write_replaces_only_the_text_between_the_markers(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nIntro.\n\n{START}\nold guide\n{END}\n\n## After\n", "utf-8")
    assert main(["--readme", str(readme), "--check"]) == 1
    assert main(["--readme", str(readme), "--write"]) == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\nIntro.\n\n")
    assert text.endswith(f"{END}\n\n## After\n")
    assert "old guide" not in text
    assert main(["--readme", str(readme), "--check"]) == 0


def test_markers_are_added_at_the_end_when_missing() -> None:
    text = replace_guide("# Title\n", "the guide")
    assert text == f"# Title\n\n{START}\nthe guide\n{END}\n"


def test_missing_readme_is_a_clear_error(tmp_path: Path) -> None:
    assert main(["--readme", str(tmp_path / "nope.md"), "--check"]) == 2


def test_dose_text_reads_like_a_prescription() -> None:
    library = exercise_library()
    pelvic, knee, rotation = (
        library.get(i) for i in ("pelvic-tilt", "knee-to-chest", "lower-trunk-rotation")
    )
    assert dose_text(pelvic.level(2).dose, pelvic.kind) == "10 reps, 3 s at each end, 1 set"
    assert dose_text(knee.level(2).dose, knee.kind) == "3 holds of 20 s each side, 1 set"
    assert dose_text(knee.level(3).dose, knee.kind) == "3 holds of 20 s, 1 set"
    assert dose_text(rotation.level(1).dose, rotation.kind) == "10 reps each side, no hold, 1 set"
