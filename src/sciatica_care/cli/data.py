"""``sciatica export`` and ``sciatica import``: all of your data, out and back in.

``--format fhir`` writes the diary as a FHIR R4 bundle for a clinician's record system
(``reports.fhir_bundle``): pain scores with body sites, red-flag answers and actions,
questionnaires and sessions, dated by the diary day in this computer's zone, with no name or
e-mail. ``--bundle-type transaction`` makes it a transaction to load into a FHIR server.

Import replaces everything stored, so it checks the whole file first (``domain.portable_data``),
asks before replacing (``--yes`` answers for scripts), and keeps a JSON export of what was there in
``<data dir>/backups`` (private to the user) before anything changes. Export and import are the use
cases of ``services.portability`` (the web's ``POST /api/import`` is the same one): one transaction,
and the caseload summary a linked clinician reads is rebuilt after it.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.prompt import Prompt

from sciatica_care.cli.local import local_context
from sciatica_care.cli.output import (
    JsonOption,
    console,
    err_console,
    fail,
    print_json,
    read_json_object,
)
from sciatica_care.config import get_settings
from sciatica_care.reports.spreadsheets import csv_tables
from sciatica_care.services import portability
from sciatica_care.services.data import export_fhir
from sciatica_care.services.errors import InvalidInput

BACKUP_DIR = "backups"
"""Folder of the data directory that keeps a copy of the data each import replaced."""
TABLE_WORDS = {
    "checkins": ("check-in", "check-ins"),
    "exercise_sessions": ("session", "sessions"),
    "screenings": ("screening", "screenings"),
    "questionnaire_responses": ("questionnaire", "questionnaires"),
    "therapy_uses": ("heat or cold use", "heat or cold uses"),
    "dose_decisions": ("progression decision", "progression decisions"),
    "exercise_doses": ("exercise dose", "exercise doses"),
}


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    FHIR = "fhir"


class BundleKind(StrEnum):
    COLLECTION = "collection"
    TRANSACTION = "transaction"


def export(
    format: ExportFormat = typer.Option(
        ExportFormat.JSON, "--format", help="json, csv, or fhir (FHIR R4 bundle for a clinician)."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="File (json, fhir) or folder (csv). JSON and FHIR go to the screen when omitted.",
    ),
    bundle_type: BundleKind = typer.Option(
        BundleKind.COLLECTION,
        "--bundle-type",
        help="With --format fhir: collection (a file for your clinician) or transaction "
        "(to load into a FHIR server).",
    ),
) -> None:
    """Export everything you have recorded (JSON restores with `sciatica import`)."""
    if format is ExportFormat.FHIR:
        with local_context() as ctx:
            body = export_fhir(ctx.db, ctx.patient_id, bundle_type.value)
        _write_text(body.decode().rstrip("\n"), out)
        return
    if bundle_type is not BundleKind.COLLECTION:
        fail("--bundle-type is for --format fhir only")
    with local_context() as ctx:
        document = portability.export_document(ctx)
    if format is ExportFormat.JSON:
        _write_text(_export_json(document), out)
        return
    if out is None:
        fail("--format csv needs --out FOLDER (one CSV file per table)")
    out.mkdir(parents=True, exist_ok=True)
    files = csv_tables(document, portability.table_columns())
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    console.print(f"Wrote {len(files)} CSV files to {out}")


def _write_text(text: str, out: Path | None) -> None:
    """A JSON document to the screen, or to ``out`` with a closing line break."""
    if out is None:
        typer.echo(text)
        return
    try:
        out.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        fail(f"--out: cannot write {out} ({exc.strerror})")
    console.print(f"Wrote {out}")


def _export_json(document: dict[str, Any]) -> str:
    """The JSON form of an export (``sciatica export --format json``), without a final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False)


def import_(
    file: Path = typer.Argument(..., help="A JSON file made by `sciatica export`."),
    yes: bool = typer.Option(
        False, "--yes", "-y", help="Replace what is stored now without asking (needed with --json)."
    ),
    json_output: bool = JsonOption,
) -> None:
    """Restore your data from an export. It replaces what is stored now, all or nothing.

    The whole file is checked first; a copy of what is stored now is kept in the backups folder
    of the data directory before anything changes.
    """
    if json_output and not yes:
        fail("--json needs --yes: an import replaces everything stored now")
    document = read_json_object(file, "(a Sciatica Care export)")
    try:
        incoming = portability.checked(document)
    except InvalidInput as exc:
        fail(_problem(file, exc))
    with local_context() as ctx:
        stored = portability.stored_counts(ctx)
    if any(stored.values()) and not yes and not _confirm(stored, incoming, file):
        err_console.print("Nothing changed: the import was not confirmed.", highlight=False)
        raise typer.Exit(code=1)
    with local_context() as ctx:
        now = ctx.clock.now_fn()
        try:
            done = portability.import_document(
                ctx, document, lambda previous: _write_backup(_export_json(previous), now)
            )
        except InvalidInput as exc:
            fail(_problem(file, exc))
    counts, backup = done.counts, done.kept
    if json_output:
        print_json({**counts, "backup": str(backup)})
        return
    restored = _describe(counts)
    console.print(f"Restored {restored or 'an empty export'}.", highlight=False)
    console.print(f"A copy of your previous data is in {backup}", highlight=False, soft_wrap=True)


def _problem(file: Path, exc: InvalidInput) -> str:
    """``export.json: checkins.0.leg_pain: ...`` (the file, the value's path, the problem)."""
    where = "" if exc.field == portability.DOCUMENT_FIELD else f"{exc.field}: "
    return f"{file.name}: {where}{exc.message}"


def _describe(counts: dict[str, int]) -> str:
    """``{"checkins": 3, "exercise_sessions": 1}`` → "3 check-ins, 1 session"."""
    parts = []
    for name, count in counts.items():
        if count:
            one, many = TABLE_WORDS.get(name, (name, name))
            parts.append(f"{count} {one if count == 1 else many}")
    return ", ".join(parts)


def _confirm(stored: dict[str, int], incoming: dict[str, Any], file: Path) -> bool:
    """Ask before replacing; no answer (end of input) or anything but yes keeps the data."""
    new = _describe({name: len(incoming[name]) for name in stored})
    source = f"the {new} in {file.name}" if new else f"the empty export {file.name}"
    console.print(
        f"This replaces all {_describe(stored)} stored now with {source}. "
        "A copy of what is stored now is kept first.",
        highlight=False,
        soft_wrap=True,
    )
    try:
        reply = Prompt.ask(
            escape("Replace? [y/N]"), console=console, default="", show_default=False
        )
    except EOFError:
        return False
    return reply.strip().lower() in {"y", "yes"}


def _write_backup(text: str, now: datetime) -> Path:
    """Keep ``text`` in ``<data dir>/backups`` under a UTC time stamp, readable by the user only.

    The folder is 0700 and the file 0600 (it holds health data); a second import in the same
    second gets a numbered name rather than overwriting the first copy.
    """
    folder = get_settings().data_dir / BACKUP_DIR
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)
        for attempt in range(100):
            suffix = f"-{attempt}" if attempt else ""
            path = folder / f"sciatica-care-{stamp}{suffix}.json"
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            return path
    except OSError as exc:
        fail(f"cannot write a backup in {folder} ({exc.strerror}); nothing changed")
    fail(f"cannot write a backup in {folder} (too many backups this second); nothing changed")


def register(app: typer.Typer) -> None:
    app.command()(export)
    app.command("import")(import_)
