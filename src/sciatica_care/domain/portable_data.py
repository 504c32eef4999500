"""Checking an export document against the domain before it replaces anyone's data.

An export (``sciatica export``) is a versioned JSON document with one list per table. Restoring
one replaces everything a person has stored, so every value must be one the rest of the program
can use: a dose above an exercise's maximum, a pain score of 11, an unknown exercise or a date
that is not a date would otherwise land in the database and break every later plan and session.

``check_document`` is pure (values in, values out; no database, no clock): it returns a cleaned
copy of the document, every value passed through the same domain model that made it (check-ins
through ``diary.CheckIn``, sessions through ``session.SessionRecord``, screens through the §8.1
parsers, questionnaires through their §3 scoring, decisions through the §8.3 model, doses
against the exercise's limits of §4.2/§4.4, heat and cold uses against §5), or raises
``PortableDataError`` naming the first bad value by its path in the file, such as
``exercise_sessions.3.items.0.dose.reps``. Unknown keys of a row are left out, as the store
would ignore them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from sciatica_care.content.exercises import Dose, Exercise, ExerciseLibrary, exercise_library
from sciatica_care.content.questionnaires import QuestionnaireSet, questionnaire_set
from sciatica_care.content.triage import Action
from sciatica_care.domain import diary, session, therapy
from sciatica_care.domain.progression import (
    ProgressionDecision,
    ProgressionDose,
    ProgressionError,
    check_dose_fits,
)
from sciatica_care.domain.questionnaires import QuestionnaireError, score
from sciatica_care.domain.screening import (
    Answers,
    DailyResult,
    Pattern,
    Reply,
    ScreeningError,
    ScreeningResult,
    parse_answers,
    parse_daily_answers,
)

FORMAT = "sciatica-care-export"
FORMAT_VERSION = 1

TABLE_NAMES = (
    "screenings",
    "exercise_sessions",
    "checkins",
    "questionnaire_responses",
    "therapy_uses",
    "dose_decisions",
    "exercise_doses",
)
"""The lists of an export, in the order they are written and restored."""

RECORD_ONLY = ("audit_log", "linked_clinicians")
"""Lists an export carries for the person's record and that an import never reads (issue 10 item
6): who saw their data, and who could when the file was made. Restoring a file must never create a
link to a clinician (only a share code the person makes does) nor rewrite what clinicians did."""
RECORD_ONLY_COLUMNS: dict[str, list[str]] = {
    "audit_log": ["at", "clinician", "action", "what"],
    "linked_clinicians": ["name", "linked_since"],
}
"""Their columns, for the spreadsheet export (a header row even when empty)."""

SCREENING_KINDS = ("full", "daily", "partial")
"""A full screen (§8.1), the daily Q1–Q7 of a check-in, or a screen stopped at an emergency (§1)."""
DECISION_STATUSES = ("applied", "suggested", "accepted", "superseded")
"""What became of a stored progression decision (``services.program``)."""
DECISION_EXTRAS = ("trigger", "accepted_on")
"""Keys stored beside the §8.3 decision: what triggered it, and the day a suggestion was taken."""
UNFINISHED_PREFIX = "unfinished:"
"""Sessions saved before ``final`` existed marked an unfinished save in the stop note (migration
0003); an older export without ``final`` is read the same way."""
CLIENT_ID_MAX = 64
CONTENT_VERSION_MAX = 32
QUESTIONNAIRE_SCORE_TOLERANCE = 0.01
"""PSFS means are rounded to 2 decimals (§3); a stored score may differ by that rounding only."""


class PortableDataError(ValueError):
    """A value of an export that the domain refuses; ``path`` names it (``checkins.0.leg_pain``)."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}" if path else problem)


@dataclass(frozen=True)
class _Context:
    library: ExerciseLibrary
    questionnaires: QuestionnaireSet


