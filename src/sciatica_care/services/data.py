"""A patient's own data and reminders, written once for the pages and the JSON API.

Export: everything stored for the patient (``store.portability``) as one JSON document, or as one
CSV per table in a zip for spreadsheets, with the log of clinician access and the clinicians linked
now for the person's record (issue 10 item 6; an import ignores both). For the clinician: the diary as a FHIR R4 bundle
(``reports.fhir_bundle``) and as a PDF report (``reports.pdf_report``), both from
``services.report_data`` in the patient's own time zone. Reminders: daily times kept in the patient's settings,
served as iCalendar (``reports.reminders``) by download or through a private feed URL. The feed
URL carries ``<patient id>.<random secret>``; only the secret's SHA-256 is stored, so a copy of
the database cannot be used to read anyone's feed, and making a new link cancels the old one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import re
import secrets
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sciatica_care.domain.clinician_report import ReportData
from sciatica_care.domain.portable_data import RECORD_ONLY_COLUMNS
from sciatica_care.reports.spreadsheets import csv_tables
from sciatica_care.services.clock import ZONE_SETTING, patient_clock, patient_zone, zone_named
from sciatica_care.services.report_data import report_data
from sciatica_care.store import audit, care_links, patients
from sciatica_care.store.database import Database
from sciatica_care.store.errors import StoreError
from sciatica_care.store.portability import export_patient, table_columns

if TYPE_CHECKING:
    from sciatica_care.reports.fhir_bundle import BundleType

# FHIR (fhir.resources), the PDF (WeasyPrint, Altair) and iCalendar are imported by the functions
# that write them: every command and page that uses this module would pay for them otherwise.

REMINDERS = "reminders"
FEED_HASH = "reminder_feed_hash"
CALENDAR_SALT = "calendar_uid_salt"
"""A random value per person that salts the reminders' UIDs: stable across downloads (a calendar
updates its events instead of adding copies), and revealing nothing (never a row number)."""
_PUBLIC_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

SLOTS: dict[str, tuple[str, str, str]] = {
    "checkin": (
        "Sciatica Care: morning check-in",
        "How is your pain this morning? Record it and answer the daily safety questions.",
        "/check-in",
    ),
    "exercise": (
        "Sciatica Care: today's exercises",
        "Time for today's short exercise session. Stop if pain spreads down your leg.",
        "/today",
    ),
}
"""Reminder slots: what each one says and where its link goes."""


# --- export ------------------------------------------------------------------------------


def export_document(db: Database, patient_id: int) -> dict[str, Any]:
    """Everything stored for the patient; the feed secret's hash is left out (not theirs to keep).

    With it, for their record only (``RECORD_ONLY``: an import ignores them): the audit log of
    clinician access, newest first, and the clinicians linked now, with the day they were linked.
    """
    with db.session() as session:
        document = export_patient(session, patient_id)
        document["audit_log"] = [
            {
                "at": _plain_time(row.at),
                "clinician": row.clinician_name,
                "action": row.action,
                "what": row.what,
            }
            for row in audit.events_of(session, patient_id)
        ]
        document["linked_clinicians"] = [
            {"name": clinician.display_name, "linked_since": _plain_time(link.linked_at)}
            for link, clinician in care_links.clinicians_of(session, patient_id)
        ]
    settings = dict(document.get("profile", {}).get("settings") or {})
    settings.pop(FEED_HASH, None)
    document["profile"]["settings"] = settings
    document["exported_at"] = dt.datetime.now(dt.UTC).isoformat()
    return document


def _plain_time(moment: dt.datetime) -> str:
    return moment.isoformat()


def export_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode()


def export_zip(document: dict[str, Any]) -> bytes:
    """One CSV per table in a zip, plus the JSON for a complete copy."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in csv_tables(document, {**table_columns(), **RECORD_ONLY_COLUMNS}).items():
            archive.writestr(name, text)
        archive.writestr("export.json", export_json(document))
    return buffer.getvalue()


def export_filename(day: dt.date, extension: str) -> str:
    return f"sciatica-care-{day.isoformat()}.{extension}"


REPORT_DAYS = 90
"""The clinician report covers the last 90 days (the §3 schedule runs to week 12)."""


def clinician_data(db: Database, patient_id: int, days: int | None) -> ReportData:
    """The report's values for the patient's today in their zone (``days`` None: everything)."""
    with db.session() as session:
        settings = patients.get_settings(session, patient_id)
        return report_data(
            session,
            patient_id,
            patient_clock(settings).today(),
            days=days,
            tz=patient_clock(settings).zone,
        )


def export_fhir(db: Database, patient_id: int, bundle_type: BundleType = "collection") -> bytes:
    """The whole diary as a FHIR R4 bundle (no name or e-mail in it): a "collection" file for a
    clinician, or a "transaction" to load into a FHIR server."""
    from sciatica_care.reports.fhir_bundle import bundle_json

    data = clinician_data(db, patient_id, days=None)
    return bundle_json(data, generated_at=dt.datetime.now(dt.UTC), bundle_type=bundle_type).encode()


