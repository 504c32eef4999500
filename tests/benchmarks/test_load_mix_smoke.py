"""The load mix (benchmarks/load_mix.py, issue 12 item 8) asks every route of a patient's visit and
of the clinician's, and the real server answers every one with 2xx or 3xx; the writes it plays are
real. A smoke test at a tiny rate, on four patients with short histories: no timing is asserted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from benchmarks.load import SECRET
from benchmarks.load_mix import MixPatient, is_error, play, seed, sign_in_all
from benchmarks.load_mix_traffic import CHECK_IN, FINAL, ROUTES
from benchmarks.load_servers import serve_app
from sqlalchemy import text

from sciatica_care.config import Settings
from sciatica_care.store.database import open_database

HISTORIES = (5, 20)


@dataclass(frozen=True)
class Seeded:
    data_dir: Path
    patients: list[MixPatient]
    checkins_by_patient: dict[int, int]
    results_of_other_patients_sessions: int
    links: int


def _count(data_dir: Path, sql: str) -> list[tuple[int, ...]]:
    db = open_database(Settings(data_dir=data_dir, secret_key=SECRET))
    try:
        with db.session() as session:
            return [tuple(row) for row in session.execute(text(sql)).all()]
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """Four patients (two seeded through the app, two copied from them), read right after."""
    data_dir = tmp_path_factory.mktemp("mix") / "data"
    patients = seed(data_dir, patients=4, histories=HISTORIES)
    checkins = _count(data_dir, "SELECT patient_id, count(*) FROM checkins GROUP BY patient_id")
    elsewhere = _count(
        data_dir,
        "SELECT count(*) FROM exercise_results r JOIN exercise_sessions s "
        "ON s.id = r.session_id WHERE s.patient_id != r.patient_id",
    )
    links = _count(data_dir, "SELECT count(*) FROM care_links WHERE ended_at IS NULL")
    by_patient = {patient_id: count for patient_id, count in checkins}
    return Seeded(data_dir, patients, by_patient, elsewhere[0][0], links[0][0])


def test_copied_patients_hold_their_originals_history_and_are_linked(seeded: Seeded) -> None:
    assert [p.days for p in seeded.patients] == [5, 20, 5, 20]
    assert len({p.public_id for p in seeded.patients}) == 4
    assert sorted(seeded.checkins_by_patient.values()) == [5, 5, 20, 20]
    assert seeded.results_of_other_patients_sessions == 0
    assert seeded.links == 4


def test_the_mix_asks_every_route_and_all_are_answered_without_errors(
    seeded: Seeded, tmp_path: Path
) -> None:
    stored = "SELECT (SELECT count(*) FROM checkins), (SELECT count(*) FROM exercise_sessions WHERE final)"
    (before,) = _count(seeded.data_dir, stored)
    with serve_app(seeded.data_dir, SECRET) as base:
        mix = {"base": base, **sign_in_all(base, seeded.patients)}
        opened = play(mix | {"mode": "open", "rate": 10, "duration": 6, "warm_up": 0}, tmp_path)
        (after,) = _count(seeded.data_dir, stored)
        closed = play(mix | {"mode": "closed", "duration": 1, "connections": 2}, tmp_path)
        signed_out = [p | {"cookie": "sc_session=ended"} for p in mix["patients"]]
        refused = play(
            mix | {"patients": signed_out, "mode": "open", "rate": 10, "duration": 1}, tmp_path
        )

    asked = Counter(record[0] for record in opened)
    assert set(asked) == set(ROUTES)
    assert {record[1] for record in opened} == {0, *HISTORIES}  # the clinician, both histories
    assert closed
    problems = [r for r in opened + closed if r[2] is None or is_error(r[3])]
    assert problems == []
    # Every posted form is a new check-in and every final save a new finished session (the open
    # loop waits for all its answers; the closed one stops counting mid-request).
    assert after == (before[0] + asked[CHECK_IN], before[1] + asked[FINAL])
    # A page that sends the browser to sign in is an error, not an answer.
    patients_asked = [r for r in refused if r[1] != 0]
    assert patients_asked
    assert all(is_error(r[3]) for r in patients_asked)
    assert any(str(r[3]).startswith("303 to /login") for r in patients_asked)