def check_document(
    document: Mapping[str, Any],
    *,
    library: ExerciseLibrary | None = None,
    questionnaires: QuestionnaireSet | None = None,
) -> dict[str, Any]:
    """A cleaned copy of an export document, or ``PortableDataError`` on the first bad value.

    The copy has the same shape (profile, one list per table, session results nested under
    ``items``); values come back in their JSON form as the domain models read them.
    """
    if not isinstance(document, Mapping):
        raise PortableDataError("", "an export must be a JSON object")
    if document.get("format") != FORMAT or document.get("version") != FORMAT_VERSION:
        raise PortableDataError(
            "",
            f"not a Sciatica Care export (format or version does not match: this program reads "
            f"'{FORMAT}' version {FORMAT_VERSION})",
        )
    _check_finite(document, "")
    context = _Context(library or exercise_library(), questionnaires or questionnaire_set())
    clean: dict[str, Any] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "profile": _profile(document.get("profile") or {}, "profile"),
    }
    checks: dict[str, Callable[[Mapping[str, Any], str, _Context], dict[str, Any]]] = {
        "screenings": _screening,
        "exercise_sessions": _exercise_session,
        "checkins": _checkin,
        "questionnaire_responses": _questionnaire_response,
        "therapy_uses": _therapy_use,
        "dose_decisions": _dose_decision,
        "exercise_doses": _exercise_dose,
    }
    for name in TABLE_NAMES:
        rows = document.get(name, [])
        if not isinstance(rows, list):
            raise PortableDataError(name, "must be a list")
        clean[name] = [
            checks[name](_object(row, f"{name}.{index}"), f"{name}.{index}", context)
            for index, row in enumerate(rows)
        ]
    # RECORD_ONLY lists are left out of the clean copy, whatever they hold: never imported.
    _unique(clean["exercise_sessions"], "exercise_sessions", "client_id")
    _unique(clean["checkins"], "checkins", "client_id")
    _unique(clean["exercise_doses"], "exercise_doses", "exercise_id")
    return clean


# --- rows ------------------------------------------------------------------------------------


def _profile(data: Any, path: str) -> dict[str, Any]:
    profile = _object(data, path)
    settings = _object(profile.get("settings") or {}, f"{path}.settings")
    if "auto_progression" in settings:
        _boolean(settings["auto_progression"], f"{path}.settings.auto_progression")
    if settings.get("last_weekly_review") is not None:
        _date(settings["last_weekly_review"], f"{path}.settings.last_weekly_review")
    return {
        "settings": dict(settings),
        "program_started_on": _optional(_date, profile, "program_started_on", path),
        "disclaimer_acknowledged_at": _optional(
            _moment, profile, "disclaimer_acknowledged_at", path
        ),
    }


def _screening(row: Mapping[str, Any], path: str, context: _Context) -> dict[str, Any]:
    """A screen (clinical-spec.md §1, §8.1–8.2): answers as the parsers read them, the result in
    its §8.2 shape, and an action column that agrees with it (the program lock reads it)."""
    kind = _choice(_required(row, "kind", path), f"{path}.kind", SCREENING_KINDS)
    answers = _object(_required(row, "answers", path), f"{path}.answers")
    result_model: type[DailyResult] | type[ScreeningResult]
    if kind == "full":
        clean_answers = _screening_answers(parse_answers, answers, f"{path}.answers")
        result_model = ScreeningResult
    elif kind == "daily":
        clean_answers = _screening_answers(parse_daily_answers, answers, f"{path}.answers")
        result_model = DailyResult
    else:
        clean_answers = _partial_answers(answers, f"{path}.answers")
        result_model = DailyResult
    result = _model(result_model, _required(row, "result", path), f"{path}.result")
    action = _choice(_required(row, "action", path), f"{path}.action", [a.value for a in Action])
    if action != result.action.value:
        raise PortableDataError(
            f"{path}.action", f"'{action}' does not match result.action '{result.action.value}'"
        )
    pattern = row.get("pattern")
    if pattern is not None:
        _choice(pattern, f"{path}.pattern", [p.value for p in Pattern])
    return {
        "created_at": _moment(_required(row, "created_at", path), f"{path}.created_at"),
        "kind": kind,
        "answers": clean_answers,
        "result": result.model_dump(mode="json", exclude_unset=True),
        "action": action,
        "pattern": pattern,
        "content_version": _text(
            _required(row, "content_version", path), f"{path}.content_version", CONTENT_VERSION_MAX
        ),
        "acknowledged_at": _optional(_moment, row, "acknowledged_at", path),
        "assessed_at": _optional(_moment, row, "assessed_at", path),
    }