def fhir_code_system() -> bytes:
    """The CodeSystem that documents the app's own codes in its FHIR exports (no personal data)."""
    from sciatica_care.reports.fhir_bundle import code_system_json

    return code_system_json().encode()


def clinician_report(db: Database, patient_id: int, days: int = REPORT_DAYS) -> bytes:
    """The PDF report of the last ``days`` days."""
    from sciatica_care.reports.pdf_report import render_pdf

    return render_pdf(clinician_data(db, patient_id, days))


# --- reminders ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderSettings:
    """``times``: slot -> "HH:MM" (a missing slot is off); ``timezone``: an IANA name."""

    times: dict[str, str]
    timezone: str
    feed_active: bool

    def as_json(self) -> dict[str, Any]:
        return {"times": self.times, "timezone": self.timezone, "feed_active": self.feed_active}


class ReminderProblem(ValueError):
    """Bad reminder settings; ``field`` names the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _read(settings: Mapping[str, Any]) -> ReminderSettings:
    stored = settings.get(REMINDERS) or {}
    times = {k: v for k, v in dict(stored.get("times") or {}).items() if k in SLOTS and v}
    return ReminderSettings(
        times=times,
        timezone=patient_clock(settings).zone_name,
        feed_active=bool(settings.get(FEED_HASH)),
    )


def reminder_settings(db: Database, patient_id: int) -> ReminderSettings:
    with db.session() as session:
        return _read(patients.get_settings(session, patient_id))


def save_reminders(
    db: Database, patient_id: int, times: Mapping[str, str | None], timezone: str
) -> ReminderSettings:
    """Validate and store reminder times ("HH:MM" or empty for off) and the time zone."""
    zone = zone_named(timezone)
    if zone is None:
        raise ReminderProblem("timezone", "Choose your time zone from the list.")
    clean: dict[str, str] = {}
    for slot, value in times.items():
        if slot not in SLOTS:
            raise ReminderProblem(slot, f"Unknown reminder '{slot}'.")
        if not value:
            continue
        if not _TIME.fullmatch(value):
            raise ReminderProblem(slot, "Give the time as hours and minutes, like 08:30.")
        clean[slot] = value
    with db.session() as session:
        settings = patients.update_settings(
            session, patient_id, **{REMINDERS: {"times": clean}, ZONE_SETTING: zone.key}
        )
        return _read(settings)


def calendar_for(db: Database, patient_id: int, base_url: str) -> bytes:
    """The patient's reminders as an iCalendar document (empty of events when none are set)."""
    from sciatica_care.reports.reminders import Reminder, reminders_calendar

    with db.session() as session:
        settings = patients.get_settings(session, patient_id)
        if not settings.get(CALENDAR_SALT):
            salt = secrets.token_hex(16)
            settings = patients.update_settings(session, patient_id, **{CALENDAR_SALT: salt})
    current = _read(settings)
    reminders = []
    for slot, value in current.times.items():
        summary, description, path = SLOTS[slot]
        hour, minute = (int(part) for part in value.split(":"))
        reminders.append(Reminder(slot, dt.time(hour, minute), summary, description, path))
    return reminders_calendar(
        reminders,
        patient_zone(settings),
        start=patient_clock(settings).today(),
        owner=str(settings[CALENDAR_SALT]),
        base_url=base_url,
    )


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_feed_token(db: Database, patient_id: int) -> str:
    """A new private feed token (shown once); any earlier feed URL stops working. It names the
    patient by their random public id, never the row number."""
    secret = secrets.token_urlsafe(24)
    with db.session() as session:
        patients.update_settings(session, patient_id, **{FEED_HASH: _digest(secret)})
        public_id = patients.get(session, patient_id).public_id
    return f"{public_id}.{secret}"


def stop_feed(db: Database, patient_id: int) -> None:
    with db.session() as session:
        patients.update_settings(session, patient_id, **{FEED_HASH: None})


def feed_owner(db: Database, token: str) -> int | None:
    """The patient a feed token belongs to, or None (wrong, cancelled or malformed).

    Tokens made before public ids named the row number; they keep working until replaced.
    """
    owner_part, _, secret = token.partition(".")
    if not secret or len(token) > 200 or not owner_part.isascii():
        return None
    try:
        with db.session() as session:
            if _PUBLIC_ID.fullmatch(owner_part):
                patient = patients.find_by_public_id(session, owner_part)
            elif owner_part.isdigit() and len(owner_part) < 12:
                patient = patients.get(session, int(owner_part))  # StoreError when missing
            else:
                return None
            if patient is None:
                return None
            patient_id = patient.id
            expected = (patient.settings or {}).get(FEED_HASH)
    except StoreError:
        return None
    if not isinstance(expected, str) or not hmac.compare_digest(expected, _digest(secret)):
        return None
    return patient_id
