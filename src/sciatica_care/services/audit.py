"""The audit log of clinician access (issue 10 item 6): written in one place, read by the patient.

``PatientContext.unit`` calls ``note_access`` for every unit of work a clinician opens on a
patient's data, so no clinician use case can forget it. Every line takes its time from the caller
(the request's clock, ``services.clock``), never from the wall clock here, so a test with a fixed
clock reads the log it expects. Repeated views of the same thing by the
same clinician within ``FOLD_WINDOW`` are folded into one line, so a dashboard refreshed every
minute does not bury the changes in the patient's log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from sciatica_care.services.permissions import Actor, Permission, Role
from sciatica_care.store import audit, clinicians

FOLD_WINDOW = timedelta(minutes=10)
READ = "read"
CHANGE = "change"
LINK = "link"
UNLINK = "unlink"


@dataclass(frozen=True)
class AuditEntry:
    """One line of the patient's log."""

    at: datetime
    clinician: str
    action: str
    what: str

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "clinician": self.clinician,
            "action": self.action,
            "what": self.what,
        }


def record(
    session: Session, clinician_id: int, patient_id: int, action: str, what: str, at: datetime
) -> None:
    """Write one event at ``at`` (link and unlink, prescription changes: never folded)."""
    name = clinicians.get(session, clinician_id).display_name
    audit.record(session, patient_id, clinician_id, name, action, what, at)


def note_access(
    session: Session,
    actor: Actor,
    permission: Permission,
    patient_id: int,
    what: str | None,
    now: datetime,
) -> None:
    """Record a clinician's read or change of the patient's data at ``now`` (patients' own:
    nothing)."""
    if actor.role is not Role.CLINICIAN:
        return
    action = CHANGE if permission is Permission.PRESCRIBE else READ
    label = what or ("changed the program" if action == CHANGE else "viewed your data")
    if action == READ and audit.recorded_since(
        session, patient_id, actor.id, label, now - FOLD_WINDOW
    ):
        return
    name = clinicians.get(session, actor.id).display_name
    audit.record(session, patient_id, actor.id, name, action, label, now)


def note_reads(
    session: Session, actor: Actor, patient_ids: list[int], what: str, now: datetime
) -> None:
    """``note_access`` of one read of many patients' data (a page of the caseload): the folding
    check and the clinician's name read once for all of them, not once a patient."""
    if actor.role is not Role.CLINICIAN or not patient_ids:
        return
    folded = audit.recorded_since_for(session, patient_ids, actor.id, what, now - FOLD_WINDOW)
    name = clinicians.get(session, actor.id).display_name
    for patient_id in patient_ids:
        if patient_id not in folded:
            audit.record(session, patient_id, actor.id, name, READ, what, now)


def entries(session: Session, patient_id: int, limit: int | None = None) -> list[AuditEntry]:
    return [
        AuditEntry(row.at, row.clinician_name, row.action, row.what)
        for row in audit.events_of(session, patient_id, limit)
    ]
