"""The clinician links a patient with the patient's share code (issue 10 item 2).

``GET /clinic/link`` shows the form (the code filled in from ``?code=``, the link the patient
sends); ``POST /clinic/link`` spends the code and opens the patient's page. The API twin is
``POST /api/clinician/patients`` with ``{"code": "..."}``.

A wrong, used or expired code gets one answer, the same for all three, so the form reveals nothing
about any patient; too many wrong codes in an hour answer 429 with ``Retry-After``
(``services.links.MAX_WRONG_CODES``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from sciatica_care.services import links
from sciatica_care.services.errors import InvalidInput, NotFound
from sciatica_care.web.api_responses import errors
from sciatica_care.web.context import now_source
from sciatica_care.web.flash import flash
from sciatica_care.web.forms import FormState, read_form
from sciatica_care.web.security import ClinicianSignedIn, current_clinician, database
from sciatica_care.web.templating import render

router = APIRouter()

TEMPLATE = "clinic/link.html"
CODE_FIELD = "code"
CODE_MAX = 40
"""Longer than any code with dashes and spaces; anything longer is not a code."""
NO_SUCH_CODE = (
    "That code did not work. It may be mistyped, used already or more than 24 hours old. "
    "Check it with your patient, or ask them to make a new one in their Settings."
)


def _form_page(
    request: Request, form: FormState, status_code: int = 200, retry_after: int | None = None
) -> Response:
    response = render(
        request,
        TEMPLATE,
        {"form": form, "code_max": CODE_MAX, "retry_minutes": _minutes(retry_after)},
        status_code=status_code,
    )
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _minutes(seconds: int | None) -> int | None:
    return None if seconds is None else max(1, -(-seconds // 60))


@router.get("/clinic/link")
def link_page(
    request: Request,
    code: str = Query("", max_length=CODE_MAX),
    clinician: ClinicianSignedIn = Depends(current_clinician),
) -> Response:
    return _form_page(request, FormState(values={CODE_FIELD: code}))


@router.post("/clinic/link")
async def link_submit(
    request: Request, clinician: ClinicianSignedIn = Depends(current_clinician)
) -> Response:
    form = await read_form(request)
    raw = form.value(CODE_FIELD)
    if not raw.strip():
        form.add_error(CODE_FIELD, "Enter the code your patient gave you.")
        return _form_page(request, form, 400)
    try:
        linked = links.link_patient(
            database(request), clinician.clinician_id, raw[:CODE_MAX], now_source(request)
        )
    except links.TooManyCodes as exc:
        form.add_error(CODE_FIELD, str(exc))
        return _form_page(request, form, 429, retry_after=exc.retry_after_s)
    except InvalidInput as exc:
        form.add_error(CODE_FIELD, exc.message)
        return _form_page(request, form, 400)
    except NotFound:
        form.add_error(CODE_FIELD, NO_SUCH_CODE)
        return _form_page(request, form, 404)
    response = RedirectResponse(f"/clinic/patients/{linked.patient_id}", status_code=303)
    flash(request, response, f"Linked: {linked.label or 'your patient'} is on your caseload.")
    return response


class LinkBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, Field(min_length=1, max_length=CODE_MAX)]
    """The patient's share code, as given (dashes, spaces and case do not matter)."""


@router.post(
    "/api/clinician/patients",
    status_code=status.HTTP_201_CREATED,
    tags=["clinician"],
    responses=errors(404, 429),
)
def link_api(
    body: LinkBody, request: Request, clinician: ClinicianSignedIn = Depends(current_clinician)
) -> Any:
    """Link the patient whose share code this is: ``patient_id`` (their public id), ``label``
    (their e-mail) and ``linked_at``. A wrong, used or expired code: 404; too many: 429."""
    try:
        linked = links.link_patient(
            database(request), clinician.clinician_id, body.code, now_source(request)
        )
    except links.TooManyCodes as exc:
        return JSONResponse(
            {"detail": str(exc)},
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(exc.retry_after_s)},
        )
    except NotFound:
        return JSONResponse({"detail": NO_SUCH_CODE}, status_code=status.HTTP_404_NOT_FOUND)
    return linked.to_json()
