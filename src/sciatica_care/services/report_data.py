"""Gathers one patient's diary into ``domain.clinician_report.ReportData`` for the clinician.

Read-only orchestration over the other repositories: the latest screen and any daily warning
signs (§1), the current doses with their last change (§4; a clinician's custom exercises after
the seed ones, at their prescribed dose, resting after a RED result), sessions and weekly
adherence, morning pain (§3 NPRS) with the change wording My progress uses
(``domain.progress.change_summary``), questionnaire scores, the §6 zone trends, heat and cold
uses (§5) and the chart's series. The PDF and the FHIR bundle both start from this value, so they
always show the same numbers.

For machine exports it also gathers what a record system needs to trust them (issue 10, item 7):
the install's and the patient's random ids (never row numbers), each entry's time in the person's
zone on the day it describes (``diary_time``), every check-in's daily red-flag answers (§1 Q1–Q7)
and every stored screen with its answers.

``report_for`` is the use case: a period of days in the patient's zone, read for whoever the
``PatientContext`` names (the patient, or a clinician they linked) inside one permission-checked
transaction. Everything in the report is bounded by the period's end, so a report of an earlier
month shows that month's latest screen and change, not today's; only the exercise program is
the current one (the report says so, with the date it was made).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy.orm import Session

from sciatica_care import __version__
from sciatica_care.content.errors import ContentError
from sciatica_care.content.exercises import Dose, DoseKind, ExerciseLibrary, exercise_library
from sciatica_care.content.questionnaires import questionnaire_set
from sciatica_care.content.triage import Triage, triage_content
from sciatica_care.domain import diary
from sciatica_care.domain.clinician_report import (
    DailyCheck,
    DoseLine,
    PainReading,
    RedFlag,
    ReportData,
    ScoreReading,
    ScreeningLine,
    SessionLine,
    diary_time,
    weekly_adherence,
)
from sciatica_care.domain.diary import ZoneTrend
from sciatica_care.domain.progress import SUMMARY_INSTRUMENTS, change_summary
from sciatica_care.domain.session import CUSTOM_LEVEL
from sciatica_care.services import program
from sciatica_care.services.clock import Clock, utcnow
from sciatica_care.services.context import PatientContext
from sciatica_care.services.errors import InvalidInput
from sciatica_care.services.permissions import Permission
from sciatica_care.services.progress import progress_series
from sciatica_care.services.sessions import UNFINISHED_NOTE
from sciatica_care.store import (
    checkins,
    exercise_sessions,
    installation,
    patients,
    prescriptions,
    questionnaire_responses,
    screenings,
    therapy_uses,
)
from sciatica_care.store.errors import StoreError
from sciatica_care.store.models import (
    CheckIn,
    DoseDecision,
    ExerciseSession,
    QuestionnaireResponse,
    Screening,
)

REPORTED_INSTRUMENTS = ("sbi", "psfs", "grc")
"""The freely usable §3 set besides NPRS, which comes from the check-ins."""
REPLIES = ("yes", "no", "unsure")
"""The §8.1 yes/no answers; a screen's other answers (age, the body map) stay out of exports."""


def _red_flags(row: Screening, triage: Triage) -> list[RedFlag]:
    flags = []
    for reason in row.result.get("reasons", []):
        item = str(reason.get("item", ""))
        try:
            question = triage.question(item).text
        except ContentError:
            question = str(reason.get("text", ""))
        flags.append(RedFlag(item=item, action=str(reason.get("action", "")), question=question))
    return flags


def _screening_line(row: Screening, triage: Triage, tz: tzinfo | None) -> ScreeningLine:
    return ScreeningLine(
        day=row.created_at.astimezone(tz).date(),
        kind=row.kind,
        action=row.action,
        acknowledged=row.acknowledged_at is not None,
        assessed=row.assessed_at is not None,
        red_flags=_red_flags(row, triage),
        id=row.id,
        recorded_at=row.created_at.astimezone(tz),
        answers={
            item: value
            for item, value in row.answers.items()
            if isinstance(value, str) and value in REPLIES
        },
    )


