"""Fixtures for CLI tests."""

from __future__ import annotations

import pytest

from sciatica_care.cli import output


@pytest.fixture
def fixed_width_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Golden text must not depend on the terminal the tests run in."""
    monkeypatch.setattr(output.console, "_width", 80)
    monkeypatch.setattr(output.err_console, "_width", 200)
