"""My progress: the wins first, then the chart with its numbers as a table, and the change in
words; a first-day view from the safety check; each chart converted once per data version."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from sciatica_care.reports.charts import svg_cache
from sciatica_care.store.base import utcnow
from tests.web.conftest import Account, api_sign_up
from tests.web.diary_entries import post_checkin
from tests.web.safety_check import screen_via_api
from tests.web.test_today import _session_on

CHART = '<svg role="img" aria-labelledby="chart-caption"'


def _mornings(client: TestClient, account: Account, leg_pains: list[int]) -> list[dt.date]:
    today = dt.datetime.now(dt.UTC).date()
    days = [today - dt.timedelta(days=len(leg_pains) - 1 - i) for i in range(len(leg_pains))]
    for day, pain in zip(days, leg_pains, strict=True):
        post_checkin(client, account, day=day.isoformat(), leg_pain=pain)
    return days


def test_the_first_day_shows_the_safety_checks_pain_not_empty_charts(
    client: TestClient, account: Account
) -> None:
    screen_via_api(client, account, S2_leg=6, S2_back=2)

    html = client.get("/progress").text

    start = html.split("Your starting point", 1)[1].split("</section>", 1)[0]
    assert "At your safety check on " + f"{utcnow():%A} " in start
    assert (
        '6<span class="win-out-of"> out of 10</span></span> <span class="win-label">leg pain'
        in start
    )
    assert (
        '2<span class="win-out-of"> out of 10</span></span> <span class="win-label">back pain'
        in start
    )
    assert 'href="/check-in"' in start
    assert CHART not in html and "chart-frame" not in html
    assert "No morning check-ins" not in html
    assert 'href="/questionnaires/psfs">Name your activities' in html


def test_without_a_safety_check_the_first_day_still_invites_a_first_check_in(
    client: TestClient, account: Account
) -> None:
    html = client.get("/progress").text

    assert "Your starting point" in html and "leg pain" not in html.split("Your starting")[1][:300]
    assert "Record a check-in each morning" in html
    assert CHART not in html


def test_the_chart_table_and_summary_show_the_mornings(
    client: TestClient, account: Account
) -> None:
    days = _mornings(client, account, [8, 7, 6, 4, 3])

    html = client.get("/progress").text

    assert html.count(CHART) == 2  # the wide and the phone layout
    assert 'role="graphics-' not in html  # the chart is one labelled image
    assert "<caption>Morning check-ins and sessions, last 30 days</caption>" in html
    assert f'<th scope="row">{days[0].strftime("%a %d %b")}</th><td>8</td><td>3</td>' in html
    assert "your knee or calf" in html
    assert "Leg pain down 5 points since you started (from 8 to 3): a change that matters." in html
    assert "Lower is better" in html and "up = retreating" not in html


def test_wins_come_first_sessions_minutes_pain_line_and_activities(
    client: TestClient, account: Account
) -> None:
    screen_via_api(client, account)
    _mornings(client, account, [6, 5, 3])
    _session_on(client, account, utcnow() - dt.timedelta(minutes=30), "pelvic-tilt", "bird-dog")
    _session_on(client, account, utcnow() - dt.timedelta(minutes=5), "pelvic-tilt")
    psfs = {"Walking to the shop": 4, "Sitting at work": 6, "Putting on socks": 3}
    saved = client.post(
        "/api/questionnaires",
        json={"questionnaire": "psfs", "answers": psfs},
        headers=account.headers,
    )
    assert saved.status_code == 201, saved.text

    html = client.get("/progress").text

    wins = html.split('id="wins-title"', 1)[1].split("</section>", 1)[0]
    wins_all = html.split('<section class="wins"', 1)[1].split("</section>", 1)[0]
    assert html.index('id="wins-title"') < html.index(CHART)
    assert "This week</h2>" in wins_all and "Week 1 of your program" in wins_all
    assert '<span class="win-number">2</span> <span class="win-label">sessions this week' in wins
    assert '<span class="win-number">6</span> <span class="win-label">minutes moved' in wins
    assert "leg pain at your last morning check-in, down 3 from 6 in the last 30 days" in wins
    assert 'aria-label="Line of your morning leg pain over the last 30 days, from 6 to 3' in wins
    assert '<path d="M0.0 ' in wins
    goals = html.split('id="goals-title"', 1)[1].split("</section>", 1)[0]
    assert (
        '<meter min="0" max="10" value="4.0" aria-label="Walking to the shop: 4 out of 10">'
        in goals
    )
    assert "Putting on socks" in goals


def test_a_page_shown_again_with_the_same_data_converts_no_chart(
    client: TestClient, account: Account
) -> None:
    _mornings(client, account, [5, 4, 4])
    svg_cache.clear()
    before = svg_cache.conversions

    first = client.get("/progress").text
    converted = svg_cache.conversions - before
    second = client.get("/progress").text

    assert converted == 2  # the wide and the phone chart, once each
    assert svg_cache.conversions - before == 2
    assert (
        first.split('<figure class="chart-figure">')[1]
        == second.split('<figure class="chart-figure">')[1]
    )
    earlier = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=5)
    post_checkin(client, account, day=earlier.isoformat(), leg_pain=2)
    client.get("/progress")
    assert svg_cache.conversions - before == 4  # new data, a new chart


def test_the_api_gives_the_series_the_summary_and_the_wins(
    client: TestClient, account: Account
) -> None:
    _mornings(client, account, [6, 6, 2])

    data = client.get("/api/progress?days=14").json()

    assert data["days"] == 14
    assert [p["leg_pain"] for p in data["series"]["pain"]] == [6, 6, 2]
    assert data["series"]["pain"][0]["furthest_pain_zone"] == 4
    assert any(line.startswith("Leg pain down 4 points") for line in data["summary"])
    assert data["wins"]["pain"]["points"] == [6, 6, 2]
    assert (data["wins"]["pain"]["first"], data["wins"]["pain"]["latest"]) == (6, 2)
    assert data["wins"]["sessions_this_week"] == 0


def test_progress_is_private_to_each_patient(client: TestClient, account: Account) -> None:
    _mornings(client, account, [5, 4])
    client.cookies.clear()
    assert client.get("/api/progress").status_code == 401

    api_sign_up(client, "bob@example.org")

    assert client.get("/api/progress").json()["series"]["pain"] == []
