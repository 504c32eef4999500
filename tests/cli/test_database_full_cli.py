"""`sciatica checkin` on a full disk: one line, exit 2, and nothing of it stored (issue 12 item 7).

The SQLite file is capped at its size (``tests.store.full_disk``), so SQLite itself answers
SQLITE_FULL once a check-in needs one more page. A check-in that raises a daily screen writes two
rows in one transaction: the one refused must leave neither.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from sciatica_care.cli.main import app
from sciatica_care.store.database import make_engine
from sciatica_care.store.models import CheckIn, Screening
from tests.cli.program_story import NO_FLAGS, morning_answers
from tests.store.full_disk import FullDisk

runner = CliRunner()
ATTEMPTS = 300
MESSAGE = "Error: The database is full (no room left on its disk): nothing of this was saved"


def _counts(isolated_data_dir: Path) -> tuple[list[str], int]:
    """(the notes of the stored check-ins, how many daily screens)."""
    engine = make_engine(f"sqlite:///{isolated_data_dir / 'sciatica-care.sqlite3'}")
    with engine.connect() as connection:
        notes = [e["note"] for e in connection.scalars(select(CheckIn.entry).order_by(CheckIn.id))]
        screens = connection.scalar(
            select(func.count()).select_from(Screening).where(Screening.kind == "daily")
        )
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()
    return notes, screens or 0


def test_a_check_in_on_a_full_disk_ends_with_one_line_and_exit_2(
    tmp_path: Path, isolated_data_dir: Path
) -> None:
    urgent = {**NO_FLAGS, "Q1": "yes", "CES_ASSESSED": "yes"}

    def check_in(n: int) -> tuple[int, str, str]:
        note = f"entry {n}: " + "stiff getting up. " * 100
        path = morning_answers(tmp_path, red_flags=urgent, note=note)
        result = runner.invoke(app, ["checkin", "--answers", str(path), "--json"])
        return result.exit_code, result.stderr, note

    saved = [check_in(n)[2] for n in range(2)]
    engine = make_engine(f"sqlite:///{isolated_data_dir / 'sciatica-care.sqlite3'}")
    with FullDisk(engine).watching() as disk:
        disk.fill()
        for n in range(2, ATTEMPTS):
            code, stderr, note = check_in(n)
            if code != 0:
                break
            saved.append(note)
        else:
            pytest.fail("the database never filled up")
    engine.dispose()

    assert code == 2
    assert stderr.strip().splitlines() == [
        f"{MESSAGE}, and what was saved before is safe. Try again once there is space."
    ]
    notes, screens = _counts(isolated_data_dir)
    assert notes == saved, "every check-in saved before is there, the refused one is not"
    assert screens == len(saved), "no check-in without its daily screen, no screen alone"
