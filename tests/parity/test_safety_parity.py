"""The safety promises, each told once as a story and run through every interface (issue 8).

The same story, the same expected outcome, for the CLI, the JSON API and the HTML forms
(``drivers.py``): clinical-spec.md §1, §4.1, §4.3 and the §9 rulings. Times are the patient's
wall clock. Stories whose days matter run for a patient in Los Angeles (behind UTC: a late
evening is already tomorrow in UTC) and one in Sydney (ahead: just after midnight is still
yesterday in UTC), with entries either side of local midnight; the others run in one zone each,
to keep the suite fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sciatica_care.domain.session import SessionRecord, StopReason
from tests.parity import drivers
from tests.parity.drivers import (
    ACCEPTED,
    HELD,
    LOCKED,
    NEEDS_SCREENING,
    OPEN,
    SAFETY_RECHECK,
    Entry,
    Interface,
    completed_session,
    done,
    stopped_session,
    unchecked,
)
from tests.web.safety_check import calm_answers as calm
from tests.web.safety_check import calm_recheck

LA = "America/Los_Angeles"
SYDNEY = "Australia/Sydney"
both_zones = pytest.mark.parametrize("zone", [LA, SYDNEY], ids=["LA", "Sydney"])
in_la = pytest.mark.parametrize("zone", [LA], ids=["LA"])
in_sydney = pytest.mark.parametrize("zone", [SYDNEY], ids=["Sydney"])
ALL_EXERCISES = ("pelvic-tilt", "knee-to-chest", "lower-trunk-rotation", "bird-dog")
TILT_STANDARD = "10 reps, hold 3 s at each end"
TILT_STEPPED_UP = "12 reps, hold 3 s at each end"


@pytest.fixture
def zone() -> str:
    """The patient's zone; each test names its own with ``both_zones``, ``in_la``, ``in_sydney``."""
    return LA


@pytest.fixture(params=["cli", "api", "forms"])
def interface(
    request: pytest.FixtureRequest, zone: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Interface]:
    """A new patient in ``zone`` who uses only this interface."""
    with drivers.start(request.param, zone, tmp_path, monkeypatch) as driver:
        yield driver


def screened(interface: Interface) -> None:
    """Day 1, 06:00: a calm full safety screen."""
    interface.clock.at(1, "06:00")
    assert interface.screen(calm()) == "SELF_CARE"


def good_session() -> SessionRecord:
    return completed_session(done("pelvic-tilt", 2))


Step = tuple[int, str, str]
GOOD_DAYS: tuple[Step, ...] = (
    (1, "07:00", "morning"),
    (2, "00:30", "session"),
    (2, "07:00", "morning"),
    (3, "00:30", "session"),
    (3, "07:00", "morning"),
    (4, "07:00", "morning"),
)
"""Pelvic tilt GREEN twice, each 30 minutes after local midnight, each next morning at the usual
leg pain (§4.1): the step up is due at the morning of day 4, not before."""


def tell(interface: Interface, steps: tuple[Step, ...]) -> None:
    """Good sessions and morning check-ins at these local times; each entry on its local day."""
    for day, hhmm, what in steps:
        interface.clock.at(day, hhmm)
        if what == "session":
            assert interface.record_session(good_session()).refused is None
        else:
            moment = "other" if what == "evening" else "morning"
            filed = interface.checkin(Entry(moment=moment)).day
            assert filed == interface.clock.day(day), f"{what} of day {day} at {hhmm}"


def two_good_sessions_and_their_mornings(interface: Interface) -> None:
    tell(interface, GOOD_DAYS)


def tilt(interface: Interface) -> str:
    return interface.today().doses["pelvic-tilt"].text


# --- 1. no safety screen yet ---------------------------------------------------------------------


@in_la
def test_without_a_safety_screen_no_session_is_saved_and_today_asks_for_the_screen(
    interface: Interface,
) -> None:
    assert interface.gate() == NEEDS_SCREENING
    assert interface.today().state == NEEDS_SCREENING

    saved = interface.record_session(good_session())

    assert saved.refused == NEEDS_SCREENING
    assert interface.session_count() == 0


# --- 2. an emergency answer ----------------------------------------------------------------------


