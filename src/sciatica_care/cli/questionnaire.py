"""``sciatica questionnaire``: the outcome questionnaires on their schedule (clinical-spec.md §3).

Without a name it lists what is due (SBI weekly, PSFS every 2 weeks, GRC at weeks 2, 6 and 12).
With one, it asks the questions (or reads ``--answers FILE``), scores them with
``domain.questionnaires`` and says how the score changed since the first time, calling a change
one "that matters" only at the published threshold.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from sciatica_care.cli.local import local_unit_of_work, machine_clock
from sciatica_care.cli.output import (
    JsonOption,
    console,
    err_console,
    fail,
    print_json,
    read_json_object,
)
from sciatica_care.cli.prompts import InputEnded, ask_number, ask_text
from sciatica_care.content.questionnaires import Questionnaire, questionnaire_set
from sciatica_care.domain.questionnaires import (
    ChangeReading,
    QuestionnaireError,
    Score,
    describe_change,
    describe_grc,
    score,
)
from sciatica_care.store import questionnaire_responses

ASKED_HERE = ("sbi", "psfs", "grc")
"""Pain scores (NPRS) are part of the daily check-in, not asked here."""


def questionnaire(
    name: str | None = typer.Argument(None, help="sbi, psfs or grc. Leave out to see what is due."),
    answers_file: Path | None = typer.Option(
        None, "--answers", help="Read the answers from a JSON file instead of asking."
    ),
    json_output: bool = JsonOption,
) -> None:
    """Answer a questionnaire that tracks your progress, or see which are due."""
    today = machine_clock().today()
    library = questionnaire_set()
    if name is None:
        _list_due(today, json_output)
        return
    name = name.lower()
    if name not in ASKED_HERE:
        fail(
            f"questionnaire: '{name}' is not one of {', '.join(ASKED_HERE)} "
            "(pain scores are part of `sciatica checkin`)"
        )
    chosen = library.get(name)
    with local_unit_of_work() as (session, patient_id):
        earlier = questionnaire_responses.list_for(session, patient_id, name)
        previous_activities = list(earlier[-1].answers) if earlier and name == "psfs" else []
        first_score = earlier[0].score if earlier else None
    out = err_console if json_output else console
    if answers_file is not None:
        answers = read_json_object(answers_file, "of answers")
        where = answers_file.name
    else:
        try:
            answers = _ask(out, chosen, previous_activities)
        except InputEnded:
            fail("the questions were stopped before the end; nothing was saved")
        where = "answers"
    try:
        scored = score(name, answers, library)
        change = _change(name, scored, first_score)
    except QuestionnaireError as exc:
        fail(f"{where}: {exc}")
    with local_unit_of_work() as (session, patient_id):
        questionnaire_responses.save(session, patient_id, scored, today)
    if json_output:
        print_json(
            {
                **scored.model_dump(mode="json"),
                "day": today.isoformat(),
                "change": change.model_dump(mode="json") if change else None,
            }
        )
        return
    total = scored.total if scored.total is not None else 0
    console.print(
        f"[bold]{escape(chosen.full_name)}:[/] {total:g} "
        f"(from {scored.minimum:g} to {scored.maximum:g}; "
        f"{'higher' if chosen.higher_is_better else 'lower'} is better)"
    )
    if change is not None:
        console.print(Text(change.text))
    elif name != "grc":
        console.print("This is your first score; next time you will see how it changed.")


def _change(name: str, scored: Score, first: float | None) -> ChangeReading | None:
    """GRC is itself a rating of change; the others compare with the first score (§3)."""
    if name == "grc":
        return describe_grc(int(scored.total or 0))
    if first is None or scored.total is None:
        return None
    return describe_change(name, first, scored.total)


def _list_due(today: date, json_output: bool) -> None:
    with local_unit_of_work() as (session, patient_id):
        due = questionnaire_responses.due(session, patient_id, today)
        last = questionnaire_responses.last_done(session, patient_id)
    if json_output:
        print_json({"due": due, "last_done": {k: v.isoformat() for k, v in last.items()}})
        return
    table = Table(title="Questionnaires", title_justify="left")
    for column in ("Name", "Command", "Last done", "Due now"):
        table.add_column(column)
    for item in questionnaire_set().questionnaires:
        if item.id not in ASKED_HERE:
            continue
        done = last.get(item.id)
        table.add_row(
            escape(item.full_name),
            f"sciatica questionnaire {item.id}",
            done.isoformat() if done else "never",
            "yes" if item.id in due else "no",
        )
    console.print(table)
    if not due:
        console.print("Nothing is due today.")


def _ask(out: Console, chosen: Questionnaire, previous: list[str]) -> dict[str, Any]:
    """Ask each item on the questionnaire's scale; PSFS re-asks last time's activities."""
    out.print(Text(chosen.full_name, style="bold"))
    out.print(Text(chosen.instructions))
    low, high = chosen.scale.min, chosen.scale.max
    out.print(
        f"[dim]{low} = {escape(chosen.scale.min_label)}, {high} = {escape(chosen.scale.max_label)}[/]"
    )
    if chosen.user_items is None:
        return {item.id: ask_number(out, item.text, low, high) for item in chosen.items}
    activities = list(previous)
    if activities:
        out.print("Rate the same activities as last time.")
    limits = chosen.user_items
    while len(activities) < limits.max:
        number = len(activities) + 1
        optional = number > limits.min
        named = ask_text(out, f"Activity {number}" + (" (optional)" if optional else ""), 80)
        if named is None:
            if optional:
                break
            out.print(f"Please name at least {limits.min} activities.")
            continue
        activities.append(named)
    return {activity: ask_number(out, f'"{activity}"', low, high) for activity in activities}


def register(app: typer.Typer) -> None:
    app.command()(questionnaire)
