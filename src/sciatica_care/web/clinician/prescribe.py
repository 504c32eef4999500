"""Prescribing (issue 10 item 3): the clinician's program form and its JSON API.

``GET/POST /clinic/patients/{patient_id}/program``: a form with every seed exercise (done or not,
level, sets, reps, hold), the custom exercises (add, edit, remove), sessions a week, automatic
progression (on, suggestions only, off), a note to the patient and the reason; a bad value is
shown beside its field (422), a stale version says someone saved in between (409), success goes
back to the patient page with a flash. ``GET/PUT /api/clinician/patients/{patient_id}/program``:
the same prescription as JSON with its ``version`` (send it back; 409 when stale).

The use cases are ``services.prescribing``; an unlinked or unknown patient is a 404 either way.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import Field, ValidationError
from starlette.responses import Response

from sciatica_care.content.exercises import Dose, ExerciseLibrary, exercise_library
from sciatica_care.domain import prescription as rx
from sciatica_care.services import caseload, links, prescribing
from sciatica_care.services.context import PatientContext, patient_context
from sciatica_care.services.errors import Conflict, InvalidInput
from sciatica_care.services.permissions import Actor
from sciatica_care.web.api_responses import errors
from sciatica_care.web.context import now_source
from sciatica_care.web.flash import flash
from sciatica_care.web.forms import FormState, read_form
from sciatica_care.web.security import ClinicianSignedIn, current_clinician, database
from sciatica_care.web.templating import render

router = APIRouter()

MODE_LABELS = (
    ("auto", "On: doses step up by themselves when tolerated"),
    ("suggest", "Suggestions only: each step up waits for the patient's yes"),
    ("off", "Off: no step up (doses still step down or pause on pain)"),
)
DOSE_FIELDS = ("sets", "reps", "hold_s")


def clinician_context(
    request: Request, clinician: ClinicianSignedIn, patient_public_id: str
) -> PatientContext:
    """The clinician on this patient (by public id); ``NotFound`` when unknown or not linked."""
    db = database(request)
    patient_id = links.patient_id_of(db, patient_public_id)
    return patient_context(
        db, Actor.clinician(clinician.clinician_id), patient_id, now_source(request)
    )


# --- JSON API --------------------------------------------------------------------------------


class ProgramPut(rx.Prescription):
    """A whole prescription, the ``version`` it was based on and why it changes."""

    version: Annotated[int, Field(ge=0)]
    reason: Annotated[str | None, Field(max_length=4000)] = None


def _answer(patient_public_id: str, versioned: prescribing.Versioned) -> dict[str, Any]:
    return {"patient_id": patient_public_id, **versioned.to_json()}


@router.get(
    "/api/clinician/patients/{patient_id}/program", tags=["clinician"], responses=errors(404)
)
def program_api(
    patient_id: str,
    request: Request,
    clinician: ClinicianSignedIn = Depends(current_clinician),
) -> dict[str, Any]:
    """The patient's current program (progression's doses included) and its version."""
    ctx = clinician_context(request, clinician, patient_id)
    return _answer(patient_id, prescribing.current_prescription(ctx))


@router.put(
    "/api/clinician/patients/{patient_id}/program",
    tags=["clinician"],
    responses=errors(404, 409),
)
def prescribe_api(
    patient_id: str,
    body: ProgramPut,
    request: Request,
    clinician: ClinicianSignedIn = Depends(current_clinician),
) -> dict[str, Any]:
    """Replace the program; seed exercises left out keep their dose, custom ones left out are
    removed. 409 when ``version`` is not the latest; 422 naming a dose the content refuses."""
    ctx = clinician_context(request, clinician, patient_id)
    new = rx.Prescription.model_validate(body.model_dump(exclude={"version", "reason"}))
    saved = prescribing.prescribe(ctx, new, body.reason, body.version)
    return _answer(patient_id, saved)


# --- the form --------------------------------------------------------------------------------


def _values_of(versioned: prescribing.Versioned) -> dict[str, str]:
    """The form's fields filled from a prescription."""
    p = versioned.prescription
    values: dict[str, str] = {
        "version": str(versioned.version),
        "sessions_per_week": str(p.sessions_per_week),
        "progression": p.progression,
        "note": p.note or "",
    }
    for item in p.exercises:
        prefix = f"ex-{item.exercise}"
        if item.active:
            values[f"{prefix}-active"] = "on"
        values[f"{prefix}-level"] = str(item.level)
        for name in DOSE_FIELDS:
            values[f"{prefix}-{name}"] = str(getattr(item.dose, name))
    active = [c for c in p.custom_exercises if c.active]
    for n, custom in enumerate(active):
        prefix = f"custom-{n}"
        values[f"{prefix}-key"] = custom.key or ""
        values[f"{prefix}-name"] = custom.name
        values[f"{prefix}-instructions"] = custom.instructions
        values[f"{prefix}-steps"] = "\n".join(custom.steps)
        for name in DOSE_FIELDS:
            values[f"{prefix}-{name}"] = str(getattr(custom.dose, name))
        if custom.dose.per_side:
            values[f"{prefix}-per_side"] = "on"
    values["custom-count"] = str(len(active))
    return values


