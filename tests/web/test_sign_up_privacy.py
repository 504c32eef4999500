"""Sign-up does not reveal an existing account beyond what cannot be hidden (issue 12 item 4):
one generic message on the page and the API, the same argon2 work whether the e-mail is new or
taken, sign-ups slowed by client address, and the account's own password simply signs in."""

from __future__ import annotations

from unittest import mock

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sciatica_care.services import credentials
from sciatica_care.services.accounts import NOT_CREATED
from sciatica_care.store.database import Database
from sciatica_care.store.models import Patient
from tests.web.clinic import create_clinician
from tests.web.conftest import PASSWORD, api_sign_up, form_csrf

OTHER_PASSWORD = "another long password"
REVEALING = ("already", "taken", "exists", "in use", "registered")


def _page_sign_up(client: TestClient, email: str, password: str) -> httpx.Response:
    token = form_csrf(client.get("/signup").text)
    return client.post(
        "/signup",
        data={"csrf_token": token, "email": email, "password": password},
        follow_redirects=False,
    )


def _api_sign_up(client: TestClient, email: str, password: str) -> httpx.Response:
    return client.post("/api/accounts", json={"email": email, "password": password})


def _patients(database: Database) -> int:
    with database.session() as s:
        return int(s.scalar(select(func.count()).select_from(Patient)) or 0)


def test_a_taken_email_gets_the_generic_message_on_the_page_and_nothing_is_created(
    client: TestClient, database: Database
) -> None:
    api_sign_up(client, "ann@example.org")
    client.cookies.clear()

    response = _page_sign_up(client, "ANN@example.org", OTHER_PASSWORD)

    assert response.status_code == 400
    assert NOT_CREATED in response.text
    said = response.text.replace(NOT_CREATED, "").lower()
    blank = client.get("/signup").text.lower()  # "Already have an account? Sign in" is always there
    for word in REVEALING:
        assert said.count(word) == blank.count(word), word
    assert "sc_session" not in client.cookies
    assert _patients(database) == 1


def test_a_taken_email_is_409_on_the_api_with_the_same_generic_message(
    client: TestClient, database: Database
) -> None:
    api_sign_up(client, "ann@example.org")
    client.cookies.clear()

    response = _api_sign_up(client, "ann@example.org", OTHER_PASSWORD)

    assert response.status_code == 409
    assert response.json() == {"detail": NOT_CREATED}
    assert client.get("/api/me").status_code == 401
    assert _patients(database) == 1


def test_a_clinicians_email_gets_the_same_answer_as_a_patients(
    client: TestClient, database: Database
) -> None:
    create_clinician(database, "sam@clinic.example", "Sam Lee, PT")

    response = _api_sign_up(client, "sam@clinic.example", OTHER_PASSWORD)

    assert response.status_code == 409
    assert response.json() == {"detail": NOT_CREATED}
    assert _patients(database) == 0


def test_the_accounts_own_password_signs_in_instead_on_the_api(
    client: TestClient, database: Database
) -> None:
    ann = api_sign_up(client, "ann@example.org")
    client.cookies.clear()

    response = _api_sign_up(client, "ann@example.org", PASSWORD)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == ann.id and body["role"] == "patient"
    assert "recovery_code" not in body  # only a new account gets one
    assert client.get("/api/me").json()["id"] == ann.id
    assert _patients(database) == 1


def test_the_accounts_own_password_signs_in_instead_on_the_page(
    client: TestClient, database: Database
) -> None:
    api_sign_up(client, "ann@example.org")  # disclaimer acknowledged
    client.cookies.clear()

    response = _page_sign_up(client, "ann@example.org", PASSWORD)

    assert response.status_code == 303
    assert response.headers["location"] == "/"  # not the new account's recovery-code page
    assert client.get("/api/me").json()["email"] == "ann@example.org"
    assert _patients(database) == 1


def test_a_clinicians_own_password_signs_the_clinician_in(
    client: TestClient, database: Database
) -> None:
    create_clinician(database, "sam@clinic.example", "Sam Lee, PT")

    page = _page_sign_up(client, "sam@clinic.example", PASSWORD)

    assert page.status_code == 303 and page.headers["location"] == "/clinic"
    assert client.get("/clinic").status_code == 200  # a clinician's session
    assert _patients(database) == 0


def test_new_and_taken_emails_cost_the_same_argon2_work(client: TestClient) -> None:
    """The timing side channel, counted instead of timed: two hashes and one check on each path."""
    api_sign_up(client, "ann@example.org")
    client.cookies.clear()
    counting = mock.Mock(wraps=credentials._hasher)
    work: dict[str, tuple[int, int]] = {}
    with mock.patch.object(credentials, "_hasher", counting):
        for path, email, password, status in (
            ("new", "bo@example.org", PASSWORD, 201),
            ("taken", "ann@example.org", OTHER_PASSWORD, 409),
            ("own password", "ann@example.org", PASSWORD, 200),
        ):
            client.cookies.clear()
            hashes, checks = counting.hash.call_count, counting.verify.call_count
            assert _api_sign_up(client, email, password).status_code == status
            work[path] = (counting.hash.call_count - hashes, counting.verify.call_count - checks)
    assert work == {"new": (2, 1), "taken": (2, 1), "own password": (2, 1)}


def test_sign_ups_from_one_address_slow_down_whatever_their_outcome(
    web_app: FastAPI, database: Database
) -> None:
    with TestClient(web_app, client=("198.51.100.20", 40000)) as scanner:
        answers = [
            _api_sign_up(scanner, f"person{n}@example.org", PASSWORD).status_code for n in range(15)
        ]
        answers += [  # the (e-mail, address) pair allows 5: person0's sign-up was the first
            _api_sign_up(scanner, "person0@example.org", f"a guess number {n}").status_code
            for n in range(4)
        ]
        answers.append(_api_sign_up(scanner, "person1@example.org", OTHER_PASSWORD).status_code)
        refused = _api_sign_up(scanner, "someone-else@example.org", PASSWORD)
    assert answers == [201] * 15 + [409] * 5
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 2
    assert "Too many sign-up attempts" in refused.json()["detail"]
    assert _patients(database) == 15
    with TestClient(web_app, client=("203.0.113.5", 40000)) as elsewhere:
        assert _api_sign_up(elsewhere, "someone-else@example.org", PASSWORD).status_code == 201


def test_the_sign_up_page_shows_the_wait(web_app: FastAPI) -> None:
    with TestClient(web_app, client=("198.51.100.21", 40000)) as scanner:
        for n in range(20):
            assert _api_sign_up(scanner, f"p{n}@example.org", PASSWORD).status_code == 201
        scanner.cookies.clear()
        response = _page_sign_up(scanner, "one-more@example.org", PASSWORD)
    assert response.status_code == 429
    assert "Too many sign-up attempts. Wait " in response.text
    assert 1 <= int(response.headers["retry-after"]) <= 2
