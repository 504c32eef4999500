"""The CLI wraps its text at spaces at any terminal width (issue 9 item 9).

Each scenario is run twice in fresh data folders: at the width under test and at a width nothing
needs wrapping at. The same words must come out (a word cut in two, "posi / tion", or cut off with
"…" would not) and no line may be wider than the terminal (the terminal would cut it anywhere).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from sciatica_care.cli import output
from sciatica_care.cli.main import app
from sciatica_care.domain.screening import screen
from sciatica_care.store import patients, screenings
from sciatica_care.store.base import utcnow
from sciatica_care.store.database import open_database
from tests.data_answers import SELF_CARE_ANSWERS

ANSWERS = Path(__file__).parents[1] / "data" / "screening_answers"
FAST = ["--speed", "100000"]
# intro; pelvic tilt and knee to chest done (ready, pain, spread, numbness); stop key, reason 3
STOPPED_AFTER_TWO = "\n" + "\n2\nn\nn\n" + "\n3\nn\nn\n" + "s\n3\n"
WIDE = 1000
BOX = "│╭╮╰╯─┃━┏┓┗┛┡┩└┘┌┐├┤┬┴┼╇╈═║╿╽┳┻╋ "

Step = tuple[list[str], str | None]
SCENARIOS: dict[str, list[Step]] = {
    "screen result": [(["screen", "--answers", str(ANSWERS / "urgent.json")], None)],
    "exercises show": [(["exercises", "show", "bird-dog"], None)],
    "session summary and history": [
        (["session", *FAST], STOPPED_AFTER_TWO),
        (["history"], None),
    ],
    "plan": [(["plan"], None)],
}


def _screened_yesterday() -> None:
    db = open_database()
    try:
        with db.session() as s:
            pid = patients.local_patient_id(s)
            at = utcnow() - timedelta(days=1)
            screenings.save(s, pid, SELF_CARE_ANSWERS, screen(SELF_CARE_ANSWERS), at=at)
    finally:
        db.dispose()


def _echoing(out: Console) -> Callable[..., str]:
    """``Console.input`` that ends the line, as a terminal does when Enter is pressed."""
    original = out.input

    def ask(*args: Any, **kwargs: Any) -> str:
        answer = original(*args, **kwargs)
        out.line()
        return answer

    return ask


def _run(steps: list[Step], width: int, folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The output of ``steps`` at ``width``, in a data folder of their own."""
    monkeypatch.setenv("SCIATICA_DATA_DIR", str(folder))
    monkeypatch.setattr(output.console, "_width", width)
    monkeypatch.setattr(output.err_console, "_width", width)
    for out in (output.console, output.err_console):
        monkeypatch.setattr(out, "input", _echoing(out))
    _screened_yesterday()
    outputs = []
    for args, answers in steps:
        result = CliRunner().invoke(app, args, input=answers, catch_exceptions=False)
        outputs.append(result.stdout)
    return "".join(outputs)


def _words(text: str) -> Counter[str]:
    words = (word.strip(BOX) for word in text.split())
    return Counter(re.sub(r"\d\d:\d\d", "hh:mm", word) for word in words if word)


@pytest.mark.parametrize("width", [40, 60, 100])
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_text_wraps_at_spaces(
    name: str, width: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    narrow = _run(SCENARIOS[name], width, tmp_path / "narrow", monkeypatch)
    wide = _run(SCENARIOS[name], WIDE, tmp_path / "wide", monkeypatch)

    too_long = [line for line in narrow.splitlines() if cell_len(line.rstrip()) > width]
    assert too_long == []
    assert "…" not in narrow
    assert _words(narrow) == _words(wide)
