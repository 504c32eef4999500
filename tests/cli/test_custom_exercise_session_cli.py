"""A clinician's custom exercise in ``sciatica session`` (scripted stdin), then ``sciatica history``
and the clinician's patient page on the same database (``tests/custom_exercise_story.py``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import typer
from typer.testing import CliRunner, Result

from sciatica_care.cli import session as session_cli
from sciatica_care.config import Settings
from sciatica_care.store import patients
from sciatica_care.store.database import Database, open_database
from sciatica_care.web.app import create_app
from tests.custom_exercise_story import (
    GLIDE,
    GLIDE_PAIN,
    SEED_EXERCISES,
    check_clinician_sees,
    check_saved_session,
    client_get,
    prescribe_glide,
)
from tests.web.clinic import Clinician, clinician_client, link

pytestmark = pytest.mark.usefixtures("screened")

FAST = ["--speed", "100000"]
ONE_EXERCISE = "\n{pain}\nn\nn\n"
"""Ready at its instructions, then the pain check: score, no spread, no new numbness."""
WHOLE_SESSION = "\n" + ONE_EXERCISE.format(pain=1) * len(SEED_EXERCISES)
WHOLE_SESSION += ONE_EXERCISE.format(pain=GLIDE_PAIN)


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    session_cli.register(app)
    return app


@pytest.fixture
def local_db() -> Iterator[Database]:
    db = open_database()
    yield db
    db.dispose()


@pytest.fixture
def sam(local_db: Database) -> Iterator[Clinician]:
    """A clinician signed in to the web app on the CLI's own database."""
    web = create_app(Settings(secret_key="cli-test"))
    with clinician_client(web, local_db) as clinician:
        yield clinician


@pytest.fixture
def glide(local_db: Database, sam: Clinician) -> tuple[str, str]:
    """The local person linked Sam, who prescribed the glide: (glide key, the person's public id)."""
    with local_db.session() as session:
        patient_id = patients.local_patient_id(session)
    public_id = link(local_db, patient_id, sam.id)
    return prescribe_glide(local_db, patient_id, sam.id), public_id


def invoke(app: typer.Typer, args: list[str], answers: str = "") -> Result:
    return CliRunner().invoke(app, args, input=answers, catch_exceptions=False)


def test_the_glide_is_guided_saved_and_seen_by_patient_and_clinician(
    app: typer.Typer, glide: tuple[str, str], sam: Clinician
) -> None:
    key, public_id = glide

    result = invoke(app, ["session", *FAST, "--json"], WHOLE_SESSION)

    assert result.exit_code == 0, result.output
    flow = result.stderr
    for line in [
        "Today: 5 exercises",
        f"{GLIDE.name}: 3 reps, each side.",
        f"{GLIDE.name} (your clinician's exercise)",
        GLIDE.instructions,
        "2. Straighten the knee slowly.",
        "Sharp pain, or pain that spreads down your leg",
        "First side: right. 1 of 3: Move",
        "Now switch sides: left",
        "Session complete. Well done.",
    ]:
        assert line in flow, line
    record = json.loads(result.stdout)
    check_saved_session(record, key)
    assert key not in {d["exercise"] for d in record["progression"]["decisions"]}

    history = invoke(app, ["history", "--json"])
    latest = json.loads(history.stdout)[0]
    check_saved_session(latest, key)
    assert latest["items"][-1]["name"] == GLIDE.name

    check_clinician_sees(client_get(sam.client), public_id, key)


def test_a_red_pain_check_after_the_glide_stops_the_session(
    app: typer.Typer, glide: tuple[str, str]
) -> None:
    key, _ = glide
    answers = "\n" + ONE_EXERCISE.format(pain=1) * len(SEED_EXERCISES) + ONE_EXERCISE.format(pain=8)

    result = invoke(app, ["session", *FAST, "--json"], answers)

    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert (record["status"], record["stop_reason"]) == ("stopped", "pain")
    assert record["items"][-1]["exercise_id"] == key
    assert "Stop. Pain that spreads down your leg or sharp pain means stop" in result.stderr
