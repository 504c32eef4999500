"""Column types that behave the same on SQLite and PostgreSQL.

Nothing here imports SQLAlchemy's PostgreSQL dialect (a tenth of SQLAlchemy's import time): an
embedded SQLite install never loads it, and a PostgreSQL engine loads it when it connects.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always returns them aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store keeps only timezone-aware times")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class _PostgresJSONB(TypeDecorator[Any]):
    """PostgreSQL's JSONB, found when a PostgreSQL dialect first asks for it; every other use
    (DDL, binds, results, the ``::JSONB`` casts) is JSONB's own."""

    impl = JSON
    cache_ok = True
    render_bind_cast = True
    """Binds read ``%(x)s::JSONB``, as JSONB's own do (the cast names this type's JSONB)."""

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        from sqlalchemy.dialects.postgresql import JSONB

        return dialect.type_descriptor(JSONB())


JSONDoc: Any = JSON().with_variant(_PostgresJSONB(), "postgresql")
"""JSON documents: JSON on SQLite, JSONB on PostgreSQL (the migrations' ``JSON().with_variant(
JSONB(), "postgresql")``). Everywhere but the PostgreSQL dialect it is plain ``JSON()``."""
