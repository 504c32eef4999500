"""The path down the leg the body map fills (clinical-spec.md §6; issue 9 item 4)."""

from __future__ import annotations

from sciatica_care.domain.body_map import path_down


def test_marking_the_calf_fills_buttock_thigh_and_calf() -> None:
    assert path_down(4) == (2, 3, 4)


def test_the_foot_fills_the_whole_leg_from_the_buttock() -> None:
    assert path_down(5) == (2, 3, 4, 5)


def test_the_middle_of_the_low_back_is_not_on_the_way_down_a_leg() -> None:
    assert path_down(1) == (1,)
    assert 1 not in path_down(5)


def test_nowhere_fills_nothing() -> None:
    assert path_down(0) == ()
