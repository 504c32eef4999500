"""Education pages (design.md "Content as data"): Markdown with YAML front matter.

Each page in ``education/`` starts with front matter (title, summary, sources, reviewed date, order)
so that a reviewer sees where the facts came from and when they were last checked. The loader
refuses a page with missing or malformed front matter rather than showing unreviewed text.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field

from sciatica_care.content.errors import ContentError
from sciatica_care.content.files import CONTENT_DIR, validate

EDUCATION_DIR = CONTENT_DIR / "education"
_FENCE = "---"


class FrontMatter(BaseModel):
    """What every page declares about itself."""

    # Schemas are built on first use, not at import: every command imports these (start-up).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    title: Annotated[str, Field(min_length=1)]
    summary: Annotated[str, Field(min_length=1)]
    sources: Annotated[list[str], Field(min_length=1)]
    reviewed: date
    order: Annotated[int, Field(ge=1)]


class Topic(FrontMatter):
    """One education page: its front matter, its slug (the file name) and its Markdown body."""

    slug: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    body: Annotated[str, Field(min_length=1)]


def split_front_matter(text: str, source: str) -> tuple[object, str]:
    """Separate the YAML between the two ``---`` lines from the Markdown that follows."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != _FENCE:
        raise ContentError(f"{source}: must start with '---' front matter")
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == _FENCE)
    except StopIteration:
        raise ContentError(f"{source}: front matter is not closed with '---'") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        raise ContentError(f"{source}: front matter is not valid YAML ({exc})") from exc
    return meta, "\n".join(lines[end + 1 :]).strip() + "\n"


def load_topic(path: Path) -> Topic:
    """Read and validate one page; the slug is the file name without ``.md``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentError(f"{path.name}: cannot read ({exc.strerror})") from exc
    meta, body = split_front_matter(text, path.name)
    if not isinstance(meta, dict):
        raise ContentError(f"{path.name}: front matter must be a mapping of fields")
    return validate(Topic, {**meta, "slug": path.stem, "body": body}, path.name)


def load_topics(directory: Path = EDUCATION_DIR) -> tuple[Topic, ...]:
    """Every page of ``directory`` in reading order (front matter ``order``, then slug)."""
    topics = [load_topic(path) for path in sorted(directory.glob("*.md"))]
    if not topics:
        raise ContentError(f"{directory.name}: no education pages found")
    return tuple(sorted(topics, key=lambda t: (t.order, t.slug)))


@cache
def _packaged_topics() -> tuple[Topic, ...]:
    return load_topics()


def list_topics() -> list[Topic]:
    """The packaged pages in reading order, loaded once per process."""
    return list(_packaged_topics())


def get_topic(slug: str) -> Topic:
    """One packaged page by slug; an unknown slug is a ContentError listing the known ones."""
    for topic in _packaged_topics():
        if topic.slug == slug:
            return topic
    known = ", ".join(t.slug for t in _packaged_topics())
    raise ContentError(f"unknown topic '{slug}' (known: {known})")
