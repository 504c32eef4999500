"""Persistence: SQLAlchemy 2 models, one repository module per aggregate, Alembic migrations.

Every table holding personal data carries ``patient_id`` and every repository function takes the
caller's patient id, so a query can only ever see one person's data (design.md "Store").
"""

from sciatica_care.store.errors import StoreError

__all__ = ["StoreError"]
