"""``GET /api/fhir/Patient/{patient_id}/$everything`` (issue 10 item 7): a linked clinician's
record system pulls the patient's whole record as FHIR R4.

The answer is a ``searchset`` bundle (the FHIR operation's result: the Patient as the match, the
observations, questionnaire responses and flags included); ``_type=transaction`` gives one to
load into a FHIR server instead. Unlinked or unknown → 404, the same answer for both.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from sciatica_care.services import clinician_exports, links
from sciatica_care.services.context import patient_context
from sciatica_care.services.permissions import Actor
from sciatica_care.web.security import ClinicianSignedIn, current_clinician, database

router = APIRouter(tags=["clinician"])

FHIR_JSON = "application/fhir+json"


@router.get(
    "/api/fhir/Patient/{patient_id}/$everything",
    response_class=Response,
    responses={200: {"content": {FHIR_JSON: {}}}, 404: {"description": "No such patient"}},
)
def patient_everything(
    patient_id: str,
    request: Request,
    bundle_type: Literal["searchset", "transaction"] = Query("searchset", alias="_type"),
    clinician: ClinicianSignedIn = Depends(current_clinician),
) -> Response:
    """The linked patient's whole record as a FHIR R4 bundle (no name or e-mail in it)."""
    db = database(request)
    ctx = patient_context(
        db, Actor.clinician(clinician.clinician_id), links.patient_id_of(db, patient_id)
    )
    body = clinician_exports.fhir_everything(ctx, bundle_type)
    return Response(body, media_type=FHIR_JSON)
