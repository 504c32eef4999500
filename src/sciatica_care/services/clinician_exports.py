"""What a linked clinician downloads of a patient's record (issue 10 item 7): the FHIR R4 bundle
(``Patient/{id}/$everything``) and the PDF report, through the permission seam and the audit log.

The documents are the ones the patient exports themselves (``services.data``); this module adds
only who may fetch them and the line in the patient's log ("downloaded your record as FHIR").
"""

from __future__ import annotations

from datetime import date, timedelta

from sciatica_care.reports.fhir_bundle import BundleType
from sciatica_care.services import data
from sciatica_care.services.context import PatientContext
from sciatica_care.services.permissions import Permission
from sciatica_care.services.report_data import report_pdf_for


def fhir_everything(ctx: PatientContext, bundle_type: BundleType = "searchset") -> bytes:
    """The patient's whole record as a FHIR bundle, for a clinician the patient links."""
    with ctx.unit(Permission.READ, what="downloaded your record (FHIR)"):
        pass
    return data.export_fhir(ctx.db, ctx.patient_id, bundle_type)


def report_pdf(ctx: PatientContext, start: date | None = None, end: date | None = None) -> bytes:
    """The PDF report of ``start``…``end`` (default: the last 90 days), for a linked clinician."""
    if start is None:
        start = ctx.clock.today() - timedelta(days=data.REPORT_DAYS - 1)
    return report_pdf_for(ctx, start, end)
