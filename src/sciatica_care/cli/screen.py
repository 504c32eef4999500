"""``sciatica screen``: the red-flag and pattern questions, then what to do (clinical-spec.md §1, §2).

Interactive by default: one question at a time, in the order of ``content/triage.yaml``. With
``--answers FILE`` it screens the §8.1 JSON without asking; ``--json`` prints the §8.2 result.
An emergency outcome shows the action first, in a high-contrast panel with one reason and nothing
about exercises (§7.2), and then asks for the acknowledgement that unlocks the program.

When asking, an answer that already means "go to an emergency department now" shows that panel at
once (§1, §7.2), then offers the rest of the questions for the clinician; a "no" saves the answers
so far as a ``partial`` screening, which locks the program like any emergency screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from sciatica_care.cli.local import local_unit_of_work
from sciatica_care.cli.output import (
    JsonOption,
    console,
    fail,
    print_json,
    read_json_file,
)
from sciatica_care.content.triage import Question, QuestionKind, Triage, triage_content
from sciatica_care.domain.screening import (
    Action,
    DailyResult,
    Reason,
    ScreeningError,
    ScreeningResult,
    action_message,
    locks_program,
    parse_answers,
    screen_so_far,
    should_ask,
)
from sciatica_care.domain.screening import screen as screen_answers
from sciatica_care.store import screenings

_YES_NO = {
    "y": "yes",
    "yes": "yes",
    "n": "no",
    "no": "no",
    "u": "unsure",
    "unsure": "unsure",
    "not sure": "unsure",
    "?": "unsure",
}
_STYLES = {
    Action.URGENT_24_48H: "bold yellow",
    Action.ROUTINE: "bold cyan",
    Action.SELF_CARE: "bold green",
}
_EMERGENCY_STYLE = "bold white on dark_red"


class _Stopped(Exception):
    """The person ended the questions early (end of input)."""


@dataclass(frozen=True)
class _EarlyEmergency:
    """The questions stopped after an emergency answer: the answers so far and their result."""

    answers: dict[str, object]
    result: DailyResult


def screen(
    answers_file: Path | None = typer.Option(
        None,
        "--answers",
        help="Screen from a JSON file of answers (clinical-spec.md §8.1) instead of asking.",
    ),
    json_output: bool = JsonOption,
) -> None:
    """Answer the safety questions and see what to do next. Not a diagnosis."""
    triage = triage_content()
    data: object
    if answers_file is None:
        if json_output:
            fail("--json needs --answers FILE (the questions are asked in text only)")
        asked = _ask_all(triage)
        if isinstance(asked, _EarlyEmergency):
            _save_partial(asked, triage)
            return
        data = asked
    else:
        data = read_json_file(answers_file)
    try:
        answers = parse_answers(data)
    except ScreeningError as exc:
        where = answers_file.name if answers_file else "answers"
        fail(f"{where}: {exc}")
    result = screen_answers(answers, triage)
    screening_id = _save_result(answers.model_dump(mode="json"), result)
    if json_output:
        print_json(result.model_dump(mode="json"))
        return
    show_result(result, triage)
    if locks_program(result.action):
        if answers_file is None:
            _acknowledge(screening_id, triage)
        else:
            console.print(Text(triage.lock_notice, style="bold"))


# --- persistence -----------------------------------------------------------------------------------


def _save_result(answers: dict[str, Any], result: ScreeningResult) -> int:
    """Save the answers, the result and its content version (§1: log answers and action)."""
    with local_unit_of_work() as (session, patient_id):
        return screenings.save(session, patient_id, answers, result, acknowledged=False)


def _save_partial(stopped: _EarlyEmergency, triage: Triage) -> None:
    """§1: log the answers and the emergency even when the rest were not asked, then ask for the
    acknowledgement; the ``partial`` row locks the program like any emergency screen."""
    with local_unit_of_work() as (session, patient_id):
        screening_id = screenings.save(
            session, patient_id, stopped.answers, stopped.result, acknowledged=False, kind="partial"
        )
    _acknowledge(screening_id, triage)


def _record_acknowledgement(screening_id: int, assessed: bool) -> None:
    """§1: an emergency screen stays until acknowledged, and locks the program until assessed."""
    with local_unit_of_work() as (session, patient_id):
        screenings.acknowledge(session, patient_id, screening_id, assessed=assessed)


# --- reading answers -------------------------------------------------------------------------------


def _ask_all(triage: Triage) -> dict[str, object] | _EarlyEmergency:
    """Ask each question that applies, one at a time, in the order of the content file.

    The first answer that makes the answers so far an emergency shows it at once (§7.2); the
    person then chooses whether to answer the rest for their clinician.
    """
    console.print(Text("Safety questions", style="bold"))
    console.print(
        "Answer each question with y (yes), n (no) or u (not sure). Not sure counts as yes.\n"
    )
    intros = {section.id: section.intro for section in triage.sections}
    answers: dict[str, object] = {}
    emergency: DailyResult | None = None
    section = ""
    try:
        for question in triage.questions:
            if not should_ask(question, answers, triage):
                continue
            if question.section != section:
                section = question.section
                console.print(Text(intros[section], style="bold"))
            answers[question.id] = _ask(question, triage)
            if emergency is None:
                so_far = screen_so_far(answers, triage)
                if locks_program(so_far.action):
                    emergency = so_far
                    if not _continue_after_emergency(so_far, triage):
                        return _EarlyEmergency(answers, so_far)
    except _Stopped:
        if emergency is not None:
            return _EarlyEmergency(answers, emergency)
        fail("the questions were stopped before the end; nothing was saved")
    console.print()
    return answers


def _continue_after_emergency(result: DailyResult, triage: Triage) -> bool:
    """Show the emergency now, then ask whether to go on (default no: getting help comes first)."""
    console.print()
    show_emergency(result.top_reason, triage)
    yes_no = {key: value for key, value in _YES_NO.items() if value != "unsure"}
    try:
        reply = _read_choice(
            "Do you want to answer the remaining questions for your clinician? y / n: ",
            yes_no,
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


def _read_choice(prompt: str, choices: dict[str, str], hint: str, default: str = "") -> str:
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


def show_result(result: ScreeningResult, triage: Triage) -> None:
    """Print the outcome: the action first; an emergency shows one reason and nothing more."""
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
    if reason:
        body.append(f"Why: {reason.text}\n\n")
    body.append("\n".join(f"- {line}" for line in message.what_to_do))
    console.print(Panel(body, title="EMERGENCY", style=_EMERGENCY_STYLE, padding=(1, 2)))


def _acknowledge(screening_id: int, triage: Triage) -> None:
    """Ask for the §1 acknowledgement; the program stays locked until a doctor has assessed."""
    yes_no = {key: value for key, value in _YES_NO.items() if value != "unsure"}
    try:
        read = _read_choice(
            "Have you read this, and will you get help now? y / n: ", yes_no, "Please type y or n."
        )
        if read != "yes":
            console.print(Text(action_message(Action.EMERGENCY_NOW, triage).headline, style="bold"))
            console.print(Text(triage.lock_notice))
            return
        assessed = _read_choice(
            "Has a doctor checked you for this since it started? y / n: ",
            yes_no,
            "Please type y or n.",
        )
    except _Stopped:
        console.print(Text(triage.lock_notice))
        return
    _record_acknowledgement(screening_id, assessed=assessed == "yes")
    if assessed == "yes":
        console.print("Thank you. Follow the advice your doctor gave you. The program is unlocked.")
    else:
        console.print(Text(triage.lock_notice))


def register(app: typer.Typer) -> None:
    app.command()(screen)
