"""The numbers a person's emergency screens offer to call, from their country setting.

clinical-spec.md §9 ruling 10: the country is set at sign-up (from the browser's locale, or the
terminal's) and can be changed in Settings; the rule of which numbers to show is
``domain.emergency_calls``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sciatica_care.content.emergency_numbers import emergency_numbers
from sciatica_care.domain.emergency_calls import Call, emergency_calls
from sciatica_care.services.errors import InvalidInput
from sciatica_care.store import patients
from sciatica_care.store.database import Database

COUNTRY_SETTING = "country"


def known_country(code: str | None) -> str | None:
    """``code`` in upper case when we have its numbers, else None."""
    country = emergency_numbers().country(code)
    return (code or "").upper() if country is not None else None


def country_choices() -> list[tuple[str, str]]:
    """(code, name) of every country we know the numbers of, by name."""
    countries = emergency_numbers().countries
    return sorted(((code, c.name) for code, c in countries.items()), key=lambda pair: pair[1])


def calls_for_settings(settings: Mapping[str, Any]) -> tuple[Call, ...]:
    country = settings.get(COUNTRY_SETTING)
    return emergency_calls(country if isinstance(country, str) else None, emergency_numbers())


def patient_calls(db: Database, patient_id: int) -> tuple[Call, ...]:
    with db.session() as session:
        settings = patients.get_settings(session, patient_id)
    return calls_for_settings(settings)


def patient_country(db: Database, patient_id: int) -> str | None:
    with db.session() as session:
        country = patients.get_settings(session, patient_id).get(COUNTRY_SETTING)
    return country if isinstance(country, str) else None


def set_country(db: Database, patient_id: int, code: str) -> str:
    """Store the person's country (an ISO code we know); 422 naming ``country`` otherwise."""
    known = known_country(code)
    if known is None:
        raise InvalidInput("country", "Choose your country from the list.")
    with db.session() as session:
        patients.update_settings(session, patient_id, **{COUNTRY_SETTING: known})
    return known