def _pain_reading(row: CheckIn, tz: tzinfo | None) -> PainReading:
    entry = checkins.to_entry(row)
    return PainReading(
        id=row.id,
        day=row.day,
        recorded_at=row.recorded_at,
        leg_pain=row.leg_pain,
        back_pain=row.back_pain,
        furthest_pain_zone=max(entry.zones.left.pain, entry.zones.right.pain),
        local_time=diary_time(row.day, row.recorded_at, tz),
    )


def _daily_check(row: CheckIn, tz: tzinfo | None) -> DailyCheck:
    """The §1 daily questions of one check-in, as answered (an entry without them has none)."""
    entry = checkins.to_entry(row)
    return DailyCheck(
        id=row.id,
        day=row.day,
        recorded_at=row.recorded_at,
        local_time=diary_time(row.day, row.recorded_at, tz),
        moment=entry.moment,
        answers={str(item): str(reply) for item, reply in entry.red_flags.items()},
        action=row.daily_action,
    )


def _first_of_each_day(mornings: list[PainReading]) -> list[PainReading]:
    """Each day's first morning reading, oldest first: the value ``diary.morning_pain`` (and so
    the change sentence) uses, so the table and the sentence agree."""
    chosen: dict[date, PainReading] = {}
    for reading in mornings:
        chosen.setdefault(reading.day, reading)
    return [chosen[day] for day in sorted(chosen)]


def _session_line(row: ExerciseSession, tz: tzinfo | None) -> SessionLine:
    """One session as the clinician reads it: its own day and time in the person's zone, and
    the reason and words of an early stop (the app's "unfinished" bookkeeping note is not the
    person's words: ``finished`` says it instead)."""
    local = row.started_at.astimezone(tz)
    note = (row.stop_note or "").strip() or None
    if note == UNFINISHED_NOTE:
        note = None
    return SessionLine(
        id=row.id,
        day=local.date(),
        started_at=row.started_at,
        status="completed" if row.status == "completed" else "stopped",
        exercises_completed=sum(1 for item in row.items if item.completed),
        exercises_total=max(len(row.planned_exercises or []), len(row.items)),
        elapsed_s=row.elapsed_s,
        stop_reason=row.stop_reason,
        stop_note=note,
        finished=row.final,
        local_time=local,
    )


def _change_summary(
    entries: list[diary.CheckIn], responses: list[QuestionnaireResponse]
) -> list[str]:
    """The §3 change "since the start" up to the period's end, in the words My progress uses
    (``domain.progress.change_summary``; My progress always runs to today): from the first and
    latest morning of ``entries`` (each day's first morning entry) and each questionnaire's
    first and latest of ``responses`` (oldest first)."""
    mornings = diary.daily_entries([e for e in entries if e.moment == "morning"])
    ends: dict[str, tuple[QuestionnaireResponse, QuestionnaireResponse]] = {}
    for row in responses:
        if row.instrument in SUMMARY_INSTRUMENTS:
            ends[row.instrument] = (ends.get(row.instrument, (row, row))[0], row)
    return change_summary(
        mornings[0] if mornings else None, mornings[-1] if mornings else None, ends
    )


def _reason(change: DoseDecision) -> str:
    """The sentence of the decision that last changed the dose (not of a later "hold")."""
    return program.decision_of(change).reason


CUSTOM_VARIATION = "The clinician's own exercise"
"""The "variation" of a custom exercise's line: it has one version, written by the clinician."""


def _custom_doses(
    session: Session, patient_id: int, today: date, tz: tzinfo | None
) -> list[DoseLine]:
    """The clinician's active custom exercises after the seed ones, in the order they were written,
    at the dose the clinician prescribed: progression never changes it (``custom_exercise``).
    One resting after a RED result on ``today`` (§4.1, §9 ruling 5) says until when and why."""
    clock = Clock(tz or UTC)
    rests = program.custom_rests(session, patient_id, today, clock)
    lines = []
    for row in prescriptions.custom_exercises(session, patient_id):
        dose = Dose.model_validate(row.dose)
        rest = rests.get(row.key)
        lines.append(
            DoseLine(
                exercise_id=row.key,
                name=row.name,
                kind=DoseKind.HOLD if dose.hold_s > 0 else DoseKind.REPS,
                level=CUSTOM_LEVEL,
                variation=CUSTOM_VARIATION,
                dose=dose,
                paused_until=rest.resume_on if rest else None,
                reason=rest.reason if rest else None,
            )
        )
    return lines


