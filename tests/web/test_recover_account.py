"""Back into an account after a forgotten password, without e-mail: the recovery code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from sciatica_care.services import credentials
from sciatica_care.services.accounts import RECOVERY_ALPHABET
from sciatica_care.store.database import Database
from sciatica_care.store.models import AuthSession, Patient
from tests.web.conftest import PASSWORD, form_csrf

NEW_PASSWORD = "a brand new passphrase"
CODE_SHAPE = re.compile(rf"^[{RECOVERY_ALPHABET}]{{4}}(-[{RECOVERY_ALPHABET}]{{4}}){{3}}$")
_SHOWN_CODE = re.compile(r'id="recovery-code"[^>]*>([^<]+)<')
SAME_ANSWER = "That email and recovery code do not match an account."


def _shown_code(html: str) -> str:
    match = _SHOWN_CODE.search(html)
    assert match, "no recovery code on the page"
    return match.group(1)


def _sign_up(client: TestClient, email: str = "ann@example.org") -> str:
    """Sign up on the page, save the code and acknowledge the disclaimer; returns the code."""
    token = form_csrf(client.get("/signup").text)
    client.post("/signup", data={"csrf_token": token, "email": email, "password": PASSWORD})
    page = client.get("/recovery-code").text
    code = _shown_code(page)
    client.post("/recovery-code", data={"csrf_token": form_csrf(page), "saved": "yes"})
    page = client.get("/disclaimer").text
    client.post("/disclaimer", data={"csrf_token": form_csrf(page), "understood": "yes"})
    return code


def _recover(
    client: TestClient, email: str, code: str, new_password: str = NEW_PASSWORD
) -> httpx.Response:
    return _send_recovery(client, form_csrf(client.get("/recover").text), email, code, new_password)


def _send_recovery(
    client: TestClient, token: str, email: str, code: str, new_password: str = NEW_PASSWORD
) -> httpx.Response:
    return client.post(
        "/recover",
        data={
            "csrf_token": token,
            "email": email,
            "recovery_code": code,
            "new_password": new_password,
        },
        follow_redirects=False,
    )


def _signs_in(client: TestClient, email: str, password: str) -> bool:
    client.cookies.clear()
    return client.post("/api/session", json={"email": email, "password": password}).is_success


def test_sign_up_shows_the_code_once_before_the_disclaimer_and_keeps_only_its_hash(
    client: TestClient, database: Database
) -> None:
    token = form_csrf(client.get("/signup").text)
    response = client.post(
        "/signup",
        data={"csrf_token": token, "email": "ann@example.org", "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/recovery-code"

    page = client.get("/recovery-code")
    code = _shown_code(page.text)
    assert CODE_SHAPE.match(code)
    assert page.headers["cache-control"] == "no-store"
    assert client.get("/disclaimer", follow_redirects=False).headers["location"] == (
        "/recovery-code"
    )
    assert 'name="saved" value="yes">I have saved it — continue</button>' in page.text  # one tap
    unticked = client.post("/recovery-code", data={"csrf_token": form_csrf(page.text)})
    assert unticked.status_code == 400
    assert "Choose “I have saved it” once you have saved your recovery code." in unticked.text
    assert code in unticked.text

    saved = client.post(
        "/recovery-code",
        data={"csrf_token": form_csrf(page.text), "saved": "yes"},
        follow_redirects=False,
    )

    assert saved.headers["location"] == "/disclaimer"
    again = client.get("/recovery-code", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/disclaimer"
    assert "Before you start" in client.get("/disclaimer").text
    with database.session() as s:
        stored = s.scalars(select(Patient)).one().recovery_code_hash
    assert stored is not None and stored.startswith("$argon2id$")
    assert code not in stored and code.replace("-", "") not in stored


def test_the_sign_in_page_links_to_recovery(client: TestClient) -> None:
    html = client.get("/login").text

    assert '<a href="/recover">Forgot your password?</a>' in html


def test_recovering_resets_the_password_signs_in_and_replaces_the_code(
    client: TestClient,
) -> None:
    code = _sign_up(client)
    client.post("/logout", data={"csrf_token": form_csrf(client.get("/settings").text)})

    typed = code.lower().replace("-", " ")  # case and dashes do not matter
    response = _recover(client, "Ann@Example.org", typed)

    assert response.status_code == 303 and response.headers["location"] == "/recovery-code"
    page = client.get("/recovery-code")
    assert "Your password is changed and you are signed in." in page.text
    fresh = _shown_code(page.text)
    assert fresh != code and CODE_SHAPE.match(fresh)
    done = client.post(
        "/recovery-code",
        data={"csrf_token": form_csrf(page.text), "saved": "yes"},
        follow_redirects=False,
    )
    assert done.headers["location"] == "/"
    assert client.get("/api/me").json()["email"] == "ann@example.org"
    assert not _signs_in(client, "ann@example.org", PASSWORD)
    assert _signs_in(client, "ann@example.org", NEW_PASSWORD)

    client.cookies.clear()
    used = _recover(client, "ann@example.org", code, "yet another passphrase")
    assert used.status_code == 401 and SAME_ANSWER in used.text
    assert _recover(client, "ann@example.org", fresh, "yet another passphrase").status_code == 303


Work = tuple[list[str], list[str]]
"""What one request cost: its argon2 runs and its SQL statements (``WorkWatch``)."""


class WorkWatch:
    """What requests cost, counted rather than timed: each argon2 run of the project's hasher
    (``credentials._hasher``, wrapped: "hash", or "verify" with the cost parameters of the hash it
    checks against) and each SQL statement the app's engine sends. It only watches: the hasher
    and the database do their real work."""

    def __init__(self, hasher: Any) -> None:
        self.hasher = hasher
        self.argon2: list[str] = []
        self.statements: list[str] = []

    def hash(self, password: str) -> str:
        self.argon2.append("hash")
        return str(self.hasher.hash(password))

    def verify(self, password_hash: str, password: str) -> bool:
        cost = "$".join(password_hash.split("$")[1:4])  # argon2id$v=19$m=…,t=…,p=…
        self.argon2.append(f"verify {cost}")
        return bool(self.hasher.verify(password_hash, password))

    def check_needs_rehash(self, password_hash: str) -> bool:
        return bool(self.hasher.check_needs_rehash(password_hash))

    def statement(self, conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        self.statements.append(statement)

    def take(self) -> Work:
        """The work done since the last ``take``."""
        work = (self.argon2, self.statements)
        self.argon2, self.statements = [], []
        return work


@pytest.fixture
def work(
    client: TestClient, web_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> Iterator[WorkWatch]:
    watch = WorkWatch(credentials._hasher)
    monkeypatch.setattr(credentials, "_hasher", watch)
    engine = web_app.state.db.engine  # opened by the client's start-up
    event.listen(engine, "before_cursor_execute", watch.statement)
    yield watch
    event.remove(engine, "before_cursor_execute", watch.statement)


def test_a_wrong_code_and_an_unknown_email_get_the_same_answer_for_the_same_work(
    client: TestClient, work: WorkWatch
) -> None:
    """No account enumeration by timing: both paths hash twice and check once, against a hash of
    the same cost (a dummy one when there is no account), and send the same SQL statements.
    Counted, not timed: a ratio of wall-clock times fails on a loaded machine."""
    code = _sign_up(client)
    client.cookies.clear()
    wrong = "".join("A" if c != "A" and c != "-" else c for c in code)  # same shape, other code

    def recovery_and_its_work(email: str, typed: str) -> tuple[httpx.Response, Work]:
        token = form_csrf(client.get("/recover").text)
        work.take()  # only the recovery itself counts, not its form
        return _send_recovery(client, token, email, typed), work.take()

    wrong_code, wrong_code_work = recovery_and_its_work("ann@example.org", wrong)
    unknown, unknown_work = recovery_and_its_work("nobody@example.org", code)

    assert wrong_code.status_code == unknown.status_code == 401
    for response in (wrong_code, unknown):
        assert SAME_ANSWER in response.text
        assert 'id="recovery_code-error"' in response.text
        assert code not in response.text and wrong not in response.text  # never typed back
    argon2, statements = wrong_code_work
    assert argon2[:2] == ["hash", "hash"] and len(argon2) == 3  # the new password, a new code
    assert argon2[2].startswith("verify argon2id$")  # the code, against the account's hash
    assert any("FROM patients" in sql for sql in statements)  # the account looked up
    assert unknown_work == wrong_code_work
    assert _signs_in(client, "ann@example.org", PASSWORD)


def test_bad_input_is_shown_next_to_each_field(client: TestClient) -> None:
    response = _recover(client, "not-an-email", "K7QM-8XPD", "short")

    assert response.status_code == 400
    html = response.text
    assert 'id="email-error"' in html
    assert 'id="recovery_code-error"' in html and "like K7QM-8XPD-2HVR-9TWC" in html
    assert 'id="new_password-error"' in html and "Use at least 10 characters." in html


def test_recovery_needs_the_forms_csrf_token(client: TestClient) -> None:
    client.get("/recover")

    response = client.post(
        "/recover",
        data={"email": "a@example.org", "recovery_code": "x", "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 403


def test_guessing_codes_slows_down_like_sign_ins(client: TestClient) -> None:
    """Recovery codes are throttled by account, address and pair as passwords are
    (``services.throttle``): after five wrong codes even the right one waits."""
    code = _sign_up(client)
    client.cookies.clear()
    for _ in range(5):
        assert _recover(client, "ann@example.org", "AAAA-AAAA-AAAA-AAAA").status_code == 401

    response = _recover(client, "ann@example.org", code)

    assert response.status_code == 429
    assert "Too many recovery attempts. Wait " in response.text
    assert "retry-after" in response.headers
    client.cookies.clear()
    signed_in = client.post("/api/session", json={"email": "ann@example.org", "password": PASSWORD})
    assert signed_in.status_code == 200  # the password is a different secret, not slowed by them


def test_recovering_signs_out_every_other_browser(
    client: TestClient, web_app: FastAPI, database: Database
) -> None:
    code = _sign_up(client)
    with TestClient(web_app) as phone:
        assert phone.post(
            "/api/session", json={"email": "ann@example.org", "password": PASSWORD}
        ).is_success
        assert phone.get("/api/me").status_code == 200
        with TestClient(web_app) as library_pc:
            assert _recover(library_pc, "ann@example.org", code).status_code == 303
            assert library_pc.get("/api/me").status_code == 200

        assert phone.get("/api/me").status_code == 401
    assert client.get("/api/me").status_code == 401
    with database.session() as s:
        assert len(s.scalars(select(AuthSession)).all()) == 1


def test_api_sign_up_returns_the_code_and_recovery_returns_a_fresh_one(
    client: TestClient,
) -> None:
    created = client.post("/api/accounts", json={"email": "bo@example.org", "password": PASSWORD})
    code = created.json()["recovery_code"]
    assert CODE_SHAPE.match(code)
    assert "recovery_code" not in client.get("/api/me").json()
    client.cookies.clear()

    body = {"email": "bo@example.org", "recovery_code": code, "new_password": NEW_PASSWORD}
    response = client.post("/api/accounts/recover", json=body)

    assert response.status_code == 200
    fresh = response.json()["recovery_code"]
    assert CODE_SHAPE.match(fresh) and fresh != code
    assert response.json()["email"] == "bo@example.org"
    assert client.get("/api/me").status_code == 200
    client.cookies.clear()
    reused = client.post("/api/accounts/recover", json=body)
    assert reused.status_code == 401 and reused.json()["detail"] == SAME_ANSWER
    unknown = client.post("/api/accounts/recover", json={**body, "email": "x@example.org"})
    assert unknown.status_code == 401 and unknown.json()["detail"] == SAME_ANSWER
    assert _signs_in(client, "bo@example.org", NEW_PASSWORD)


def test_api_recovery_with_bad_input_is_422_naming_the_field(client: TestClient) -> None:
    body = {"email": "bo@example.org", "recovery_code": "K7QM-8XPD-2HVR-9TWO", "new_password": "x"}

    response = client.post("/api/accounts/recover", json=body)

    assert response.status_code == 422
    fields = [e["loc"] for e in response.json()["detail"]]
    assert fields == [["body", "recovery_code"], ["body", "new_password"]]


def test_settings_makes_a_new_code_and_the_old_one_stops_working(client: TestClient) -> None:
    old = _sign_up(client)
    page = client.get("/settings").text
    assert "Make a new recovery code" in page

    wrong = client.post(
        "/settings/recovery-code",
        data={"csrf_token": form_csrf(page), "recovery_password": "not my password"},
    )
    assert wrong.status_code == 400 and 'id="recovery_password-error"' in wrong.text
    response = client.post(
        "/settings/recovery-code",
        data={"csrf_token": form_csrf(page), "recovery_password": PASSWORD},
        follow_redirects=False,
    )

    assert response.headers["location"] == "/recovery-code"
    shown = client.get("/recovery-code")
    new = _shown_code(shown.text)
    assert "The old one no longer works." in shown.text
    saved = client.post(
        "/recovery-code",
        data={"csrf_token": form_csrf(shown.text), "saved": "yes"},
        follow_redirects=False,
    )
    assert saved.headers["location"] == "/settings"
    assert client.get("/recovery-code", follow_redirects=False).status_code == 303
    client.cookies.clear()
    assert _recover(client, "ann@example.org", old).status_code == 401
    assert _recover(client, "ann@example.org", new).status_code == 303


def test_api_makes_a_new_code_after_the_password(client: TestClient) -> None:
    created = client.post("/api/accounts", json={"email": "bo@example.org", "password": PASSWORD})
    headers = {"X-CSRF-Token": created.json()["csrf_token"]}

    refused = client.post("/api/me/recovery-code", json={"password": "wrong!"}, headers=headers)
    response = client.post("/api/me/recovery-code", json={"password": PASSWORD}, headers=headers)

    assert refused.status_code == 400
    assert response.status_code == 200
    assert response.json()["recovery_code"] != created.json()["recovery_code"]


def test_another_accounts_pending_code_is_never_shown(client: TestClient) -> None:
    token = form_csrf(client.get("/signup").text)
    client.post(
        "/signup", data={"csrf_token": token, "email": "ann@example.org", "password": PASSWORD}
    )
    pending = client.cookies.get("sc_recovery")
    assert pending
    client.post("/logout", data={"csrf_token": form_csrf(client.get("/disclaimer").text)})
    assert not client.cookies.get("sc_recovery")

    client.cookies.set("sc_recovery", pending)
    client.post("/api/accounts", json={"email": "bo@example.org", "password": PASSWORD})

    assert client.get("/recovery-code", follow_redirects=False).status_code == 303
