"""Daily reminders as an iCalendar file, so any calendar app can remind without our servers.

Each reminder is one VEVENT that repeats every day (RRULE FREQ=DAILY) at the person's local
time, in their time zone (with a rule-based VTIMEZONE from ``calendar_zones``, so the time stays
right across daylight saving in every calendar and for as long as it repeats), and carries a VALARM that pops up at that time. The same file is offered as a download and as a
private feed URL a calendar app can subscribe to.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event

from sciatica_care.reports.calendar_zones import rule_based_timezone

PRODUCT_ID = "-//Sciatica Care//Reminders//EN"
EVENT_MINUTES = 10


@dataclass(frozen=True)
class Reminder:
    """One daily reminder: a stable ``key`` (for the UID), its local time and words."""

    key: str
    at: dt.time
    summary: str
    description: str
    path: str


def reminders_calendar(
    reminders: Sequence[Reminder],
    zone: ZoneInfo,
    start: dt.date,
    owner: str,
    base_url: str = "",
    stamp: dt.datetime | None = None,
) -> bytes:
    """The iCalendar document. ``owner`` (a random value kept per person, never a row number) only
    salts the UIDs, so two people's events never clash and a re-imported file updates the same
    events instead of adding copies."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Sciatica Care reminders")
    calendar.add("x-wr-timezone", zone.key)
    calendar.add_component(rule_based_timezone(zone, start))
    stamp = stamp or dt.datetime.now(dt.UTC)
    salt = hashlib.sha256(owner.encode()).hexdigest()[:16]
    for reminder in reminders:
        begins = dt.datetime.combine(start, reminder.at, tzinfo=zone)
        event = Event()
        event.add("uid", f"{reminder.key}-{salt}@sciatica-care")
        event.add("dtstamp", stamp)
        event.add("dtstart", begins)
        event.add("duration", dt.timedelta(minutes=EVENT_MINUTES))
        event.add("rrule", {"freq": "daily"})
        event.add("summary", reminder.summary)
        event.add("description", reminder.description)
        event.add("transp", "TRANSPARENT")
        if base_url:
            event.add("url", base_url.rstrip("/") + reminder.path)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", reminder.summary)
        alarm.add("trigger", dt.timedelta(0))
        event.add_component(alarm)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
