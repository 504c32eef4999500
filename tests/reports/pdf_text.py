"""Reading the clinician's PDF back as its readers do: poppler's text, and the tagged structure a
screen reader follows (table rows from the structure tree, not from where words land on a page)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def need(tool: str) -> None:
    """poppler-utils reads the PDF back; `make test` installs it, so CI fails rather than skips."""
    if shutil.which(tool) is None:
        message = f"{tool} (Debian poppler-utils) is not installed"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def run(*command: str) -> str:
    need(command[0])
    return subprocess.run(command, capture_output=True, check=True, text=True).stdout


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    """The text in poppler's reading order, runs of spaces and line breaks as one space."""
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return " ".join(run("pdftotext", *pages, str(path), "-").split())


def table_rows(path: Path) -> list[list[str]]:
    """Every table row of the structure tree, each a list of its cells' text (``pdfinfo
    -struct-text``): what a screen reader announces row by row, whatever the layout."""
    rows: list[list[str]] = []
    row_indent: int | None = None
    for line in run("pdfinfo", "-struct-text", str(path)).splitlines():
        indent = len(line) - len(line.lstrip())
        word = line.strip()
        if row_indent is not None and indent <= row_indent:
            row_indent = None
        if word == "TR":
            rows.append([])
            row_indent = indent
        elif row_indent is not None and (word.startswith("TH") or word.startswith("TD")):
            rows[-1].append("")
        elif row_indent is not None and word.startswith('"') and rows[-1]:
            rows[-1][-1] = f"{rows[-1][-1]} {word[1:-1]}".strip()
    return rows