AnswersT = TypeVar("AnswersT", bound=BaseModel)


def _screening_answers(
    parse: Callable[[object], AnswersT], answers: Mapping[str, Any], path: str
) -> dict[str, Any]:
    try:
        parsed = parse(dict(answers))
    except ScreeningError as exc:
        raise _screening_problem(exc, path) from exc
    return parsed.model_dump(mode="json", exclude_unset=True)


def _partial_answers(answers: Mapping[str, Any], path: str) -> dict[str, Any]:
    """The items answered before a screen stopped at an emergency: each must be a valid §8.1
    answer to a known item (the others were never asked, so nothing else is required)."""
    filler: dict[str, Any] = {
        name: (Reply.NO.value if field.annotation is Reply else 0)
        for name, field in Answers.model_fields.items()
        if field.is_required()
    }
    try:
        parsed = parse_answers({**filler, **answers})
    except ScreeningError as exc:
        raise _screening_problem(exc, path) from exc
    dumped = parsed.model_dump(mode="json")
    return {item: dumped[item] for item in answers}


def _screening_problem(exc: ScreeningError, path: str) -> PortableDataError:
    """``"Q1, Q2: missing; ..."`` → the first item, by its path."""
    items, _, why = str(exc).split("; ")[0].partition(": ")
    return PortableDataError(f"{path}.{items.split(', ')[0]}", why)


def _exercise_session(row: Mapping[str, Any], path: str, context: _Context) -> dict[str, Any]:
    """A guided session and its results (design.md "Guided session"): the ``SessionRecord`` the
    player produced, each result of a known exercise at a dose within its limits (§4.2, §4.4)."""
    raw_items = row.get("items", [])
    if not isinstance(raw_items, list):
        raise PortableDataError(f"{path}.items", "must be a list")
    positions: list[int] = []
    items: list[dict[str, Any]] = []
    for index, raw in enumerate(raw_items):
        item = dict(_object(raw, f"{path}.items.{index}"))
        where = f"{path}.items.{index}"
        positions.append(_integer(item.pop("position", index), f"{where}.position", 0, 10_000))
        items.append(item)
    record = _model(
        session.SessionRecord,
        {
            "status": _required(row, "status", path),
            "stop_reason": row.get("stop_reason"),
            "stop_note": row.get("stop_note"),
            "elapsed_s": row.get("elapsed_s", 0.0),
            "items": items,
        },
        path,
    )
    clean_items = []
    for index, (position, result) in enumerate(zip(positions, record.items, strict=True)):
        where = f"{path}.items.{index}"
        exercise = _exercise(result.exercise_id, f"{where}.exercise_id", context)
        _dose_fits(exercise, _progression_dose(result.dose), f"{where}.dose")
        for number, side in enumerate(result.sides_done):
            if not result.dose.per_side:
                raise PortableDataError(
                    f"{where}.sides_done.{number}", "this dose is not done per side"
                )
            _choice(side, f"{where}.sides_done.{number}", exercise.side_labels)
        dumped = result.model_dump(mode="json", exclude_unset=True)
        clean_items.append({"position": position, **dumped})
    started_at = _moment(_required(row, "started_at", path), f"{path}.started_at")
    stop_note = record.stop_note
    final = row.get("final")
    if final is None:
        final = not (stop_note or "").startswith(UNFINISHED_PREFIX)
    planned = row.get("planned_exercises")
    if planned is not None:
        if not isinstance(planned, list):
            raise PortableDataError(f"{path}.planned_exercises", "must be a list of exercise ids")
        for index, exercise_id in enumerate(planned):
            _exercise(exercise_id, f"{path}.planned_exercises.{index}", context)
    progressed_at = row.get("progressed_at", started_at)
    return {
        "client_id": _client_id(row, path),
        "started_at": started_at,
        "status": record.status.value,
        "stop_reason": record.stop_reason.value if record.stop_reason else None,
        "stop_note": stop_note,
        "elapsed_s": record.elapsed_s,
        "final": _boolean(final, f"{path}.final"),
        "version": _integer(row.get("version", 0), f"{path}.version", 0, 2**31 - 1),
        "planned_exercises": list(planned) if planned is not None else None,
        "progressed_at": (
            None if progressed_at is None else _moment(progressed_at, f"{path}.progressed_at")
        ),
        "items": clean_items,
    }


