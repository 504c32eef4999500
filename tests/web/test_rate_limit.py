"""Wrong guesses slow down by the (account, address) pair, by address and by account, with growing
waits instead of a lock-out anyone can trigger (issue 12 item 4; ``services.throttle``)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from unittest import mock

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from sciatica_care.services import credentials
from sciatica_care.store.base import utcnow
from sciatica_care.store.database import Database
from sciatica_care.store.models import LoginAttempt
from tests.web.conftest import PASSWORD, Account, form_csrf


def _fail(client: TestClient, email: str, times: int) -> None:
    for _ in range(times):
        response = client.post("/api/session", json={"email": email, "password": "wrong guess!"})
        assert response.status_code == 401, response.text


def _sign_in(client: TestClient, email: str, password: str = PASSWORD) -> int:
    return client.post("/api/session", json={"email": email, "password": password}).status_code


def _age_failures(database: Database, by: timedelta) -> None:
    """Move every recorded failure ``by`` into the past (as if that much time had passed)."""
    with database.session() as s:
        for row in s.scalars(select(LoginAttempt)):
            row.attempted_at = row.attempted_at - by


def test_after_five_wrong_guesses_the_next_waits_even_with_the_right_password(
    account: Account, client: TestClient, database: Database
) -> None:
    client.cookies.clear()
    _fail(client, account.email, 5)

    token = form_csrf(client.get("/login").text)
    response = client.post(
        "/login", data={"csrf_token": token, "email": account.email, "password": PASSWORD}
    )

    assert response.status_code == 429
    assert "Too many sign-in attempts. Wait " in response.text
    assert 1 <= int(response.headers["retry-after"]) <= 2
    assert client.get("/api/me").status_code == 401
    _age_failures(database, timedelta(seconds=3))
    assert _sign_in(client, account.email) == 200


def test_each_further_wrong_guess_doubles_the_wait(
    account: Account, client: TestClient, database: Database
) -> None:
    client.cookies.clear()
    _fail(client, account.email, 5)
    waits = []
    for _ in range(4):
        refused = client.post("/api/session", json={"email": account.email, "password": "x" * 12})
        assert refused.status_code == 429
        waits.append(int(refused.headers["retry-after"]))
        _age_failures(database, timedelta(seconds=waits[-1] + 1))
        assert _sign_in(client, account.email, "another wrong one") == 401
    expected = [2, 4, 8, 16]  # the header counts what is left, so a slow second may take one off
    assert all(want - 1 <= got <= want for got, want in zip(waits, expected, strict=True)), waits


def test_someone_elses_guesses_from_elsewhere_do_not_lock_the_owner_out(
    account: Account, web_app: FastAPI, client: TestClient
) -> None:
    with TestClient(web_app, client=("203.0.113.66", 40000)) as attacker:
        _fail(attacker, account.email, 5)
        assert _sign_in(attacker, account.email) == 429
    client.cookies.clear()
    assert _sign_in(client, account.email) == 200


def test_one_address_guessing_many_accounts_is_slowed(web_app: FastAPI) -> None:
    with TestClient(web_app, client=("198.51.100.7", 40000)) as scanner:
        for n in range(20):
            _fail(scanner, f"person{n}@example.org", 1)
        assert _sign_in(scanner, "person99@example.org", "a guess again") == 429


def test_parallel_guesses_get_no_more_checks_than_sequential_ones(
    account: Account, web_app: FastAPI, database: Database
) -> None:
    with TestClient(web_app) as browser:

        def guess(_: int) -> int:
            return _sign_in(browser, account.email, "parallel wrong guess")

        with ThreadPoolExecutor(max_workers=12) as pool:
            answers = list(pool.map(guess, range(40)))
    checked = answers.count(401)
    assert answers.count(429) + checked == 40
    assert 1 <= checked <= 8  # at most 5 free, then a doubling wait: a few more if seconds passed


def test_a_successful_sign_in_clears_the_pair_and_stores_no_address_or_email(
    account: Account, client: TestClient, database: Database
) -> None:
    client.cookies.clear()
    with database.session() as s:  # the account's own sign-up counts under the sign-up keys
        before = len(s.scalars(select(LoginAttempt.email_hash)).all())
    _fail(client, account.email, 4)
    assert _sign_in(client, account.email) == 200
    with database.session() as s:
        keys = s.scalars(select(LoginAttempt.email_hash)).all()
    assert len(keys) - before == 8  # 4 failures left under the address and the account keys
    assert all(len(k) == 64 and "@" not in k and "testclient" not in k for k in keys)


def test_wrong_current_passwords_are_throttled_too(account: Account, client: TestClient) -> None:
    answers = [
        client.put(
            "/api/me/password",
            json={"current_password": f"wrong guess {n}", "new_password": "x" * 12},
            headers=account.headers,
        ).status_code
        for n in range(6)
    ]
    assert answers == [400] * 5 + [429]


def test_sign_in_costs_one_argon2_check_whether_or_not_the_email_exists(
    account: Account, client: TestClient
) -> None:
    """The timing side channel, counted instead of timed: the same work on both paths."""
    real_hasher = credentials._hasher
    counting = mock.Mock(wraps=real_hasher)
    with mock.patch.object(credentials, "_hasher", counting):
        assert _sign_in(client, account.email, "a wrong password") == 401
        known = counting.verify.call_count
        assert _sign_in(client, "nobody-here@example.org", "a wrong password") == 401
        unknown = counting.verify.call_count - known
    assert known == unknown == 1


def test_the_limit_is_shared_by_every_web_process(
    account: Account, web_app: FastAPI, client: TestClient
) -> None:
    client.cookies.clear()
    _fail(client, account.email, 5)
    from sciatica_care.web.app import create_app

    with TestClient(create_app(web_app.state.settings)) as second_process:
        assert _sign_in(second_process, account.email) == 429


def test_failures_older_than_the_window_do_not_count(
    account: Account, client: TestClient, database: Database
) -> None:
    client.cookies.clear()
    _fail(client, account.email, 5)
    _age_failures(database, timedelta(hours=1, minutes=1))
    assert _sign_in(client, account.email) == 200
    assert utcnow()
