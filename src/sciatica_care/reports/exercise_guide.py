"""The README's "Exercise guide", generated from ``exercises.yaml`` so the two never disagree.

Run ``python -m sciatica_care.reports.exercise_guide --write`` after editing the content file; it
rewrites only the text between ``<!-- exercise-guide:start -->`` and ``<!-- exercise-guide:end -->``
(adding the markers at the end of the README if they are missing). ``--check`` exits 1 when the
README is out of date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sciatica_care.content.exercises import (
    Dose,
    DoseKind,
    Exercise,
    ExerciseLibrary,
    exercise_library,
)

START = "<!-- exercise-guide:start -->"
END = "<!-- exercise-guide:end -->"
LEVEL_NAMES = {1: "easier", 2: "standard", 3: "harder"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def dose_text(dose: Dose, kind: DoseKind = DoseKind.HOLD) -> str:
    """A dose in words: "3 holds of 20 s each side, 1 set" or "10 reps, 3 s at each end, 1 set".

    For a rep exercise ``hold_s`` is the pause at each end of a rep; for a hold exercise it is how
    long each hold lasts (clinical-spec.md §4.4). A zero hold reads as plain reps.
    """
    side = " each side" if dose.per_side else ""
    if dose.hold_s == 0:
        core = f"{_plural(dose.reps, 'rep')}{side}, no hold"
    elif kind is DoseKind.REPS:
        core = f"{_plural(dose.reps, 'rep')}{side}, {dose.hold_s} s at each end"
    else:
        core = f"{_plural(dose.reps, 'hold')} of {dose.hold_s} s{side}"
    return f"{core}, {_plural(dose.sets, 'set')}"


def exercise_section(number: int, exercise: Exercise) -> str:
    """One exercise as Markdown: what to do, how much, when to stop, easier and harder versions."""
    lines = [
        f"### {number}. {exercise.name}",
        "",
        f"{exercise.summary} (`sciatica exercises show {exercise.id}`)",
        "",
        f"**Position.** {exercise.position}",
        "",
        "**Steps**",
        "",
        *(f"{i}. {step}" for i, step in enumerate(exercise.steps, start=1)),
        "",
        "**Tips**",
        "",
        *(f"- {cue}" for cue in exercise.cues),
        "",
        f"**Standard dose:** {dose_text(exercise.level(2).dose, exercise.kind)}; "
        f"rest {exercise.rest_s} s between sets.",
        "",
        "**Stop if**",
        "",
        *(f"- {reason}" for reason in exercise.stop_if),
        "",
    ]
    if exercise.caution:
        lines += [f"> **Caution.** {exercise.caution}", ""]
    lines += ["| Level | Version | Dose |", "| --- | --- | --- |"]
    lines += [
        f"| {lv.level} ({LEVEL_NAMES[lv.level]}) | **{lv.name}.** {lv.description} "
        f"| {dose_text(lv.dose, exercise.kind)} |"
        for lv in exercise.levels
    ]
    return "\n".join(lines)


def render_guide(library: ExerciseLibrary) -> str:
    """The whole guide, as it stands between the README markers (markers excluded)."""
    intro = (
        f"<!-- Generated from exercises.yaml, content version {library.version}. "
        "Edit the YAML, then run the command above. -->\n\n"
        "Do the exercises in this order, once or twice a day, at the standard dose unless your "
        "clinician set another. Move slowly and breathe. A little discomfort that settles soon "
        "is fine; sharp pain, or pain that spreads down your leg, means stop. "
        "`sciatica exercises picture ID` draws each one as a moving picture."
    )
    sections = [exercise_section(n, e) for n, e in enumerate(library.exercises, start=1)]
    return "\n\n".join([intro, *sections])


def replace_guide(readme: str, guide: str) -> str:
    """README text with the guide between the markers; markers are appended if missing."""
    block = f"{START}\n{guide}\n{END}"
    if START in readme and END in readme and readme.index(START) < readme.index(END):
        before = readme[: readme.index(START)]
        after = readme[readme.index(END) + len(END) :]
        return before + block + after
    return readme.rstrip("\n") + "\n\n" + block + "\n"


def guide_in(readme: str) -> str | None:
    """The text currently between the markers, or None when they are missing."""
    if START not in readme or END not in readme:
        return None
    return readme[readme.index(START) + len(START) : readme.index(END)].strip("\n")


def main(argv: list[str] | None = None) -> int:
    """Print the guide, or ``--write`` it into the README, or ``--check`` that it is current."""
    parser = argparse.ArgumentParser(prog="python -m sciatica_care.reports.exercise_guide")
    parser.add_argument("--readme", type=Path, default=Path("README.md"), help="README to use")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="write the guide into the README")
    mode.add_argument("--check", action="store_true", help="exit 1 if the README is out of date")
    args = parser.parse_args(argv)

    guide = render_guide(exercise_library())
    if not (args.write or args.check):
        print(guide)
        return 0
    try:
        readme = args.readme.read_text(encoding="utf-8")
    except OSError as exc:
        print(f"Error: cannot read {args.readme}: {exc.strerror}", file=sys.stderr)
        return 2
    if args.check:
        if guide_in(readme) != guide:
            print(f"{args.readme}: exercise guide is out of date (run with --write)")
            return 1
        return 0
    args.readme.write_text(replace_guide(readme, guide), encoding="utf-8")
    print(f"Wrote the exercise guide into {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
