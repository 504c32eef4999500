"""session versions and derived work

Offline saves and the application layer's two-step transactions (issue 8):

* ``exercise_sessions.final``: a final save is a stored state, never note text; a later, older
  save never overwrites it. Rows saved before had "unfinished: ..." in ``stop_note`` when not final.
* ``exercise_sessions.version``: the client's save counter, so an older copy never replaces a newer.
* ``exercise_sessions.planned_exercises``: what the session set out to do ("2 of 4 exercises").
* ``exercise_sessions.progressed_at`` / ``checkins.progressed_at``: when progression last used the
  row. The entry is committed first; progression runs after and, if it fails, runs again on the
  next read or write. Existing rows are marked as already used.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 20:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sciatica_care.store.types import JSONDoc, UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UNFINISHED_PREFIX = "unfinished:"


def upgrade() -> None:
    with op.batch_alter_table("exercise_sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("final", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("planned_exercises", JSONDoc, nullable=True))
        batch_op.add_column(sa.Column("progressed_at", UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("progressed_at", UTCDateTime(timezone=True), nullable=True))
    sessions = sa.table(
        "exercise_sessions",
        sa.column("final", sa.Boolean()),
        sa.column("stop_note", sa.Text()),
        sa.column("started_at", UTCDateTime()),
        sa.column("progressed_at", UTCDateTime()),
    )
    op.execute(
        sessions.update()
        .where(sessions.c.stop_note.like(UNFINISHED_PREFIX + "%"))
        .values(final=False)
    )
    op.execute(sessions.update().values(progressed_at=sessions.c.started_at))
    checkins = sa.table(
        "checkins",
        sa.column("recorded_at", UTCDateTime()),
        sa.column("progressed_at", UTCDateTime()),
    )
    op.execute(checkins.update().values(progressed_at=checkins.c.recorded_at))


def downgrade() -> None:
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_column("progressed_at")
    with op.batch_alter_table("exercise_sessions", schema=None) as batch_op:
        batch_op.drop_column("progressed_at")
        batch_op.drop_column("planned_exercises")
        batch_op.drop_column("version")
        batch_op.drop_column("final")
