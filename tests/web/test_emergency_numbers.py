"""The emergency screen calls the person's own country first, set at sign-up or in Settings
(clinical-spec.md §9 ruling 10)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, form_csrf
from tests.web.safety_check import calm_answers


def _emergency_page(client: TestClient, csrf: str) -> str:
    """A full safety check with a bladder-control yes: Today then shows the emergency screen."""
    response = client.post(
        "/api/screenings",
        json=calm_answers(Q3="yes", CES_ASSESSED="no"),
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 201, response.text
    html = client.get("/today").text
    assert "Emergency" in html
    return html


def _calls(html: str) -> list[str]:
    return re.findall(r'href="tel:(\d+)"', html)


def _sign_up(client: TestClient, **extra: str) -> str:
    created = client.post(
        "/api/accounts", json={"email": "ann@example.org", "password": PASSWORD, **extra}
    )
    assert created.status_code == 201, created.text
    csrf = created.json()["csrf_token"]
    client.post("/api/me/disclaimer", headers={"X-CSRF-Token": csrf})
    return str(csrf)


def test_a_country_from_sign_up_puts_its_number_first_and_112_after(client: TestClient) -> None:
    csrf = _sign_up(client, country="GB")
    assert _calls(_emergency_page(client, csrf)) == ["999", "112", "111"]


def test_without_a_country_the_common_numbers_are_shown(client: TestClient) -> None:
    csrf = _sign_up(client)
    assert _calls(_emergency_page(client, csrf)) == ["112", "999", "911"]


def test_the_country_can_be_changed_in_settings(client: TestClient) -> None:
    csrf = _sign_up(client, country="GB")
    token = form_csrf(client.get("/settings").text)

    saved = client.post("/settings/country", data={"csrf_token": token, "country": "AU"})
    assert saved.status_code == 200 and "now show your country" in saved.text
    assert 'value="AU" selected' in client.get("/settings").text
    assert _calls(_emergency_page(client, csrf)) == ["000", "112"]

    wrong = client.post("/settings/country", data={"csrf_token": token, "country": "XX"})
    assert wrong.status_code == 400 and "Choose your country from the list" in wrong.text
