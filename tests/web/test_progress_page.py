"""My progress: the chart with its numbers as a table, and the change in plain words."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from tests.web.conftest import Account, api_sign_up
from tests.web.diary_entries import post_checkin


def _mornings(client: TestClient, account: Account, leg_pains: list[int]) -> list[dt.date]:
    today = dt.datetime.now(dt.UTC).date()
    days = [today - dt.timedelta(days=len(leg_pains) - 1 - i) for i in range(len(leg_pains))]
    for day, pain in zip(days, leg_pains, strict=True):
        post_checkin(client, account, day=day.isoformat(), leg_pain=pain)
    return days


def test_an_empty_diary_invites_a_first_check_in(client: TestClient, account: Account) -> None:
    html = client.get("/progress").text

    assert "Record a check-in each morning" in html
    assert "No morning check-ins in this time yet." in html
    assert '<svg role="img" aria-labelledby="chart-caption"' in html


def test_the_chart_table_and_summary_show_the_mornings(
    client: TestClient, account: Account
) -> None:
    days = _mornings(client, account, [8, 7, 6, 4, 3])

    html = client.get("/progress").text

    assert '<svg role="img" aria-labelledby="chart-caption"' in html
    assert 'role="graphics-' not in html  # the chart is one labelled image
    assert "<caption>Morning check-ins and sessions, last 30 days</caption>" in html
    assert f'<th scope="row">{days[0].strftime("%a %d %b")}</th><td>8</td><td>3</td>' in html
    assert "your knee or calf" in html
    assert "Leg pain down 5 points since you started (from 8 to 3): a change that matters." in html


def test_the_api_gives_the_series_and_the_summary(client: TestClient, account: Account) -> None:
    _mornings(client, account, [6, 6, 2])

    data = client.get("/api/progress?days=14").json()

    assert data["days"] == 14
    assert [p["leg_pain"] for p in data["series"]["pain"]] == [6, 6, 2]
    assert data["series"]["pain"][0]["furthest_pain_zone"] == 4
    assert any(line.startswith("Leg pain down 4 points") for line in data["summary"])


def test_progress_is_private_to_each_patient(client: TestClient, account: Account) -> None:
    _mornings(client, account, [5, 4])
    client.cookies.clear()
    assert client.get("/api/progress").status_code == 401

    api_sign_up(client, "bob@example.org")

    assert client.get("/api/progress").json()["series"]["pain"] == []
