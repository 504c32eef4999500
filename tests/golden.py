"""Golden files: expected outputs kept in tests/data/golden/, rewritten with ``UPDATE_GOLDEN=1``."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "data" / "golden"


def assert_golden(name: str, text: str, *, strip_lines: bool = True) -> None:
    """Compare ``text`` with the golden file ``name``; review the diff after regenerating.

    ``strip_lines`` drops the trailing spaces Rich pads terminal lines with.
    """
    if strip_lines:
        text = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    path = GOLDEN_DIR / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
