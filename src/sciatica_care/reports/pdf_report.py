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
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from sciatica_care.domain.clinician_report import ReportData, ScoreReading
from sciatica_care.domain.diary import ZoneSignal, ZoneTrend
from sciatica_care.domain.wording import plural, spell_iso_dates
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


class ReportError(ValueError):
    """The PDF could not be made (the message says why, for the CLI and the web to show)."""


def _date(day: date | None) -> str:
    """``1 Nov 2026``: unambiguous in every country a clinician may read it."""
    return f"{day.day} {day:%b %Y}" if day else "–"


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


def _doses(data: ReportData) -> list[dict[str, str]]:
    rows = []
    for line in data.doses:
        if not line.active:
            status = "Removed from the program"
        elif line.paused_until and line.paused_until > data.period_end:
            status = f"Resting until {_date(line.paused_until)}"
        else:
            status = "Active"
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
        "adherence": [(_week_label(w.week_start, data), w) for w in data.adherence],
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
.chart { width: 100%; margin: 1mm 0 2mm; }
ul { margin: 0 0 2mm; padding-left: 5mm; }
li { margin-bottom: 1mm; }
section { break-inside: avoid-page; }
.scores { display: flex; gap: 4mm; }
.scores > div { flex: 1; }
.scores table { font-size: 9pt; }
"""

TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sciatica Care – pain diary report – {{ period }}</title>
<style>{{ css }}</style>
</head>
<body>
<div class="brand">Sciatica Care</div>
<h1>Pain diary report for the clinician</h1>
<table class="meta">
  <tr><th>Period</th><td>{{ period }} ({{ days }})</td></tr>
  <tr><th>Source</th><td>The patient's own entries in the Sciatica Care app, handed over by them
    (no name, e-mail or other identifier in this report)</td></tr>
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
  <tr><th>Item</th><th>Question answered yes or unsure</th><th>Raised</th></tr>
  {% for flag in screening.red_flags %}
  <tr><td>{{ flag.item }}</td><td>{{ flag.question }}</td><td><span class="action {{ flag.action }}">{{ short.get(flag.action, flag.action) }}</span></td></tr>
  {% endfor %}
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
  <tr><th>Date</th><th>Item and question</th><th>Raised</th></tr>
  {% for day, warning in warnings %}{% for flag in warning.red_flags %}
  <tr><td class="date">{{ day }}</td><td>{{ flag.item }}: {{ flag.question }}</td><td><span class="action {{ flag.action }}">{{ short.get(flag.action, flag.action) }}</span></td></tr>
  {% endfor %}{% endfor %}
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
{% if chart %}<img class="chart" src="{{ chart }}" alt="Leg and back pain, how far down the leg pain reaches, sessions and dose changes over the period">{% endif %}
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
  <tr><th>Date</th><th class="num">Score</th></tr>
  {% for day, value in block.rows %}<tr><td>{{ day }}</td><td class="num">{{ value }}</td></tr>{% endfor %}
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
  <tr><th>Leg and symptom</th><th>Trend</th><th>Furthest zone (before → now)</th><th></th></tr>
  {% for row in signals %}
  <tr><td>{{ row.where }}</td><td>{{ row.trend }}</td><td>{{ row.reach }}</td><td>{{ row.flag }}</td></tr>
  {% endfor %}
</table>
<p class="muted">A trend from the patient's body map, not a clinical finding: reliability of
centralisation reports is poor.</p>
{% else %}<p>Not enough check-ins with a body map to show a trend.</p>{% endif %}
</section>

<section>
<h2>Current exercise program</h2>
<p class="muted">Doses change by the app's pain-monitoring rule
({{ "applied automatically" if automatic else "offered as suggestions the patient accepts" }}).</p>
<table>
  <tr><th>Exercise</th><th>Level</th><th>Dose</th><th>Status</th><th>Last change and reason</th></tr>
  {% for row in doses %}
  <tr><td>{{ row.name }}</td><td>{{ row.level }}</td><td>{{ row.dose }}</td><td>{{ row.status }}</td>
      <td>{{ row.change }}{% if row.reason %}<br><span class="muted">{{ row.reason }}</span>{% endif %}</td></tr>
  {% endfor %}
</table>
</section>

<section>
<h2>Adherence: sessions per week</h2>
{% if adherence %}
<table>
  <tr><th>Week starting (Monday)</th><th class="num">Completed</th><th class="num">Stopped early</th><th class="num">Total</th></tr>
  {% for day, week in adherence %}
  <tr><td>{{ day }}</td><td class="num">{{ week.completed }}</td><td class="num">{{ week.stopped }}</td><td class="num">{{ week.total }}</td></tr>
  {% endfor %}
</table>
{% else %}<p>No exercise session in this period.</p>{% endif %}
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
    running = _css_string(f"Pain diary report · {context['period']}")
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
        pdf = document.write_pdf()
    except (OSError, ValueError) as exc:
        raise ReportError(f"the PDF report could not be made ({exc})") from exc
    if not isinstance(pdf, bytes):
        raise ReportError("the PDF report could not be made (no output)")
    return pdf
