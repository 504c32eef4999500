"""The local profile's data revision, read with the standard library alone (no SQLAlchemy).

Why: ``sciatica plan`` shows again what it showed last time when nothing it depends on changed
(``cli/kept_output.py``), and deciding that must not cost the 0.4–1 s that importing SQLAlchemy
and our models does. What changed is told by the revision the database itself keeps for each
patient (``store/revisions.py`` triggers, migration 0010): a random number replaced in the same
transaction as any write of the patient's data. This module reads it, with the schema version,
from the embedded SQLite file, read-only, and never creates or migrates anything: any doubt
(no file, an old schema, a locked or damaged file) answers None and the command runs in full.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

_SCHEMA = "SELECT version_num FROM alembic_version ORDER BY version_num"
_LOCAL = (
    "SELECT patients.id, patient_revisions.revision FROM patients "
    "JOIN patient_revisions ON patient_revisions.patient_id = patients.id "
    "WHERE patients.is_local = 1 ORDER BY patients.id LIMIT 1"
)


class LocalRevision(NamedTuple):
    """What the local profile's data is at: the schema, the profile and its revision."""

    schema: tuple[str, ...]
    patient_id: int
    revision: int


def local_revision(path: str) -> LocalRevision | None:
    """The local profile's revision in the SQLite file at ``path``; None when it cannot be told.

    The two reads are one transaction, so they describe one state of the file.
    """
    if any(mark in path for mark in "?#%"):
        return None  # not spelled safely in a URI; the full command handles such paths
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1.0)
    except sqlite3.Error:
        return None
    try:
        connection.execute("BEGIN")
        schema = tuple(row[0] for row in connection.execute(_SCHEMA))
        found = connection.execute(_LOCAL).fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    if found is None or not schema:
        return None
    return LocalRevision(schema, int(found[0]), int(found[1]))
