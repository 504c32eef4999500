"""Alembic environment: runs against the engine handed over by ``store.database``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from sciatica_care.store import models  # noqa: F401  (registers the tables)
from sciatica_care.store.base import Base

config = context.config
engine: Engine | None = config.attributes.get("engine")
if engine is None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
