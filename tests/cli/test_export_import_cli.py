"""`sciatica export` then `sciatica import` brings everything back; bad files exit 2.

An import asks before it replaces anything, keeps a private backup of what was there, and refuses
a file with any value the program could not use, naming it, with nothing changed.
"""

from __future__ import annotations

import json
import math
import stat
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sciatica_care.cli.main import app
from sciatica_care.store import patients
from sciatica_care.store.database import open_database
from sciatica_care.store.models import CheckIn
from tests.domain.test_portable_data import valid_document

runner = CliRunner()


def _export() -> dict[str, Any]:
    result = runner.invoke(app, ["export"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _leg_pains() -> list[int]:
    return [c["leg_pain"] for c in _export()["checkins"]]


def _file(tmp_path: Path, document: dict[str, Any], name: str = "me.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def _unlocked_document() -> dict[str, Any]:
    """``valid_document`` without its emergency screen, so the program stays open after import."""
    document = valid_document()
    document["screenings"] = [s for s in document["screenings"] if s["kind"] != "partial"]
    return document


def _add_checkin(leg: int) -> None:
    db = open_database()
    with db.session() as s:
        pid = patients.local_patient_id(s)
        s.add(
            CheckIn(
                patient_id=pid,
                recorded_at=datetime(2026, 11, 20, 8, tzinfo=UTC),
                day=date(2026, 11, 20),
                entry={"note": "stiff"},
                leg_pain=leg,
                back_pain=2,
            )
        )
    db.dispose()


def test_round_trip_through_a_file(tmp_path: Path) -> None:
    _add_checkin(6)
    out = tmp_path / "me.json"
    assert runner.invoke(app, ["export", "--out", str(out)]).exit_code == 0
    before = json.loads(out.read_text())
    assert before["checkins"][0]["leg_pain"] == 6
    _add_checkin(9)
    result = runner.invoke(app, ["import", str(out), "--json", "--yes"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["checkins"] == 1
    after = runner.invoke(app, ["export"])
    assert json.loads(after.stdout) == before


def test_csv_export_writes_one_file_per_table(tmp_path: Path) -> None:
    _add_checkin(4)
    result = runner.invoke(app, ["export", "--format", "csv", "--out", str(tmp_path / "csv")])
    assert result.exit_code == 0
    assert "leg_pain" in (tmp_path / "csv" / "checkins.csv").read_text()


def test_import_of_a_non_export_exits_2_and_keeps_data(tmp_path: Path) -> None:
    _add_checkin(5)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "other"}')
    result = runner.invoke(app, ["import", str(bad)])
    assert result.exit_code == 2
    assert "not a Sciatica Care export" in result.output
    assert "Traceback" not in result.output
    kept = json.loads(runner.invoke(app, ["export"]).stdout)
    assert kept["checkins"][0]["leg_pain"] == 5


def test_import_of_broken_json_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{\n  nope")
    result = runner.invoke(app, ["import", str(bad)])
    assert result.exit_code == 2
    assert "line 2" in result.output


def test_import_asks_first_and_a_no_changes_nothing(
    tmp_path: Path, isolated_data_dir: Path
) -> None:
    _add_checkin(6)
    out = tmp_path / "me.json"
    runner.invoke(app, ["export", "--out", str(out)])
    _add_checkin(9)
    result = runner.invoke(app, ["import", str(out)], input="n\n")
    assert result.exit_code == 1
    assert (
        "This replaces all 2 check-ins stored now with the 1 check-in in me.json" in result.stdout
    )
    assert "Replace? [y/N]" in result.stdout
    assert result.stderr.strip() == "Nothing changed: the import was not confirmed."
    assert _leg_pains() == [6, 9]
    assert not (isolated_data_dir / "backups").exists()


@pytest.mark.parametrize("answer", ["", "\n", "maybe\n"])
def test_no_answer_or_anything_but_yes_keeps_the_data(tmp_path: Path, answer: str) -> None:
    _add_checkin(6)
    out = tmp_path / "me.json"
    runner.invoke(app, ["export", "--out", str(out)])
    _add_checkin(9)
    result = runner.invoke(app, ["import", str(out)], input=answer)
    assert result.exit_code == 1
    assert _leg_pains() == [6, 9]


def test_a_yes_answer_replaces(tmp_path: Path) -> None:
    _add_checkin(6)
    out = tmp_path / "me.json"
    runner.invoke(app, ["export", "--out", str(out)])
    _add_checkin(9)
    result = runner.invoke(app, ["import", str(out)], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Restored 1 check-in." in result.stdout
    assert _leg_pains() == [6]


def test_yes_replaces_without_asking(tmp_path: Path) -> None:
    _add_checkin(3)
    result = runner.invoke(app, ["import", str(_file(tmp_path, _unlocked_document())), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Replace?" not in result.stdout
    assert "Restored 2 screenings, 1 session, 1 check-in" in result.stdout
    assert _leg_pains() == [5]


def test_json_without_yes_is_refused(tmp_path: Path) -> None:
    _add_checkin(3)
    result = runner.invoke(app, ["import", str(_file(tmp_path, _unlocked_document())), "--json"])
    assert result.exit_code == 2
    assert "--json needs --yes" in result.stderr
    assert _leg_pains() == [3]


def test_the_backup_is_private_named_and_restores_the_previous_data(
    tmp_path: Path, isolated_data_dir: Path
) -> None:
    _add_checkin(3)
    previous = _export()
    result = runner.invoke(
        app, ["import", str(_file(tmp_path, _unlocked_document())), "--yes", "--json"]
    )
    assert result.exit_code == 0, result.output
    backup = Path(json.loads(result.stdout)["backup"])
    assert backup.parent == isolated_data_dir / "backups"
    assert backup.name.startswith("sciatica-care-") and backup.name.endswith("Z.json")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700
    assert json.loads(backup.read_text()) == previous

    text = runner.invoke(app, ["import", str(backup), "--yes"])
    assert text.exit_code == 0, text.output
    assert "A copy of your previous data is in" in text.stdout
    assert str(isolated_data_dir / "backups") in text.stdout
    assert _export() == previous
    assert len(list((isolated_data_dir / "backups").iterdir())) == 2


def _bad_dose(d: dict[str, Any]) -> None:
    d["exercise_sessions"][0]["items"][0]["dose"]["reps"] = 40


def _bad_pain(d: dict[str, Any]) -> None:
    d["checkins"][0]["leg_pain"] = 11


def _unknown_exercise(d: dict[str, Any]) -> None:
    d["exercise_doses"][0]["exercise_id"] = "cartwheel"


def _nan(d: dict[str, Any]) -> None:
    d["therapy_uses"][0]["duration_s"] = math.nan


def _not_iso(d: dict[str, Any]) -> None:
    d["questionnaire_responses"][0]["day"] = "20/11/2026"


@pytest.mark.parametrize(
    ("spoil", "field"),
    [
        (_bad_dose, "exercise_sessions.0.items.0.dose.reps"),
        (_bad_pain, "checkins.0.leg_pain"),
        (_unknown_exercise, "exercise_doses.0.exercise_id"),
        (_nan, "therapy_uses.0.duration_s"),
        (_not_iso, "questionnaire_responses.0.day"),
    ],
)
def test_a_bad_value_exits_2_naming_it_and_changes_nothing(
    tmp_path: Path,
    isolated_data_dir: Path,
    spoil: Callable[[dict[str, Any]], None],
    field: str,
) -> None:
    runner.invoke(app, ["import", str(_file(tmp_path, _unlocked_document())), "--yes"])
    before = _export()
    document = _unlocked_document()
    spoil(document)
    result = runner.invoke(app, ["import", str(_file(tmp_path, document, "bad.json")), "--yes"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: bad.json: {field}: ")
    assert "Traceback" not in result.output
    assert _export() == before
    assert len(list((isolated_data_dir / "backups").iterdir())) == 1

    plan = runner.invoke(app, ["plan", "--json"])
    assert plan.exit_code == 0, plan.output
    tilt = next(e for e in json.loads(plan.stdout)["exercises"] if e["exercise"] == "pelvic-tilt")
    assert tilt["level"] == 2
