"""Taking one's data away and bringing it back: the export document and the import, written once.

``sciatica export`` / ``sciatica import`` and ``POST /api/import`` call these; they never reach
``store.portability`` themselves. An import replaces everything the patient has stored, so:

* the whole document is checked against the domain first (``domain.portable_data``): a bad value
  is ``InvalidInput`` naming its path (``checkins.0.leg_pain``) and nothing changes;
* the copy of what was there (``keep_previous``: the CLI writes it to its backups folder) and the
  replacement happen in one transaction: if keeping the copy fails, nothing is replaced;
* the caseload summary a linked clinician reads (``services.caseload_summary``) is flagged stale
  before and rebuilt after, as for any entry (design.md "Transactions"): the clinician's dashboard
  shows the imported days on their next read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sciatica_care.domain.portable_data import PortableDataError, check_document
from sciatica_care.services import caseload_summary
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import InvalidInput
from sciatica_care.services.permissions import Permission
from sciatica_care.store import portability
from sciatica_care.store.errors import StoreError

DOCUMENT_FIELD = "document"
"""The field an import problem names when it is about the file as a whole."""


@dataclass(frozen=True)
class Imported:
    """What an import stored: rows per table, and what ``keep_previous`` answered (the CLI: the
    path of its backup)."""

    counts: dict[str, int]
    kept: Any = None

    def to_json(self) -> dict[str, Any]:
        return {"imported": dict(self.counts)}


def table_columns() -> dict[str, list[str]]:
    """Each exported table's columns (what a spreadsheet export lists even when empty)."""
    return portability.table_columns()


def checked(document: Any) -> dict[str, Any]:
    """The cleaned document, or ``InvalidInput`` naming the first bad value (nothing stored)."""
    try:
        return check_document(document)
    except PortableDataError as exc:
        raise InvalidInput(exc.path or DOCUMENT_FIELD, exc.problem) from exc


def stored_counts(ctx: PatientContext) -> dict[str, int]:
    """How many rows of each table the patient has: what an import would replace."""
    with ctx.unit(Permission.OWN) as session:
        return portability.stored_counts(session, ctx.patient_id)


def export_document(ctx: PatientContext) -> dict[str, Any]:
    """Everything the patient stored, as ``sciatica import`` and ``POST /api/import`` read it."""
    with ctx.unit(Permission.OWN) as session:
        return portability.export_patient(session, ctx.patient_id)


def import_document(
    ctx: PatientContext,
    document: Any,
    keep_previous: Callable[[dict[str, Any]], Any] | None = None,
) -> Imported:
    """Replace the patient's data with ``document`` in one transaction (see the module doc).

    ``keep_previous`` is given the export of what is stored now, inside the transaction and
    before anything is replaced; if it raises, nothing changes. ``InvalidInput`` for a document
    the program cannot use (its path as the field).
    """
    checked(document)
    caseload_summary.before_entry(ctx)
    with ctx.unit(Permission.OWN) as session:
        kept = None
        if keep_previous is not None:
            kept = keep_previous(portability.export_patient(session, ctx.patient_id))
        try:
            counts = portability.import_patient(session, ctx.patient_id, document)
        except StoreError as exc:
            raise InvalidInput(DOCUMENT_FIELD, str(exc)) from exc
    caseload_summary.after_import(ctx.db, ctx.patient_id, ctx.clock.now_fn)
    return Imported(counts, kept)
