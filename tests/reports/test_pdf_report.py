"""The clinician's PDF: a real A4 PDF whose text a clinician can read, made without the network."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sciatica_care.domain.clinician_report import ReportData
from sciatica_care.reports.pdf_report import offline_fetcher, render_pdf, report_html
from tests.reports.report_sample import sample_report

FORBIDDEN = re.compile(r"\b(diagnos\w*|you have|cure\w*|treat\w*|safe for you)\b", re.IGNORECASE)
NOTICE = "Not a diagnosis. If worried, contact a health professional."


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_pdf(sample_report())


def _need(tool: str) -> None:
    """poppler-utils reads the PDF back; `make test` installs it, so CI fails rather than skips."""
    if shutil.which(tool) is None:
        message = f"{tool} (Debian poppler-utils) is not installed"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text in reading order as poppler extracts it, spaces collapsed ("6→3")."""
    _need("pdftotext")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    return " ".join(done.stdout.split()).replace(" → ", "→").replace("→ ", "→")


def test_the_report_is_a_short_a4_pdf(pdf: bytes, tmp_path: Path) -> None:
    assert pdf.startswith(b"%PDF-")
    _need("pdfinfo")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    assert "(A4)" in fields["Page size"]
    assert 1 <= int(fields["Pages"]) <= 4


def test_the_text_names_safety_pain_scores_doses_and_adherence(pdf: bytes, tmp_path: Path) -> None:
    text = _text(pdf, tmp_path)

    assert "Pain diary report for the clinician" in text
    assert "2 Nov 2026 – 15 Nov 2026 (14 days)" in text
    assert text.count(NOTICE) >= 2  # in the body and in every page footer
    assert "Routine review within 1–2 weeks" in text and "Q13" in text
    assert "Q7: Is there now pain, numbness or weakness in both of your legs?" in text
    assert "6→3 3→2" in text  # leg and back pain, first → latest
    assert "Leg pain down 3 points since you started (from 6 to 3): a change that matters." in text
    assert "SBI total" in text and "PSFS mean" in text and "GRC" in text
    assert "12 reps, 3 s at each end, 1 set" in text
    assert "Step up, 12 Nov 2026" in text
    assert "Resting until 16 Nov 2026" in text
    assert "Centralising (retreating toward the spine) for 9 days" in text
    assert "knee / calf→thigh" in text
    assert "Heat packs used 5 times and cold packs 2 times" in text
    assert "Page 1 of" in text


def test_no_developer_artefact_reaches_the_pdf(pdf: bytes, tmp_path: Path) -> None:
    text = _text(pdf, tmp_path)

    assert "patient-7" not in text  # a row id is not a pseudonym: the report names no one
    assert "§" not in text
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
    assert not re.search(r"\b1 (days|times|sessions)\b", text)


def test_counts_of_one_and_stored_iso_dates_read_as_words(tmp_path: Path) -> None:
    sample = sample_report()
    [left, right] = sample.zone_signals
    paused = sample.doses[1].model_copy(
        update={
            "reason": "Rest knee to chest for 2 days; from 2026-11-16 restart one level easier."
        }
    )
    data = sample.model_copy(
        update={
            "period_end": sample.period_start,
            "heat_uses": 1,
            "cold_uses": 0,
            "zone_signals": [left.model_copy(update={"days": 1}), right],
            "doses": [sample.doses[0], paused],
        }
    )

    text = _text(render_pdf(data, with_chart=False), tmp_path)

    assert "2 Nov 2026 – 2 Nov 2026 (1 day)" in text
    assert "Centralising (retreating toward the spine) for 1 day " in text
    assert "Heat packs used 1 time and cold packs 0 times" in text
    assert "from Monday 16 November 2026 restart" in text


def test_weekly_adherence_counts_completed_and_stopped_sessions(pdf: bytes, tmp_path: Path) -> None:
    text = _text(pdf, tmp_path)
    # Monday 2 Nov: 6 sessions, Friday's stopped early; Monday 9 Nov: 6 completed. One mark a day.
    assert "2 Nov 2026 ✓ ✓ ✓ ✓ ✗ ✓ 5 1 6 " in text, text
    assert "9 Nov 2026 ✓ ✓ ✓ ✓ ✓ ✓ 6 0 6 " in text, text


def test_the_html_embeds_the_chart_and_escapes_what_the_patient_typed() -> None:
    html = report_html(sample_report(), chart_uri="data:image/png;base64,AAAA")

    assert '<img class="chart" src="data:image/png;base64,AAAA"' in html
    assert "<20>" not in html  # the PSFS activity name is text, never markup
    assert "DejaVu Sans" in html and "size: A4" in html
    assert "http://" not in html and "https://" not in html


def test_the_wording_follows_the_safety_rules() -> None:
    html = report_html(sample_report()).replace(NOTICE, "")
    assert not FORBIDDEN.search(re.sub(r"<[^>]+>", " ", html))


def test_an_empty_diary_still_makes_a_report(tmp_path: Path) -> None:
    data = ReportData.model_validate(
        {
            "patient_ref": "patient-9",
            "period_start": "2026-11-02",
            "period_end": "2026-11-02",
            "notice": NOTICE,
        }
    )
    pdf = render_pdf(data, with_chart=False)
    text = _text(pdf, tmp_path)
    assert "No full red-flag screen recorded." in text
    assert "No exercise session in this period." in text


def test_the_fetcher_refuses_the_network_and_local_files() -> None:
    fetcher = offline_fetcher()
    for url in ("http://127.0.0.1:9/x.png", "https://example.org/a.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)
