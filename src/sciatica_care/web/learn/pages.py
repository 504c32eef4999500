"""Education pages (``/learn``) and one page per exercise (``/exercises/{id}``).

The same content as ``sciatica learn`` and the exercise guide: Markdown with its sources and the
date it was last reviewed, and each exercise's picture, steps, cues, what to stop on and its easier
and harder variations. The pages are public (no personal data), like the home page's program list.

Markdown is rendered on the server with markdown-it-py (installed with Rich) with raw HTML turned
off, so even our own content cannot put markup or scripts into a page.
"""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter, HTTPException, Request
from markdown_it import MarkdownIt
from markupsafe import Markup
from starlette.responses import Response

from sciatica_care.content.education import get_topic, list_topics
from sciatica_care.content.errors import ContentError
from sciatica_care.content.exercises import Exercise, exercise_library
from sciatica_care.domain.session import PlannedExercise
from sciatica_care.reports.exercise_picture import render_exercise_svg
from sciatica_care.web.templating import render

router = APIRouter()


@cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown_html(text: str) -> Markup:
    """Our Markdown as HTML; any raw HTML in the text is escaped, not passed through."""
    return Markup(_markdown().render(text))


def level_dose_text(exercise: Exercise, level: int) -> str:
    """The starting dose of one level in the same words Today uses ("3 holds of 20 s, each side")."""
    dose = exercise.level(level).dose
    per_side = dose.per_side and exercise.sides == "both"
    planned = PlannedExercise(
        exercise_id=exercise.id,
        name=exercise.name,
        kind=exercise.kind,
        level=level,
        dose=dose,
        sides=exercise.side_labels if per_side else (),
    )
    return planned.dose_text


@router.get("/learn")
def topics(request: Request) -> Response:
    return render(request, "learn/topics.html", {"topics": list_topics()})


@router.get("/learn/{slug}")
def topic(slug: str, request: Request) -> Response:
    try:
        page = get_topic(slug)
    except ContentError:
        raise HTTPException(404) from None
    return render(request, "learn/topic.html", {"topic": page, "body": markdown_html(page.body)})


@router.get("/exercises/{exercise_id}")
def exercise_page(exercise_id: str, request: Request) -> Response:
    try:
        exercise = exercise_library().get(exercise_id)
    except ContentError:
        raise HTTPException(404) from None
    levels = [
        {"level": level, "dose_text": level_dose_text(exercise, level.level)}
        for level in exercise.levels
    ]
    return render(
        request,
        "learn/exercise.html",
        {
            "exercise": exercise,
            "picture": Markup(render_exercise_svg(exercise)),
            "levels": levels,
        },
    )
