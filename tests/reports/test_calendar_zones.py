"""A daily reminder stays at its local time in every calendar, across daylight saving, for decades.

The file is read back by two parsers that are not ours or icalendar's: Mozilla's ical.js (Node,
installed by `make test` from package-lock.json) and Python's vobject. The old VTIMEZONE (every
transition as RDATE on one line) made both keep London on summer time all year.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from sciatica_care.reports.calendar_zones import rule_based_timezone, transitions_in
from sciatica_care.reports.reminders import Reminder, reminders_calendar

ROOT = Path(__file__).resolve().parents[2]
EXPAND = Path(__file__).with_name("ical_expand.cjs")
AT = dt.time(8, 0)
START = dt.date(2026, 12, 1)
DAYS = [dt.date(year, month, 15) for year in (2027, 2031, 2045) for month in (1, 4, 7, 10)]
ZONES = [
    "Europe/London",  # last Sunday of March / October
    "America/Los_Angeles",  # second Sunday of March, first of November
    "Australia/Sydney",  # southern hemisphere: summer time over new year
    "America/Santiago",  # first Sunday on or after the 2nd: a BYMONTHDAY window
    "Asia/Tokyo",  # no daylight saving
    "Africa/Casablanca",  # no weekday rule (Ramadan): falls back to listed dates
]


def _calendar(zone: str, tmp_path: Path) -> Path:
    reminder = Reminder("checkin", AT, "Morning check-in", "How is your leg today?", "/checkin")
    ics = reminders_calendar([reminder], ZoneInfo(zone), START, owner="a-random-salt")
    path = tmp_path / f"{zone.replace('/', '_')}.ics"
    path.write_bytes(ics)
    return path


def _expected(zone: str) -> list[dt.datetime]:
    """08:00 local on each day, as zoneinfo (the tz database) says, in UTC."""
    return [dt.datetime.combine(day, AT, tzinfo=ZoneInfo(zone)).astimezone(dt.UTC) for day in DAYS]


def _node() -> str:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None or not (ROOT / "node_modules" / "ical.js").is_dir():
        pytest.fail("make test installs Node and ical.js (package-lock.json): run `make test`")
    return node


@pytest.mark.parametrize("zone", ZONES)
def test_mozilla_ical_js_keeps_the_local_time_across_daylight_saving(
    zone: str, tmp_path: Path
) -> None:
    path = _calendar(zone, tmp_path)
    out = subprocess.run(
        [_node(), str(EXPAND), str(path), *(day.isoformat() for day in DAYS)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.split()
    got = sorted(dt.datetime.fromisoformat(line.replace("Z", "+00:00")) for line in out)
    assert got == sorted(_expected(zone))


@pytest.mark.parametrize("zone", ZONES)
def test_vobject_reads_the_same_offsets_from_our_time_zone(zone: str, tmp_path: Path) -> None:
    """vobject builds its own tzinfo from our VTIMEZONE (its event expansion would swap in pytz
    for a known zone name, so the zone is what it can check independently)."""
    calendar = vobject.readOne(_calendar(zone, tmp_path).read_text())
    their_zone = calendar.vtimezone.gettzinfo()
    got = [dt.datetime.combine(day, AT, tzinfo=their_zone).astimezone(dt.UTC) for day in DAYS]
    assert got == _expected(zone)


def test_london_is_written_as_two_yearly_rules_and_no_list_of_dates() -> None:
    component = rule_based_timezone(ZoneInfo("Europe/London"), START)
    text = component.to_ical().decode()

    assert "RDATE" not in text
    rules = sorted(line for line in text.splitlines() if line.startswith("RRULE"))
    assert rules == [
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
    ]


def test_a_zone_without_daylight_saving_has_one_standard_observance() -> None:
    calendar = Calendar.from_ical(rule_based_timezone(ZoneInfo("Asia/Tokyo"), START).to_ical())
    [standard] = calendar.walk("STANDARD")
    assert not calendar.walk("DAYLIGHT")
    assert standard.decoded("tzoffsetto") == dt.timedelta(hours=9)


def test_transitions_are_found_to_the_minute_in_local_wall_time() -> None:
    spring, autumn = transitions_in(ZoneInfo("America/Los_Angeles"), 2026)
    assert spring.local_start == dt.datetime(2026, 3, 8, 2, 0)
    assert (spring.offset_from, spring.offset_to) == (
        dt.timedelta(hours=-8),
        dt.timedelta(hours=-7),
    )
    assert autumn.local_start == dt.datetime(2026, 11, 1, 2, 0)
    assert autumn.name == "PST" and not autumn.is_dst
