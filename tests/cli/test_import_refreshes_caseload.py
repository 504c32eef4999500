"""`sciatica import` on a clinic's database: the linked clinician's caseload shows the imported
days on their next read (issue 10 item 4; the import is ``services.portability``'s use case, which
rebuilds the caseload summary after it, as after any entry)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from sciatica_care.cli import local
from sciatica_care.cli.main import app
from sciatica_care.config import Settings
from sciatica_care.services.clock import Clock
from sciatica_care.store import patients
from sciatica_care.store.database import Database
from sciatica_care.web.app import create_app
from tests.services.caseload_story import NOW, TODAY
from tests.services.import_story import LEG_PAIN, beas_export
from tests.web.clinic import Clinician, clinician_client, link


@pytest.fixture
def on_the_clinic_database(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI works on the test database, in London, at ``NOW``."""
    monkeypatch.setenv("DATABASE_URL", database.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("TZ", "Europe/London")
    monkeypatch.setattr(
        local, "machine_clock", lambda: Clock(ZoneInfo("Europe/London"), lambda: NOW)
    )


@pytest.fixture
def clinician(database: Database, tmp_path: Path) -> Iterator[Clinician]:
    """A clinician signed in on the clinic's web app (at ``NOW``), linked to no one yet."""
    url = database.engine.url.render_as_string(hide_password=False)
    web_app = create_app(Settings(data_dir=tmp_path, database_url=url, secret_key="test-secret"))
    web_app.state.now = lambda: NOW
    with clinician_client(web_app, database) as signed_in:
        yield signed_in


def test_a_cli_import_shows_on_the_clinicians_caseload(
    database: Database, clinician: Clinician, on_the_clinic_database: None, tmp_path: Path
) -> None:
    with database.session() as session:
        me = patients.local_patient_id(session)
        patients.update_settings(session, me, timezone="Europe/London")
    link(database, me, clinician.id)
    before = clinician.client.get("/api/clinician/patients").json()["rows"][0]
    assert before["last_activity"] is None  # the summary is made and kept here
    export = tmp_path / "bea.json"
    export.write_text(json.dumps(beas_export(database)), encoding="utf-8")

    result = CliRunner().invoke(app, ["import", str(export), "--yes", "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["checkins"] == 3
    (row,) = clinician.client.get("/api/clinician/patients").json()["rows"]
    assert row["last_activity"] == TODAY.isoformat()
    assert row["leg_pain"]["last_7_days_mean"] == LEG_PAIN
