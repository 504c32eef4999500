"""No traceback ever reaches the person: one line, an exit code, and the details in a private log."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sciatica_care.cli import data
from sciatica_care.cli.main import app, run

runner = CliRunner()
SECRET = "my note says my neighbour Ann"


def _broken(*args: object, **kwargs: object) -> None:
    try:
        raise ValueError(SECRET)
    except ValueError as exc:
        raise RuntimeError(f"failed on {SECRET}") from exc


def _interrupted(*args: object, **kwargs: object) -> None:
    raise KeyboardInterrupt


def test_an_unexpected_error_is_one_line_and_a_private_log(
    monkeypatch: pytest.MonkeyPatch, isolated_data_dir: Path
) -> None:
    monkeypatch.setattr(data.portability, "export_document", _broken)
    result = runner.invoke(app, ["export"])

    log = isolated_data_dir / "logs" / "sciatica.log"
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"Something went wrong: RuntimeError. Details are in {log}"
    ]
    assert "Traceback" not in result.output
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    logged = log.read_text()
    assert "sciatica export" in logged
    assert "Traceback (most recent call last)" in logged
    assert "in _broken" in logged
    assert "builtins.ValueError" in logged and "builtins.RuntimeError" in logged
    assert SECRET not in logged


def test_the_log_grows_and_stays_private(
    monkeypatch: pytest.MonkeyPatch, isolated_data_dir: Path
) -> None:
    monkeypatch.setattr(data.portability, "export_document", _broken)
    runner.invoke(app, ["export"])
    runner.invoke(app, ["export"])
    log = isolated_data_dir / "logs" / "sciatica.log"
    assert log.read_text().count("sciatica export") == 2
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_ctrl_c_says_stopped_and_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data.portability, "export_document", _interrupted)
    result = runner.invoke(app, ["export"])
    assert result.exit_code == 130
    assert result.stderr.strip() == "Stopped."


def test_usage_errors_still_exit_2(isolated_data_dir: Path) -> None:
    assert runner.invoke(app, ["no-such-command"]).exit_code == 2
    assert runner.invoke(app, ["export", "--format", "pdf"]).exit_code == 2
    assert not (isolated_data_dir / "logs").exists()


def test_bad_input_keeps_its_one_line_and_exit_2(tmp_path: Path, isolated_data_dir: Path) -> None:
    result = runner.invoke(app, ["import", str(tmp_path / "missing.json")])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (isolated_data_dir / "logs").exists()


def test_the_console_script_entry_point_handles_errors_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], isolated_data_dir: Path
) -> None:
    monkeypatch.setattr(data.portability, "export_document", _broken)
    monkeypatch.setattr(sys, "argv", ["sciatica", "export"])
    with pytest.raises(SystemExit) as ended:
        run()
    assert ended.value.code == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("Something went wrong: RuntimeError. Details are in ")
    assert "Traceback" not in captured.out + captured.err
    assert (isolated_data_dir / "logs" / "sciatica.log").exists()
