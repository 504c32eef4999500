"""numbness at pain check

The pain check after each exercise also asks about new numbness, tingling or weakness
(clinical-spec.md §4.1 RED); the answer is kept per exercise result. Null for results saved
before the question existed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 13:10:54.595212
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exercise_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("new_numbness_or_weakness", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exercise_results", schema=None) as batch_op:
        batch_op.drop_column("new_numbness_or_weakness")
