"""Turning automatic dose changes on or off on /settings (clinical-spec.md §7 "Lower-risk design").

Off: the rule's changes wait on Today as suggestions the person accepts; on: they apply by
themselves. The page explains this in plain words.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from sciatica_care.services import program
from sciatica_care.store.database import Database
from tests.web.conftest import Account, form_csrf

CHOICE_ON = 'id="auto_progression-on" name="auto_progression" value="on"'
CHOICE_OFF = 'id="auto_progression-off" name="auto_progression" value="off"'


def _automatic(database: Database, patient_id: int) -> bool:
    with database.session() as session:
        return program.auto_progression(session, patient_id)


def test_the_settings_page_explains_the_choice_and_shows_automatic_on_by_default(
    client: TestClient, account: Account
) -> None:
    html = client.get("/settings").text
    words = " ".join(html.split())

    assert "Changes to your exercise doses" in words
    assert "If an exercise went well twice" in words
    assert "wait on the Today page until you accept them" in words
    assert f"{CHOICE_ON} checked" in html
    assert f"{CHOICE_OFF} checked" not in html


def test_turning_automatic_changes_off_is_saved_and_shown(
    client: TestClient, account: Account, database: Database
) -> None:
    token = form_csrf(client.get("/settings").text)

    response = client.post(
        "/settings/progression", data={"csrf_token": token, "auto_progression": "off"}
    )

    assert response.status_code == 200
    assert (
        "Automatic changes are off: Today will suggest each step up. Easing off after pain "
        "still happens at once." in response.text
    )
    assert f"{CHOICE_OFF} checked" in response.text
    assert _automatic(database, account.id) is False


def test_turning_them_back_on(client: TestClient, account: Account, database: Database) -> None:
    with database.session() as session:
        program.set_auto_progression(session, account.id, False)
    token = form_csrf(client.get("/settings").text)

    response = client.post(
        "/settings/progression", data={"csrf_token": token, "auto_progression": "on"}
    )

    assert "Automatic changes are on" in response.text
    assert _automatic(database, account.id) is True


def test_no_choice_is_a_clear_error_and_changes_nothing(
    client: TestClient, account: Account, database: Database
) -> None:
    token = form_csrf(client.get("/settings").text)

    response = client.post(
        "/settings/progression", data={"csrf_token": token, "auto_progression": "sometimes"}
    )

    assert response.status_code == 400
    assert "<title>Error: Settings" in response.text
    assert 'href="#auto_progression-on">Choose whether doses change by themselves.' in response.text
    assert _automatic(database, account.id) is True


def test_the_setting_needs_the_csrf_token_and_a_signed_in_person(
    client: TestClient, account: Account, database: Database
) -> None:
    refused = client.post("/settings/progression", data={"auto_progression": "off"})
    assert refused.status_code == 403
    client.cookies.clear()
    signed_out = client.post(
        "/settings/progression", data={"auto_progression": "off"}, follow_redirects=False
    )
    assert signed_out.status_code in (303, 403)
    assert _automatic(database, account.id) is True