def _doses(session: Session, patient_id: int, library: ExerciseLibrary) -> list[DoseLine]:
    """Each exercise's current dose with the latest applied change (date, action, reason)."""
    latest = {row.exercise_id: row for row in program.applied_changes(session, patient_id)}
    lines = []
    for exercise_id, current in program.current_doses(session, patient_id, library).items():
        exercise = library.get(exercise_id)
        change = latest.get(exercise_id)
        lines.append(
            DoseLine(
                exercise_id=exercise_id,
                name=exercise.name,
                kind=exercise.kind,
                level=current.level,
                variation=exercise.level(current.level).name,
                dose=current.dose,
                active=current.active,
                paused_until=current.paused_until,
                last_change_on=date.fromisoformat(str(change.decision["decided_on"]))
                if change
                else None,
                last_change=change.action if change else None,
                reason=_reason(change) if change else None,
            )
        )
    return lines


def _first_record_day(
    entries: list[CheckIn],
    played: list[ExerciseSession],
    answered: list[QuestionnaireResponse],
    tz: tzinfo | None,
) -> date | None:
    """The earliest day with a check-in, a session or a questionnaire; None for an empty diary.

    Each list is the whole of its kind in its store order (check-ins and answers oldest first,
    sessions newest first), as the report reads them once for everything else too."""
    days = []
    if entries:
        days.append(entries[0].day)
    if played:
        days.append(played[-1].started_at.astimezone(tz).date())
    if answered:
        days.append(answered[0].day)
    return min(days, default=None)


