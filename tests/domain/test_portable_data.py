"""An export is checked value by value before it may replace anyone's data."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from sciatica_care.content.exercises import exercise_library
from sciatica_care.domain import diary
from sciatica_care.domain.portable_data import (
    FORMAT,
    FORMAT_VERSION,
    TABLE_NAMES,
    PortableDataError,
    check_document,
)
from sciatica_care.domain.progression import decide, read_input
from sciatica_care.domain.questionnaires import score_sbi
from sciatica_care.domain.screening import screen, screen_daily, screen_so_far
from sciatica_care.domain.session import ExerciseResult, SessionRecord, SessionStatus

DATA = Path(__file__).resolve().parents[1] / "data"
AT = "2026-11-20T08:00:00+00:00"


def valid_document() -> dict[str, Any]:
    """A small export made of real domain values, in exactly the shape the store exports."""
    library = exercise_library()
    tilt = library.get("pelvic-tilt")
    answers = json.loads((DATA / "screening_answers" / "self_care.json").read_text())
    full = screen(answers)
    daily_answers = {f"Q{n}": "no" for n in range(1, 8)}
    daily = screen_daily(daily_answers)
    partial_answers = {"Q1": "yes"}
    partial = screen_so_far(partial_answers)
    record = SessionRecord(
        status=SessionStatus.STOPPED,
        stop_reason="pain",
        stop_note="sharp",
        elapsed_s=61.5,
        items=[
            ExerciseResult(
                exercise_id=tilt.id,
                level=2,
                dose=tilt.level(2).dose,
                sides_done=[],
                reps_done=6,
                holds_done=0,
                hold_seconds=0.0,
                pain=8,
                spread_down_leg=True,
                new_numbness_or_weakness=False,
                completed=False,
            )
        ],
    ).model_dump(mode="json")
    entry = diary.CheckIn(day="2026-11-20", leg_pain=5, back_pain=3, note="ok, ünïcode").model_dump(
        mode="json"
    )
    sbi = score_sbi({"leg_pain": 3, "numbness": 2, "weakness": 1, "sitting_pain": 3})
    history = json.loads((DATA / "progression_histories" / "progress.json").read_text())
    decision = decide(read_input(history), tilt).model_dump(mode="json")

    def screening(kind: str, answers: dict[str, Any], result: Any) -> dict[str, Any]:
        data = result.model_dump(mode="json")
        return {
            "created_at": AT,
            "kind": kind,
            "answers": answers,
            "result": data,
            "action": data["action"],
            "pattern": data.get("pattern"),
            "content_version": data["content_version"],
            "acknowledged_at": None,
            "assessed_at": None,
        }

    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "profile": {
            "settings": {"auto_progression": False},
            "program_started_on": "2026-11-01",
            "disclaimer_acknowledged_at": None,
        },
        "screenings": [
            screening("full", answers, full),
            screening("daily", daily_answers, daily),
            screening("partial", partial_answers, partial),
        ],
        "exercise_sessions": [
            {
                "client_id": "abc",
                "started_at": AT,
                "status": record["status"],
                "stop_reason": record["stop_reason"],
                "stop_note": record["stop_note"],
                "elapsed_s": record["elapsed_s"],
                "final": True,
                "version": 0,
                "planned_exercises": [e.id for e in library.exercises],
                "progressed_at": AT,
                "items": [{"position": 0, **record["items"][0]}],
            }
        ],
        "checkins": [
            {
                "client_id": None,
                "recorded_at": AT,
                "day": "2026-11-20",
                "entry": entry,
                "leg_pain": 5,
                "back_pain": 3,
                "daily_action": "SELF_CARE",
                "progressed_at": AT,
            }
        ],
        "questionnaire_responses": [
            {
                "instrument": "sbi",
                "recorded_at": AT,
                "day": "2026-11-20",
                "answers": dict(sbi.answers),
                "score": sbi.total,
            }
        ],
        "therapy_uses": [
            {
                "kind": "heat",
                "started_at": AT,
                "duration_s": 900.0,
                "detail": {"planned_minutes": 15, "skin_ok_after": True, "stop_reason": None},
            }
        ],
        "dose_decisions": [
            {
                "exercise_id": tilt.id,
                "decided_at": AT,
                "decision": {**decision, "trigger": "session"},
                "action": decision["action"],
                "status": "applied",
            }
        ],
        "exercise_doses": [
            {
                "exercise_id": tilt.id,
                "level": 2,
                "dose": tilt.level(2).dose.model_dump(mode="json"),
                "active": True,
                "paused_until": "2026-11-22",
                "reason": None,
                "updated_at": AT,
            }
        ],
    }


def _refused(document: dict[str, Any]) -> PortableDataError:
    with pytest.raises(PortableDataError) as caught:
        check_document(document)
    return caught.value


def test_a_valid_export_comes_back_unchanged() -> None:
    document = valid_document()
    assert check_document(document) == document
    assert list(TABLE_NAMES) == [k for k in document if k not in ("format", "version", "profile")]


def test_another_format_or_version_is_refused() -> None:
    assert "not a Sciatica Care export" in str(_refused({"format": "something else"}))
    newer = {**valid_document(), "version": FORMAT_VERSION + 1}
    assert "version" in str(_refused(newer))


def test_a_dose_above_the_exercise_maximum_names_the_result_field() -> None:
    document = valid_document()
    document["exercise_sessions"][0]["items"][0]["dose"]["reps"] = 16
    error = _refused(document)
    assert error.path == "exercise_sessions.0.items.0.dose.reps"


def test_a_dose_the_model_allows_but_the_exercise_does_not_is_refused() -> None:
    document = valid_document()
    document["exercise_doses"][0]["dose"]["per_side"] = True  # pelvic tilt has no sides
    assert _refused(document).path == "exercise_doses.0.dose.per_side"
    document = valid_document()
    document["exercise_doses"][0] = {
        **document["exercise_doses"][0],
        "exercise_id": "bird-dog",
        "dose": {"sets": 1, "reps": 5, "hold_s": 30, "per_side": True},  # bird dog: 10 s at most
    }
    assert _refused(document).path == "exercise_doses.0.dose.hold_s"


def test_pain_of_eleven_in_a_checkin_names_the_column() -> None:
    document = valid_document()
    document["checkins"][0]["leg_pain"] = 11
    assert _refused(document).path == "checkins.0.leg_pain"


def test_a_bad_value_inside_a_checkin_entry_names_the_entry_field() -> None:
    document = valid_document()
    document["checkins"][0]["entry"]["zones"]["left"]["pain"] = 9
    assert _refused(document).path == "checkins.0.entry.zones.left.pain"


def test_an_unknown_exercise_is_refused_wherever_it_appears() -> None:
    document = valid_document()
    document["exercise_sessions"][0]["items"][0]["exercise_id"] = "cartwheel"
    error = _refused(document)
    assert error.path == "exercise_sessions.0.items.0.exercise_id"
    assert "pelvic-tilt" in error.problem
    document = valid_document()
    document["exercise_doses"][0]["exercise_id"] = "cartwheel"
    assert _refused(document).path == "exercise_doses.0.exercise_id"


def test_nan_anywhere_is_refused() -> None:
    document = valid_document()
    document["exercise_sessions"][0]["elapsed_s"] = float("nan")
    assert _refused(document).path == "exercise_sessions.0.elapsed_s"
    document = valid_document()
    document["therapy_uses"][0]["detail"]["planned_minutes"] = float("inf")
    assert _refused(document).path == "therapy_uses.0.detail.planned_minutes"


@pytest.mark.parametrize("day", ["20/11/2026", "2026-02-30", 20261120, ""])
def test_a_date_that_is_not_a_real_iso_date_is_refused(day: object) -> None:
    document = valid_document()
    document["checkins"][0]["day"] = day
    error = _refused(document)
    assert error.path == "checkins.0.day"
    assert "2026-11-20" in error.problem


def test_a_time_without_its_zone_is_refused() -> None:
    document = valid_document()
    document["exercise_sessions"][0]["started_at"] = "2026-11-20T08:00:00"
    assert _refused(document).path == "exercise_sessions.0.started_at"


def test_a_screening_answer_outside_the_choices_names_the_item() -> None:
    document = valid_document()
    document["screenings"][0]["answers"]["Q3"] = "maybe"
    assert _refused(document).path == "screenings.0.answers.Q3"
    document = valid_document()
    document["screenings"][2]["answers"]["Q99"] = "no"
    assert _refused(document).path == "screenings.2.answers.Q99"


def test_a_screening_action_must_agree_with_its_result() -> None:
    document = valid_document()
    document["screenings"][0]["action"] = "ROUTINE"
    assert _refused(document).path == "screenings.0.action"


def test_questionnaire_answers_are_scored_again() -> None:
    document = valid_document()
    document["questionnaire_responses"][0]["answers"]["leg_pain"] = 7
    assert _refused(document).path == "questionnaire_responses.0.answers.leg_pain"
    document = valid_document()
    document["questionnaire_responses"][0]["score"] = 23.0
    assert _refused(document).path == "questionnaire_responses.0.score"
    document = valid_document()
    document["questionnaire_responses"][0]["instrument"] = "SBI"
    assert _refused(document).path == "questionnaire_responses.0.instrument"


def test_a_pack_longer_than_its_kind_allows_is_refused() -> None:
    document = valid_document()
    document["therapy_uses"][0]["duration_s"] = 21 * 60.0
    assert _refused(document).path == "therapy_uses.0.duration_s"


def test_a_decision_for_another_exercise_or_of_another_action_is_refused() -> None:
    document = valid_document()
    document["dose_decisions"][0]["exercise_id"] = "bird-dog"
    assert _refused(document).path == "dose_decisions.0.decision.exercise"
    document = valid_document()
    document["dose_decisions"][0]["decision"]["next_dose"]["reps"] = 99
    assert _refused(document).path == "dose_decisions.0.decision.next_dose.reps"
    document = valid_document()
    document["dose_decisions"][0]["status"] = "whatever"
    assert _refused(document).path == "dose_decisions.0.status"


def test_the_same_client_id_twice_is_refused() -> None:
    document = valid_document()
    document["exercise_sessions"].append(copy.deepcopy(document["exercise_sessions"][0]))
    assert _refused(document).path == "exercise_sessions.1.client_id"


def test_an_export_from_before_session_versions_reads_like_the_migration() -> None:
    document = valid_document()
    old = document["exercise_sessions"][0]
    for key in ("final", "version", "planned_exercises", "progressed_at"):
        del old[key]
    old["stop_note"] = "unfinished: 1 of 4"
    del document["checkins"][0]["progressed_at"]
    clean = check_document(document)
    session = clean["exercise_sessions"][0]
    assert session["final"] is False and session["version"] == 0
    assert session["planned_exercises"] is None
    assert session["progressed_at"] == session["started_at"]
    assert clean["checkins"][0]["progressed_at"] == AT


def test_the_error_message_never_quotes_a_whole_note() -> None:
    document = valid_document()
    document["checkins"][0]["entry"]["note"] = "private " * 400
    error = _refused(document)
    assert error.path == "checkins.0.entry.note"
    assert "private private private" not in str(error)


def test_sides_done_must_be_sides_of_a_per_side_dose() -> None:
    document = valid_document()
    document["exercise_sessions"][0]["items"][0]["sides_done"] = ["left"]  # pelvic tilt: no sides
    assert _refused(document).path == "exercise_sessions.0.items.0.sides_done.0"