_CHECKIN_COLUMNS = ("day", "leg_pain", "back_pain")
"""Columns of a check-in row that win over the JSON copy of the entry (``store.checkins``)."""


def _checkin(row: Mapping[str, Any], path: str, context: _Context) -> dict[str, Any]:
    """A diary entry (clinical-spec.md §1 daily items, §6 zones) as ``diary.CheckIn`` reads it."""
    entry = _object(_required(row, "entry", path), f"{path}.entry")
    day = _date(_required(row, "day", path), f"{path}.day")
    columns = {name: _required(row, name, path) for name in _CHECKIN_COLUMNS}
    try:
        parsed = diary.CheckIn.model_validate({**entry, **columns, "day": day})
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = [str(part) for part in error["loc"]]
        where = path if loc and loc[0] in _CHECKIN_COLUMNS else f"{path}.entry"
        raise _pydantic_problem(error, where) from exc
    clean_entry = parsed.model_dump(mode="json", exclude_unset=True)
    for name in _CHECKIN_COLUMNS:
        if name not in entry:
            clean_entry.pop(name, None)
    daily_action = row.get("daily_action")
    if daily_action is not None:
        _choice(daily_action, f"{path}.daily_action", [a.value for a in Action])
    recorded_at = _moment(_required(row, "recorded_at", path), f"{path}.recorded_at")
    progressed_at = row.get("progressed_at", recorded_at)
    return {
        "client_id": _client_id(row, path),
        "recorded_at": recorded_at,
        "day": parsed.day.isoformat(),
        "entry": clean_entry,
        "leg_pain": parsed.leg_pain,
        "back_pain": parsed.back_pain,
        "daily_action": daily_action,
        "progressed_at": (
            None if progressed_at is None else _moment(progressed_at, f"{path}.progressed_at")
        ),
    }


def _questionnaire_response(row: Mapping[str, Any], path: str, context: _Context) -> dict[str, Any]:
    """A scored questionnaire (clinical-spec.md §3): the answers score again to the stored total."""
    instrument = _required(row, "instrument", path)
    answers = _object(_required(row, "answers", path), f"{path}.answers")
    if not isinstance(instrument, str):
        raise PortableDataError(f"{path}.instrument", "must be a questionnaire id like 'sbi'")
    try:
        scored = score(instrument, answers, context.questionnaires)
    except QuestionnaireError as exc:
        where, _, why = str(exc).partition(": ")
        item = where.removeprefix(f"{instrument}.")
        field = "instrument" if where == "questionnaire" else f"answers.{item}"
        raise PortableDataError(f"{path}.{field}", why) from exc
    if scored.total is None:
        raise PortableDataError(
            f"{path}.instrument", f"'{instrument}' has no single score (it belongs to a check-in)"
        )
    stored = _number(_required(row, "score", path), f"{path}.score")
    if abs(stored - scored.total) > QUESTIONNAIRE_SCORE_TOLERANCE:
        raise PortableDataError(
            f"{path}.score", f"{stored:g} does not match the answers (they score {scored.total:g})"
        )
    return {
        "instrument": scored.questionnaire,
        "recorded_at": _moment(_required(row, "recorded_at", path), f"{path}.recorded_at"),
        "day": _date(_required(row, "day", path), f"{path}.day"),
        "answers": dict(scored.answers),
        "score": stored,
    }


