"""``sciatica chart``: your progress as a picture (SVG, or PNG with ``--png``), and in words.

The series comes from ``services.progress`` (morning pain, how far down the leg it reaches, sessions,
dose changes, flare-ups) and ``reports.charts`` draws it offline. The summary lines under it say
how each outcome changed since the start, with the thresholds of clinical-spec.md §3.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.text import Text

from sciatica_care.cli.local import local_unit_of_work, machine_clock
from sciatica_care.cli.output import JsonOption, console, fail, print_json
from sciatica_care.reports.charts import chart_png, chart_svg
from sciatica_care.services.progress import progress_series, progress_summary


def chart(
    out: Path = typer.Option(..., "--out", help="Where to write the chart (e.g. progress.svg)."),
    png: bool = typer.Option(False, "--png", help="Write a PNG image instead of SVG."),
    days: int = typer.Option(90, "--days", min=7, max=730, help="How many days to show."),
    json_output: bool = JsonOption,
) -> None:
    """Draw leg and back pain over time, how far down the leg it reaches, and your sessions."""
    if not out.parent.is_dir():
        fail(f"--out: the folder {out.parent} does not exist")
    as_png = png or out.suffix.lower() == ".png"
    with local_unit_of_work() as (session, patient_id):
        series = progress_series(session, patient_id, today=machine_clock().today(), days=days)
        summary = progress_summary(session, patient_id)
    try:
        if as_png:
            out.write_bytes(chart_png(series))
        else:
            out.write_text(chart_svg(series), encoding="utf-8")
    except OSError as exc:
        fail(f"--out: cannot write {out} ({exc.strerror})")
    if json_output:
        print_json(
            {
                "out": str(out),
                "format": "png" if as_png else "svg",
                "days": days,
                "pain_days": len(series.pain),
                "sessions": len(series.sessions),
                "dose_changes": len(series.dose_changes),
                "flares": [flare.model_dump(mode="json") for flare in series.flares],
                "summary": summary,
            }
        )
        return
    console.print(f"Wrote {out}", highlight=False)
    if not series.pain:
        console.print("No morning check-ins yet: add one each day with `sciatica checkin`.")
    for line in summary:
        console.print(Text(f"- {line}"))


def register(app: typer.Typer) -> None:
    app.command()(chart)
