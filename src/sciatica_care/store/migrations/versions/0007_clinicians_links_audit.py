"""clinicians, links, audit, prescriptions

Issue 10: clinician accounts (signed in through the same ``auth_sessions``, which now hold either a
patient or a clinician), one-time share codes, care links under the patient's control, the audit
log of every clinician read or change, versioned prescriptions, custom exercises and alerts marked
as seen.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import sciatica_care.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clinicians",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("setup_token_hash", sa.String(length=64), nullable=True),
        sa.Column(
            "setup_expires_at", sciatica_care.store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "created_at", sciatica_care.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinicians")),
        sa.UniqueConstraint("email", name=op.f("uq_clinicians_email")),
        sa.UniqueConstraint("public_id", name=op.f("uq_clinicians_public_id")),
        sa.UniqueConstraint("setup_token_hash", name=op.f("uq_clinicians_setup_token_hash")),
    )
    op.create_table(
        "alerts_seen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("alert_key", sa.String(length=120), nullable=False),
        sa.Column("seen_at", sciatica_care.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinician_id"],
            ["clinicians.id"],
            name=op.f("fk_alerts_seen_clinician_id_clinicians"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_alerts_seen_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts_seen")),
        sa.UniqueConstraint(
            "clinician_id", "patient_id", "alert_key", name=op.f("uq_alerts_seen_clinician_id")
        ),
    )
    with op.batch_alter_table("alerts_seen", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_seen_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=True),
        sa.Column("clinician_name", sa.String(length=120), nullable=False),
        sa.Column("at", sciatica_care.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinician_id"],
            ["clinicians.id"],
            name=op.f("fk_audit_events_clinician_id_clinicians"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_audit_events_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_events_clinician_id"), ["clinician_id"], unique=False
        )
        batch_op.create_index("ix_audit_events_patient_at", ["patient_id", "at"], unique=False)

    op.create_table(
        "care_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column(
            "linked_at", sciatica_care.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("ended_at", sciatica_care.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinician_id"],
            ["clinicians.id"],
            name=op.f("fk_care_links_clinician_id_clinicians"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_care_links_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_links")),
    )
    with op.batch_alter_table("care_links", schema=None) as batch_op:
        batch_op.create_index(
            "ix_care_links_clinician_patient", ["clinician_id", "patient_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_care_links_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "custom_exercises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=False),
        sa.Column(
            "steps",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "dose",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at", sciatica_care.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_custom_exercises_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_exercises")),
        sa.UniqueConstraint("key", name=op.f("uq_custom_exercises_key")),
    )
    with op.batch_alter_table("custom_exercises", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_custom_exercises_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "program_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("clinician_id", sa.Integer(), nullable=True),
        sa.Column("clinician_name", sa.String(length=120), nullable=False),
        sa.Column(
            "changed_at", sciatica_care.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "prescription",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinician_id"],
            ["clinicians.id"],
            name=op.f("fk_program_changes_clinician_id_clinicians"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_program_changes_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_changes")),
    )
    with op.batch_alter_table("program_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_program_changes_patient_at", ["patient_id", "changed_at"], unique=False
        )

    op.create_table(
        "share_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at", sciatica_care.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "expires_at", sciatica_care.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("used_at", sciatica_care.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_share_codes_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_share_codes_code_hash")),
    )
    with op.batch_alter_table("share_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_codes_patient_id"), ["patient_id"], unique=False)

    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clinician_id", sa.Integer(), nullable=True))
        batch_op.alter_column("patient_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_auth_sessions_clinician_id"), ["clinician_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_auth_sessions_clinician_id_clinicians"),
            "clinicians",
            ["clinician_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_auth_sessions_clinician_id_clinicians"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_auth_sessions_clinician_id"))
        batch_op.alter_column("patient_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("clinician_id")

    with op.batch_alter_table("share_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_codes_patient_id"))

    op.drop_table("share_codes")
    with op.batch_alter_table("program_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_program_changes_patient_at")

    op.drop_table("program_changes")
    with op.batch_alter_table("custom_exercises", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custom_exercises_patient_id"))

    op.drop_table("custom_exercises")
    with op.batch_alter_table("care_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_links_patient_id"))
        batch_op.drop_index("ix_care_links_clinician_patient")

    op.drop_table("care_links")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_patient_at")
        batch_op.drop_index(batch_op.f("ix_audit_events_clinician_id"))

    op.drop_table("audit_events")
    with op.batch_alter_table("alerts_seen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_seen_patient_id"))

    op.drop_table("alerts_seen")
    op.drop_table("clinicians")
