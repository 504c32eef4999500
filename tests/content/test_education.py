"""Education pages and every text a person reads: plain language and the §7 wording rules.

clinical-spec.md §7.1: never "diagnose", "you have", "cure", "treat", "safe for you"; §7.4: no
medicine names; §7.5: US grade 8 or lower, and the "Not a diagnosis" footer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from sciatica_care.content.education import (
    EDUCATION_DIR,
    get_topic,
    list_topics,
    load_topic,
    load_topics,
)
from sciatica_care.content.errors import ContentError
from sciatica_care.content.files import CONTENT_DIR
from sciatica_care.content.triage import Action, triage_content
from tests.content.readability import MAX_GRADE, grade, markdown_as_sentences

FOOTER = "Not a diagnosis. If worried, contact a health professional."
REQUIRED_TOPICS = {
    "what-is-sciatica",
    "causes",
    "symptoms",
    "care-options",
    "outlook",
    "red-flags",
    "exercise-program",
}
FORBIDDEN = {
    "diagnose": r"\bdiagnos(e|es|ed|ing)\b",
    "cure": r"\bcur(e|es|ed|ing)\b",
    "treat": r"\btreat(s|ed|ing|ment|ments)?\b",
    "you have": r"\byou have\b|\byou've\b",
    "safe for you": r"\bsafe for you\b",
    "a medicine name": (
        r"\b(ibuprofen|paracetamol|acetaminophen|naproxen|diclofenac|aspirin|codeine|tramadol"
        r"|morphine|gabapentin|pregabalin|amitriptyline|duloxetine|prednisolone|diazepam)\b"
    ),
}
TOPICS = list_topics()


def _strings(value: Any) -> Iterator[str]:
    """Every string value of parsed YAML (keys and comments are not read by people)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _content_texts() -> Iterator[tuple[str, str]]:
    for topic in TOPICS:
        for text in (topic.title, topic.summary, topic.body):
            yield f"education/{topic.slug}.md", text
    for name in ("triage.yaml", "exercises.yaml"):
        path = CONTENT_DIR / name
        if path.exists():
            for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
                yield name, text


CONTENT_TEXTS = list(_content_texts())


# --- the pages ------------------------------------------------------------------------------------


def test_the_required_topics_are_all_there() -> None:
    assert {t.slug for t in TOPICS} >= REQUIRED_TOPICS


def test_topics_are_listed_in_reading_order_starting_with_what_sciatica_is() -> None:
    assert TOPICS[0].slug == "what-is-sciatica"
    assert [t.order for t in TOPICS] == sorted(t.order for t in TOPICS)


@pytest.mark.parametrize("topic", TOPICS, ids=[t.slug for t in TOPICS])
def test_page_reads_at_grade_8_or_below(topic: Any) -> None:
    assert grade(markdown_as_sentences(topic.body)) <= MAX_GRADE


@pytest.mark.parametrize("topic", TOPICS, ids=[t.slug for t in TOPICS])
def test_page_ends_with_the_not_a_diagnosis_footer(topic: Any) -> None:
    assert topic.body.rstrip().endswith(FOOTER)


@pytest.mark.parametrize("topic", TOPICS, ids=[t.slug for t in TOPICS])
def test_page_names_its_sources(topic: Any) -> None:
    assert topic.sources and all(len(source) > 10 for source in topic.sources)


def test_outlook_reassures_that_most_people_improve_over_weeks() -> None:
    assert "most sciatica gets better" in get_topic("outlook").body.lower()


def test_page_about_sciatica_covers_how_it_differs_from_back_pain() -> None:
    assert "differs from ordinary back pain" in get_topic("what-is-sciatica").body


def test_causes_page_covers_each_cause_of_the_seed_article() -> None:
    body = get_topic("causes").body.lower()
    for cause in ("herniated disc", "spinal stenosis", "bone spurs", "muscle", "injury"):
        assert cause in body


def test_care_options_cover_medicine_physiotherapy_exercise_heat_cold_and_surgery() -> None:
    body = get_topic("care-options").body.lower()
    for option in ("pain relief", "physiotherap", "exercise", "heat", "cold", "surgery"):
        assert option in body


def test_an_unknown_topic_lists_the_known_ones() -> None:
    with pytest.raises(ContentError, match=r"unknown topic 'sciatic' .*what-is-sciatica"):
        get_topic("sciatic")


def test_a_page_without_front_matter_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "bare.md"
    page.write_text("# Bare\n\nNo front matter.\n", encoding="utf-8")

    with pytest.raises(ContentError, match=r"bare.md: must start with '---'"):
        load_topic(page)


def test_a_page_missing_its_reviewed_date_names_the_field(tmp_path: Path) -> None:
    page = tmp_path / "undated.md"
    page.write_text(
        "---\ntitle: T\nsummary: S\nsources: [NICE NG59 2020]\norder: 1\n---\nBody.\n",
        encoding="utf-8",
    )

    with pytest.raises(ContentError, match=r"undated.md: reviewed: Field required"):
        load_topic(page)


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match=r"no education pages"):
        load_topics(tmp_path)


def test_every_page_file_loads() -> None:
    assert len(TOPICS) == len(list(EDUCATION_DIR.glob("*.md")))


# --- every question and message -------------------------------------------------------------------

QUESTION_TEXTS = [
    (f"{q.id}.{field}", text)
    for q in triage_content().questions
    for field, text in (("text", q.text), ("help", q.help), ("reason", q.reason))
    if text
] + [(f"rule {r.id}", r.reason) for r in triage_content().rules]


@pytest.mark.parametrize(("where", "text"), QUESTION_TEXTS, ids=[w for w, _ in QUESTION_TEXTS])
def test_question_and_reason_read_at_grade_8_or_below(where: str, text: str) -> None:
    assert grade(text) <= MAX_GRADE, where


@pytest.mark.parametrize("action", list(Action))
def test_action_message_reads_at_grade_8_or_below(action: Action) -> None:
    message = triage_content().actions[action]
    text = " ".join([message.headline, message.by_when, *message.what_to_do])

    assert grade(text) <= MAX_GRADE


def test_pattern_messages_read_at_grade_8_or_below() -> None:
    pattern = triage_content().pattern
    features = ", ".join(pattern.features.values())
    for message in pattern.messages.values():
        assert grade(message.format(features=features)) <= MAX_GRADE


# --- §7 wording rules -----------------------------------------------------------------------------


@pytest.mark.parametrize("rule", list(FORBIDDEN), ids=list(FORBIDDEN))
def test_no_content_text_uses_forbidden_wording(rule: str) -> None:
    pattern = re.compile(FORBIDDEN[rule], re.IGNORECASE)
    offending = [f"{where}: {text[:80]!r}" for where, text in CONTENT_TEXTS if pattern.search(text)]

    assert offending == []


@pytest.mark.parametrize(
    ("rule", "example"),
    [
        ("diagnose", "We diagnose sciatica."),
        ("cure", "Exercise cures it."),
        ("treat", "This app treats pain."),
        ("you have", "You have sciatica."),
        ("safe for you", "This is safe for you."),
        ("a medicine name", "Take Ibuprofen."),
    ],
)
def test_the_wording_check_catches_each_forbidden_phrase(rule: str, example: str) -> None:
    assert re.search(FORBIDDEN[rule], example, re.IGNORECASE)


def test_the_footer_itself_passes_the_wording_check() -> None:
    assert not any(re.search(p, FOOTER, re.IGNORECASE) for p in FORBIDDEN.values())
