"""The clinician report: one A4 PDF of the pain diary, rendered offline with WeasyPrint.

The mission promises "a PDF report ... for the clinician". A clinician reads it in a few minutes
before or during a visit, so it starts with safety (the latest red-flag screen and any daily
warning sign, clinical-spec.md §1), then the figures at a glance, the progress chart, pain and
questionnaire change with the §3 wording the patient saw, the §6 pain-reach trend, the current
exercise doses with the reason of their last change (§4), weekly adherence and heat and cold use
(§5). Every page carries the §7.5 notice "Not a diagnosis".

Nothing in the PDF is for developers: no row id names the patient (the report is identified by
its period; the patient hands it over themselves), no spec section sign, no ISO date inside a
sentence (stored reasons are reworded) and counts agree with their nouns (``domain.wording``).

The HTML is built from a ``ReportData`` value only (no database here) with our own CSS and the
system's DejaVu fonts; the chart is a PNG inside a ``data:`` URI and the URL fetcher refuses
every other scheme, so rendering never touches the network or the file system.

A clinician may read it with a screen reader, so the PDF is tagged (PDF/UA-1): the document's
language and title, headings in order, tables with header cells, and the chart with a text
alternative that says in numbers what it shows (``chart_summary``, also printed under it). It
names the day and time it was made, in the person's zone, and the app version, because the
same diary gives a different report after later entries or a rule change. Each session is its
own mark in the day-by-day table, so two sessions on one day are never read as one, and a
session stopped early is listed with the reason and the words the person gave.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from sciatica_care.domain.clinician_report import (
    ReportData,
    ScoreReading,
    SessionLine,
    sessions_by_day,
)
from sciatica_care.domain.diary import ZoneSignal, ZoneTrend
from sciatica_care.domain.wording import plural, spell_iso_dates, spelled_date
from sciatica_care.reports.charts import ZONE_LABELS, chart_png
from sciatica_care.reports.exercise_guide import LEVEL_NAMES, dose_text

if TYPE_CHECKING:  # WeasyPrint is imported when a PDF is made, not when the CLI starts
    from weasyprint.urls import URLFetcher

ACTION_LABELS = {
    "EMERGENCY_NOW": "Emergency now",
    "URGENT_24_48H": "Urgent: doctor within 24–48 h",
    "ROUTINE": "Routine review within 1–2 weeks",
    "SELF_CARE": "No red flag (self-care)",
}
"""clinical-spec.md action codes, in the words a clinician scans for."""
ACTION_SHORT = {
    "EMERGENCY_NOW": "Emergency now",
    "URGENT_24_48H": "Urgent (24–48 h)",
    "ROUTINE": "Routine (1–2 weeks)",
    "SELF_CARE": "Self-care",
}
"""The same, short enough for a table cell."""
INSTRUMENTS = {
    "sbi": ("SBI total", "Sciatica Bothersomeness Index, 0–24, lower is better"),
    "psfs": ("PSFS mean", "Patient-Specific Functional Scale, 0–10, higher is better"),
    "grc": ("GRC", "Global Rating of Change, −5 to +5, positive is better"),
}
"""The §3 measures by their published names (the app shows patients friendlier ones)."""
TRENDS = {
    ZoneTrend.CENTRALISING: "Centralising (retreating toward the spine)",
    ZoneTrend.PERIPHERALISING: "Peripheralising (spreading down the leg)",
    ZoneTrend.STABLE: "Stable",
}
CHANGES = {"PROGRESS": "Step up", "REGRESS": "Step down", "PAUSE": "Paused"}
STOP_REASONS = {
    "pain": "It hurt",
    "spread_down_leg": "Pain spread down the leg",
    "new_numbness_or_weakness": "New numbness or weakness",
    "tired": "Tired",
    "other": "Another reason",
}
"""Why a session stopped early, as the person chose it (the player's buttons "It hurts", "Pain
spread down my leg", "I am tired", "Another reason"; the pain check adds new numbness)."""
UNFINISHED = "Not finished: saved part-way, the session never reached its end (no reason chosen)"
NO_REASON = "No reason given"
MARKS = {"completed": "✓", "stopped": "✗"}
"""One mark per session in the day-by-day table: shapes, not colours, tell them apart."""
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


PDF_VARIANT = "pdf/ua-1"
"""Tagged PDF for screen readers (WeasyPrint writes the structure tree and the PDF/UA marker)."""


class ReportError(ValueError):
    """The PDF could not be made (the message says why, for the CLI and the web to show)."""


def _date(day: date | None) -> str:
    """``1 Nov 2026``: unambiguous in every country a clinician may read it."""
    return f"{day.day} {day:%b %Y}" if day else "–"


def _moment(at: datetime) -> str:
    """``Monday 16 November 2026 at 09:30 (Europe/London time)``: when the report was made, in
    the person's zone, spelled out so no reader swaps day and month."""
    zone = getattr(at.tzinfo, "key", None) or at.tzname() or "local"
    return f"{spelled_date(at.date(), year=True)} at {at:%H:%M} ({zone} time)"


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _zone(zone: int | None) -> str:
    return ZONE_LABELS[zone] if zone is not None else "–"


def _signals(signals: Iterable[ZoneSignal]) -> list[dict[str, str]]:
    """Pain-reach trends (clinical-spec.md §6) worth a row: a leg with pain or numbness now or
    before (no empty "none" rows)."""
    rows = []
    for signal in signals:
        if signal.trend is ZoneTrend.STABLE and not (signal.from_zone or signal.to_zone):
            continue
        what = "pain" if signal.kind == "pain" else "numbness / pins and needles"
        days = f" for {plural(signal.days, 'day')}" if signal.days else ""
        rows.append(
            {
                "where": f"{signal.side.capitalize()} leg, {what}",
                "trend": TRENDS.get(signal.trend, signal.trend.value) + days,
                "reach": f"{_zone(signal.from_zone)} → {_zone(signal.to_zone)}",
                "flag": "Review within 1–2 weeks" if signal.escalation else "",
            }
        )
    return rows


def _scores(scores: Iterable[ScoreReading]) -> list[dict[str, object]]:
    """One block per measure, its responses oldest first."""
    blocks: list[dict[str, object]] = []
    for instrument, (label, scale) in INSTRUMENTS.items():
        rows = [s for s in scores if s.instrument == instrument]
        if rows:
            blocks.append(
                {
                    "label": label,
                    "scale": scale,
                    "rows": [(_date(s.day), _number(s.score)) for s in rows],
                }
            )
    return blocks


def _week_label(monday: date, data: ReportData) -> str:
    """The week's Monday, and how many of its days fall in the period when not all seven do."""
    first = max(monday, data.period_start)
    last = min(monday + timedelta(days=6), data.period_end)
    inside = (last - first).days + 1
    if inside >= 7:
        return _date(monday)
    return f"{_date(monday)} ({plural(inside, 'day')} in period)"


CUSTOM_KEY_PREFIX = "custom-"
"""How a clinician's custom exercise is named in stored data (``custom-`` + random hex)."""
CUSTOM_LEVEL_TEXT = "The clinician's own exercise"
CUSTOM_CHANGE = "As your clinician prescribed (the app's pain rule rests it but never changes it)"
"""A custom exercise's dose is the clinician's: progression never steps it (clinical-spec.md
§4.2 is defined per exercise of the library); a RED result rests it 48 h (§4.1, §9 ruling 5)."""


def _doses(data: ReportData) -> list[dict[str, str]]:
    """The program table: the seed exercises, then the clinician's own at their prescribed dose."""
    rows = []
    for line in data.doses:
        custom = line.exercise_id.startswith(CUSTOM_KEY_PREFIX)
        if not line.active:
            status = "Removed from the program"
        elif line.paused_until and line.paused_until > data.period_end:
            status = f"Resting until {_date(line.paused_until)}"
        else:
            status = "Active"
        if custom:
            rows.append(
                {
                    "name": line.name,
                    "level": CUSTOM_LEVEL_TEXT,
                    "dose": dose_text(line.dose, line.kind),
                    "status": status,
                    "change": CUSTOM_CHANGE,
                    "reason": spell_iso_dates(line.reason or "", year=True),
                }
            )
            continue
        change = (
            f"{CHANGES.get(line.last_change or '', line.last_change or '')}, "
            f"{_date(line.last_change_on)}"
            if line.last_change_on
            else "Starting dose (no change yet)"
        )
        rows.append(
            {
                "name": line.name,
                "level": f"{line.level} ({LEVEL_NAMES.get(line.level, '')}): {line.variation}",
                "dose": dose_text(line.dose, line.kind),
                "status": status,
                "change": change,
                "reason": spell_iso_dates(line.reason or "", year=True),
            }
        )
    return rows


def _stop_reason(line: SessionLine) -> str:
    """Why it stopped, in plain words: the reason chosen, or that it was never finished."""
    if not line.finished and line.stop_reason is None:
        return UNFINISHED
    return STOP_REASONS.get(line.stop_reason or "", NO_REASON)


def _stopped_sessions(data: ReportData) -> list[dict[str, str]]:
    """Each session stopped early, oldest first, with the reason and the person's own words."""
    rows = []
    for line in data.sessions:
        if line.status != "stopped":
            continue
        when = line.local_time or line.started_at
        rows.append(
            {
                "day": _date(line.day),
                "time": f"{when:%H:%M}",
                "done": f"{line.exercises_completed} of {plural(line.exercises_total, 'exercise')}"
                f" after {plural(max(1, round(line.elapsed_s / 60)), 'minute')}",
                "reason": _stop_reason(line),
                "note": line.stop_note or "",
            }
        )
    return rows


def _session_weeks(data: ReportData) -> list[dict[str, object]]:
    """The adherence weeks with one cell per day and one mark per session of that day.

    A day with two sessions shows two marks: the chart's daily strip draws them on one spot.
    Days outside the period are marked as such rather than left to look like rest days.
    """
    by_day = sessions_by_day(data.sessions)
    weeks: list[dict[str, object]] = []
    for week in data.adherence:
        cells = []
        for offset in range(7):
            day = week.week_start + timedelta(days=offset)
            inside = data.period_start <= day <= data.period_end
            marks = " ".join(MARKS[line.status] for line in by_day.get(day, []))
            cells.append({"inside": inside, "marks": marks})
        weeks.append({"label": _week_label(week.week_start, data), "week": week, "cells": cells})
    return weeks


def _several_a_day(data: ReportData) -> str:
    """How many days had more than one session ("2 days"), or "" when none did."""
    count = sum(1 for lines in sessions_by_day(data.sessions).values() if len(lines) > 1)
    return plural(count, "day") if count else ""


def _change_words(first: int, last: int) -> str:
    """The direction of a 0–10 score between two mornings, in words."""
    if last < first:
        return f"fell by {plural(first - last, 'point')}"
    if last > first:
        return f"rose by {plural(last - first, 'point')}"
    return "was the same at the start and at the end"


def chart_summary(data: ReportData) -> str:
    """The progress chart in words and numbers (its ``alt`` text and its caption): first and
    last leg pain with the direction, lowest and highest, back pain, how far down the leg the
    pain reached, sessions (several on a day count as several), dose changes and flare-ups."""
    series = data.series
    parts = [f"Progress chart, {_date(data.period_start)} – {_date(data.period_end)}."]
    pain = series.pain
    if not pain:
        parts.append("No morning check-in in this period, so no pain line is drawn.")
    elif len(pain) == 1:
        only = pain[0]
        parts.append(
            f"One morning check-in, on {_date(only.day)}: leg pain {only.leg_pain} out of 10, "
            f"back pain {only.back_pain}; how far down the leg the pain reached: "
            f"{_zone(only.furthest_pain_zone)}."
        )
    else:
        first, last = pain[0], pain[-1]
        legs = [p.leg_pain for p in pain]
        parts.append(
            f"Leg pain (0–10) {_change_words(first.leg_pain, last.leg_pain)}: "
            f"{first.leg_pain} on {_date(first.day)}, {last.leg_pain} on {_date(last.day)}; "
            f"lowest {min(legs)}, highest {max(legs)}, over {plural(len(pain), 'morning')}."
        )
        parts.append(
            f"Back pain {_change_words(first.back_pain, last.back_pain)}: "
            f"{first.back_pain} to {last.back_pain}."
        )
        parts.append(
            f"How far down the leg the pain reached: {_zone(first.furthest_pain_zone)} at the "
            f"start, {_zone(last.furthest_pain_zone)} at the end."
        )
    if series.flares:
        spans = "; ".join(f"{_date(f.start)} – {_date(f.end)}" for f in series.flares)
        parts.append(f"Flare-ups shaded: {spans}.")
    days = len({s.day for s in series.sessions})
    stopped = sum(1 for s in series.sessions if s.status == "stopped")
    parts.append(
        f"{plural(len(series.sessions), 'exercise session')} on {plural(days, 'day')}, "
        f"{stopped} stopped early."
        if series.sessions
        else "No exercise session."
    )
    counts: dict[str, int] = {}
    for change in series.dose_changes:
        label = CHANGES.get(change.action.upper(), change.action).lower()
        counts[label] = counts.get(label, 0) + 1
    if counts:
        kinds = ", ".join(f"{n} {label}" for label, n in counts.items())
        parts.append(f"Dose changes: {kinds}.")
    return " ".join(parts)


def _chart_uri(data: ReportData) -> str:
    png = chart_png(data.series, scale=2.0)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def report_context(data: ReportData, chart_uri: str | None = None) -> dict[str, object]:
    """Everything the template reads, already in words (kept apart so tests can read it)."""
    completed = sum(1 for s in data.sessions if s.status == "completed")
    stopped = len(data.sessions) - completed
    weeks = max(1, len(data.adherence))
    first, latest = data.first_pain, data.latest_pain
    return {
        "period": f"{_date(data.period_start)} – {_date(data.period_end)}",
        "days": plural(data.days, "day"),
        "notice": data.notice,
        "screening": data.screening,
        "screening_day": _date(data.screening.day) if data.screening else "",
        "warnings": [(_date(w.day), w) for w in data.daily_warnings],
        "actions": ACTION_LABELS,
        "short": ACTION_SHORT,
        "first": first,
        "latest": latest,
        "first_day": _date(first.day) if first else "",
        "latest_day": _date(latest.day) if latest else "",
        "completed": completed,
        "stopped": stopped,
        "per_week": _number(round(len(data.sessions) / weeks, 1)),
        "mornings": len({m.day for m in data.mornings}),
        "summary": [spell_iso_dates(line, year=True) for line in data.change_summary],
        "score_blocks": _scores(data.scores),
        "signals": _signals(data.zone_signals),
        "latest_zone": _zone(latest.furthest_pain_zone) if latest else "–",
        "doses": _doses(data),
        "automatic": data.automatic_progression,
        "weeks": _session_weeks(data),
        "weekdays": WEEKDAYS,
        "marks": MARKS,
        "stopped_sessions": _stopped_sessions(data),
        "several_a_day": _several_a_day(data),
        "generated": _moment(data.generated_at) if data.generated_at else "",
        "generated_day": _date(data.generated_at.date()) if data.generated_at else "",
        "created": data.generated_at.isoformat(timespec="seconds") if data.generated_at else "",
        "version": data.app_version,
        "chart_text": chart_summary(data),
        "heat": plural(data.heat_uses, "time"),
        "cold": plural(data.cold_uses, "time"),
        "chart": chart_uri,
    }


CSS = """
@page {
  size: A4;
  margin: 16mm 15mm 18mm 15mm;
  @bottom-left { content: "Not a diagnosis. If worried, contact a health professional.";
                 font-size: 8pt; color: #333; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt;
                  color: #333; }
}
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.4;
       color: #111; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 1.5pt solid #1f4e79;
     color: #1f4e79; break-after: avoid; }
h3 { font-size: 10pt; margin: 3mm 0 1mm; break-after: avoid; }
p { margin: 0 0 2mm; }
.brand { font-size: 9pt; letter-spacing: 0.08em; text-transform: uppercase; color: #1f4e79;
         font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 2mm; border-bottom: 0.5pt solid #bbb; }
th { background: #eef2f7; font-weight: bold; }
tr { break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.meta { width: auto; margin: 2mm 0; }
table.meta th { background: none; padding-left: 0; width: 24mm; }
table.meta th, table.meta td { border: none; padding-top: 0.4mm; padding-bottom: 0.4mm; }
.notice { border: 1pt solid #333; padding: 1.5mm 3mm; font-weight: bold; margin: 2mm 0; }
.muted { color: #444; font-size: 8.5pt; }
.glance { display: flex; gap: 3mm; margin: 3mm 0; }
.figure { flex: 1; border: 0.75pt solid #9aa9bb; border-radius: 2mm; padding: 2mm 3mm; }
.figure .label { font-size: 8pt; color: #333; }
.figure .value { font-size: 14pt; font-weight: bold; }
.figure .sub { font-size: 8pt; color: #333; }
.action { font-weight: bold; padding: 0.4mm 2mm; border-radius: 1mm; white-space: nowrap; }
td.date { white-space: nowrap; }
.EMERGENCY_NOW { background: #b4231b; color: #fff; }
.URGENT_24_48H { background: #c05621; color: #fff; }
.ROUTINE { background: #fbd38d; color: #111; }
.SELF_CARE { background: #c6f6d5; color: #111; }
.chart { display: block; width: 90%; margin: 1mm auto 1mm; }
ul { margin: 0 0 2mm; padding-left: 5mm; }
li { margin-bottom: 1mm; }
section { break-inside: avoid-page; }
.scores { display: flex; gap: 4mm; }
.scores > div { flex: 1; }
.scores table { font-size: 9pt; }
figure { margin: 0; }
figcaption { margin: 0 0 2mm; font-size: 8pt; }
table.weeks th, table.weeks td { padding: 1mm 1.2mm; }
table.weeks td.day, table.weeks th.day { text-align: center; min-width: 9mm; }
table.weeks td.day { font-size: 10.5pt; word-spacing: 1.2mm; white-space: nowrap; }
section.long { break-inside: auto; }
table.weeks td.out { background: #e8e8e8; }
table.weeks tbody th { background: none; font-weight: normal; }
table.weeks thead th.num { white-space: normal; }
"""

TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sciatica Care – pain diary report – {{ period }}</title>
<meta name="description" content="Pain diary report for the clinician, {{ period }}">
{% if version %}<meta name="generator" content="Sciatica Care {{ version }}">{% endif %}
{% if created %}<meta name="dcterms.created" content="{{ created }}">{% endif %}
<style>{{ css }}</style>
</head>
<body>
<div class="brand">Sciatica Care</div>
<h1>Pain diary report for the clinician</h1>
<table class="meta">
  <tr><th scope="row">Period</th><td>{{ period }} ({{ days }})</td></tr>
  {% if generated %}<tr><th scope="row">Made</th><td>{{ generated }}{% if version %}, by Sciatica Care {{ version }}{% endif %}</td></tr>{% endif %}
  <tr><th scope="row">Source</th><td>The patient's own entries in the Sciatica Care app, handed over
    by them (no name, e-mail or other identifier in this report)</td></tr>
</table>
<p class="notice">{{ notice }}</p>
<p class="muted">Self-reported diary and app rules only; nothing here comes from an examination.
Change thresholds: NPRS 2 points or 30%, PSFS 2 points (3 for one activity), GRC 2.5 points; SBI has
no agreed threshold (measurement error about 5 points).</p>

<section>
<h2>Safety screening</h2>
{% if screening %}
<p>Latest full red-flag screen, {{ screening_day }}:
  <span class="action {{ screening.action }}">{{ actions[screening.action] }}</span></p>
{% if screening.red_flags %}
<table>
  <thead><tr><th scope="col">Item</th><th scope="col">Question answered yes or unsure</th><th scope="col">Raised</th></tr></thead>
  <tbody>
  {% for flag in screening.red_flags %}
  <tr><td>{{ flag.item }}</td><td>{{ flag.question }}</td><td><span class="action {{ flag.action }}">{{ short.get(flag.action, flag.action) }}</span></td></tr>
  {% endfor %}
  </tbody>
</table>
{% else %}<p>No red flag in that screen.</p>{% endif %}
{% if screening.action == "EMERGENCY_NOW" %}
<p>Acknowledged by the patient: {{ "yes" if screening.acknowledged else "no" }}. Patient reports a
doctor has assessed them: {{ "yes" if screening.assessed else "no" }}.</p>
{% endif %}
{% else %}
<p>No full red-flag screen recorded.</p>
{% endif %}
{% if warnings %}
<h3>Warning signs in the daily check-in questions (Q1–Q7) in this period</h3>
<table>
  <thead><tr><th scope="col">Date</th><th scope="col">Item and question</th><th scope="col">Raised</th></tr></thead>
  <tbody>
  {% for day, warning in warnings %}{% for flag in warning.red_flags %}
  <tr><td class="date">{{ day }}</td><td>{{ flag.item }}: {{ flag.question }}</td><td><span class="action {{ flag.action }}">{{ short.get(flag.action, flag.action) }}</span></td></tr>
  {% endfor %}{% endfor %}
  </tbody>
</table>
{% else %}
<p>Daily check-in questions (Q1–Q7): no warning sign in this period.</p>
{% endif %}
</section>

<section>
<h2>At a glance</h2>
<div class="glance">
  <div class="figure"><div class="label">Leg pain (NPRS 0–10)</div>
    <div class="value">{% if first %}{{ first.leg_pain }} → {{ latest.leg_pain }}{% else %}–{% endif %}</div>
    <div class="sub">{% if first %}{{ first_day }} → {{ latest_day }}{% else %}no morning check-in{% endif %}</div></div>
  <div class="figure"><div class="label">Back pain (NPRS 0–10)</div>
    <div class="value">{% if first %}{{ first.back_pain }} → {{ latest.back_pain }}{% else %}–{% endif %}</div>
    <div class="sub">{% if first %}{{ first_day }} → {{ latest_day }}{% else %}no morning check-in{% endif %}</div></div>
  <div class="figure"><div class="label">Pain reaches now</div>
    <div class="value">{{ latest_zone }}</div>
    <div class="sub">furthest zone, either leg</div></div>
  <div class="figure"><div class="label">Exercise sessions completed</div>
    <div class="value">{{ completed }}</div>
    <div class="sub">{{ stopped }} stopped early · {{ per_week }} a week</div></div>
</div>
<p class="muted">Morning check-ins in this period: {{ mornings }} of {{ days }}.</p>
</section>

<section>
<h2>Change since the start (as shown to the patient)</h2>
{% if summary %}
<ul>{% for line in summary %}<li>{{ line }}</li>{% endfor %}</ul>
{% else %}<p>Not enough entries yet to compare (two of each are needed).</p>{% endif %}
</section>

<section>
<h2>Progress chart</h2>
<figure>
{% if chart %}<img class="chart" src="{{ chart }}" alt="{{ chart_text }}">{% endif %}
<figcaption class="muted">{{ chart_text }}</figcaption>
</figure>
</section>

<section>
<h2>Questionnaire scores</h2>
{% if score_blocks %}
<div class="scores">
{% for block in score_blocks %}
<div>
<h3>{{ block.label }}</h3>
<p class="muted">{{ block.scale }}</p>
<table>
  <thead><tr><th scope="col">Date</th><th scope="col" class="num">Score</th></tr></thead>
  <tbody>
  {% for day, value in block.rows %}<tr><td>{{ day }}</td><td class="num">{{ value }}</td></tr>{% endfor %}
  </tbody>
</table>
</div>
{% endfor %}
</div>
{% else %}<p>No questionnaire answered in this period.</p>{% endif %}
</section>

<section>
<h2>How far down the leg symptoms reach (centralisation)</h2>
{% if signals %}
<table>
  <thead><tr><th scope="col">Leg and symptom</th><th scope="col">Trend</th><th scope="col">Furthest zone (before → now)</th><th scope="col">Review</th></tr></thead>
  <tbody>
  {% for row in signals %}
  <tr><td>{{ row.where }}</td><td>{{ row.trend }}</td><td>{{ row.reach }}</td><td>{{ row.flag or "–" }}</td></tr>
  {% endfor %}
  </tbody>
</table>
<p class="muted">A trend from the patient's body map, not a clinical finding: reliability of
centralisation reports is poor.</p>
{% else %}<p>Not enough check-ins with a body map to show a trend.</p>{% endif %}
</section>

<section>
<h2>Current exercise program</h2>
<p class="muted">{% if generated_day %}As on {{ generated_day }}, when this report was made. {% endif %}Doses
change by the app's pain-monitoring rule
({{ "applied automatically" if automatic else "offered as suggestions the patient accepts" }}).</p>
<table>
  <thead><tr><th scope="col">Exercise</th><th scope="col">Level</th><th scope="col">Dose</th><th scope="col">Status</th><th scope="col">Last change and reason</th></tr></thead>
  <tbody>
  {% for row in doses %}
  <tr><td>{{ row.name }}</td><td>{{ row.level }}</td><td>{{ row.dose }}</td><td>{{ row.status }}</td>
      <td>{{ row.change }}{% if row.reason %}<br><span class="muted">{{ row.reason }}</span>{% endif %}</td></tr>
  {% endfor %}
  </tbody>
</table>
</section>

<section class="long">
<h2>Exercise sessions, week by week and day by day</h2>
{% if weeks and (completed or stopped) %}
<p class="muted">One mark per session: {{ marks.completed }} completed, {{ marks.stopped }} stopped early.
{% if several_a_day %}Two or more marks on a day are two or more sessions that day ({{ several_a_day }} in
this period). {% endif %}A blank day had no session; a shaded day is outside the period.</p>
<table class="weeks">
  <thead><tr><th scope="col">Week starting (Monday)</th>{% for name in weekdays %}<th scope="col" class="day">{{ name }}</th>{% endfor %}<th scope="col" class="num">Completed</th><th scope="col" class="num">Stopped early</th><th scope="col" class="num">Total</th></tr></thead>
  <tbody>
  {% for row in weeks %}
  <tr><th scope="row">{{ row.label }}</th>{% for cell in row.cells %}<td class="day{% if not cell.inside %} out{% endif %}">{{ cell.marks }}</td>{% endfor %}<td class="num">{{ row.week.completed }}</td><td class="num">{{ row.week.stopped }}</td><td class="num">{{ row.week.total }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% else %}<p>No exercise session in this period.</p>{% endif %}
{% if stopped_sessions %}
<h3>Sessions stopped early</h3>
<table>
  <thead><tr><th scope="col">Date</th><th scope="col">Started</th><th scope="col">Done</th><th scope="col">Why it stopped</th><th scope="col">Note given with the stop</th></tr></thead>
  <tbody>
  {% for row in stopped_sessions %}
  <tr><td class="date">{{ row.day }}</td><td>{{ row.time }}</td><td>{{ row.done }}</td><td>{{ row.reason }}</td><td>{% if row.note %}“{{ row.note }}”{% else %}–{% endif %}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% endif %}
