"""The layout every page shares: footer, skip link, navigation that grows with the pages."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import Account


def test_every_public_page_has_the_safety_footer_and_a_skip_link(client: TestClient) -> None:
    for path in ("/", "/signup", "/login"):
        html = client.get(path).text
        assert "Not a diagnosis. If worried, contact a health professional." in html, path
        assert '<a class="skip" href="#main">' in html, path
        assert '<main id="main"' in html, path
        assert '<html lang="en">' in html, path


def test_signed_out_people_see_no_navigation(client: TestClient) -> None:
    assert 'aria-label="Main"' not in client.get("/").text


def test_navigation_shows_every_section_and_marks_the_current_one(
    account: Account, client: TestClient
) -> None:
    html = client.get("/settings").text
    assert '<a href="/settings" aria-current="page">Settings</a>' in html
    for path, label in [
        ("/today", "Today"),
        ("/check-in", "Check-in"),
        ("/progress", "Progress"),
        ("/learn", "Learn"),
    ]:
        assert f'<a href="{path}">{label}</a>' in html


def test_home_page_signed_in_points_to_the_safety_check(
    account: Account, client: TestClient
) -> None:
    html = client.get("/").text

    assert 'href="/screening"' in html
    assert 'action="/logout"' in html
