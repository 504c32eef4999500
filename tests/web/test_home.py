"""The home page points each person to their next step."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import Account
from tests.web.safety_check import screen_via_api


def test_signed_out_visitors_see_what_the_app_is_and_how_to_start(client: TestClient) -> None:
    html = client.get("/").text

    assert "Look after your sciatica at home" in html
    assert 'href="/signup"' in html and 'href="/login"' in html
    assert "Pelvic tilt" in html


def test_before_the_safety_check_home_points_to_it(client: TestClient, account: Account) -> None:
    html = client.get("/").text

    assert "Start the safety check" in html
    assert 'href="/today"' not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_after_the_safety_check_home_points_to_today(client: TestClient, account: Account) -> None:
    screen_via_api(client, account)

    html = client.get("/").text

    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "Start the safety check" not in main
    assert '<a class="button" href="/today">Go to Today</a>' in main
    assert "Look after your sciatica at home" not in main


def test_an_unresolved_emergency_answer_shows_the_emergency_screen_on_home(
    client: TestClient, account: Account
) -> None:
    screen_via_api(client, account, Q1="yes")

    html = client.get("/").text

    assert "Go to an emergency department now" in html
    assert 'href="tel:999"' in html
    assert "Go to Today" not in html
