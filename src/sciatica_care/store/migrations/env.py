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
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration rebuilds a SQLite table (copy, DROP, rename). With foreign keys on,
        # dropping ``patients`` deletes every row that refers to it (ON DELETE CASCADE): off
        # while migrating (it only takes effect outside a transaction), checked, then on again.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()  # ends SQLAlchemy's implicit transaction: Alembic begins its own
    try:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"the migration broke {len(broken)} foreign keys")
    finally:
        if sqlite:
            connection.rollback()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
