"""Safety-check answers for web tests: calm by default, change the items a story is about."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from sciatica_care.domain.body_map import KINDS
from tests.web.conftest import Account

YES_NO_ITEMS = (
    *(f"Q{n}" for n in range(1, 21)),
    "S3",
    "S4",
    "S5",
    "S6",
)


def calm_answers(**changes: Any) -> dict[str, Any]:
    """§8.1 answers with no warning sign (SELF_CARE), leg pain below the knee."""
    answers: dict[str, Any] = {item: "no" for item in YES_NO_ITEMS}
    answers.update({"age": 44, "S2_leg": 5, "S2_back": 3, "S3": "yes"})
    answers.update(changes)
    return answers


def calm_form(csrf: str, **changes: str) -> dict[str, str]:
    """The same answers as the HTML form sends them."""
    data = {key: str(value) for key, value in calm_answers().items()}
    data.update(changes)
    data["csrf_token"] = csrf
    return data


RECHECK_ITEMS = tuple(f"Q{n}" for n in range(1, 11))


def calm_recheck(**changes: Any) -> dict[str, Any]:
    """The Q1–Q10 re-check after a RED stop (§9 ruling 5), every answer "no"."""
    answers: dict[str, Any] = {item: "no" for item in RECHECK_ITEMS}
    answers.update(changes)
    return answers


def recheck_form(csrf: str, **changes: str) -> dict[str, str]:
    """The re-check as the HTML form sends it."""
    return {**calm_recheck(**changes), "csrf_token": csrf}


def screen_via_api(client: TestClient, account: Account, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/screenings", json=calm_answers(**changes), headers=account.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def conversation_form(csrf: str, **changes: str | None) -> dict[str, str]:
    """The calm answers as the conversation sends them: every group "None of these", the
    checklist with only "pain below the knee" ticked, the body map left at "Nowhere"."""
    data: dict[str, str | None] = {
        "csrf_token": csrf,
        "group_nerves": "none",
        "group_weakness": "none",
        "group_course": "none",
        "age": "44",
        "S2_leg": "5",
        "S2_back": "3",
        "checklist": "yes",
        "S3": "yes",
    }
    data.update({f"S1_{side}_{kind}": "0" for side in ("left", "right") for kind in KINDS})
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}  # None: left out
