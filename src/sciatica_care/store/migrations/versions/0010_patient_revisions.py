"""patient revisions

Issue 12, every patient page fast: each patient gets a data revision that triggers change after
any write to their data (``store.revisions``), so the app may remember a composed read view until
the data under it changes (``services.view_cache``). Existing patients get a first revision.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sciatica_care.store.revisions import drop_triggers, install_triggers

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patient_revisions",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("patient_id"),
    )
    connection = op.get_bind()
    connection.exec_driver_sql(
        "INSERT INTO patient_revisions (patient_id, revision) SELECT id, 1 FROM patients"
    )
    install_triggers(connection)


def downgrade() -> None:
    drop_triggers(op.get_bind())
    op.drop_table("patient_revisions")
