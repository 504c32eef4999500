"""``sciatica checkin``: the daily diary entry (clinical-spec.md §1 daily items, §3 NPRS, §6 zones).

Asks leg and back pain, how far down each leg pain and numbness reach, the daily red-flag
questions Q1–Q7 (grouped as "Any of these today?", each asked after a yes: §9 ruling 11), sleep, what medicine was taken (the person's words; the app never advises on
medicines, §7 rule 4), heat or cold, and a note. Or reads the same from ``--answers FILE``.

What follows a check-in, in this order: a red-flag action first if any (§7.2: an emergency shows
the action and one reason, nothing else), then the saved entry, the centralising or
peripheralising signals (§6), a flare-up (§4.3), the progression decisions a morning entry
triggers (§4.1), and the questionnaires due (§3).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from sciatica_care.cli.local import local_context, machine_clock
from sciatica_care.cli.output import (
    JsonOption,
    console,
    err_console,
    fail,
    print_json,
    read_json_object,
)
from sciatica_care.cli.plan import show_update
from sciatica_care.cli.prompts import (
    InputEnded,
    ask_choice,
    ask_number,
    ask_text,
    ask_yes_no,
)
from sciatica_care.content.questionnaires import questionnaire_set
from sciatica_care.content.triage import Action, Triage, triage_content
from sciatica_care.domain import diary
from sciatica_care.domain.screening import (
    DAILY_ITEMS,
    DailyResult,
    ScreeningError,
    action_message,
    locks_program,
    screen_daily,
    unlock_question,
)
from sciatica_care.domain.wording import spelled_date
from sciatica_care.services import program, screening
from sciatica_care.services.checkins import diary_view, grouped_daily_answers, record_checkin
from sciatica_care.services.permissions import Permission
from sciatica_care.store import questionnaire_responses

SIGNAL_DAYS = 14
"""Entries this far back feed the §6 zone trends and the §4.3 flare check."""
_STYLES = {
    Action.URGENT_24_48H: "bold yellow",
    Action.ROUTINE: "bold cyan",
}
_EMERGENCY_STYLE = "bold white on dark_red"


class Moment(StrEnum):
    MORNING = "morning"
    BEFORE_SESSION = "before_session"
    AFTER_SESSION = "after_session"
    OTHER = "other"


def checkin(
    answers_file: Path | None = typer.Option(
        None, "--answers", help="Read the entry from a JSON file instead of asking."
    ),
    moment: Moment | None = typer.Option(
        None,
        "--moment",
        help="When this entry is from. Default: morning for the day's first entry, else other.",
    ),
    json_output: bool = JsonOption,
) -> None:
    """Record today's pain, where it reaches, the daily safety questions and a few notes."""
    today = machine_clock().today()
    triage = triage_content()
    out = err_console if json_output else console
    if answers_file is not None:
        data = read_json_object(answers_file, "with leg_pain, back_pain, red_flags, ...")
        where = answers_file.name
    else:
        try:
            data = _ask_all(out, triage)
        except InputEnded:
            fail("the check-in was stopped before the end; nothing was saved")
        where = "answers"
    try:
        date.fromisoformat(str(data.setdefault("day", today.isoformat())))
    except ValueError:
        fail(f"{where}: day: must be a date like {today.isoformat()}, not {data['day']!r}")
    if moment is not None:
        data["moment"] = moment.value
    red_flags = data.get("red_flags")
    if not isinstance(red_flags, dict):
        fail(f'{where}: red_flags: must be an object like {{"Q1": "no", ...}} with Q1 to Q7')
    ces_assessed = red_flags.pop("CES_ASSESSED", None)
    try:
        entry = diary.CheckIn.model_validate(data)
    except ValidationError as exc:
        fail(f"{where}: {_problems(exc)}")
    daily_answers = dict(red_flags)
    if ces_assessed is not None:
        daily_answers["CES_ASSESSED"] = ces_assessed
    try:
        daily = screen_daily(daily_answers, triage)
    except ScreeningError as exc:
        fail(f"{where}: " + "; ".join(f"red_flags.{part}" for part in str(exc).split("; ")))

    with local_context() as ctx:
        outcome = record_checkin(
            ctx, entry, ces_assessed=ces_assessed, moment_given="moment" in data
        )
        entry = outcome.entry
        view = diary_view(ctx, entry)
        gate = program.current_gate(ctx)
        with ctx.unit(Permission.READ) as session:
            due = questionnaire_responses.due(session, ctx.patient_id, ctx.clock.today())
    signals, flare = view.signals, view.flare
    result: dict[str, Any] = {
        "id": outcome.id,
        "entry": entry.model_dump(mode="json"),
        "daily_screen": daily.model_dump(mode="json"),
        "signals": [signal.model_dump(mode="json") for signal in signals],
        "both_legs": view.both_legs,
        "flare": flare.model_dump(mode="json") if flare else None,
        "progression": outcome.update.to_json() if outcome.update else None,
        "questionnaires_due": due,
    }

    if json_output:
        print_json(result)
        return
    if daily.action is not Action.SELF_CARE:
        _show_action(daily, triage)
    if locks_program(daily.action):
        console.print(f"Your entry for {spelled_date(entry.day)} is saved.")
        if answers_file is None and gate.locking is not None:
            _acknowledge(gate.locking.id, triage)
        else:
            console.print(Text(triage.lock_notice, style="bold"))
        return
    console.print(
        f"Saved your {entry.moment.replace('_', ' ')} entry for {spelled_date(entry.day)}."
    )
    _show_signals(entry, signals, flare)
    if outcome.update is not None:
        show_update(console, outcome.update)
    _show_due(due)


