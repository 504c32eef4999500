"""A VTIMEZONE written as yearly rules (RRULE), so every calendar keeps a daily reminder at the
same local time for as long as it repeats.

Why not the library's own VTIMEZONE: icalendar lists each transition as an RDATE on one line.
Mozilla's ical.js and Python's vobject then read only the first transition of each kind, which
left London on summer time all year (an 08:00 reminder arrived at 07:00 in December), and the
list stops in 2038. Real calendar servers write "last Sunday of March" as a rule; so do we.

The rule is read off the zone's own transitions (zoneinfo) in the year before the reminders start
and checked against zoneinfo for the following decades. A zone whose changes follow no weekday
rule (rare: Morocco moves its clocks for Ramadan) gets every date listed for those decades, one
RDATE line each.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil import rrule
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

CHECK_YEARS = 30
"""How many years the derived rule must reproduce zoneinfo's transitions for before we trust it."""

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Transition:
    """One change of UTC offset: the local wall time it happens at (in the offset before it)."""

    local_start: dt.datetime
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    name: str
    is_dst: bool

    def yearly_rules(self) -> list[dict[str, object]]:
        """The rules calendars share that could describe this change, most common first:
        "the n-th (or last) Sunday of March", then "the first Sunday on or after the 2nd"
        (Chile), each as RFC 5545 RRULE parts."""
        local = self.local_start
        day = local.day
        last_day = month_calendar.monthrange(local.year, local.month)[1]
        weekday = WEEKDAYS[local.weekday()]
        nth = -1 if day > last_day - 7 else (day - 1) // 7 + 1
        rules: list[dict[str, object]] = [
            {"freq": "yearly", "bymonth": local.month, "byday": f"{nth}{weekday}"}
        ]
        for first in range(max(1, day - 6), min(day, 22) + 1):
            window = list(range(first, first + 7))
            rules.append(
                {"freq": "yearly", "bymonth": local.month, "byday": weekday, "bymonthday": window}
            )
        return rules


def _offset(zone: ZoneInfo, instant: dt.datetime) -> dt.timedelta:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None
    return offset


def transitions_in(zone: ZoneInfo, year: int) -> list[Transition]:
    """Every offset change in ``year``, found day by day and then to the minute."""
    found: list[Transition] = []
    instant = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    while instant < end:
        following = instant + dt.timedelta(days=1)
        if _offset(zone, instant) != _offset(zone, following):
            low, high = instant, following
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                if _offset(zone, middle) == _offset(zone, low):
                    low = middle
                else:
                    high = middle
            before, after = _offset(zone, low), _offset(zone, high)
            local = (high + before).replace(tzinfo=None)
            local_after = high.astimezone(zone)
            dst = local_after.dst()
            found.append(
                Transition(
                    local_start=local.replace(second=0, microsecond=0),
                    offset_from=before,
                    offset_to=after,
                    name=local_after.tzname() or zone.key,
                    is_dst=bool(dst),
                )
            )
        instant = following
    return found


def _occurrences(change: Transition, rule: dict[str, object]) -> list[dt.datetime]:
    """The rule's local start times over CHECK_YEARS years, expanded by dateutil."""
    byday = str(rule["byday"])
    weekday = rrule.weekday(WEEKDAYS.index(byday[-2:]))
    if "bymonthday" in rule:
        return list(
            rrule.rrule(
                rrule.YEARLY,
                dtstart=change.local_start,
                bymonth=change.local_start.month,
                byweekday=weekday,
                bymonthday=list(rule["bymonthday"]),  # type: ignore[call-overload]
                count=CHECK_YEARS,
            )
        )
    return list(
        rrule.rrule(
            rrule.YEARLY,
            dtstart=change.local_start,
            bymonth=change.local_start.month,
            byweekday=weekday(int(byday[:-2])),
            count=CHECK_YEARS,
        )
    )


def _rule_holds(zone: ZoneInfo, change: Transition, rule: dict[str, object]) -> bool:
    """Does ``rule`` land on zoneinfo's transitions, one a year, for CHECK_YEARS years?"""
    starts = _occurrences(change, rule)
    if [start.year for start in starts] != [
        change.local_start.year + n for n in range(CHECK_YEARS)
    ]:
        return False
    for local_start in starts:
        utc = (local_start - change.offset_from).replace(tzinfo=dt.UTC)
        if _offset(zone, utc - dt.timedelta(minutes=1)) != change.offset_from:
            return False
        if _offset(zone, utc) != change.offset_to:
            return False
    return True


def _matching_rule(zone: ZoneInfo, change: Transition) -> dict[str, object] | None:
    return next((r for r in change.yearly_rules() if _rule_holds(zone, change, r)), None)


def rule_based_timezone(zone: ZoneInfo, start: dt.date) -> Timezone:
    """The VTIMEZONE for ``zone``, valid from a year before ``start`` onwards."""
    year = start.year - 1
    changes = transitions_in(zone, year)
    component = Timezone()
    component.add("tzid", zone.key)
    if not changes:
        # No daylight saving: one standard observance, in force since long before.
        moment = dt.datetime(year, 1, 1, tzinfo=dt.UTC).astimezone(zone)
        offset = moment.utcoffset()
        standard = TimezoneStandard()
        standard.add("dtstart", dt.datetime(1970, 1, 1))
        standard.add("tzoffsetfrom", offset)
        standard.add("tzoffsetto", offset)
        standard.add("tzname", moment.tzname() or zone.key)
        component.add_component(standard)
        return component
    rules = [_matching_rule(zone, change) for change in changes]
    if len(changes) != 2 or None in rules:
        _add_listed_transitions(component, zone, year)
        return component
    for change, rule in zip(changes, rules, strict=True):
        observance = TimezoneDaylight() if change.is_dst else TimezoneStandard()
        observance.add("dtstart", change.local_start)
        observance.add("tzoffsetfrom", change.offset_from)
        observance.add("tzoffsetto", change.offset_to)
        observance.add("tzname", change.name)
        observance.add("rrule", rule)
        component.add_component(observance)
    return component


def _add_listed_transitions(component: Timezone, zone: ZoneInfo, year: int) -> None:
    """Every transition for CHECK_YEARS years, one RDATE line each (parsers that meet several
    dates on one RDATE line keep only the first), grouped into one observance per kind."""
    kinds: dict[tuple[dt.timedelta, dt.timedelta, str, bool], list[dt.datetime]] = {}
    for each_year in range(year, year + CHECK_YEARS):
        for change in transitions_in(zone, each_year):
            key = (change.offset_from, change.offset_to, change.name, change.is_dst)
            kinds.setdefault(key, []).append(change.local_start)
    for (offset_from, offset_to, name, is_dst), starts in kinds.items():
        observance = TimezoneDaylight() if is_dst else TimezoneStandard()
        observance.add("dtstart", starts[0])
        observance.add("tzoffsetfrom", offset_from)
        observance.add("tzoffsetto", offset_to)
        observance.add("tzname", name)
        for start in starts[1:]:
            observance.add("rdate", start)
        component.add_component(observance)
