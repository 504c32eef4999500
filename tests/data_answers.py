"""Screening answers shared by tests of several layers (clinical-spec.md §8.1 format)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ANSWERS_DIR = Path(__file__).parent / "data" / "screening_answers"
SELF_CARE_ANSWERS: dict[str, Any] = json.loads((ANSWERS_DIR / "self_care.json").read_text())
"""No red flag; leg pain 6 over back pain 3, below the knee: a sciatica pattern, self-care."""
