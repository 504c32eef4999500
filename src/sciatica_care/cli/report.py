"""``sciatica report``: the pain diary as a PDF for your clinician (clinical-spec.md §3, §6, §7).

The numbers come from ``services.report_data`` and ``reports.pdf_report`` lays them out offline:
safety screening first, then pain and questionnaire change, the progress chart, the current
exercise doses and how many sessions were done each week. Bring it to your appointment.
"""

from __future__ import annotations

from pathlib import Path

import typer

from sciatica_care.cli.local import local_unit_of_work, machine_clock
from sciatica_care.cli.output import JsonOption, console, fail, print_json
from sciatica_care.reports.pdf_report import ReportError, render_pdf
from sciatica_care.services.report_data import report_data


def report(
    out: Path = typer.Option(..., "--out", help="Where to write the PDF (e.g. report.pdf)."),
    days: int = typer.Option(90, "--days", min=7, max=730, help="How many days to cover."),
    json_output: bool = JsonOption,
) -> None:
    """Write a PDF report of your diary to share with your clinician. Not a diagnosis."""
    if not out.parent.is_dir():
        fail(f"--out: the folder {out.parent} does not exist")
    with local_unit_of_work() as (session, patient_id):
        data = report_data(session, patient_id, today=machine_clock().today(), days=days)
    try:
        out.write_bytes(render_pdf(data))
    except ReportError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"--out: cannot write {out} ({exc.strerror})")
    if json_output:
        print_json(
            {
                "out": str(out),
                "period_start": data.period_start.isoformat(),
                "period_end": data.period_end.isoformat(),
                "mornings": len(data.mornings),
                "sessions": len(data.sessions),
                "questionnaires": len(data.scores),
            }
        )
        return
    console.print(f"Wrote {out}", highlight=False)
    if not data.mornings:
        console.print("No morning check-ins yet: add one each day with `sciatica checkin`.")
    console.print("Share it with your clinician. Not a diagnosis.")


def register(app: typer.Typer) -> None:
    app.command()(report)
