"""Which numbers an emergency screen offers (clinical-spec.md §9 ruling 10)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sciatica_care.content.emergency_numbers import emergency_numbers
from sciatica_care.domain.emergency_calls import (
    UNKNOWN_COUNTRY,
    country_from_locale,
    emergency_calls,
)

NUMBERS = emergency_numbers()


def test_the_uk_shows_999_then_112_then_nhs_111_for_urgent_care() -> None:
    calls = emergency_calls("GB", NUMBERS)
    assert [c.number for c in calls] == ["999", "112", "111"]
    assert calls[2].label == "Call NHS 111" and "not an emergency" in calls[2].where


def test_a_112_country_shows_112_once() -> None:
    assert [c.number for c in emergency_calls("de", NUMBERS)] == ["112"]


@pytest.mark.parametrize(("code", "first"), [("US", "911"), ("AU", "000"), ("NO", "113")])
def test_the_persons_own_number_comes_first_and_112_after(code: str, first: str) -> None:
    numbers = [c.number for c in emergency_calls(code, NUMBERS)]
    assert numbers[0] == first and numbers[-1] == "112"


@given(st.one_of(st.none(), st.text(max_size=5)))
def test_every_screen_offers_112(code: str | None) -> None:
    calls = emergency_calls(code, NUMBERS)
    assert "112" in [c.number for c in calls]
    if NUMBERS.country(code) is None:
        assert calls == UNKNOWN_COUNTRY


@pytest.mark.parametrize(
    ("locale", "country"),
    [("en-GB", "GB"), ("en_GB.UTF-8", "GB"), ("zh-Hant-TW", "TW"), ("de", None), ("", None)],
)
def test_the_country_comes_from_the_locale_region(locale: str, country: str | None) -> None:
    assert country_from_locale(locale) == country


def test_norway_is_a_country_not_a_yaml_false() -> None:
    assert NUMBERS.country("NO") is not None and NUMBERS.country("NO").name == "Norway"
