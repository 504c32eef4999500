"""The habit rules on Today: program week, weekly goal, and a streak that forgives planned rest."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from sciatica_care.domain.habit import program_week, streak, week_bounds, weekly_goal

START = date(2026, 11, 2)
TODAY = date(2026, 11, 30)


def d(n: int) -> date:
    """``n`` days before TODAY (0 is today)."""
    return TODAY - timedelta(days=n)


days_before = st.frozensets(st.integers(min_value=0, max_value=40).map(d), max_size=41)


def test_three_sessions_in_a_row_make_a_three_day_streak() -> None:
    assert streak({d(0), d(1), d(2)}, set(), TODAY) == 3


def test_today_not_done_yet_keeps_yesterdays_streak() -> None:
    assert streak({d(1), d(2)}, set(), TODAY) == 2


def test_a_missed_day_ends_the_streak() -> None:
    assert streak({d(0), d(2), d(3)}, set(), TODAY) == 1
    assert streak({d(2), d(3)}, set(), TODAY) == 0


def test_a_planned_rest_day_keeps_the_streak_going() -> None:
    assert streak({d(0), d(2), d(3)}, {d(1)}, TODAY) == 4


def test_rest_days_alone_are_no_streak() -> None:
    assert streak(set(), {d(0), d(1)}, TODAY) == 0


def test_the_streak_starts_on_the_programs_first_day() -> None:
    assert streak({d(0), d(1), d(2), d(3)}, set(), TODAY, start=d(1)) == 2


@given(days_before, days_before)
def test_a_rest_day_never_shortens_a_streak(done: frozenset[date], rest: frozenset[date]) -> None:
    for extra in (d(0), d(1), d(5)):
        assert streak(done, rest | {extra}, TODAY) >= streak(done, rest, TODAY)


@given(days_before, days_before)
def test_a_rest_day_is_forgiven_like_a_session_day(
    done: frozenset[date], rest: frozenset[date]
) -> None:
    """Turning a session day into a planned rest day keeps the run the same length, as long as
    some other day in the run still holds a session."""
    with_sessions = streak(done, rest, TODAY)
    for day in sorted(done)[1:]:
        moved = streak(done - {day}, rest | {day}, TODAY)
        assert moved in (with_sessions, 0)


@given(days_before, days_before)
def test_the_streak_never_counts_a_day_that_was_neither_done_nor_rest(
    done: frozenset[date], rest: frozenset[date]
) -> None:
    run = streak(done, rest, TODAY)
    first = TODAY if (TODAY in done or TODAY in rest) else d(1)
    counted = {first - timedelta(days=n) for n in range(run)}
    assert counted <= done | rest
    assert run == 0 or counted & done


@given(days_before, days_before, st.integers(min_value=0, max_value=40))
def test_the_streak_is_never_longer_than_the_program(
    done: frozenset[date], rest: frozenset[date], since: int
) -> None:
    assert streak(done, rest, TODAY, start=d(since)) <= since + 1


@given(st.integers(min_value=0, max_value=400))
def test_program_week_counts_whole_weeks_from_the_start(offset: int) -> None:
    today = START + timedelta(days=offset)
    first, last = week_bounds(START, today)
    assert program_week(START, today) == offset // 7 + 1
    assert first <= today <= last and (last - first).days == 6
    assert (first - START).days % 7 == 0


def test_week_one_on_the_first_day_and_week_five_after_four_weeks() -> None:
    assert program_week(START, START) == 1
    assert program_week(START, START + timedelta(days=6)) == 1
    assert program_week(START, START + timedelta(days=28)) == 5
    assert program_week(START, START - timedelta(days=3)) == 1


def test_the_weekly_goal_is_daily_less_planned_rest_days() -> None:
    today = START + timedelta(days=9)  # week 2 started on day 7
    done = {START + timedelta(days=n) for n in (0, 1, 7, 8, 9)}
    rest = {START + timedelta(days=10), START + timedelta(days=11)}

    goal = weekly_goal(done, rest, START, today)

    assert (goal.week, goal.done, goal.goal) == (2, 3, 5)
    assert not goal.met and 0.59 < goal.fraction < 0.61


@given(days_before, days_before)
def test_the_weekly_goal_counts_only_this_weeks_days(
    done: frozenset[date], rest: frozenset[date]
) -> None:
    goal = weekly_goal(done, rest, START, TODAY)
    assert 0 <= goal.done <= 7 and 0 <= goal.goal <= 7
    assert 0.0 <= goal.fraction <= 1.0
    assert goal.done <= len(done)
