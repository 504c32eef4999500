"""Which numbers an emergency screen offers to call (clinical-spec.md §9 ruling 10).

The person's own country's number first, 112 always as the fallback, and for the UK NHS 111 for
urgent care that is not an emergency. When the country is not known, the numbers most people
reach are shown: 112, 999 (UK) and 911 (US and Canada).
"""

from __future__ import annotations

from dataclasses import dataclass

from sciatica_care.content.emergency_numbers import EmergencyNumbers


@dataclass(frozen=True)
class Call:
    """One call button: the number dialled, its label, and where or when it applies."""

    number: str
    label: str
    where: str


UNKNOWN_COUNTRY = (
    Call("112", "Call 112", "Europe, and most mobile phones"),
    Call("999", "Call 999", "UK"),
    Call("911", "Call 911", "US and Canada"),
)


def emergency_calls(country_code: str | None, numbers: EmergencyNumbers) -> tuple[Call, ...]:
    """The call buttons for a person in ``country_code`` (ISO 3166, None when not known)."""
    country = numbers.country(country_code)
    if country is None:
        return UNKNOWN_COUNTRY
    calls = [Call(country.emergency, f"Call {country.emergency}", country.name)]
    if country.emergency != numbers.fallback:
        calls.append(
            Call(numbers.fallback, f"Call {numbers.fallback}", "Works from most mobile phones")
        )
    if country.urgent is not None:
        calls.append(
            Call(country.urgent.number, f"Call {country.urgent.label}", country.urgent.when)
        )
    return tuple(calls)


def country_from_locale(locale: str | None) -> str | None:
    """The region of a locale such as "en-GB" or "en_GB.UTF-8", upper case, or None."""
    if not locale:
        return None
    base = locale.split(".")[0].replace("_", "-")
    parts = base.split("-")
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    return region.upper() if region else None
