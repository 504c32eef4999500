"""``sciatica screen``: the red-flag and pattern questions, then what to do (clinical-spec.md §1, §2).

Interactive by default: one question at a time, in the order of ``content/triage.yaml``. With
``--answers FILE`` it screens the §8.1 JSON without asking; ``--json`` prints the §8.2 result.
``--recheck`` asks only Q1–Q10, the safety questions owed after a session stopped for pain or new
symptoms (§9 ruling 5). An emergency outcome shows the action first, in a high-contrast panel with
one reason and nothing about exercises (§7.2), and then asks for the acknowledgement.

When asking:

* Q1–Q7 are asked as a block; after a yes to any of them, the "already checked" follow-up names
  the items answered yes (§9 ruling 1). Then, if the answers so far still mean "go to an emergency
  department now", that is shown at once, before Q8 (§1, §7.2); likewise for any later answer.
* After an emergency the person may stop (the answers so far are saved as a ``partial`` screen,
  which locks the program like any emergency screen) or answer the rest for their clinician.
* A yes to S5 (leg weakness) after a "no" to Q8 asks Q8 again (§9 ruling 3).

The use cases live in ``services.screening``; this module asks, shows and calls them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from sciatica_care.cli.local import local_context
from sciatica_care.cli.output import (
    JsonOption,
    console,
    fail,
    print_json,
    read_json_file,
)
from sciatica_care.cli.prompts import YES_NO, YES_NO_UNSURE
from sciatica_care.content.emergency_numbers import emergency_numbers
from sciatica_care.content.triage import Question, QuestionKind, Triage, triage_content
from sciatica_care.domain.emergency_calls import country_from_locale, emergency_calls
from sciatica_care.domain.screening import (
    RECHECK_ITEMS,
    Action,
    DailyResult,
    Reason,
    Reply,
    ScreeningResult,
    action_message,
    ask_again,
    assessed_topics,
    locks_program,
    screen_so_far,
    should_ask,
    unlock_question,
)
from sciatica_care.services import screening
from sciatica_care.services.gate import GateState
from sciatica_care.services.screening import InvalidAnswers, SavedScreen

_YES_NO = YES_NO_UNSURE
_ONLY_YES_NO = YES_NO
_STYLES = {
    Action.URGENT_24_48H: "bold yellow",
    Action.ROUTINE: "bold cyan",
    Action.SELF_CARE: "bold green",
}
_EMERGENCY_STYLE = "bold white on dark_red"
UNLOCKED = "Thank you. Follow the advice your doctor gave you. The program is unlocked."


class _Stopped(Exception):
    """The person ended the questions early (end of input)."""


@dataclass(frozen=True)
class _EarlyEmergency:
    """The questions stopped after an emergency answer: the answers so far."""

    answers: dict[str, object]


def screen(
    answers_file: Path | None = typer.Option(
        None,
        "--answers",
        help="Screen from a JSON file of answers (clinical-spec.md §8.1) instead of asking.",
    ),
    recheck: bool = typer.Option(
        False,
        "--recheck",
        help="Only the safety questions Q1-Q10, owed after a session stopped for pain or new "
        "symptoms.",
    ),
    json_output: bool = JsonOption,
) -> None:
    """Answer the safety questions and see what to do next. Not a diagnosis."""
    triage = triage_content()
    if answers_file is None:
        if json_output:
            fail("--json needs --answers FILE (the questions are asked in text only)")
        asked = _ask_all(triage, RECHECK_ITEMS if recheck else None)
        if isinstance(asked, _EarlyEmergency):
            saved = _submit(asked.answers, "answers", recheck=False, partial=True)
            _acknowledge(saved, triage, asked.answers)
            return
        data: object = asked
    else:
        data = read_json_file(answers_file)
    where = answers_file.name if answers_file else "answers"
    saved = _submit(data, where, recheck=recheck)
    if json_output:
        print_json(saved.result.model_dump(mode="json"))
        return
    show_result(saved.result, triage)
    if locks_program(saved.action):
        if answers_file is None:
            assert isinstance(data, Mapping)
            _acknowledge(saved, triage, data)
        else:
            console.print(Text(triage.lock_notice, style="bold"))


def _submit(data: object, where: str, *, recheck: bool, partial: bool = False) -> SavedScreen:
    """Save through the use case; bad answers end the command naming each item (exit 2)."""
    if not isinstance(data, Mapping):
        fail(f'{where}: answers: must be an object keyed by item id, like {{"Q1": "no"}}')
    with local_context() as ctx:
        try:
            if recheck:
                return screening.submit_recheck(ctx, data)
            return screening.submit_screen(ctx, data, partial=partial)
        except InvalidAnswers as exc:
            fail(f"{where}: {exc.message}")


# --- asking ----------------------------------------------------------------------------------------


def _ask_all(triage: Triage, items: tuple[str, ...] | None) -> dict[str, object] | _EarlyEmergency:
    """Ask each question that applies (only ``items`` when given), in the order of the content.

    The Q1–Q7 block is judged after its "already checked" follow-up; after that, the first answer
    that makes the answers so far an emergency shows it at once (§7.2) and the person chooses
    whether to answer the rest for their clinician.
    """
    console.print(Text("Safety questions", style="bold"))
    console.print(
        "Answer each question with y (yes), n (no) or u (not sure). Not sure counts as yes.\n"
    )
    questions = [q for q in triage.questions if items is None or q.id in items]
    intros = {section.id: section.intro for section in triage.sections}
    block = set(triage.assessed.items)
    answers: dict[str, object] = {}
    shown = False
    section = ""
    try:
        for question in questions:
            if not should_ask(question, answers, triage):
                continue
            if question.section != section:
                section = question.section
                console.print(Text(intros[section], style="bold"))
            if question.id == triage.assessed.flag:
                _name_assessed_items(answers, triage)
            answers[question.id] = _ask(question, triage)
            _ask_again(question, questions, answers, triage)
            if question.id in block or shown:
                continue
            so_far = screen_so_far(answers, triage)
            if locks_program(so_far.action):
                shown = True
                if not _continue_after_emergency(so_far, triage):
                    return _EarlyEmergency(answers)
    except _Stopped:
        so_far = screen_so_far(answers, triage)
        if locks_program(so_far.action):
            if not shown:  # stopped inside the Q1–Q7 block: the emergency still comes first
                console.print()
                show_emergency(so_far.top_reason, triage)
            return _EarlyEmergency(answers)
        fail("the questions were stopped before the end; nothing was saved")
    console.print()
    return answers


def _name_assessed_items(answers: Mapping[str, object], triage: Triage) -> None:
    """§9 ruling 1: the follow-up is asked once for the block, naming the items answered yes."""
    console.print(Text("You said yes to:"))
    for topic in assessed_topics(answers, triage):
        console.print(Text(f"- {topic}"))


def _ask_again(
    question: Question, questions: list[Question], answers: dict[str, object], triage: Triage
) -> None:
    """§9 ruling 3: after a yes to S5, a "no" to Q8 is asked again, then its follow-ups."""
    again = ask_again(question, answers, triage)
    if again is None:
        return
    console.print(Text(question.asks_again_note or "", style="bold"))
    answers[again.id] = _ask(again, triage)
    for follow_up in questions:
        if (
            follow_up.asked_if is not None
            and follow_up.id not in answers
            and should_ask(follow_up, answers, triage)
        ):
            answers[follow_up.id] = _ask(follow_up, triage)


def _continue_after_emergency(result: DailyResult, triage: Triage) -> bool:
    """Show the emergency now, then ask whether to go on (default no: getting help comes first)."""
    console.print()
    show_emergency(result.top_reason, triage)
    try:
        reply = _read_choice(
            "Do you want to answer the remaining questions for your clinician? y / n: ",
            _ONLY_YES_NO,
            "Please type y or n.",
            default="no",
        )
    except _Stopped:
        return False
    return reply == "yes"


def _ask(question: Question, triage: Triage) -> object:
    console.print(Text(question.text))
    if question.help:
        console.print(Text(question.help, style="dim"))
    if question.kind is QuestionKind.YES_NO:
        return _read_choice("y / n / u: ", _YES_NO, "Please type y, n or u.")
    if question.kind is QuestionKind.NUMBER:
        low, high = question.min or 0, question.max or 0
        return _read_number(f"A number from {low} to {high}: ", low, high)
    return _ask_body_map(triage)


def _ask_body_map(triage: Triage) -> dict[str, dict[str, int]]:
    legend = Table(show_header=False, box=None, padding=(0, 2))
    for zone in triage.zones:
        legend.add_row(zone)
    console.print(legend)
    body_map: dict[str, dict[str, int]] = {}
    for side in ("left", "right"):
        body_map[side] = {
            "pain": _read_number(f"{side.capitalize()} leg, pain reaches zone (0-5): ", 0, 5),
            "numbness": _read_number(
                f"{side.capitalize()} leg, numbness reaches zone (0-5): ", 0, 5
            ),
        }
    return body_map


def _read_line(prompt: str) -> str:
    try:
        return console.input(prompt).strip().lower()
    except EOFError:
        raise _Stopped from None


def _read_choice(prompt: str, choices: Mapping[str, str], hint: str, default: str = "") -> str:
    while True:
        reply = _read_line(prompt)
        if not reply and default:
            return default
        if reply in choices:
            return choices[reply]
        console.print(hint)


def _read_number(prompt: str, low: int, high: int) -> int:
    while True:
        reply = _read_line(prompt)
        if reply.isdigit() and low <= int(reply) <= high:
            return int(reply)
        console.print(f"Please type a whole number from {low} to {high}.")


# --- showing the outcome ---------------------------------------------------------------------------


def show_result(result: ScreeningResult | DailyResult, triage: Triage) -> None:
    """Print the outcome: the action first; an emergency shows one reason and nothing more. A
    re-check (``DailyResult``) has no pattern to show."""
    if result.action is Action.EMERGENCY_NOW:
        show_emergency(result.top_reason, triage)
        return
    message = action_message(result.action, triage)
    style = _STYLES[result.action]
    body = Text()
    body.append(message.headline + "\n", style=style)
    body.append(f"When: {message.by_when}\n\n")
    body.append("\n".join(f"- {line}" for line in message.what_to_do))
    if result.reasons:
        body.append("\n\nWhy:\n")
        body.append("\n".join(f"- {reason.text}" for reason in result.reasons))
    console.print(Panel(body, border_style=style, padding=(1, 2)))
    if isinstance(result, ScreeningResult):
        console.print(Text(result.pattern_text))
    if result.action is not Action.URGENT_24_48H:
        console.print(Text(triage.reassurance))
    console.print(Text(triage.footer, style="dim"))


def show_emergency(reason: Reason | None, triage: Triage) -> None:
    """§7.2: the emergency action first, by when, one reason naming the answer, the numbers to
    call; nothing about exercises or the pattern."""
    message = action_message(Action.EMERGENCY_NOW, triage)
    body = Text()
    body.append(message.headline + "\n", style="bold")
    body.append(message.by_when + "\n\n")
    for call in emergency_calls(terminal_country(), emergency_numbers()):
        body.append(f"{call.label}", style="bold")
        body.append(f" ({call.where})\n")
    body.append("\n")
    if reason:
        body.append(f"Why: {reason.text}\n\n")
    body.append("\n".join(f"- {line}" for line in message.what_to_do))
    console.print(Panel(body, title="EMERGENCY", style=_EMERGENCY_STYLE, padding=(1, 2)))


def terminal_country() -> str | None:
    """The country of this computer's language setting (LC_ALL, LC_MESSAGES or LANG, e.g.
    en_GB.UTF-8): whose emergency number comes first (clinical-spec.md §9 ruling 10)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        country = country_from_locale(os.environ.get(name))
        if country:
            return country
    return None


