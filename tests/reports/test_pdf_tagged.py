"""The clinician's PDF is tagged for screen readers (PDF/UA-1), says when and by which version
it was made, and describes its chart in words; rendering it never reaches for the network."""

from __future__ import annotations

import logging
import re
import socket
import zlib
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sciatica_care import __version__
from sciatica_care.domain.clinician_report import ReportData
from sciatica_care.reports.pdf_report import chart_summary, render_pdf
from tests.reports.pdf_text import pdf_text, run
from tests.reports.report_sample import sample_report

MADE = datetime(2026, 11, 16, 1, 0, tzinfo=UTC).astimezone(ZoneInfo("America/Los_Angeles"))
"""Sunday 15 November, 17:00 in Los Angeles: already Monday in UTC, so the zone shows."""


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _refuse_network(*args: object, **kwargs: object) -> None:
    raise AssertionError("the PDF report tried to use the network")


@pytest.fixture(scope="module")
def data() -> ReportData:
    return sample_report().model_copy(update={"generated_at": MADE, "app_version": __version__})


@pytest.fixture(scope="module")
def rendered(
    data: ReportData, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[logging.LogRecord]]:
    """The PDF with its chart, made once with every socket refused, and what WeasyPrint logged."""
    handler = _Records()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(socket.socket, "connect", _refuse_network)
            patch.setattr(socket, "getaddrinfo", _refuse_network)
            patch.setattr(socket, "create_connection", _refuse_network)
            pdf = render_pdf(data)
    finally:
        logger.removeHandler(handler)
    path = tmp_path_factory.mktemp("tagged") / "report.pdf"
    path.write_bytes(pdf)
    return path, handler.records


@pytest.fixture(scope="module")
def pdf_path(rendered: tuple[Path, list[logging.LogRecord]]) -> Path:
    return rendered[0]


def _info(path: Path) -> dict[str, str]:
    lines = run("pdfinfo", str(path)).splitlines()
    return {key.strip(): value.strip() for key, value in (line.split(":", 1) for line in lines)}


def _objects(path: Path) -> bytes:
    """The PDF's objects with every compressed stream inflated (the structure tree lives in
    compressed object streams; this is enough to read dictionary entries such as /Alt)."""
    raw = path.read_bytes()
    parts = [raw]
    for match in re.finditer(rb"stream\r?\n", raw):
        end = raw.find(b"endstream", match.end())
        try:
            parts.append(zlib.decompressobj().decompress(raw[match.end() : end]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _pdf_string(token: bytes) -> str:
    """A PDF string object as text: ``<FEFF…>`` UTF-16 hex or a ``(literal)``."""
    if token.startswith(b"<"):
        return bytes.fromhex(token[1:-1].decode()).decode("utf-16")
    return token[1:-1].decode("latin-1")


def test_the_pdf_is_tagged_with_a_title_and_a_language(pdf_path: Path) -> None:
    info = _info(pdf_path)

    assert info["Tagged"] == "yes"
    assert info["Title"] == "Sciatica Care – pain diary report – 2 Nov 2026 – 15 Nov 2026"
    assert info["Creator"] == f"Sciatica Care {__version__}"
    objects = _objects(pdf_path)
    assert b"/Lang (en)" in objects
    assert b'pdfuaid:part="1"' in objects  # declared PDF/UA-1
    assert b"/DisplayDocTitle true" in objects


def test_weasyprint_found_nothing_missing_and_used_no_network(
    rendered: tuple[Path, list[logging.LogRecord]],
) -> None:
    path, records = rendered
    assert path.read_bytes().startswith(b"%PDF-1.7")
    assert [r.getMessage() for r in records if r.levelno >= logging.ERROR] == []


def test_headings_run_in_order_from_one_title(pdf_path: Path) -> None:
    structure = run("pdfinfo", "-struct-text", str(pdf_path))
    levels = [int(level) for level in re.findall(r"^\s*H([1-6]) ", structure, re.MULTILINE)]

    assert levels[0] == 1 and levels.count(1) == 1
    assert all(after - before <= 1 for before, after in pairwise(levels))
    assert levels.count(2) >= 8


def test_every_table_has_header_cells_that_its_data_cells_point_to(pdf_path: Path) -> None:
    structure = run("pdfinfo", "-struct", str(pdf_path))
    tables = re.split(r"^\s*Table\b", structure, flags=re.MULTILINE)[1:]

    assert len(tables) >= 8
    for table in tables:
        assert re.search(r"^\s*TH\b", table, re.MULTILINE), table[:400]
    cells = re.findall(r"^\s*TD:?\s*\n\s*/Headers \[([^\]]*)\]", structure, re.MULTILINE)
    assert len(cells) == len(re.findall(r"^\s*TD\b", structure, re.MULTILINE))
    assert all(headers.strip() for headers in cells)


def test_the_chart_has_a_text_alternative_in_numbers(pdf_path: Path, data: ReportData) -> None:
    summary = chart_summary(data)
    [alt] = [
        _pdf_string(t) for t in re.findall(rb"/Alt (<[0-9a-fA-F]+>|\([^)]*\))", _objects(pdf_path))
    ]

    assert alt == summary
    assert "Leg pain (0–10) fell by 3 points: 6 on 2 Nov 2026, 3 on 15 Nov 2026" in summary
    assert "lowest 3, highest 6, over 14 mornings" in summary
    assert "knee / calf at the start, thigh at the end" in summary
    assert "12 exercise sessions on 12 days, 1 stopped early" in summary
    assert summary in pdf_text(pdf_path)  # the same sentence, printed for every reader


def test_the_first_page_names_when_and_by_which_version_it_was_made(pdf_path: Path) -> None:
    first_page = pdf_text(pdf_path, first=1, last=1)
    text = pdf_text(pdf_path)

    assert (
        "Made Sunday 15 November 2026 at 17:00 (America/Los_Angeles time), by Sciatica Care "
        f"{__version__}"
    ) in first_page
    pages = int(_info(pdf_path)["Pages"])
    assert text.count("made 15 Nov 2026") == pages - 1  # the running header of later pages
    assert "As on 15 Nov 2026, when this report was made." in text


def test_no_spec_section_or_developer_name_is_printed(pdf_path: Path) -> None:
    text = pdf_text(pdf_path)

    assert "§" not in text and "clinical-spec" not in text.lower()
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text)  # no stop_reason-style codes
