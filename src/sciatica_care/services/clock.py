"""The patient's clock: their own time zone decides every "today" (issue 8, item 8).

The server keeps UTC. A web account stores its IANA zone at sign-up (the browser reports it) and
may change it in Settings; the CLI uses this computer's zone (``TZ`` when set). Diary days, the
next-morning pairing of a session (clinical-spec.md §4.1) and every time shown to the person are
computed here, so a check-in in Los Angeles at 17:00 stays on the day it was written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ZONE_SETTING = "timezone"
"""Key of the patient's IANA zone in their stored settings."""
UTC_ZONE = ZoneInfo("UTC")


def utcnow() -> datetime:
    return datetime.now(UTC)


def zone_named(name: object) -> ZoneInfo | None:
    """The IANA zone called ``name`` (``Europe/London``), or None for anything else."""
    if not isinstance(name, str) or not name or len(name) > 64:
        return None
    if ".." in name or name.startswith("/") or not name.isascii() or "\x00" in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def machine_zone() -> tzinfo:
    """This computer's zone for the CLI: ``TZ`` when it names a zone, else the system's."""
    named = zone_named(os.environ.get("TZ", "").removeprefix(":"))
    if named is not None:
        return named
    return datetime.now().astimezone().tzinfo or UTC_ZONE


@dataclass(frozen=True)
class Clock:
    """A time zone and a source of "now" (tests pass a fixed one; nothing else reads the clock)."""

    zone: tzinfo = UTC_ZONE
    now_fn: Callable[[], datetime] = field(default=utcnow, compare=False)

    def now(self) -> datetime:
        """Now, in the patient's zone (aware)."""
        return self.now_fn().astimezone(self.zone)

    def today(self) -> date:
        return self.now().date()

    def local(self, moment: datetime) -> datetime:
        """A stored (UTC) time in the patient's zone."""
        return moment.astimezone(self.zone)

    def day_of(self, moment: datetime) -> date:
        """The patient's calendar day of a stored time."""
        return self.local(moment).date()

    @property
    def zone_name(self) -> str:
        return str(getattr(self.zone, "key", None) or self.zone)


def patient_clock(settings: Mapping[str, Any], now_fn: Callable[[], datetime] = utcnow) -> Clock:
    """The clock of a patient with these stored settings (UTC until a zone is stored)."""
    return Clock(zone_named(settings.get(ZONE_SETTING)) or UTC_ZONE, now_fn)


def patient_zone(settings: Mapping[str, Any]) -> ZoneInfo:
    """The IANA zone stored in a patient's settings, or UTC (what calendars need: a named zone)."""
    return zone_named(settings.get(ZONE_SETTING)) or UTC_ZONE