def _therapy_use(row: Mapping[str, Any], path: str, context: _Context) -> dict[str, Any]:
    """A heat or cold pack use (clinical-spec.md §5): never longer than that kind's maximum."""
    started_at = _moment(_required(row, "started_at", path), f"{path}.started_at")
    use = _model(
        therapy.TherapyUse,
        {
            "kind": _required(row, "kind", path),
            "started_at": started_at,
            "duration_s": _required(row, "duration_s", path),
        },
        path,
    )
    limit_minutes = therapy.LIMITS[use.kind].max_minutes
    if use.duration_s > limit_minutes * 60:
        raise PortableDataError(
            f"{path}.duration_s",
            f"{use.duration_s:g} s is longer than a {use.kind.value} pack is ever used "
            f"({limit_minutes} minutes)",
        )
    detail = _object(row.get("detail") or {}, f"{path}.detail")
    planned = detail.get("planned_minutes")
    if planned is not None:
        minutes = _number(planned, f"{path}.detail.planned_minutes")
        if not 0 < minutes <= limit_minutes:
            raise PortableDataError(
                f"{path}.detail.planned_minutes",
                f"must be more than 0 and at most {limit_minutes} (got {minutes:g})",
            )
    return {
        "kind": use.kind.value,
        "started_at": started_at,
        "duration_s": use.duration_s,
        "detail": dict(detail),
    }


def _dose_decision(row: Mapping[str, Any], path: str, context: _Context) -> dict[str, Any]:
    """A progression decision (clinical-spec.md §4.1–4.3, §8.3) for a known exercise, whose next
    dose fits that exercise, with its bookkeeping (status, trigger, day accepted)."""
    exercise = _exercise(_required(row, "exercise_id", path), f"{path}.exercise_id", context)
    stored = _object(_required(row, "decision", path), f"{path}.decision")
    extras = {key: stored[key] for key in DECISION_EXTRAS if key in stored}
    decision = _model(
        ProgressionDecision,
        {key: value for key, value in stored.items() if key not in DECISION_EXTRAS},
        f"{path}.decision",
    )
    if decision.exercise != exercise.id:
        raise PortableDataError(
            f"{path}.decision.exercise", f"'{decision.exercise}' does not match '{exercise.id}'"
        )
    _dose_fits(exercise, decision.next_dose, f"{path}.decision.next_dose")
    if "trigger" in extras:
        _text(extras["trigger"], f"{path}.decision.trigger", 32)
    if extras.get("accepted_on") is not None:
        extras["accepted_on"] = _date(extras["accepted_on"], f"{path}.decision.accepted_on")
    action = _required(row, "action", path)
    if action != decision.action.value:
        raise PortableDataError(
            f"{path}.action", f"{action!r} does not match decision.action '{decision.action.value}'"
        )
    return {
        "exercise_id": exercise.id,
        "decided_at": _moment(_required(row, "decided_at", path), f"{path}.decided_at"),
        "decision": {**decision.model_dump(mode="json", exclude_unset=True), **extras},
        "action": decision.action.value,
        "status": _choice(_required(row, "status", path), f"{path}.status", DECISION_STATUSES),
    }


def _exercise_dose(row: Mapping[str, Any], path: str, context: _Context) -> dict[str, Any]:
    """The current prescription of one exercise: a level and a dose within its limits (§4.2)."""
    exercise = _exercise(_required(row, "exercise_id", path), f"{path}.exercise_id", context)
    level = _integer(_required(row, "level", path), f"{path}.level", 1, len(exercise.levels))
    dose = _model(Dose, _required(row, "dose", path), f"{path}.dose")
    _dose_fits(exercise, _progression_dose(dose), f"{path}.dose")
    reason = row.get("reason")
    return {
        "exercise_id": exercise.id,
        "level": level,
        "dose": dose.model_dump(mode="json", exclude_unset=True),
        "active": _boolean(row.get("active", True), f"{path}.active"),
        "paused_until": _optional(_date, row, "paused_until", path),
        "reason": None if reason is None else _text(reason, f"{path}.reason", 10_000),
        "updated_at": _moment(_required(row, "updated_at", path), f"{path}.updated_at"),
    }


# --- values ----------------------------------------------------------------------------------


def _check_finite(value: Any, path: str) -> None:
    """No NaN or infinity anywhere: JSON has neither, and no rule can compare with them."""
    for where, number in _floats(value, path):
        if not math.isfinite(number):
            raise PortableDataError(where, f"must be a finite number (got {number})")


