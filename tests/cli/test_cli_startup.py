"""`sciatica` starts light: a command's module is imported only when that command runs.

Every command pays for the program's start, so ``cli/main.py`` lists the commands from a static
table and imports a command's module only when it is used. These tests keep the table equal to what
the modules register, and check in a fresh interpreter which modules a start really imports (no
timing here: ``make bench`` shows the times, benchmarks/cli_startup.py).
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import sciatica_care.cli
from sciatica_care.cli.main import COMMANDS, app, module_commands

runner = CliRunner()

HEAVY = ("fastapi", "starlette", "weasyprint", "altair", "vl_convert", "mediapipe", "cv2", "fhir")
"""The web app, the PDF, charts, the camera and FHIR: none is needed to start or to show a plan."""

RUN_THE_CLI = """
import json, sys
sys.argv = ["sciatica", *sys.argv[1:]]
from sciatica_care.cli.main import run
try:
    run()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def modules_imported_by(*args: str) -> tuple[str, set[str]]:
    """What ``sciatica <args>`` printed, and the modules a fresh interpreter held after it (the
    console script's ``run``)."""
    ran = subprocess.run(
        [sys.executable, "-c", RUN_THE_CLI, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "Traceback" not in ran.stdout + ran.stderr
    *_, modules = ran.stderr.strip().splitlines()
    return ran.stdout, set(json.loads(modules))


def loaded(modules: set[str], package: str) -> bool:
    return any(name == package or name.startswith(package + ".") for name in modules)


def first_paragraph(command: typer.core.TyperCommand | typer.core.TyperGroup) -> str:
    """What ``sciatica --help`` shows for a command (Typer's rule: its help's first paragraph)."""
    text = command.short_help or command.help or ""
    return inspect.cleandoc(text).split("\n\n")[0].strip()


def eager_app() -> typer.Typer:
    """Every command module registered up front, in the table's order: what ``--help`` showed
    before commands were found lazily."""
    eager = typer.Typer(
        name="sciatica",
        help=app.info.help,
        no_args_is_help=True,
        add_completion=False,
    )
    for module in dict.fromkeys(entry.module for entry in COMMANDS):
        importlib.import_module(f"sciatica_care.cli.{module}").register(eager)
    return eager


def test_the_table_names_every_command_each_module_registers_with_its_help() -> None:
    for module in dict.fromkeys(entry.module for entry in COMMANDS):
        registered = module_commands(module)
        rows = {entry.name: entry.help for entry in COMMANDS if entry.module == module}
        assert set(registered) == set(rows), module
        for name, command in registered.items():
            assert first_paragraph(command) == rows[name], name


def test_every_module_that_registers_commands_is_in_the_table() -> None:
    package = Path(sciatica_care.cli.__file__).parent
    registering = {
        info.name
        for info in pkgutil.iter_modules([str(package)])
        if "\ndef register(" in (package / f"{info.name}.py").read_text(encoding="utf-8")
    }
    assert registering == {entry.module for entry in COMMANDS}


def test_the_top_level_help_is_the_one_every_module_registered_up_front_gives() -> None:
    lazy = runner.invoke(app, ["--help"], terminal_width=100)
    eager = runner.invoke(eager_app(), ["--help"], terminal_width=100)
    assert lazy.exit_code == 0
    assert lazy.stdout == eager.stdout
    assert "Count reps and time holds" in lazy.stdout


def test_a_mistyped_command_is_still_suggested() -> None:
    result = runner.invoke(app, ["exprot"])
    assert result.exit_code == 2
    assert "No such command 'exprot'. Did you mean 'export'?" in result.output


def test_sciatica_help_imports_no_command_module_and_no_database() -> None:
    shown, modules = modules_imported_by("--help")
    assert "plan " in shown and "admin " in shown
    assert "sciatica_care.cli.main" in modules
    commands = {f"sciatica_care.cli.{entry.module}" for entry in COMMANDS}
    assert not commands & modules
    for package in (*HEAVY, "sqlalchemy", "alembic", "pydantic_settings"):
        assert not loaded(modules, package), package


def test_sciatica_plan_help_imports_nothing_heavy() -> None:
    shown, modules = modules_imported_by("plan", "--help")
    assert "clinician-seen" in shown
    assert "sciatica_care.cli.plan" in modules
    assert "sciatica_care.cli.session" not in modules
    for package in (*HEAVY, "alembic"):
        assert not loaded(modules, package), package


NOT_FOR_A_CURRENT_DATABASE = ("alembic", "mako", "pygments", "sqlalchemy.dialects.postgresql")
"""Migrations (Alembic, its templates and their highlighting) and PostgreSQL's dialect: an
embedded database already at the newest schema needs none of them."""


@pytest.mark.usefixtures("screened")
def test_sciatica_plan_imports_nothing_heavy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/London")
    shown, modules = modules_imported_by("plan", "--json")
    assert json.loads(shown)["exercises"][0]["exercise"] == "pelvic-tilt"
    for package in (*HEAVY, *NOT_FOR_A_CURRENT_DATABASE, "jinja2", "argon2"):
        assert not loaded(modules, package), package


def test_sciatica_plan_on_a_new_data_directory_migrates_then_stops_migrating(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first command creates and migrates the database (Alembic); the next finds it current."""
    monkeypatch.setenv("TZ", "Europe/London")
    first, modules = modules_imported_by("plan", "--json")
    assert json.loads(first)["gate"]["state"] == "needs_screening"
    assert loaded(modules, "alembic")

    again, modules = modules_imported_by("plan", "--json")
    assert again == first
    for package in NOT_FOR_A_CURRENT_DATABASE:
        assert not loaded(modules, package), package