@in_sydney
@pytest.mark.parametrize("where", ["full screen", "daily check-in"])
def test_an_emergency_answer_locks_sessions_suggestions_and_today(
    interface: Interface, where: str
) -> None:
    screened(interface)
    interface.set_auto_progression(False)
    two_good_sessions_and_their_mornings(interface)
    assert interface.today().suggestions == {"pelvic-tilt"}

    interface.clock.at(4, "08:00")
    if where == "full screen":
        assert interface.screen(calm(Q3="yes")) == "EMERGENCY_NOW"
    else:
        flags = {**Entry().red_flags, "Q3": "yes"}
        assert interface.checkin(Entry(moment="other", red_flags=flags)).action == "EMERGENCY_NOW"

    assert interface.gate() == LOCKED
    assert interface.today().state == LOCKED  # the emergency is shown instead of the program
    assert interface.record_session(good_session()).refused == LOCKED
    assert interface.accept("pelvic-tilt") == LOCKED
    assert interface.session_count() == 2


# --- 3. URGENT holds every step up until a clinician has seen the person (§9 ruling 4) ----------


@in_la
def test_urgent_keeps_current_doses_but_holds_the_step_up_until_a_clinician_has_seen_them(
    interface: Interface,
) -> None:
    interface.clock.at(1, "06:00")
    assert interface.screen(calm(Q11="yes")) == "URGENT_24_48H"
    assert interface.gate() == OPEN
    before = interface.today()
    assert before.hold_step_ups
    assert before.doses["pelvic-tilt"].text == TILT_STANDARD

    two_good_sessions_and_their_mornings(interface)

    held = interface.today()
    assert held.doses == before.doses, "a step up was applied while URGENT holds it"
    assert held.hold_step_ups

    interface.clinician_seen()
    assert not interface.today().hold_step_ups
    interface.clock.at(4, "18:00")
    assert interface.record_session(good_session()).refused is None
    interface.clock.at(5, "07:00")
    interface.checkin(Entry())

    assert tilt(interface) == TILT_STEPPED_UP


@in_sydney
def test_urgent_refuses_an_earlier_suggested_step_up_until_a_clinician_has_seen_them(
    interface: Interface,
) -> None:
    screened(interface)
    interface.set_auto_progression(False)
    two_good_sessions_and_their_mornings(interface)
    assert interface.today().suggestions == {"pelvic-tilt"}
    assert tilt(interface) == TILT_STANDARD

    interface.clock.at(4, "08:00")
    assert interface.screen(calm(Q11="yes")) == "URGENT_24_48H"

    assert interface.accept("pelvic-tilt") == HELD
    today = interface.today()
    assert today.doses["pelvic-tilt"].text == TILT_STANDARD
    assert today.suggestions == {"pelvic-tilt"}

    interface.clinician_seen()

    assert interface.accept("pelvic-tilt") == ACCEPTED
    assert tilt(interface) == TILT_STEPPED_UP


# --- 4. a session stopped for pain spreading (§9 rulings 5 and 7) ------------------------------


@in_sydney
@pytest.mark.parametrize("answer", ["full screen", "re-check"])
def test_a_stop_for_spreading_pain_is_red_and_the_safety_questions_come_first(
    interface: Interface, answer: str
) -> None:
    screened(interface)
    interface.clock.at(1, "18:00")

    saved = interface.record_session(
        stopped_session(
            StopReason.SPREAD_DOWN_LEG, done("pelvic-tilt", 2), unchecked("knee-to-chest")
        )
    )

    stored = saved.items[-1]
    assert (stored["exercise_id"], stored["completed"], stored["spread_down_leg"]) == (
        "knee-to-chest",
        False,
        True,
    )
    decision = saved.decision("knee-to-chest")
    assert (decision["last_result"], decision["action"]) == ("RED", "PAUSE")
    assert saved.gate == SAFETY_RECHECK
    assert interface.gate() == SAFETY_RECHECK
    interface.clock.at(1, "19:00")
    assert interface.record_session(good_session()).refused == SAFETY_RECHECK
    assert interface.session_count() == 1

    interface.clock.at(1, "20:00")
    if answer == "full screen":
        assert interface.screen(calm()) == "SELF_CARE"
    else:
        assert interface.recheck(calm_recheck()) == "SELF_CARE"

    assert interface.gate() == OPEN