def _number(form: FormState, name: str, low: int, high: int) -> int | None:
    raw = form.value(name).strip()
    try:
        value = int(raw)
    except ValueError:
        form.add_error(name, "Enter a whole number.")
        return None
    if not low <= value <= high:
        form.add_error(name, f"Enter a number from {low} to {high}.")
        return None
    return value


def _dose(form: FormState, prefix: str, per_side: bool) -> dict[str, Any] | None:
    sets = _number(form, f"{prefix}-sets", 1, 3)
    reps = _number(form, f"{prefix}-reps", 1, 15)
    hold = _number(form, f"{prefix}-hold_s", 0, 60)
    if sets is None or reps is None or hold is None:
        return None
    return {"sets": sets, "reps": reps, "hold_s": hold, "per_side": per_side}


def _custom_count(form: FormState) -> int:
    try:
        return max(0, min(rx.MAX_CUSTOM, int(form.value("custom-count"))))
    except ValueError:
        return 0


def _parse(form: FormState, library: ExerciseLibrary) -> tuple[dict[str, Any], list[int]]:
    """The prescription the form describes, and which form block each custom exercise came from.

    A custom block left empty (the "add" block) is skipped; "remove" drops an existing one.
    """
    exercises = []
    for exercise in library.exercises:
        prefix = f"ex-{exercise.id}"
        level = _number(form, f"{prefix}-level", 1, 3)
        per_side = exercise.sides == "both" and exercise.level(level or 2).dose.per_side
        dose = _dose(form, prefix, per_side)
        exercises.append(
            {
                "exercise": exercise.id,
                "level": level or 2,
                "dose": dose or exercise.level(level or 2).dose.model_dump(),
                "active": form.value(f"{prefix}-active") == "on",
            }
        )
    customs: list[dict[str, Any]] = []
    blocks: list[int] = []
    for n in range(_custom_count(form) + 1):
        prefix = f"custom-{n}"
        name = form.value(f"{prefix}-name").strip()
        instructions = form.value(f"{prefix}-instructions").strip()
        key = form.value(f"{prefix}-key").strip() or None
        if form.value(f"{prefix}-remove") == "on" or (not key and not name and not instructions):
            continue
        steps = [line.strip() for line in form.value(f"{prefix}-steps").splitlines()]
        dose = _dose(form, prefix, form.value(f"{prefix}-per_side") == "on")
        customs.append(
            {
                "key": key,
                "name": name,
                "instructions": instructions,
                "steps": [step for step in steps if step],
                "dose": dose or Dose(sets=1, reps=1).model_dump(),
            }
        )
        blocks.append(n)
    sessions = _number(form, "sessions_per_week", 1, 14)
    data = {
        "exercises": exercises,
        "custom_exercises": customs,
        "sessions_per_week": sessions or 7,
        "progression": form.value("progression"),
        "note": form.value("note").strip() or None,
    }
    return data, blocks