def _floats(value: Any, path: str) -> Iterator[tuple[str, float]]:
    if isinstance(value, float):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _floats(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _floats(item, f"{path}.{index}")


def _object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PortableDataError(path, "must be a JSON object")
    return value


def _required(row: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in row:
        raise PortableDataError(f"{path}.{key}", "missing")
    return row[key]


ValueT = TypeVar("ValueT")


def _optional(
    check: Callable[[Any, str], ValueT], row: Mapping[str, Any], key: str, path: str
) -> ValueT | None:
    value = row.get(key)
    return None if value is None else check(value, f"{path}.{key}")


def _date(value: Any, path: str) -> str:
    """A real calendar date written the ISO way (2026-11-20)."""
    try:
        if not isinstance(value, str):
            raise TypeError
        return dt.date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise PortableDataError(
            path, f"must be a date like 2026-11-20 (got {_shown(value)})"
        ) from None


def _moment(value: Any, path: str) -> str:
    """A real time with its zone, written the ISO way (2026-11-20T08:00:00+00:00)."""
    try:
        if not isinstance(value, str):
            raise TypeError
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise PortableDataError(
            path, f"must be a time like 2026-11-20T08:00:00+00:00 (got {_shown(value)})"
        )
    return moment.isoformat()


def _integer(value: Any, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise PortableDataError(
            path, f"must be a whole number from {low} to {high} (got {_shown(value)})"
        )
    return value


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PortableDataError(path, f"must be a number (got {_shown(value)})")
    return float(value)


def _boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise PortableDataError(path, f"must be true or false (got {_shown(value)})")
    return value


def _text(value: Any, path: str, max_length: int) -> str:
    if not isinstance(value, str) or len(value) > max_length:
        raise PortableDataError(path, f"must be text of at most {max_length} characters")
    return value


def _choice(value: Any, path: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise PortableDataError(path, f"must be one of {', '.join(choices)} (got {_shown(value)})")
    return str(value)


def _client_id(row: Mapping[str, Any], path: str) -> str | None:
    value = row.get("client_id")
    return None if value is None else _text(value, f"{path}.client_id", CLIENT_ID_MAX)


def _exercise(value: Any, path: str, context: _Context) -> Exercise:
    for exercise in context.library.exercises:
        if exercise.id == value:
            return exercise
    known = ", ".join(e.id for e in context.library.exercises)
    raise PortableDataError(path, f"unknown exercise {_shown(value)} (known: {known})")


def _progression_dose(dose: Dose) -> ProgressionDose:
    return ProgressionDose(
        sets=dose.sets, reps=dose.reps, hold_s=dose.hold_s, per_side=dose.per_side
    )


def _dose_fits(exercise: Exercise, dose: ProgressionDose, path: str) -> None:
    """The exercise's own limits (clinical-spec.md §4.2 maxima), as progression checks them."""
    try:
        check_dose_fits(exercise, dose)
    except ProgressionError as exc:
        field, _, why = str(exc).partition(": ")
        raise PortableDataError(f"{path}.{field.removeprefix('dose.')}", why) from exc


def _unique(rows: list[dict[str, Any]], name: str, key: str) -> None:
    seen: set[Any] = set()
    for index, row in enumerate(rows):
        value = row.get(key)
        if value is None:
            continue
        if value in seen:
            raise PortableDataError(f"{name}.{index}.{key}", f"{_shown(value)} appears twice")
        seen.add(value)


ModelT = TypeVar("ModelT", bound=BaseModel)


def _model(model: type[ModelT], data: Any, path: str) -> ModelT:
    """Validate with a domain model; the first problem is named by its path below ``path``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _pydantic_problem(exc.errors()[0], path) from exc


def _pydantic_problem(error: Any, path: str) -> PortableDataError:
    loc = ".".join(str(part) for part in error["loc"])
    where = f"{path}.{loc}" if loc else path
    if error["type"] == "missing":
        return PortableDataError(where, "missing")
    message = str(error["msg"])
    value = error.get("input")
    if isinstance(value, int | float | str | None) and len(repr(value)) <= 40:
        message += f" (got {_shown(value)})"
    return PortableDataError(where, message)


def _shown(value: Any) -> str:
    """A value for an error message, cut short so a long note never fills the line."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
