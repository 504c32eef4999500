"""caseload summaries

Issue 10, the clinician dashboard at 5,000 patients × a year: one derived row per patient with the
last ~35 local days in the small shape the dashboard reads (``services.caseload_summary``), and an
index on sessions by patient and start for its refresh and for "last activity". The table starts
empty: the dashboard builds a missing summary on its first read (design.md "Transactions").

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import sciatica_care.store.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "caseload_summaries",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("covers_from", sa.Date(), nullable=False),
        sa.Column(
            "days",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("last_checkin_day", sa.Date(), nullable=True),
        sa.Column(
            "last_session_at", sciatica_care.store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("stale", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column(
            "updated_at", sciatica_care.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_caseload_summaries_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_caseload_summaries")),
    )
    with op.batch_alter_table("exercise_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_exercise_sessions_patient_started", ["patient_id", "started_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("exercise_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_exercise_sessions_patient_started")

    op.drop_table("caseload_summaries")
