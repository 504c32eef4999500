"""Habit on Today: the program week, the weekly goal and a streak that forgives planned rest.

Pure rules (no clock, no I/O): the service passes the patient's own days (their time zone).

The plan's frequency comes from clinical-spec.md §4.2: "Frequency: daily (twice if tolerated)".
So the weekly goal is one session a day, seven a week, less the days on which the program itself
rests: every exercise paused after a RED result (§4.1: stop 24–48 h; §9 ruling 5). Such a day is a
*planned rest day*: resting is what the plan asked for, so it never breaks a streak and is never
counted against the weekly goal. A second session on one day (§4.2 "twice if tolerated") is
welcome but counts once, so the ring measures days, the unit the plan is written in.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import date, timedelta

SESSIONS_PER_WEEK = 7
"""clinical-spec.md §4.2: exercise daily, so seven session days in a program week."""
WEEK_DAYS = 7


def program_week(start: date, today: date) -> int:
    """Week N of the program, counted from its first day (week 1 is days 1–7); never below 1."""
    return max(0, (today - start).days) // WEEK_DAYS + 1


def week_bounds(start: date, today: date) -> tuple[date, date]:
    """First and last day of the program week ``today`` falls in (weeks start on ``start``)."""
    first = start + timedelta(days=(program_week(start, today) - 1) * WEEK_DAYS)
    return first, first + timedelta(days=WEEK_DAYS - 1)


def streak(done: Set[date], rest: Set[date], today: date, start: date | None = None) -> int:
    """Days in a row kept to the plan, ending today: a day with a session, or a planned rest day.

    Today still open (no session yet, not a rest day) does not break the run: it is counted up to
    yesterday, because the day is not over. A day before ``start`` (the program's first day)
    ends the run. A run made only of rest days is 0: a streak is started by moving, so a patient
    who has not done a session yet is never told they have one.
    """
    day = today if (today in done or today in rest) else today - timedelta(days=1)
    run = 0
    moved = False
    while (day in done or day in rest) and (start is None or day >= start):
        run += 1
        moved = moved or day in done
        day -= timedelta(days=1)
    return run if moved else 0


@dataclass(frozen=True)
class WeeklyGoal:
    """The ring on Today: session days this program week against the days the plan asks for."""

    week: int
    done: int
    goal: int

    @property
    def fraction(self) -> float:
        """How full the ring is, 0 to 1 (a week with no planned day counts as full)."""
        return 1.0 if self.goal == 0 else min(1.0, self.done / self.goal)

    @property
    def met(self) -> bool:
        return self.done >= self.goal


def weekly_goal(
    done: Set[date],
    rest: Set[date],
    start: date,
    today: date,
    per_week: int = SESSIONS_PER_WEEK,
) -> WeeklyGoal:
    """This program week's goal: ``per_week`` session days less its planned rest days (§4.2).

    Only session days inside the week count, and each day once however many sessions it held.
    """
    first, last = week_bounds(start, today)
    week = {first + timedelta(days=n) for n in range(WEEK_DAYS)}
    resting = len({d for d in rest if first <= d <= last} - set(done))
    return WeeklyGoal(
        week=program_week(start, today),
        done=len({d for d in done if first <= d <= last}),
        goal=max(0, min(per_week, len(week) - resting)),
    )