def _acknowledge(saved: SavedScreen, triage: Triage, answers: Mapping[str, Any]) -> None:
    """Ask for the §1 acknowledgement, then the §9 ruling 1 question that lifts the lock.

    When the "already checked" follow-up was just answered no (or not sure), the unlock question
    would ask the same thing again: the lock stays without asking.
    """
    try:
        read = _read_choice(
            "Have you read this, and will you get help now? y / n: ",
            _ONLY_YES_NO,
            "Please type y or n.",
        )
        if read != "yes":
            console.print(Text(action_message(Action.EMERGENCY_NOW, triage).headline, style="bold"))
            console.print(Text(triage.lock_notice))
            return
        assessed = "no"
        if answers.get(triage.assessed.flag) not in (Reply.NO, Reply.UNSURE):
            assessed = _read_choice(
                f"{unlock_question(triage)} y / n: ", _ONLY_YES_NO, "Please type y or n."
            )
    except _Stopped:
        console.print(Text(triage.lock_notice))
        return
    with local_context() as ctx:
        screening.acknowledge(ctx, saved.id, got_help=True, assessed_no_worse=assessed == "yes")
        unlocked = screening.gate(ctx).state is not GateState.LOCKED
    if assessed == "yes" and unlocked:
        console.print(UNLOCKED)
    else:
        console.print(Text(triage.lock_notice))


def register(app: typer.Typer) -> None:
    app.command()(screen)