# --- reading answers -------------------------------------------------------------------------


def _problems(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in err['loc']) or '(top)'}: {err['msg']}"
        for err in exc.errors()
    )


def _ask_all(out: Console, triage: Triage) -> dict[str, Any]:
    """The check-in questions, one at a time."""
    out.print(Text("Daily check-in", style="bold"))
    data: dict[str, Any] = {
        "leg_pain": ask_number(out, "Leg pain now, 0 = none, 10 = worst", 0, 10),
        "back_pain": ask_number(out, "Back pain now, 0 = none, 10 = worst", 0, 10),
    }
    legend = Table(show_header=False, box=None, padding=(0, 2))
    for zone in triage.zones:
        legend.add_row(escape(zone))
    out.print("\nHow far down each leg do your symptoms reach?")
    out.print(legend)
    zones: dict[str, dict[str, int]] = {}
    for side in ("left", "right"):
        zones[side] = {
            "pain": ask_number(out, f"{side.capitalize()} leg: pain reaches zone", 0, 5),
            "numbness": ask_number(
                out, f"{side.capitalize()} leg: numbness or pins and needles reach zone", 0, 5
            ),
        }
    data["zones"] = zones
    red_flags = _ask_daily_items(out, triage)
    if any(answer != "no" for answer in red_flags.values()):
        assessed = triage.question(triage.assessed.flag)
        red_flags[assessed.id] = ask_yes_no(out, assessed.text)
    data["red_flags"] = red_flags
    if locks_program(screen_daily(red_flags, triage).action):
        return data  # §7.2: the emergency comes first; the rest of the diary can wait
    data["sleep_quality"] = ask_choice(
        out,
        "How did you sleep? [good/fair/poor]",
        {"g": "good", "good": "good", "f": "fair", "fair": "fair", "p": "poor", "poor": "poor"},
        "Please type good, fair or poor.",
    )
    data["activities_impossible"] = (
        ask_yes_no(out, "Did pain stop you doing your usual activities today?", unsure=False)
        == "yes"
    )
    out.print(
        "[dim]Write what you took in your own words. This app gives no advice on medicines.[/]"
    )
    data["medication"] = ask_text(out, "Medicine taken for the pain", 500)
    data["heat_or_cold"] = ask_choice(
        out,
        "Did you use heat or cold? [none/heat/cold/both]",
        {"none": "none", "n": "none", "heat": "heat", "cold": "cold", "both": "both"},
        "Please type none, heat, cold or both.",
    )
    data["note"] = ask_text(out, "A note for your diary", 2000)
    return data


