"""A patient's export as CSV files that open cleanly in a spreadsheet.

Why each rule:
- UTF-8 with a byte-order mark: without it Excel reads UTF-8 as the local code page, so an
  accented name or "–" in a note turns into mojibake.
- A header row even for a table with no rows: a person (or a script) sees which columns exist.
- Nested values get their own columns ("entry.body_map.left.pain", "entry.notes"): a JSON blob in
  one cell cannot be sorted, filtered or charted.
- A text cell that starts with = + - @ (or a tab or carriage return) is written with a leading
  apostrophe, so a spreadsheet shows it as text instead of running it as a formula (CSV injection).
  Numbers are written as numbers, so -3 stays a number.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

BYTE_ORDER_MARK = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SKIP = {"id", "patient_id", "session_id", "items"}


def _flatten(row: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted columns; lists of plain values joined with "; "."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if key in _SKIP:
            continue
        column = f"{prefix}{key}"
        if isinstance(value, Mapping):
            if value:
                flat.update(_flatten(value, column + "."))
            else:
                flat[column] = ""
        elif isinstance(value, list):
            plain = all(not isinstance(v, Mapping | list) for v in value)
            flat[column] = "; ".join(str(v) for v in value) if plain else json.dumps(value)
        else:
            flat[column] = value
    return flat


def safe_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as typed: text that looks like a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _ordered_columns(base: list[str], rows: list[dict[str, Any]]) -> list[str]:
    """The table's own columns in model order, each followed by the columns nested inside it."""
    seen = {key for row in rows for key in row}
    columns: list[str] = []
    for column in base:
        nested = sorted(key for key in seen if key.startswith(column + "."))
        if column in seen or not nested:
            columns.append(column)
        columns.extend(nested)
    columns.extend(sorted(seen - set(columns)))
    return columns


def csv_tables(document: Mapping[str, Any], columns: Mapping[str, list[str]]) -> dict[str, str]:
    """One CSV text per table of ``columns`` (each table's own columns, as the store names them;
    a session's results in ``exercise_results``), BOM first."""
    tables: dict[str, list[Mapping[str, Any]]] = {
        name: document.get(name, []) for name in columns if name != "exercise_results"
    }
    tables["exercise_results"] = [
        {"session_started_at": s.get("started_at"), **item}
        for s in document.get("exercise_sessions", [])
        for item in s.get("items", [])
    ]
    files: dict[str, str] = {}
    for name, rows in tables.items():
        flat = [_flatten(row) for row in rows]
        names = _ordered_columns([c for c in columns.get(name, []) if c not in _SKIP], flat)
        buffer = io.StringIO()
        buffer.write(BYTE_ORDER_MARK)
        writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\r\n")
        writer.writeheader()
        for row in flat:
            writer.writerow({column: safe_cell(row.get(column)) for column in names})
        files[f"{name}.csv"] = buffer.getvalue()
    return files