</section>

<section>
<h2>Heat and cold</h2>
<p>Heat packs used {{ heat }} and cold packs {{ cold }} in this period.</p>
</section>
</body>
</html>
"""

_environment = Environment(autoescape=True, undefined=StrictUndefined)
_template = _environment.from_string(TEMPLATE)


def _css_string(text: str) -> str:
    """``text`` as a quoted CSS string (the running header repeats the period)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ") + '"'


def report_html(data: ReportData, chart_uri: str | None = None) -> str:
    """The report as one HTML document (what WeasyPrint lays out); ``chart_uri`` a data: URI."""
    context = report_context(data, chart_uri)
    made = f" · made {context['generated_day']}" if context["generated_day"] else ""
    running = _css_string(f"Pain diary report · {context['period']}{made}")
    css = CSS + (
        f"@page {{ @top-right {{ content: {running}; font-size: 8pt; color: #444; }} }}\n"
        "@page :first { @top-right { content: none; } }\n"
    )
    return _template.render(css=Markup(css), **context)


def offline_fetcher() -> URLFetcher:
    """A WeasyPrint URL fetcher that only reads ``data:`` URIs: no network, no local files."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",), fail_on_errors=False)


def render_pdf(data: ReportData, with_chart: bool = True) -> bytes:
    """The report as PDF bytes (A4). ``with_chart=False`` leaves the chart out (faster tests)."""
    from weasyprint import HTML

    html = report_html(data, _chart_uri(data) if with_chart else None)
    try:
        document = HTML(string=html, url_fetcher=offline_fetcher(), base_url=None)
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    except (OSError, ValueError) as exc:
        raise ReportError(f"the PDF report could not be made ({exc})") from exc
    if not isinstance(pdf, bytes):
        raise ReportError("the PDF report could not be made (no output)")
    return pdf
