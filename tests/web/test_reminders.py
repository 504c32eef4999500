"""Reminder times as an iCalendar download and a private feed a calendar app can subscribe to."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from tests.web.conftest import Account, form_csrf


def _save(client: TestClient, **values: str) -> str:
    token = form_csrf(client.get("/settings/reminders").text)
    return client.post("/settings/reminders", data={"csrf_token": token, **values}).text


def test_settings_links_to_reminders(client: TestClient, account: Account) -> None:
    assert 'href="/settings/reminders"' in client.get("/settings").text


def test_saved_times_give_a_valid_calendar_with_daily_alarms(
    client: TestClient, account: Account
) -> None:
    html = _save(client, checkin="07:45", exercise="18:30", timezone="Europe/London")
    assert "Reminder times saved." in html

    response = client.get("/reminders.ics")

    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart").time())
    assert [str(e["summary"]) for e in events] == [
        "Sciatica Care: morning check-in",
        "Sciatica Care: today's exercises",
    ]
    first = events[0].decoded("dtstart")
    assert first.time() == dt.time(7, 45) and str(first.tzinfo) == "Europe/London"
    assert b"RRULE:FREQ=DAILY" in events[0].to_ical()
    [alarm] = events[0].walk("VALARM")
    assert str(alarm["action"]) == "DISPLAY"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(events[0]["url"]).endswith("/check-in")


def test_a_bad_time_or_zone_is_named(client: TestClient, account: Account) -> None:
    html = _save(client, checkin="7 am", timezone="Europe/London")
    assert "Give the time as hours and minutes, like 08:30." in html

    response = client.put(
        "/api/reminders",
        json={"times": {"checkin": "08:00"}, "timezone": "Mars/Olympus"},
        headers=account.headers,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "timezone"]


def test_the_private_feed_works_without_a_cookie_until_replaced(
    client: TestClient, account: Account
) -> None:
    client.put(
        "/api/reminders",
        json={"times": {"checkin": "08:00"}, "timezone": "UTC"},
        headers=account.headers,
    )
    old = client.post("/api/reminders/feed", headers=account.headers).json()["url"]
    path = old.removeprefix("http://testserver")
    cookies = dict(client.cookies)
    client.cookies.clear()

    feed = client.get(path)

    assert feed.status_code == 200
    assert len(Calendar.from_ical(feed.content).walk("VEVENT")) == 1
    client.cookies.update(cookies)
    new = client.post("/api/reminders/feed", headers=account.headers).json()["url"]
    assert new != old
    assert client.get(path).status_code == 404
    assert client.delete("/api/reminders/feed", headers=account.headers).status_code == 204
    assert client.get(new.removeprefix("http://testserver")).status_code == 404
    assert client.get("/reminders/feed/1.guess.ics").status_code == 404


def test_the_page_shows_the_feed_link_once(client: TestClient, account: Account) -> None:
    _save(client, checkin="08:00", timezone="UTC")
    token = form_csrf(client.get("/settings/reminders").text)

    html = client.post("/settings/reminders/feed", data={"csrf_token": token}).text

    assert "Your private calendar link (shown only now)" in html
    assert re.search(r"http://testserver/reminders/feed/[0-9a-f-]{36}\.", html)
    assert "testserver/reminders/feed/" not in client.get("/settings/reminders").text
    assert client.get("/api/reminders").json()["feed_active"] is True


def test_feed_links_and_calendar_ids_reveal_no_row_number(
    client: TestClient, account: Account
) -> None:
    client.put(
        "/api/reminders",
        json={"times": {"checkin": "08:00", "exercise": "18:00"}, "timezone": "Europe/London"},
        headers=account.headers,
    )
    url = client.post("/api/reminders/feed", headers=account.headers).json()["url"]
    token = url.rsplit("/", 1)[-1].removesuffix(".ics")
    owner = token.split(".")[0]

    assert owner != str(account.id) and len(owner) == 36  # the random public id
    calendar = Calendar.from_ical(client.get("/reminders.ics").content)
    uids = [str(event["uid"]) for event in calendar.walk("VEVENT")]
    assert all(f"patient-{account.id}" not in uid for uid in uids)
    again = Calendar.from_ical(client.get("/reminders.ics").content)
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == uids  # stable: updates, no copies


@pytest.mark.parametrize("token", ["².x", "1" * 40 + ".x", "not-a-uuid.secret", ".x", "x"])
def test_malformed_feed_tokens_are_simply_not_found(client: TestClient, token: str) -> None:
    assert client.get(f"/reminders/feed/{token}.ics").status_code == 404
