"""Kept outputs (``cli/kept_output.py``): a help text or an unchanged plan is shown again without
starting the program's libraries, and never once what it depends on changed.

The end-to-end tests run the console script's entry point (``launch.run``) in fresh interpreters
on a temporary data directory, and tell a kept output from a composed one by whether Typer was
imported: a kept output imports no library at all.
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sciatica_care.cli import kept_output
from sciatica_care.config import Settings

SELF_CARE = Path(__file__).parents[1] / "data" / "screening_answers" / "self_care.json"
LAUNCH = """
import json, sys
sys.argv = ["sciatica", *sys.argv[1:]]
from sciatica_care.cli.launch import run
code = 0
try:
    run()
except SystemExit as exc:
    code = exc.code or 0
print(json.dumps({"typer": "typer" in sys.modules, "sqlalchemy": "sqlalchemy" in sys.modules,
                  "code": code}), file=sys.stderr)
"""


class Cli:
    """``sciatica`` run as a person runs it, on one data directory and zone."""

    def __init__(self, data: Path, zone: str) -> None:
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "SCIATICA_DATABASE_URL", "SCIATICA_KEEP_OUTPUT"}
        }
        self.env.update({"SCIATICA_DATA_DIR": str(data), "TZ": zone, "COLUMNS": "100"})
        self.data = data

    def __call__(self, *args: str, **env: str) -> tuple[str, dict[str, object]]:
        """What the command printed, and whether it started Typer / SQLAlchemy and its exit code."""
        ran = subprocess.run(
            [sys.executable, "-c", LAUNCH, *args],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        *_, last = ran.stderr.strip().splitlines()
        return ran.stdout, json.loads(last)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "data", "America/Chicago")


def composed(facts: dict[str, object]) -> bool:
    return bool(facts["typer"])


def test_the_data_directory_is_the_one_the_settings_use(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("SCIATICA_DATA_DIR", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert kept_output.data_dir() == str(Settings().data_dir)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert kept_output.data_dir() == str(Settings().data_dir)
    monkeypatch.setenv("SCIATICA_DATA_DIR", str(tmp_path / "mine"))
    assert kept_output.data_dir() == str(Settings().data_dir)
    assert kept_output.embedded_database() == Settings().resolved_database_url().removeprefix(
        "sqlite:///"
    )


def test_only_help_texts_and_the_plan_are_ever_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SCIATICA_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SCIATICA_DATABASE_URL", raising=False)
    monkeypatch.delenv("SCIATICA_KEEP_OUTPUT", raising=False)
    names = {
        args: (found.name if (found := kept_output.request_for(list(args))) else None)
        for args in [
            ("--help",),
            ("plan", "--help"),
            ("plan", "accept", "--help"),
            ("plan",),
            ("plan", "--json"),
            ("checkin",),
            ("history",),
            ("checkin", "--note", "my secret", "--help"),
            ("plan", "--json", "--help"),
            ("export", "/tmp/x", "--help"),
        ]
    }
    assert names == {
        ("--help",): "help",
        ("plan", "--help"): "help-plan",
        ("plan", "accept", "--help"): "help-plan-accept",
        ("plan",): "plan",
        ("plan", "--json"): "plan-json",
        ("checkin",): None,
        ("history",): None,
        ("checkin", "--note", "my secret", "--help"): None,
        ("plan", "--json", "--help"): None,
        ("export", "/tmp/x", "--help"): None,
    }
    monkeypatch.setenv("SCIATICA_KEEP_OUTPUT", "0")
    assert kept_output.request_for(["--help"]) is None
    monkeypatch.delenv("SCIATICA_KEEP_OUTPUT")
    monkeypatch.setenv("DATABASE_URL", "postgresql://clinic/db")
    assert kept_output.request_for(["plan"]) is None, "a clinic's database is not peeked at"
    assert kept_output.request_for(["--help"]) is not None


def test_nothing_is_created_to_keep_a_help_text(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "nowhere", "Europe/London")
    cli("--help")
    cli("--help")
    assert not (tmp_path / "nowhere").exists()


def test_a_copying_stream_refuses_bytes_as_the_terminal_does() -> None:
    """Click probes a stream with ``write(b"")``: the copy must stay text."""
    copying = kept_output._Copying(io.StringIO())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        copying.write(b"")  # type: ignore[arg-type]
    copying.write("ok")
    assert copying.parts == ["ok"]
    assert not hasattr(copying, "buffer")


@pytest.mark.parametrize("args", [("--help",), ("plan", "--help")])
def test_a_help_text_is_kept_and_shown_again_unchanged(cli: Cli, args: tuple[str, ...]) -> None:
    cli.data.mkdir(mode=0o700)
    first, facts = cli(*args)
    assert composed(facts)
    again, facts = cli(*args)
    assert not composed(facts) and not facts["sqlalchemy"]
    assert again == first and "Usage: sciatica" in again
    wider, facts = cli(*args, COLUMNS="140")
    assert composed(facts), "another terminal width is another text"
    assert wider != first


def test_the_plan_is_kept_until_the_data_the_day_or_the_zone_changes(cli: Cli) -> None:
    _, facts = cli("plan")
    assert facts["code"] == 1, "no safety screen yet: the program is closed"
    _, facts = cli("plan")
    assert composed(facts), "a closed program's answer is never kept"
    cli("screen", "--answers", str(SELF_CARE), "--json")

    first, facts = cli("plan")  # sets out the first doses: a write, so nothing is kept yet
    assert composed(facts) and "Automatic progression: on" in first
    assert cli("plan") == (first, {"typer": True, "sqlalchemy": True, "code": 0})
    again, facts = cli("plan")
    assert not composed(facts) and not facts["sqlalchemy"]
    assert again == first
    as_json, facts = cli("plan", "--json")
    assert composed(facts)
    assert cli("plan", "--json") == (as_json, {"typer": False, "sqlalchemy": False, "code": 0})

    cli("settings", "--auto-progression", "off")
    changed, facts = cli("plan")
    assert composed(facts), "a write changes the revision"
    assert "Automatic progression: off" in changed
    assert cli("plan")[0] == changed

    _, facts = cli("plan", TZ="Asia/Tokyo")
    assert composed(facts), "another zone: maybe another day"
    _, facts = cli("plan", SCIATICA_KEEP_OUTPUT="0")
    assert composed(facts)

    kept = cli.data / "kept"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o700
    assert {path.name for path in kept.iterdir()} == {"plan", "plan-json"}
    for path in kept.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_a_write_by_another_program_is_seen_at_once(cli: Cli) -> None:
    """The web app or an import may change the data between two runs: the database's revision
    tells, whoever wrote."""
    cli("screen", "--answers", str(SELF_CARE), "--json")
    cli("plan")
    cli("plan")
    first, facts = cli("plan")
    assert not composed(facts)
    script = (
        "from sciatica_care.store.database import open_database\n"
        "from sqlalchemy import text\n"
        "db = open_database()\n"
        "with db.session() as s:\n"
        '    s.execute(text("UPDATE patients SET settings = \'{\\"auto_progression\\": false}\'"))\n'
    )
    subprocess.run([sys.executable, "-c", script], env=cli.env, check=True, timeout=300)
    changed, facts = cli("plan")
    assert composed(facts)
    assert changed != first and "Automatic progression: off" in changed
