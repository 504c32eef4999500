"""``sciatica export`` and ``sciatica import``: all of your data, out and back in.

``--format fhir`` writes the diary as a FHIR R4 bundle for a clinician's record system
(``reports.fhir_bundle``): pain scores, questionnaires and sessions, with no name or e-mail.
"""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path

import typer

from sciatica_care.cli.local import local_unit_of_work
from sciatica_care.cli.output import (
    JsonOption,
    console,
    fail,
    print_json,
    read_json_object,
)
from sciatica_care.reports.fhir_bundle import bundle_json
from sciatica_care.store import StoreError
from sciatica_care.store.base import utcnow
from sciatica_care.store.portability import export_csv, export_patient, import_patient
from sciatica_care.store.report_data import report_data


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    FHIR = "fhir"


def export(
    format: ExportFormat = typer.Option(
        ExportFormat.JSON, "--format", help="json, csv, or fhir (FHIR R4 bundle for a clinician)."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="File (json, fhir) or folder (csv). JSON and FHIR go to the screen when omitted.",
    ),
) -> None:
    """Export everything you have recorded (JSON restores with `sciatica import`)."""
    if format is ExportFormat.FHIR:
        with local_unit_of_work() as (session, patient_id):
            data = report_data(session, patient_id, today=date.today(), days=None)
        _write_text(bundle_json(data, generated_at=utcnow()).rstrip("\n"), out)
        return
    with local_unit_of_work() as (session, patient_id):
        document = export_patient(session, patient_id)
    if format is ExportFormat.JSON:
        _write_text(json.dumps(document, indent=2, ensure_ascii=False), out)
        return
    if out is None:
        fail("--format csv needs --out FOLDER (one CSV file per table)")
    out.mkdir(parents=True, exist_ok=True)
    for name, text in export_csv(document).items():
        (out / name).write_text(text, encoding="utf-8")
    console.print(f"Wrote {len(export_csv(document))} CSV files to {out}")


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


def import_(
    file: Path = typer.Argument(..., help="A JSON file made by `sciatica export`."),
    json_output: bool = JsonOption,
) -> None:
    """Restore your data from an export. It replaces what is stored now, all or nothing."""
    document = read_json_object(file, "(a Sciatica Care export)")
    with local_unit_of_work() as (session, patient_id):
        try:
            counts = import_patient(session, patient_id, document)
        except StoreError as exc:
            fail(str(exc))
    if json_output:
        print_json(counts)
        return
    restored = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items() if n)
    console.print(f"Restored {restored or 'an empty export'}.")


def register(app: typer.Typer) -> None:
    app.command()(export)
    app.command("import")(import_)
