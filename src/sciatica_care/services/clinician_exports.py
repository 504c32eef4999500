"""What a linked clinician downloads of a patient's record (issue 10 item 7): the FHIR R4 bundle
(``Patient/{id}/$everything``) and the PDF report, through the permission seam and the audit log.

The documents are the ones the patient exports themselves (``services.data``); this module adds
only who may fetch them and the line in the patient's log ("downloaded your record as FHIR").
"""

from __future__ import annotations

from sciatica_care.reports.fhir_bundle import BundleType
from sciatica_care.services import data
from sciatica_care.services.context import PatientContext
from sciatica_care.services.permissions import Permission


def fhir_everything(ctx: PatientContext, bundle_type: BundleType = "searchset") -> bytes:
    """The patient's whole record as a FHIR bundle, for a clinician the patient links."""
    with ctx.unit(Permission.READ, what="downloaded your record (FHIR)"):
        pass
    return data.export_fhir(ctx.db, ctx.patient_id, bundle_type)


def report_pdf(ctx: PatientContext, days: int = data.REPORT_DAYS) -> bytes:
    """The PDF report of the last ``days`` days, for a clinician the patient links."""
    with ctx.unit(Permission.READ, what="downloaded your PDF report"):
        pass
    return data.clinician_report(ctx.db, ctx.patient_id, days)
