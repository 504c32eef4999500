"""Questions in the terminal (Rich prompts) that re-ask until the answer fits.

Every command that asks things (check-in, questionnaires, heat and cold) uses these, so a wrong
key always gets the same short hint and the end of input always means "stopped, nothing saved".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from rich.console import Console
from rich.markup import escape
from rich.prompt import Prompt

from sciatica_care.domain.replies import Answer

T = TypeVar("T")

YES_NO_UNSURE: dict[str, Answer] = {
    "y": "yes",
    "yes": "yes",
    "n": "no",
    "no": "no",
    "u": "unsure",
    "unsure": "unsure",
    "not sure": "unsure",
    "?": "unsure",
}
"""clinical-spec.md §1: "not sure" is a valid answer to a safety question and counts as yes."""
YES_NO = {key: value for key, value in YES_NO_UNSURE.items() if value != "unsure"}


class InputEnded(Exception):
    """The person ended the questions (end of input); the caller saves nothing."""


def _ask(out: Console, question: str) -> str:
    try:
        return Prompt.ask(escape(question), console=out).strip()
    except EOFError:
        raise InputEnded from None


def ask_number(out: Console, question: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high``."""
    while True:
        reply = _ask(out, f"{question} ({low}-{high})")
        try:
            value = int(reply)
        except ValueError:
            value = low - 1
        if low <= value <= high:
            return value
        out.print(f"Please type a whole number from {low} to {high}.")


def ask_choice(out: Console, question: str, choices: Mapping[str, T], hint: str) -> T:
    """One of ``choices`` (typed key → stored value), case-insensitive."""
    while True:
        reply = _ask(out, question).lower()
        if reply in choices:
            return choices[reply]
        out.print(hint)


def ask_yes_no(out: Console, question: str, unsure: bool = True) -> Answer:
    """ "yes", "no" (or "unsure" when allowed: not sure counts as yes for safety questions)."""
    if unsure:
        return ask_choice(out, f"{question} [y/n/u]", YES_NO_UNSURE, "Please type y, n or u.")
    return ask_choice(out, f"{question} [y/n]", YES_NO, "Please type y or n.")


def ask_text(out: Console, question: str, max_length: int) -> str | None:
    """Free text; an empty answer means none."""
    while True:
        reply = _ask(out, f"{question} (Enter to skip)")
        if len(reply) <= max_length:
            return reply or None
        out.print(f"Please keep it under {max_length} characters.")
