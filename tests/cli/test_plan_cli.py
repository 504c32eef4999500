"""`sciatica plan`, `plan accept` and `settings`: today's doses, reasons and suggestions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from sciatica_care.cli.main import app
from tests.cli.program_story import (
    days_ago,
    morning_answers,
    seed_mornings,
    seed_session,
    seed_two_good_pelvic_tilt_sessions,
)

pytestmark = pytest.mark.usefixtures("screened")

runner = CliRunner()
REASON_12 = "You managed 10 pelvic tilt reps with little pain twice: today 12."


def invoke(args: list[str]) -> Result:
    return runner.invoke(app, args, catch_exceptions=False)


def plan_json() -> dict[str, Any]:
    result = invoke(["plan", "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def tilt(plan: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(e for e in plan["exercises"] if e["exercise"] == "pelvic-tilt")
    return found


def test_a_new_program_is_every_exercise_at_the_standard_dose() -> None:
    plan = plan_json()
    assert [e["exercise"] for e in plan["exercises"]] == [
        "pelvic-tilt",
        "knee-to-chest",
        "lower-trunk-rotation",
        "bird-dog",
    ]
    assert {e["level"] for e in plan["exercises"]} == {2}
    assert (plan["automatic_progression"], plan["suggestions"]) == (True, [])
    assert (
        "Pelvic tilt: 10 reps, hold 3 s at each end (Standard, level 2)" in invoke(["plan"]).stdout
    )


def test_after_a_step_up_the_plan_shows_the_new_dose_and_why(tmp_path: Path) -> None:
    seed_two_good_pelvic_tilt_sessions()
    invoke(["checkin", "--answers", str(morning_answers(tmp_path))])

    entry = tilt(plan_json())
    assert (entry["dose"]["reps"], entry["reason"]) == (12, REASON_12)
    text = " ".join(invoke(["plan"]).stdout.split())
    assert "Pelvic tilt: 12 reps, hold 3 s at each end" in text
    assert REASON_12 in text


def test_with_automatic_progression_off_the_change_waits_to_be_accepted(tmp_path: Path) -> None:
    off = invoke(["settings", "--auto-progression", "off", "--json"])
    assert json.loads(off.stdout) == {"auto_progression": False}
    seed_two_good_pelvic_tilt_sessions()
    checkin = invoke(["checkin", "--answers", str(morning_answers(tmp_path))])
    assert "To accept: sciatica plan accept pelvic-tilt" in checkin.stdout

    waiting = plan_json()
    assert tilt(waiting)["dose"]["reps"] == 10
    assert [s["exercise"] for s in waiting["suggestions"]] == ["pelvic-tilt"]
    assert "Suggested for Pelvic tilt:" in invoke(["plan"]).stdout

    accepted = invoke(["plan", "accept", "pelvic-tilt", "--json"])
    assert accepted.exit_code == 0, accepted.output
    data = json.loads(accepted.stdout)
    assert (data["status"], data["next_dose"]["reps"]) == ("accepted", 12)
    after = plan_json()
    assert (tilt(after)["dose"]["reps"], tilt(after)["reason"]) == (12, REASON_12)
    assert after["suggestions"] == []


def test_accepting_with_nothing_waiting_exits_2() -> None:
    result = invoke(["plan", "accept", "bird-dog"])
    assert result.exit_code == 2
    assert "no suggestion is waiting for 'bird-dog'" in result.stderr


def test_a_paused_exercise_shows_when_it_comes_back(tmp_path: Path) -> None:
    seed_mornings({n: 3 for n in range(2, 9)})
    seed_session(1, {"bird-dog": 9})
    invoke(["checkin", "--answers", str(morning_answers(tmp_path))])
    text = " ".join(invoke(["plan"]).stdout.split())
    resume = days_ago(-1).isoformat()
    assert f"Bird dog: resting until {resume}" in text
    assert "Rest bird dog for 2 days" in text


def test_settings_without_options_shows_the_current_mode() -> None:
    assert "Automatic progression is on" in invoke(["settings"]).stdout


# --- a clinician's prescription (issue 10 item 3) --------------------------------------------


def prescribe_for_local_patient() -> None:
    """A clinician linked to the local profile changes knee to chest and adds an exercise."""
    from sciatica_care.content.exercises import Dose
    from sciatica_care.domain import prescription as rx
    from sciatica_care.services import clinicians, links, prescribing
    from sciatica_care.services.context import patient_context
    from sciatica_care.services.permissions import Actor
    from sciatica_care.store import patients
    from sciatica_care.store.database import open_database

    db = open_database()
    try:
        with db.session() as s:
            pid = patients.local_patient_id(s)
        sam = clinicians.create_clinician(
            db, "sam@clinic.example", "Sam Lee, PT", "a long password"
        )
        code = links.create_share_code(patient_context(db, Actor.patient(pid), pid)).code
        links.link_with_code(db, sam.id, code)
        ctx = patient_context(db, Actor.clinician(sam.id), pid)
        current = prescribing.current_prescription(ctx)
        items = [
            i.model_copy(update={"dose": Dose(sets=1, reps=3, hold_s=30, per_side=True)})
            if i.exercise == "knee-to-chest"
            else i
            for i in current.prescription.exercises
        ]
        glide = rx.CustomPrescription(
            name="Sciatic nerve glide",
            instructions="Sit tall and slowly straighten one knee.",
            steps=["Sit tall.", "Straighten the knee."],
            dose=Dose(sets=2, reps=10),
        )
        new = current.prescription.model_copy(
            update={"exercises": items, "custom_exercises": [glide], "note": "Walk daily too."}
        )
        prescribing.prescribe(ctx, new, "Tolerating well", current.version)
    finally:
        db.dispose()


def test_a_prescribed_program_shows_the_note_the_change_and_the_custom_exercise() -> None:
    prescribe_for_local_patient()

    text = " ".join(invoke(["plan"]).stdout.split())
    assert "Note from Sam Lee, PT: Walk daily too." in text
    assert "Sam Lee, PT changed your program on" in text
    assert "changed knee to chest to 3 × 30 s, each side; added 'Sciatic nerve glide'" in text
    assert "Sciatic nerve glide: 2 sets of 10 reps" in text
    assert "1. Sit tall." in text
    assert "Knee to chest: 3 holds of 30 s, each side" in text

    plan = plan_json()
    assert (plan["prescribed_by"], plan["note"]) == ("Sam Lee, PT", "Walk daily too.")
    assert plan["changes"][0]["reason"] == "Tolerating well"
    assert [c["name"] for c in plan["custom_exercises"]] == ["Sciatic nerve glide"]
    knee = next(e for e in plan["exercises"] if e["exercise"] == "knee-to-chest")
    assert knee["dose"]["hold_s"] == 30
