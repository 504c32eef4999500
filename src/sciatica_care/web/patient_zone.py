"""The patient's own time zone in the web app (the rule itself is ``services.clock``).

The browser reports its zone at sign-up (and when reminders are saved); it is kept in the
patient's settings under ``timezone``. Without one the clock is UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sciatica_care.services.clock import ZONE_SETTING, patient_clock, patient_zone, zone_named

SETTING = ZONE_SETTING
valid_zone = zone_named
__all__ = ["SETTING", "local_now", "local_today", "patient_zone", "valid_zone"]


def local_now(settings: Mapping[str, Any]) -> dt.datetime:
    return patient_clock(settings).now()


def local_today(settings: Mapping[str, Any]) -> dt.date:
    return patient_clock(settings).today()
