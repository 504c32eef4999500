"""The exercise pictures Today and ``/api/program/today`` show, drawn once and kept.

Drawing one (``reports.exercise_picture``) poses the 3-D figure at every sampled phase of its
animation: 15–30 ms a picture, four a page, which made the picture drawing most of Today's time
(issue 12, "Speed": benchmarks/load.py). A picture depends only on the exercise's content, so it
is kept under that content (its JSON, cheap to make): a changed exercise, or a clinician's own
exercise with the same id, gets its own entry and never another's picture. Bounded, so a clinic
with many custom exercises cannot grow it without limit.
"""

from __future__ import annotations

from functools import lru_cache

from sciatica_care.content.exercises import Exercise
from sciatica_care.reports.exercise_picture import render_exercise_svg

KEPT = 256
"""Pictures kept (still and animated count separately); each is 4–25 KB of SVG text."""


def exercise_picture(exercise: Exercise, *, static: bool = False) -> str:
    """``render_exercise_svg(exercise, static=static)``, drawn once per content.

    The exercise library hands out the same frozen exercise objects on every request, so one
    seen before is found by identity, without writing out its JSON (about 20 µs an exercise,
    four on Today). The object is held with its picture, so its id cannot be reused meanwhile.
    """
    seen = _seen.get((id(exercise), static))
    if seen is not None and seen[0] is exercise:
        return seen[1]
    picture = _drawn(exercise.model_dump_json(), static)
    if len(_seen) >= KEPT:
        _seen.clear()
    _seen[(id(exercise), static)] = (exercise, picture)
    return picture


_seen: dict[tuple[int, bool], tuple[Exercise, str]] = {}


@lru_cache(maxsize=KEPT)
def _drawn(content: str, static: bool) -> str:
    return render_exercise_svg(Exercise.model_validate_json(content), static=static)
