"""easier version asked

"This one hurts — give me the easier version" in the guided player (issue 9, item 2): each exercise
result records whether the person asked for it, a pain signal progression reads
(clinical-spec.md §4.1). False for every result made before.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 23:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exercise_results", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("asked_easier", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("exercise_results", schema=None) as batch_op:
        batch_op.drop_column("asked_easier")
