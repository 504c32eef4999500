"""`sciatica report` writes the clinician PDF; `sciatica export --format fhir` the FHIR bundle."""

from __future__ import annotations

import json
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle
from typer.testing import CliRunner

from sciatica_care.cli.main import app
from sciatica_care.reports.fhir_bundle import NPRS_CODE
from tests.cli.program_story import seed_mornings, seed_session

runner = CliRunner()


def _seed() -> None:
    seed_mornings({n: (6 if n > 10 else 3) for n in range(1, 21)}, zone=4)
    seed_session(5, {"pelvic-tilt": 2})
    seed_session(3, {"pelvic-tilt": 2})


def test_report_writes_a_pdf_and_says_what_it_holds(tmp_path: Path) -> None:
    _seed()
    out = tmp_path / "report.pdf"

    result = runner.invoke(app, ["report", "--out", str(out), "--days", "30", "--json"])

    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    data = json.loads(result.stdout)
    assert (data["mornings"], data["sessions"]) == (20, 2)


def test_report_text_output_and_an_empty_diary(tmp_path: Path) -> None:
    out = tmp_path / "empty.pdf"
    result = runner.invoke(app, ["report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    assert f"Wrote {out}" in result.stdout
    assert "No morning check-ins yet" in result.stdout


def test_report_to_a_missing_folder_exits_2_naming_the_option(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--out", str(tmp_path / "nope" / "r.pdf")])
    assert result.exit_code == 2
    assert "--out" in result.output and "Traceback" not in result.output


def test_fhir_export_to_the_screen_is_a_valid_bundle(tmp_path: Path) -> None:
    _seed()

    result = runner.invoke(app, ["export", "--format", "fhir"])

    assert result.exit_code == 0, result.output
    bundle = Bundle.model_validate_json(result.stdout)
    assert bundle.type == "collection" and bundle.timestamp is not None
    document = json.loads(result.stdout)
    pain = [
        e
        for e in document["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == NPRS_CODE
    ]
    assert len(pain) == 20 * 2
    procedures = [e for e in document["entry"] if e["resource"]["resourceType"] == "Procedure"]
    assert len(procedures) == 2


def test_fhir_export_to_a_file(tmp_path: Path) -> None:
    _seed()
    out = tmp_path / "diary.fhir.json"
    result = runner.invoke(app, ["export", "--format", "fhir", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["resourceType"] == "Bundle"
    assert f"Wrote {out}" in result.stdout
