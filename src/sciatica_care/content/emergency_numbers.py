"""Emergency numbers by country, as data (emergency_numbers.yaml), validated on load."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from sciatica_care.content.files import CONTENT_DIR, load_model

_NUMBER = r"^[0-9]{2,6}$"


class Frozen(BaseModel):
    # Schemas are built on first use, not at import: every command imports these (start-up).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class UrgentLine(Frozen):
    """A number for urgent care that is not an emergency (NHS 111)."""

    number: str = Field(pattern=_NUMBER)
    label: str = Field(min_length=1)
    when: str = Field(min_length=1)


class Country(Frozen):
    name: str = Field(min_length=1)
    emergency: str = Field(pattern=_NUMBER)
    urgent: UrgentLine | None = None


class EmergencyNumbers(Frozen):
    version: str
    fallback: str = Field(pattern=_NUMBER)
    countries: dict[str, Country]

    def country(self, code: str | None) -> Country | None:
        """The country with this ISO 3166 code (any case), or None when we do not know it."""
        return self.countries.get((code or "").upper())


@cache
def emergency_numbers() -> EmergencyNumbers:
    return load_model(EmergencyNumbers, CONTENT_DIR / "emergency_numbers.yaml")
