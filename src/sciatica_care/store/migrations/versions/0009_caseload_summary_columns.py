"""caseload summary columns

Issue 10, the clinician dashboard under 200 ms at 5,000 patients: the summary's shape, whether it
holds any event (RED sessions, peripheralising runs) and the last activity become columns, so the
dashboard orders 5,000 patients from small columns and parses the ``days`` document only of the
rows it shows and of the patients with something to say. Existing rows get shape 0 and are
rebuilt by the dashboard's next read (derived data, design.md "Transactions").

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 08:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("caseload_summaries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shape", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("has_events", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("last_activity", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("caseload_summaries", schema=None) as batch_op:
        batch_op.drop_column("last_activity")
        batch_op.drop_column("has_events")
        batch_op.drop_column("shape")
