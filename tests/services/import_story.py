"""An export to import in tests: Bea's last three mornings in London (leg pain 4), made through
the services at ``caseload_story.NOW`` and exported as ``sciatica export`` writes it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sciatica_care.services import portability
from sciatica_care.store.database import Database
from tests.services.caseload_story import NOW, TODAY, at, check_in, patient

LEG_PAIN = 4


def beas_export(db: Database) -> dict[str, Any]:
    """Bea's whole export: a calm safety check a month ago and check-ins on the last 3 days."""
    bea = patient(db, "bea@example.org", None)
    for days_ago in (2, 1, 0):
        check_in(db, bea, TODAY - timedelta(days=days_ago), leg=LEG_PAIN)
    document = portability.export_document(at(db, bea, NOW))
    return json.loads(json.dumps(document))
