"""install and patient public ids

FHIR exports that a record system can trust (issue 10, item 7 b): identifiers and ``urn:uuid``s
must be globally unique, never row numbers ("patient-1" on every install merged two people's
records). This adds:

* ``installation``: one row holding this install's random ``install_id`` (a UUID made here, once,
  so every database gets its own), the namespace of everything the install exports;
* ``patients.public_id``: a random UUID per patient, backfilled for every existing row, unique.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from sciatica_care.store.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    installation = op.create_table(
        "installation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("install_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installation")),
        sa.UniqueConstraint("install_id", name=op.f("uq_installation_install_id")),
    )
    op.bulk_insert(
        installation,
        [{"id": 1, "install_id": str(uuid.uuid4()), "created_at": datetime.now(UTC)}],
    )

    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_id", sa.String(length=36), nullable=True))
    patients = sa.table("patients", sa.column("id", sa.Integer()), sa.column("public_id"))
    connection = op.get_bind()
    for (patient_id,) in connection.execute(sa.select(patients.c.id)).all():
        connection.execute(
            patients.update().where(patients.c.id == patient_id).values(public_id=str(uuid.uuid4()))
        )
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.alter_column("public_id", existing_type=sa.String(length=36), nullable=False)
        batch_op.create_unique_constraint(op.f("uq_patients_public_id"), ["public_id"])


def downgrade() -> None:
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_patients_public_id"), type_="unique")
        batch_op.drop_column("public_id")
    op.drop_table("installation")
