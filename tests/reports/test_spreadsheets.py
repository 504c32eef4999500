"""The CSV export opens cleanly in a spreadsheet: BOM, headers, nested columns, no formulas."""

from __future__ import annotations

import csv
import io
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sciatica_care.reports.spreadsheets import BYTE_ORDER_MARK, csv_tables, safe_cell
from sciatica_care.store.portability import TABLES, table_columns

EMPTY: dict[str, Any] = {name: [] for name in TABLES}


def _rows(text: str) -> list[dict[str, str]]:
    assert text.startswith(BYTE_ORDER_MARK)
    return list(csv.DictReader(io.StringIO(text.removeprefix(BYTE_ORDER_MARK))))


def _header(text: str) -> list[str]:
    return next(csv.reader(io.StringIO(text.removeprefix(BYTE_ORDER_MARK))))


def test_every_table_has_a_header_row_even_with_no_rows() -> None:
    files = csv_tables(EMPTY, table_columns())

    assert set(files) == {f"{name}.csv" for name in TABLES} | {"exercise_results.csv"}
    for text in files.values():
        assert text.startswith(BYTE_ORDER_MARK)
        assert _header(text), "a header row"
    assert "entry" in _header(files["checkins.csv"])
    assert "exercise_id" in _header(files["exercise_results.csv"])


def test_bytes_start_with_the_utf8_byte_order_mark() -> None:
    text = csv_tables(EMPTY, table_columns())["checkins.csv"]
    assert text.encode("utf-8")[:3] == b"\xef\xbb\xbf"


def test_nested_zones_and_notes_get_their_own_columns() -> None:
    document = {
        **EMPTY,
        "checkins": [
            {
                "day": "2026-11-20",
                "moment": "morning",
                "entry": {
                    "leg_pain": 6,
                    "notes": "Worse after the drive – 2 h",
                    "body_map": {"left": {"pain": "calf"}, "right": {}},
                },
            }
        ],
    }
    text = csv_tables(document, table_columns())["checkins.csv"]
    [row] = _rows(text)

    assert row["entry.leg_pain"] == "6"
    assert row["entry.notes"] == "Worse after the drive – 2 h"
    assert row["entry.body_map.left.pain"] == "calf"
    assert row["entry.body_map.right"] == ""
    header = _header(text)
    assert header.index("day") < header.index("entry.body_map.left.pain")


def test_session_results_are_a_table_with_their_session_time_and_flat_dose() -> None:
    document = {
        **EMPTY,
        "exercise_sessions": [
            {
                "started_at": "2026-11-20T08:00:00+00:00",
                "status": "completed",
                "items": [
                    {
                        "exercise_id": "bird-dog",
                        "dose": {"sets": 1},
                        "sides_done": ["left", "right"],
                    }
                ],
            }
        ],
    }
    [row] = _rows(csv_tables(document, table_columns())["exercise_results.csv"])

    assert row["session_started_at"] == "2026-11-20T08:00:00+00:00"
    assert row["dose.sets"] == "1"
    assert row["sides_done"] == "left; right"


def test_text_that_looks_like_a_formula_is_kept_as_text() -> None:
    document = {
        **EMPTY,
        "checkins": [{"day": "2026-11-20", "entry": {"notes": '=HYPERLINK("x")', "leg_pain": -1}}],
    }
    [row] = _rows(csv_tables(document, table_columns())["checkins.csv"])

    assert row["entry.notes"] == '\'=HYPERLINK("x")'
    assert row["entry.leg_pain"] == "-1"  # a number stays a number


@given(st.text())
def test_no_text_cell_can_start_a_formula(text: str) -> None:
    cell = safe_cell(text)
    assert not str(cell).startswith(("=", "+", "-", "@", "\t", "\r"))
    assert str(cell).removeprefix("'") == text or str(cell) == text