def _form_field(path: str, library: ExerciseLibrary, blocks: list[int]) -> str:
    """The form input a prescription field path (``exercises.1.dose.reps``) was typed into."""
    parts = path.split(".")
    if parts[0] == "exercises" and len(parts) > 1 and parts[1].isdigit():
        exercise = library.exercises[int(parts[1])].id
        return f"ex-{exercise}-{parts[-1] if parts[-1] in DOSE_FIELDS else 'level'}"
    if parts[0] == "custom_exercises" and len(parts) > 2 and parts[1].isdigit():
        n = blocks[int(parts[1])] if int(parts[1]) < len(blocks) else 0
        last = parts[-1] if parts[-1] in (*DOSE_FIELDS, "name", "instructions", "steps") else None
        if parts[2] == "steps":
            last = "steps"
        return f"custom-{n}-{last or 'name'}"
    return parts[0] if parts[0] in ("sessions_per_week", "progression", "note") else "reason"


def _page(
    request: Request,
    ctx: PatientContext,
    patient_public_id: str,
    form: FormState,
    status_code: int = 200,
    problem: str | None = None,
) -> Response:
    library = exercise_library()
    count = _custom_count(form)
    return render(
        request,
        "clinic/prescribe.html",
        {
            "patient_id": patient_public_id,
            "patient_label": caseload.label_of(ctx),
            "form": form,
            "problem": problem,
            "exercises": library.exercises,
            "custom_blocks": list(range(count + 1)),
            "custom_count": count,
            "modes": MODE_LABELS,
            "dose_fields": DOSE_FIELDS,
        },
        status_code=status_code,
    )


@router.get("/clinic/patients/{patient_id}/program")
def prescribe_page(
    patient_id: str,
    request: Request,
    clinician: ClinicianSignedIn = Depends(current_clinician),
) -> Response:
    ctx = clinician_context(request, clinician, patient_id)
    current = prescribing.current_prescription(ctx)
    return _page(request, ctx, patient_id, FormState(values=_values_of(current)))


@router.post("/clinic/patients/{patient_id}/program")
async def prescribe_form(
    patient_id: str,
    request: Request,
    clinician: ClinicianSignedIn = Depends(current_clinician),
) -> Response:
    ctx = clinician_context(request, clinician, patient_id)
    form = await read_form(request)
    library = exercise_library()
    data, blocks = _parse(form, library)
    version = _number(form, "version", 0, 10**9)
    reason = form.value("reason").strip() or None
    if reason is not None and len(reason) > 4000:
        form.add_error("reason", "Keep the reason under 4000 characters.")
    if not form.ok or version is None:
        return _page(request, ctx, patient_id, form, 422)
    try:
        new = rx.Prescription.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            path = ".".join(str(part) for part in error["loc"])
            form.add_error(_form_field(path, library, blocks), error["msg"])
        return _page(request, ctx, patient_id, form, 422)
    try:
        saved = prescribing.prescribe(ctx, new, reason, version)
    except InvalidInput as exc:
        form.add_error(_form_field(exc.field, library, blocks), exc.message.capitalize() + ".")
        return _page(request, ctx, patient_id, form, 422)
    except Conflict as exc:
        current = prescribing.current_prescription(ctx)
        fresh = FormState(values=_values_of(current))
        return _page(request, ctx, patient_id, fresh, 409, problem=str(exc))
    response = RedirectResponse(f"/clinic/patients/{patient_id}", status_code=303)
    if saved.version == version:
        flash(request, response, "Nothing changed in the program.", "info")
    else:
        flash(request, response, "Program saved. The patient will see it on their Today page.")
    return response
