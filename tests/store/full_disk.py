"""A database that runs out of room, for the full-disk tests (issue 12 item 7).

SQLite: every connection to the file is capped at the pages it has now (``PRAGMA max_page_count``,
set on each checkout from any pool, so the app's own engine gets it too). A write that needs one
more page then fails with ``SQLITE_FULL``, exactly as when the disk is full. PostgreSQL cannot be
capped that way without a small file system, so the server itself answers ``53100 disk_full`` to
an INSERT into ``screenings``: the second row of a check-in that raises a daily screen, so a write
that stored its first row and not its second must leave nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.pool import Pool

UNCAPPED = 4_294_967_294
"""SQLite's largest max_page_count (it clamps anything above)."""
_PG_TRIGGER = """
CREATE FUNCTION disk_is_full() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';
END $$;
CREATE TRIGGER disk_is_full BEFORE INSERT ON screenings
    FOR EACH ROW EXECUTE FUNCTION disk_is_full();
"""


class FullDisk:
    """``fill()`` leaves the database no room; ``free()`` gives it back."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sqlite_file = engine.url.database if engine.dialect.name == "sqlite" else None
        self.pages: int | None = None

    def _cap(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            files = {row[2] for row in cursor.execute("PRAGMA database_list")}
            if self.sqlite_file in files:
                cursor.execute(f"PRAGMA max_page_count = {self.pages or UNCAPPED}")
        finally:
            cursor.close()

    @contextmanager
    def watching(self) -> Iterator[FullDisk]:
        """Cap every SQLite connection to the file while the block runs (from its next checkout)."""
        if self.sqlite_file is None:
            yield self
            return
        event.listen(Pool, "checkout", self._cap)
        try:
            yield self
        finally:
            event.remove(Pool, "checkout", self._cap)

    def fill(self) -> None:
        if self.sqlite_file is not None:
            with self.engine.connect() as connection:
                self.pages = int(connection.execute(text("PRAGMA page_count")).scalar_one())
            return
        with self.engine.begin() as connection:
            connection.exec_driver_sql(_PG_TRIGGER)

    def free(self) -> None:
        if self.sqlite_file is not None:
            self.pages = None
            return
        with self.engine.begin() as connection:
            connection.exec_driver_sql("DROP TRIGGER disk_is_full ON screenings")
            connection.exec_driver_sql("DROP FUNCTION disk_is_full()")
