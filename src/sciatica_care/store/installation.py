"""This install's identity: the random ``install_id`` that namespaces everything it exports.

Migration 0005 makes the one row with a fresh UUID, so two databases never share it and it never
changes afterwards (a FHIR server that loaded an export recognises the same records next time).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sciatica_care.store.models import Installation

ROW = 1
"""The install is one row; its primary key is fixed."""


def install_id(session: Session) -> str:
    """This install's id; made here only for a database built without migrations."""
    row = session.get(Installation, ROW)
    if row is None:
        row = Installation(id=ROW)
        session.add(row)
        session.flush()
    return row.install_id
