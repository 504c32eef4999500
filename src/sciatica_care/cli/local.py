"""The CLI acts for one local person: open their database and find their profile."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from sciatica_care.cli.output import fail
from sciatica_care.store import StoreError, patients
from sciatica_care.store.database import open_database


@contextmanager
def local_unit_of_work() -> Iterator[tuple[Session, int]]:
    """A transaction on the configured database and the local patient's id; store errors exit 2."""
    try:
        database = open_database()
    except StoreError as exc:
        fail(str(exc))
    try:
        with database.session() as session:
            yield session, patients.local_patient_id(session)
    except StoreError as exc:
        fail(str(exc))
    finally:
        database.dispose()
