"""``sciatica settings``: the person's preferences, for now whether progression is automatic.

clinical-spec.md §7 asks that automatic progression can be switched off: the rule then only
suggests, and a dose changes when the person accepts it (``sciatica plan accept``).
"""

from __future__ import annotations

from enum import StrEnum

import typer

from sciatica_care.cli.local import local_unit_of_work
from sciatica_care.cli.output import JsonOption, console, print_json
from sciatica_care.services import program


class OnOff(StrEnum):
    ON = "on"
    OFF = "off"


def settings(
    auto_progression: OnOff | None = typer.Option(
        None,
        "--auto-progression",
        help="on: doses step up by themselves after good sessions; off: steps up wait for you. Easing off after pain always applies at once.",
    ),
    json_output: bool = JsonOption,
) -> None:
    """Show or change your preferences."""
    with local_unit_of_work() as (session, patient_id):
        if auto_progression is not None:
            program.set_auto_progression(session, patient_id, auto_progression is OnOff.ON)
        automatic = program.auto_progression(session, patient_id)
    if json_output:
        print_json({"auto_progression": automatic})
        return
    if automatic:
        console.print(
            "Automatic progression is on: your doses change after each session and morning."
        )
    else:
        console.print(
            "Automatic progression is off: changes are suggested, and you accept them with "
            "`sciatica plan accept EXERCISE`."
        )


def register(app: typer.Typer) -> None:
    app.command("settings")(settings)