def report_data(
    session: Session,
    patient_id: int,
    today: date,
    days: int | None = 90,
    tz: tzinfo | None = None,
    library: ExerciseLibrary | None = None,
    generated_at: datetime | None = None,
) -> ReportData:
    """This patient's report for the ``days`` up to ``today`` (``None``: since the first record).

    The period starts no earlier than the first record, so a 90-day report of a 6-week diary
    says "6 weeks" rather than showing a month of empty days. ``today`` is the period's last
    day: nothing recorded after it is read, except the current exercise program.

    ``tz`` is the person's time zone for session and screen days (None: this computer's zone);
    ``generated_at`` when the report is made (None: now), printed on it in that zone.
    """
    library = library or exercise_library()
    triage = triage_content()
    patient = patients.get(session, patient_id)  # StoreError for an unknown patient
    generated_at = (generated_at or utcnow()).astimezone(tz)
    if days is not None and days < 1:
        raise StoreError(f"days: must be 1 or more, got {days}")
    every_entry = checkins.list_for(session, patient_id)
    every_session = exercise_sessions.list_for(session, patient_id)
    every_response = questionnaire_responses.list_for(session, patient_id)
    first_record = _first_record_day(every_entry, every_session, every_response, tz)
    window_start = today - timedelta(days=days - 1) if days else (first_record or today)
    first = (
        max(window_start, first_record) if first_record and first_record <= today else window_start
    )

    rows = [row for row in every_entry if row.day <= today]
    entries = [checkins.to_entry(r) for r in rows]
    all_mornings = [
        _pain_reading(r, tz) for r, e in zip(rows, entries, strict=True) if e.moment == "morning"
    ]
    checks = [
        _daily_check(r, tz)
        for r, e in zip(rows, entries, strict=True)
        if first <= r.day <= today and e.red_flags
    ]
    first_of_day = _first_of_each_day(all_mornings)

    responses = [row for row in every_response if row.day <= today]
    names = {q.id: q for q in questionnaire_set().questionnaires}
    scores = [
        ScoreReading(
            id=row.id,
            instrument=row.instrument,
            name=names[row.instrument].name,
            day=row.day,
            recorded_at=row.recorded_at,
            score=row.score,
            minimum=names[row.instrument].minimum,
            maximum=names[row.instrument].maximum,
            answers=dict(row.answers),
        )
        for row in responses
        if row.instrument in REPORTED_INSTRUMENTS and first <= row.day
    ]

    sessions = sorted(
        (
            played
            for row in every_session
            if first <= (played := _session_line(row, tz)).day <= today
        ),
        key=lambda line: (line.started_at, line.id),
    )

    since = datetime.combine(first - timedelta(days=1), time(0), tzinfo=UTC)
    uses = [
        use
        for use in therapy_uses.list_for(session, patient_id, since=since)
        if first <= use.started_at.astimezone(tz).date() <= today
    ]

    stored = [
        screen
        for row in screenings.list_for(session, patient_id)
        if (screen := _screening_line(row, triage, tz)).day <= today
    ]
    # The latest full screen up to the period's end, however long before its start.
    full = next((screen for screen in reversed(stored) if screen.kind == "full"), None)
    # Screens count from the start of the window, not of the diary: the first full screen is
    # often answered before the first check-in, and a machine export must not lose it.
    screens = [screen for screen in stored if days is None or window_start <= screen.day]
    warnings = [
        line
        for line in screens
        if line.kind == "daily" and line.action != "SELF_CARE" and first <= line.day
    ]

    signals = [s for s in diary.zone_signals(entries) if s.trend is not ZoneTrend.NOT_ENOUGH_DATA]
    active_days = [m.day for m in all_mornings if first <= m.day <= today]
    active_days += [s.day for s in sessions]
    return ReportData(
        patient_ref=patient.public_id,
        install_id=installation.install_id(session),
        period_start=first,
        period_end=today,
        notice=triage.footer,
        screening=full,
        daily_warnings=warnings,
        automatic_progression=program.auto_progression(session, patient_id),
        doses=_doses(session, patient_id, library)
        + _custom_doses(session, patient_id, generated_at.date(), generated_at.tzinfo),
        sessions=sessions,
        adherence=weekly_adherence(sessions, min(active_days, default=today), today),
        mornings=[m for m in all_mornings if first <= m.day <= today],
        first_pain=first_of_day[0] if first_of_day else None,
        latest_pain=first_of_day[-1] if first_of_day else None,
        change_summary=_change_summary(entries, responses),
        scores=scores,
        zone_signals=signals,
        heat_uses=sum(1 for use in uses if use.kind == "heat"),
        cold_uses=sum(1 for use in uses if use.kind == "cold"),
        series=progress_series(
            session, patient_id, today, days=(today - first).days + 1, library=library, tz=tz
        ),
        checks=checks,
        screens=screens,
        generated_at=generated_at,
        app_version=__version__,
    )


def report_for(
    ctx: PatientContext,
    start: date | None = None,
    end: date | None = None,
    library: ExerciseLibrary | None = None,
) -> ReportData:
    """The report of ``start``…``end`` (days in the patient's zone) for the actor of ``ctx``.

    ``end`` defaults to the patient's today and may not be later; ``start`` None means since
    the first record. A clinician's context comes from ``patient_context(db,
    Actor.clinician(id), patient_id)``: the read is checked in ``ctx.unit`` like any other, so
    an unlinked clinician gets ``NotFound``.
    """
    today = ctx.clock.today()
    end = end or today
    if end > today:
        raise InvalidInput("end", f"the period cannot end after today ({today.isoformat()})")
    if start is not None and start > end:
        raise InvalidInput("start", "the period must start on or before its end")
    days = None if start is None else (end - start).days + 1
    with ctx.unit(Permission.READ, what="made your diary report (PDF)") as session:
        return report_data(
            session,
            ctx.patient_id,
            end,
            days=days,
            tz=ctx.clock.zone,
            library=library,
            generated_at=ctx.clock.now(),
        )


def report_pdf_for(
    ctx: PatientContext, start: date | None = None, end: date | None = None
) -> bytes:
    """``report_for`` as the clinician's PDF, laid out after the read transaction has closed.

    ``reports.pdf_report.ReportError`` when the PDF cannot be made.
    """
    from sciatica_care.reports.pdf_report import render_pdf  # WeasyPrint: only for a PDF

    return render_pdf(report_for(ctx, start, end))