def _ask_daily_items(out: Console, triage: Triage) -> dict[str, str]:
    """Q1–Q7 as one grouped question, each item asked only after a yes (§9 ruling 11).

    "No" to the group makes all seven no; "yes" or "not sure" asks each of them, and the
    answers become Q1–Q7 by ``services.checkins.grouped_daily_answers`` as on the web page.
    """
    out.print("\n[bold]Safety questions.[/] Answer y (yes), n (no) or u (not sure).")
    for item in DAILY_ITEMS:
        topic = triage.question(item).topic or triage.question(item).text
        out.print(Text(f"  - {topic[:1].upper()}{topic[1:]}"))
    group = ask_yes_no(out, "Any of these today?")
    details: dict[str, str] = {}
    if group != "no":
        out.print("Which of these? A yes to any of them means getting help fast.")
        for item in DAILY_ITEMS:
            question = triage.question(item)
            if question.help:
                out.print(Text(question.help, style="dim"))
            details[item] = ask_yes_no(out, question.text)
    return grouped_daily_answers(group, details)


# --- showing the outcome ---------------------------------------------------------------------


def _show_action(daily: DailyResult, triage: Triage) -> None:
    """The red-flag action first (§7.2); an emergency shows one reason and nothing else."""
    message = action_message(daily.action, triage)
    body = Text()
    if daily.action is Action.EMERGENCY_NOW:
        body.append(message.headline + "\n", style="bold")
        body.append(message.by_when + "\n\n")
        if daily.top_reason:
            body.append(f"Why: {daily.top_reason.text}\n\n")
        body.append("\n".join(f"- {line}" for line in message.what_to_do))
        console.print(Panel(body, title="EMERGENCY", style=_EMERGENCY_STYLE, padding=(1, 2)))
        return
    style = _STYLES.get(daily.action, "bold")
    body.append(message.headline + "\n", style=style)
    body.append(f"When: {message.by_when}\n\n")
    body.append("\n".join(f"- {line}" for line in message.what_to_do))
    if daily.reasons:
        body.append("\n\nWhy:\n")
        body.append("\n".join(f"- {reason.text}" for reason in daily.reasons))
    console.print(Panel(body, border_style=style, padding=(1, 2)))


def _acknowledge(screening_id: int, triage: Triage) -> None:
    """§1: an emergency needs an explicit acknowledgement; the program stays locked until the
    person answers the §9 ruling 1 question (checked by a doctor, no worse, no different)."""
    try:
        read = ask_yes_no(console, "Have you read this, and will you get help now?", unsure=False)
        assessed = "no"
        if read == "yes":
            assessed = ask_yes_no(console, unlock_question(triage), unsure=False)
    except InputEnded:
        console.print(Text(triage.lock_notice))
        return
    if read == "yes":
        with local_context() as ctx:
            screening.acknowledge(
                ctx, screening_id, got_help=True, assessed_no_worse=assessed == "yes"
            )
    if assessed == "yes":
        console.print("Thank you. Follow the advice your doctor gave you.")
    else:
        console.print(Text(triage.lock_notice))


def _show_signals(
    entry: diary.CheckIn, signals: list[diary.ZoneSignal], flare: diary.Flare | None
) -> None:
    """§6 trends worth a sentence (moving towards or away from the spine), both legs, a flare."""
    for signal in signals:
        if signal.trend in (diary.ZoneTrend.CENTRALISING, diary.ZoneTrend.PERIPHERALISING):
            style = "green" if signal.trend is diary.ZoneTrend.CENTRALISING else "yellow"
            console.print(Text(signal.message, style=style))
    if diary.symptoms_in_both_legs(entry) and entry.red_flags.get("Q7") == "no":
        console.print(
            Text(
                "You marked symptoms reaching into both legs. If that is new, run "
                "`sciatica screen` now: symptoms in both legs can be a warning sign.",
                style="bold yellow",
            )
        )
    if flare is not None:
        console.print(Panel(Text(flare.message), title="Flare-up", border_style="yellow"))


def _show_due(due: list[str]) -> None:
    if not due:
        return
    names = {q.id: q.full_name for q in questionnaire_set().questionnaires}
    console.print("Questionnaires due:")
    for questionnaire_id in due:
        console.print(
            f"- {names[questionnaire_id]}: sciatica questionnaire {questionnaire_id}",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    app.command()(checkin)
