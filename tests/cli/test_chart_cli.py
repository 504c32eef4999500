"""`sciatica chart`: a valid SVG or PNG of the stored diary, and the change summary in words."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from sciatica_care.cli.main import app
from tests.cli.program_story import seed_mornings, seed_session

runner = CliRunner()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _seed() -> None:
    seed_mornings({n: (6 if n > 10 else 3) for n in range(1, 21)}, zone=4)
    seed_session(5, {"pelvic-tilt": 2})
    seed_session(3, {"pelvic-tilt": 2})


def test_chart_writes_a_valid_svg_and_prints_the_summary(tmp_path: Path) -> None:
    _seed()
    out = tmp_path / "progress.svg"
    result = runner.invoke(app, ["chart", "--out", str(out)])

    assert result.exit_code == 0, result.output
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    assert root.tag.endswith("svg")
    svg = out.read_text(encoding="utf-8")
    assert "Pain over time" in svg and "Exercise sessions" in svg
    assert f"Wrote {out}" in result.stdout
    assert "Leg pain down 3 points since you started (from 6 to 3): a change that matters." in (
        " ".join(result.stdout.split())
    )


def test_png_flag_writes_a_png(tmp_path: Path) -> None:
    _seed()
    out = tmp_path / "progress.img"
    result = runner.invoke(app, ["chart", "--out", str(out), "--png", "--json"])

    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(PNG_MAGIC)
    data = json.loads(result.stdout)
    assert (data["format"], data["pain_days"], data["sessions"]) == ("png", 20, 2)


def test_an_empty_diary_still_draws_and_says_how_to_start(tmp_path: Path) -> None:
    out = tmp_path / "empty.svg"
    result = runner.invoke(app, ["chart", "--out", str(out)])
    assert result.exit_code == 0
    ET.fromstring(out.read_text(encoding="utf-8"))
    assert "No morning check-ins yet" in result.stdout


def test_a_missing_folder_exits_2_naming_the_option(tmp_path: Path) -> None:
    result = runner.invoke(app, ["chart", "--out", str(tmp_path / "nope" / "p.svg")])
    assert result.exit_code == 2
    assert "--out: the folder" in result.stderr
