"""``sciatica admin``: what the operator of a clinic install runs (README "Clinic install").

- ``migrate`` brings the database schema to this version, once per upgrade, so the web processes
  never race to migrate at start-up (they refuse an old schema instead).
- ``backup FILE`` writes a consistent copy while the app runs (SQLite online backup API,
  PostgreSQL pg_dump custom format); ``restore FILE`` puts one back, after asking, and first keeps
  a backup of what is there now, so a restore of the wrong file loses nothing.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
from sqlalchemy.exc import SQLAlchemyError

from sciatica_care.cli.output import console, err_console, fail, print_json
from sciatica_care.config import get_settings
from sciatica_care.services import clinicians
from sciatica_care.services.account_rules import (
    email_problem,
    new_password_problem,
    normalise_email,
)
from sciatica_care.services.errors import Conflict, InvalidInput
from sciatica_care.store import StoreError
from sciatica_care.store import backup as backups
from sciatica_care.store.database import Database, make_engine, open_database

admin = typer.Typer(
    help="For the operator of a shared (clinic) install: migrate, back up, restore, clinicians.",
    no_args_is_help=True,
)

JSON_OPTION = typer.Option(False, "--json", help="Print the result as JSON.")


def _url() -> str:
    settings = get_settings()
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings.resolved_database_url()


def _where(url: str) -> str:
    """The database named without its password."""
    return make_engine(url).url.render_as_string(hide_password=True)


def _with_progress(label: str, quiet: bool) -> tuple[Progress | None, backups.Progress | None]:
    if quiet:
        return None, None
    bar = Progress(
        TextColumn(label), BarColumn(), TaskProgressColumn(), console=err_console, transient=True
    )
    task = bar.add_task(label, total=None)
    return bar, lambda done, total: bar.update(task, completed=done, total=total)


@admin.command()
def migrate(json_output: bool = JSON_OPTION) -> None:
    """Bring the database schema to this version (run once after installing or upgrading)."""
    url = _url()
    database = Database(make_engine(url))
    try:
        before, _ = database.revisions()
        database.upgrade()
        after, _ = database.revisions()
    except (StoreError, SQLAlchemyError) as exc:
        fail(f"cannot migrate {_where(url)}: {getattr(exc, 'orig', None) or exc}")
    finally:
        database.dispose()
    result = {"database": _where(url), "before": sorted(before), "after": sorted(after)}
    if json_output:
        print_json(result)
    elif before == after:
        console.print(f"The database schema is current ({', '.join(sorted(after))}).")
    else:
        was = ", ".join(sorted(before)) or "empty"
        console.print(f"Migrated the database schema from {was} to {', '.join(sorted(after))}.")


@admin.command()
def backup(
    file: Path = typer.Argument(..., help="The backup file to write (must not exist yet)."),
    json_output: bool = JSON_OPTION,
) -> None:
    """Write a consistent backup of the whole database while the app keeps running."""
    url = _url()
    bar, progress = _with_progress("Backing up", json_output)
    try:
        if bar:
            bar.start()
        backups.backup(url, file, progress)
    except StoreError as exc:
        fail(str(exc))
    finally:
        if bar:
            bar.stop()
    result = {"database": _where(url), "backup": str(file), "bytes": file.stat().st_size}
    if json_output:
        print_json(result)
    else:
        console.print(f"Backed up the database to {file} ({file.stat().st_size:,} bytes).")


@admin.command()
def restore(
    file: Path = typer.Argument(..., help="A file written by `sciatica admin backup`."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Replace the database without asking."),
    json_output: bool = JSON_OPTION,
) -> None:
    """Replace the whole database with a backup (what is there now is backed up first)."""
    url = _url()
    if json_output and not yes:
        fail("--json needs --yes: a restore replaces the whole database")
    if not file.is_file():
        fail(f"there is no backup file at {file}")
    if not yes:
        console.print(f"This replaces everything in {_where(url)} with {file}.")
        try:
            reply = input("Type yes to restore: ")
        except EOFError:
            reply = ""
        if reply.strip().lower() != "yes":
            console.print("Nothing was changed.")
            raise typer.Exit(code=1)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = file.with_name(f"before-restore-{stamp}{file.suffix or '.backup'}")
    bar, progress = _with_progress("Restoring", json_output)
    try:
        if bar:
            bar.start()
        backups.backup(url, kept)
        backups.restore(url, file, progress)
    except StoreError as exc:
        if bar:
            bar.stop()
        fail(
            f"{exc}. The database is as it was"
            + (f"; a copy is in {kept}" if kept.exists() else "")
        )
    if bar:
        bar.stop()
    result = {"database": _where(url), "restored_from": str(file), "previous_copy": str(kept)}
    if json_output:
        print_json(result)
    else:
        console.print(f"Restored the database from {file}. What was there before is in {kept}.")
        console.print("Run `sciatica admin migrate` if the backup came from an older version.")


@admin.command("create-clinician")
def create_clinician(
    email: str = typer.Argument(..., help="The clinician's e-mail: their sign-in name."),
    name: str = typer.Option(
        ..., "--name", help="The name patients will see (e.g. 'Sam Lee, PT')."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input (one line)."
    ),
    base_url: str = typer.Option(
        "http://127.0.0.1:8000", "--base-url", help="The address patients and staff open."
    ),
    json_output: bool = JSON_OPTION,
) -> None:
    """Create a clinician account (issue 10): with a password from standard input, or a one-time
    set-up link to hand over (valid 3 days)."""
    address = normalise_email(email)
    problem = email_problem(address)
    if problem:
        fail(problem)
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        problem = new_password_problem(password)
        if problem:
            fail(f"password: {problem}")
    try:
        database = open_database()
    except StoreError as exc:
        fail(str(exc))
    try:
        account = clinicians.create_clinician(database, address, name, password)
    except InvalidInput as exc:
        fail(f"{exc.field}: {exc.message}")
    except Conflict:
        fail(f"an account with the e-mail {address} already exists")
    finally:
        database.dispose()
    link = f"{base_url.rstrip('/')}{account.setup_path()}" if account.setup_path() else None
    result = {
        "clinician_id": account.public_id,
        "email": account.email,
        "name": account.display_name,
    }
    if link:
        result["setup_link"] = link
    if json_output:
        print_json(result)
        return
    console.print(f"Created the clinician account {account.email} ({account.display_name}).")
    if link:
        console.print("Give them this one-time link to choose a password (valid 3 days):")
        console.print(link, soft_wrap=True, highlight=False)
    else:
        console.print("They can sign in now with that e-mail and password.")


def register(app: typer.Typer) -> None:
    app.add_typer(admin, name="admin")
