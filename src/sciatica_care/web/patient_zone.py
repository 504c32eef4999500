"""The patient's own time zone: "today", reminder times and "wait until 14:35" are local times.

The server keeps UTC; the browser tells us its zone (``Intl.DateTimeFormat``) when reminders are
saved, and it is kept in the patient's settings under ``timezone``. Without one we use UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sciatica_care.store.base import utcnow

SETTING = "timezone"


def valid_zone(name: str) -> ZoneInfo | None:
    """The zone called ``name`` (an IANA name such as ``Europe/London``), or None."""
    if not name or len(name) > 64 or ".." in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def patient_zone(settings: Mapping[str, Any]) -> ZoneInfo:
    """The zone stored in the patient's settings, or UTC."""
    return valid_zone(str(settings.get(SETTING) or "")) or ZoneInfo("UTC")


def local_now(settings: Mapping[str, Any]) -> dt.datetime:
    return utcnow().astimezone(patient_zone(settings))


def local_today(settings: Mapping[str, Any]) -> dt.date:
    return local_now(settings).date()
