"""`sciatica export` then `sciatica import` brings everything back; bad files exit 2."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from typer.testing import CliRunner

from sciatica_care.cli.main import app
from sciatica_care.store import patients
from sciatica_care.store.database import open_database
from sciatica_care.store.models import CheckIn

runner = CliRunner()


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
    result = runner.invoke(app, ["import", str(out), "--json"])
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
