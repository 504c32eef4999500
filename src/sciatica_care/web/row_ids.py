"""The id of a stored row as a path parameter: checked against the database's integer range first.

SQLite and PostgreSQL keep ids in signed 64-bit integers; a larger number in a URL once reached
the driver and answered 500 (``OverflowError``). Out of range is a 422 naming the parameter, and
the OpenAPI document says the range (issue 12 item 1).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

MAX_ROW_ID = 2**63 - 1

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
