"""Education pages (``/learn``) and exercise pages (``/exercises/{id}``)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sciatica_care.content.education import get_topic, list_topics
from sciatica_care.content.exercises import exercise_library
from sciatica_care.web.learn.pages import markdown_html


def test_the_topic_list_links_every_page(client: TestClient) -> None:
    html = client.get("/learn").text

    for topic in list_topics():
        assert f'href="/learn/{topic.slug}"' in html
        assert topic.title in html


def test_a_topic_shows_its_text_sources_and_review_date(client: TestClient) -> None:
    topic = get_topic("red-flags")

    html = client.get("/learn/red-flags").text

    assert "<h1>Warning signs (red flags)</h1>" in html
    assert "<li>Sciatica symptoms in both legs</li>" in html
    for source in topic.sources:
        assert source in html
    assert f'datetime="{topic.reviewed.isoformat()}"' in html


def test_an_unknown_topic_is_not_found(client: TestClient) -> None:
    assert client.get("/learn/no-such-topic").status_code == 404


def test_raw_html_in_markdown_is_shown_as_text_not_run() -> None:
    html = str(markdown_html("Hi <script>alert(1)</script> [x](javascript:alert(1))"))

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_an_exercise_page_has_picture_steps_cues_stops_and_variations(client: TestClient) -> None:
    exercise = exercise_library().get("knee-to-chest")

    html = client.get("/exercises/knee-to-chest").text

    assert "<svg" in html and "<animate" in html
    for text in (*exercise.steps, *exercise.cues, *exercise.stop_if):
        assert text in html
    for level in exercise.levels:
        assert level.name in html
    assert "Starting dose: 3 holds of 20 s, each side." in html
    assert client.get("/exercises/no-such-exercise").status_code == 404