# --- 5. RED sessions on different exercises (§9 ruling 6) -------------------------------------


@in_la
def test_red_sessions_on_three_exercises_in_three_days_ask_for_a_clinician_review(
    interface: Interface,
) -> None:
    screened(interface)
    stories = (
        stopped_session(StopReason.PAIN, done("pelvic-tilt", 8)),
        stopped_session(StopReason.SPREAD_DOWN_LEG, unchecked("knee-to-chest")),
        stopped_session(StopReason.PAIN, done("lower-trunk-rotation", 9)),
    )
    escalations = []
    for day, record in enumerate(stories, start=1):
        interface.clock.at(day, "18:00")
        saved = interface.record_session(record)
        exercise = record.items[-1].exercise_id
        assert saved.decision(exercise)["action"] == "PAUSE"
        escalations.append(saved.decision(exercise)["escalation"])
        interface.clock.at(day, "19:00")
        assert interface.recheck(calm_recheck()) == "SELF_CARE"

    # ≥ 2 RED sessions in 7 days, whatever the exercise → ROUTINE (§4.1, §9 ruling 6).
    assert escalations == [None, "ROUTINE", "ROUTINE"]


# --- 6. the 48 h rest after RED, on the patient's own days ------------------------------------


@both_zones
def test_after_red_the_exercise_rests_today_and_tomorrow_and_is_back_the_day_after(
    interface: Interface,
) -> None:
    screened(interface)
    interface.clock.at(1, "10:00")
    saved = interface.record_session(stopped_session(StopReason.PAIN, done("pelvic-tilt", 8)))
    assert saved.decision("pelvic-tilt")["resume_on"] == interface.clock.day(3).isoformat()
    interface.clock.at(1, "10:30")
    assert interface.recheck(calm_recheck()) == "SELF_CARE"

    for day, hhmm in ((1, "11:00"), (2, "23:30")):
        interface.clock.at(day, hhmm)
        today = interface.today()
        assert "pelvic-tilt" in today.resting, f"day {day} {hhmm}"
        assert "pelvic-tilt" not in today.doses

    interface.clock.at(3, "00:30")
    today = interface.today()
    assert "pelvic-tilt" not in today.resting
    assert today.doses["pelvic-tilt"].level == 1  # one level easier (§4.1, §9 ruling 5)


# --- the patient's days: either side of local midnight -------------------------------------------


@both_zones
def test_entries_either_side_of_local_midnight_land_on_the_local_day(
    interface: Interface,
) -> None:
    """A check-in at 23:30 and sessions at 00:30 are filed on the local day, and a morning
    check-in is the next morning of the session of the local day before (§4.1)."""
    screened(interface)
    tell(interface, ((1, "07:00", "morning"), (1, "23:30", "evening"), *GOOD_DAYS[1:5]))

    # Day 3's morning is the next morning of day 2's session only: no step up yet. (Sessions
    # filed on UTC days would pair it with the session of day 3 in Sydney and step up now.)
    assert tilt(interface) == TILT_STANDARD

    tell(interface, GOOD_DAYS[5:])
    assert tilt(interface) == TILT_STEPPED_UP


# --- 7. a flare-up (§4.3, §9 ruling 8) ----------------------------------------------------------


@in_la
def test_a_flare_up_drops_each_exercise_to_level_1_at_half_volume(interface: Interface) -> None:
    screened(interface)
    for day in (1, 2, 3):
        interface.clock.at(day, "07:00")
        assert not interface.checkin(Entry(leg_pain=3)).flare
    interface.clock.at(4, "07:00")
    interface.checkin(Entry(leg_pain=6))
    interface.clock.at(5, "07:00")
    assert interface.checkin(Entry(leg_pain=6)).flare

    interface.clock.at(5, "18:00")
    saved = interface.record_session(
        completed_session(*(done(exercise, 3) for exercise in ALL_EXERCISES))
    )

    assert {saved.decision(e)["action"] for e in ALL_EXERCISES} == {"REGRESS"}
    doses = interface.today().doses
    assert {doses[e].level for e in ALL_EXERCISES} == {1}
    assert doses["pelvic-tilt"].text.startswith("3 reps")  # half of level 1's 5, one set
