"""Tables. Each personal-data table has ``patient_id`` (design.md "Store"), cascading on delete."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sciatica_care.store.base import Base, utcnow
from sciatica_care.store.types import JSONDoc, UTCDateTime


def random_id() -> str:
    """A random UUID (version 4, from the OS's secure generator): an identifier that reveals no
    row number and that no other install will ever hand out."""
    return str(uuid.uuid4())


def patient_fk() -> ForeignKey:
    """A fresh foreign key to the patient (a ForeignKey object belongs to one column only)."""
    return ForeignKey("patients.id", ondelete="CASCADE")


class Patient(Base):
    """A person using the app: the local CLI profile, or a web account (email + argon2 hash)."""

    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=random_id)
    """The identifier shown outside this database (FHIR exports): random, never the row id."""
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    recovery_code_hash: Mapped[str | None] = mapped_column(String(255))
    is_local: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disclaimer_acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    program_started_on: Mapped[date | None] = mapped_column(Date)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)


class PatientRevision(Base):
    """A number the database changes whenever any of the patient's data changes (issue 12, speed).

    Written only by the triggers ``store.revisions`` installs (migration 0010), never by our code:
    so no write path, the CLI's, an import's or a future one's, can forget it. A composed read
    view remembered under one revision is therefore never served after the data changed
    (``services.view_cache``). The value is random rather than a counter, so a database put back
    from a backup does not reuse a number for other data.
    """

    __tablename__ = "patient_revisions"

    patient_id: Mapped[int] = mapped_column(patient_fk(), primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger)


class Installation(Base):
    """This install's identity, one row made by migration 0005: its random ``install_id`` is the
    namespace of every identifier the install exports, so two installs never share one."""

    __tablename__ = "installation"

    id: Mapped[int] = mapped_column(primary_key=True)
    install_id: Mapped[str] = mapped_column(String(36), unique=True, default=random_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Clinician(Base):
    """A clinician's account (issue 10): made by the operator (``sciatica admin create-clinician``),
    signs in on the same web app, sees only the patients who linked them (``care_links``)."""

    __tablename__ = "clinicians"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=random_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    setup_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    """SHA-256 of a one-time set-up link's token (the operator hands the link over)."""
    setup_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def clinician_fk() -> ForeignKey:
    return ForeignKey("clinicians.id", ondelete="CASCADE")


class AuthSession(Base):
    """A signed-in browser of a patient or of a clinician (exactly one of the two ids is set).
    Only the token's SHA-256 is stored: a leaked table signs no one in."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int | None] = mapped_column(patient_fk(), index=True)
    clinician_id: Mapped[int | None] = mapped_column(clinician_fk(), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginAttempt(Base):
    """Failed sign-ins per e-mail hash, for the login rate limit (in the database, not memory)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_hash: Mapped[str] = mapped_column(String(64), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Screening(Base):
    """A red-flag and pattern screen (clinical-spec.md §1–2, §8.1–8.2) with its acknowledgement."""

    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(patient_fk(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(16), default="full")
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    result: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    action: Mapped[str] = mapped_column(String(32))
    pattern: Mapped[str | None] = mapped_column(String(32))
    content_version: Mapped[str] = mapped_column(String(32))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ExerciseSession(Base):
    """One guided session. ``client_id`` lets an offline browser re-send it without a duplicate."""

    __tablename__ = "exercise_sessions"
    __table_args__ = (UniqueConstraint("patient_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(patient_fk(), index=True)
    client_id: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    stop_reason: Mapped[str | None] = mapped_column(String(32))
    stop_note: Mapped[str | None] = mapped_column(Text)
    elapsed_s: Mapped[float] = mapped_column(Float, default=0.0)
    final: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    planned_exercises: Mapped[list[str] | None] = mapped_column(JSONDoc)
    progressed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    items: Mapped[list[ExerciseResult]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="ExerciseResult.position",
        lazy="selectin",
    )


class ExerciseResult(Base):
    """What was done of one exercise in a session, and the pain check after it."""

    __tablename__ = "exercise_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("exercise_sessions.id", ondelete="CASCADE"), index=True
    )
    patient_id: Mapped[int] = mapped_column(patient_fk(), index=True)
    position: Mapped[int] = mapped_column(Integer)
    exercise_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer)
    dose: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    sides_done: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    reps_done: Mapped[int] = mapped_column(Integer, default=0)
    holds_done: Mapped[int] = mapped_column(Integer, default=0)
    hold_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    pain: Mapped[int | None] = mapped_column(Integer)
    spread_down_leg: Mapped[bool | None] = mapped_column(Boolean)
    new_numbness_or_weakness: Mapped[bool | None] = mapped_column(Boolean)
    asked_easier: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    session: Mapped[ExerciseSession] = relationship(back_populates="items")


class CheckIn(Base):
    """A diary entry (clinical-spec.md §6 zones, Q1–Q7 daily screen); several a day are allowed."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("patient_id", "client_id"),
        Index("ix_checkins_patient_day", "patient_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(patient_fk(), index=True)
    client_id: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    day: Mapped[date] = mapped_column(Date)
    entry: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    leg_pain: Mapped[int] = mapped_column(Integer)
    back_pain: Mapped[int] = mapped_column(Integer)
    daily_action: Mapped[str | None] = mapped_column(String(32))
    progressed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QuestionnaireResponse(Base):
    """A scored questionnaire (clinical-spec.md §3: SBI, PSFS, GRC)."""

    __tablename__ = "questionnaire_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(patient_fk(), index=True)
    instrument: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    day: Mapped[date] = mapped_column(Date)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    score: Mapped[float] = mapped_column(Float)


class TherapyUse(Base):
    """One heat or cold application (clinical-spec.md §5) with its skin checks."""

    __tablename__ = "therapy_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(patient_fk(), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_s: Mapped[float] = mapped_column(Float)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)


class DoseDecision(Base):
    """A progression decision (clinical-spec.md §4.1–4.2, §8.3) and whether the user accepted it."""

    __tablename__ = "dose_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(patient_fk(), index=True)
    exercise_id: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    action: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="applied")


class ExerciseDose(Base):
    """The current prescription of one exercise for one patient (what the next session uses)."""

    __tablename__ = "exercise_doses"
    __table_args__ = (UniqueConstraint("patient_id", "exercise_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(patient_fk(), index=True)
    exercise_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer)
    dose: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    paused_until: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ShareCode(Base):
    """A one-time code a patient gives a clinician to link them (issue 10 item 2): 24 h, single use.
    Only its SHA-256 is stored."""

    __tablename__ = "share_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(patient_fk(), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CareLink(Base):
    """A patient's permission for one clinician to follow them; ``ended_at`` set = unlinked (kept
    for the patient's record of who saw their data)."""

    __tablename__ = "care_links"
    __table_args__ = (Index("ix_care_links_clinician_patient", "clinician_id", "patient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(patient_fk(), index=True)
    clinician_id: Mapped[int] = mapped_column(clinician_fk())
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """One clinician read or change of a patient's data (issue 10 item 6), shown to the patient.

    The clinician's name is copied in, so the patient's log stays readable after an account goes.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_patient_at", "patient_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(patient_fk())
    clinician_id: Mapped[int | None] = mapped_column(
        ForeignKey("clinicians.id", ondelete="SET NULL"), index=True
    )
    clinician_name: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(16))
    """``read`` or ``change`` (and ``link``/``unlink``)."""
    what: Mapped[str] = mapped_column(String(200))


class ProgramChange(Base):
    """One version of a clinician's prescription (issue 10 item 3): who, when, what, why."""

    __tablename__ = "program_changes"
    __table_args__ = (Index("ix_program_changes_patient_at", "patient_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(patient_fk())
    clinician_id: Mapped[int | None] = mapped_column(
        ForeignKey("clinicians.id", ondelete="SET NULL")
    )
    clinician_name: Mapped[str] = mapped_column(String(120))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc)
    """One entry per thing changed: ``{"field", "exercise", "before", "after", "sentence"}``."""
    prescription: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    """The whole prescription after this change (the version)."""
    reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    """What the clinician wants the patient to read."""


class CustomExercise(Base):
    """An exercise a clinician wrote for one patient: text, optional steps and a dose."""

    __tablename__ = "custom_exercises"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(patient_fk(), index=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    """``custom-`` + random hex: how the program, sessions and exports name it."""
    name: Mapped[str] = mapped_column(String(120))
    instructions: Mapped[str] = mapped_column(Text)
    steps: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    dose: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AlertSeen(Base):
    """A clinician marked an alert about a patient as seen (issue 10 item 5). ``alert_key`` names
    the concern (kind and the newest event it covers), so a newer event raises a new alert."""

    __tablename__ = "alerts_seen"
    __table_args__ = (UniqueConstraint("clinician_id", "patient_id", "alert_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(patient_fk(), index=True)
    clinician_id: Mapped[int] = mapped_column(clinician_fk())
    alert_key: Mapped[str] = mapped_column(String(120))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseloadSummary(Base):
    """Derived, per patient: the last ~35 days in the small shape the clinician dashboard reads
    (issue 10 item 4; ``services.caseload_summary`` writes it after each check-in, session and
    import, and the dashboard rebuilds a missing, stale or other-zone one). Never exported: it is
    recomputed from the tables above, which stay the record."""

    __tablename__ = "caseload_summaries"

    patient_id: Mapped[int] = mapped_column(patient_fk(), primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64))
    """The zone whose local days ``days`` uses (the patient's zone when it was computed)."""
    covers_from: Mapped[date] = mapped_column(Date)
    """The first local day the summary covers; the dashboard's windows start no earlier."""
    days: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    last_checkin_day: Mapped[date | None] = mapped_column(Date)
    last_session_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stale: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Set before an entry is written, cleared by the refresh after it: a refresh that failed
    leaves it set, and the next dashboard read recomputes the summary."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shape: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """The shape of ``days`` (``services.caseload_summary.FORMAT``); a row of another shape
    (0: made before migration 0009) is rebuilt on read."""
    has_events: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    """Whether ``days`` lists RED sessions or peripheralising runs. The dashboard reads the
    ``days`` of a patient without them and without an open red flag only for the rows it shows:
    such a patient has no alert and no concern, whatever the day."""
    last_activity: Mapped[date | None] = mapped_column(Date)
    """The newest local day with a check-in or a session over all time (sorting, "inactive")."""


Index(
    "ix_exercise_sessions_patient_started", ExerciseSession.patient_id, ExerciseSession.started_at
)
