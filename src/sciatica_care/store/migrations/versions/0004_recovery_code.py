"""recovery code

Account recovery without e-mail (issue 9): each account has a recovery code, shown once, of which
only the argon2 hash is kept. Null for accounts made before, and for the local CLI profile, until
the person makes one in Settings.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recovery_code_hash", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_column("recovery_code_hash")
