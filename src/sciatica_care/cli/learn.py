"""``sciatica learn``: the education pages, listed or one at a time, in plain words."""

from __future__ import annotations

import typer
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from sciatica_care.cli.output import JsonOption, console, fail, print_json
from sciatica_care.content.education import Topic, get_topic, list_topics
from sciatica_care.content.errors import ContentError


def learn(
    topic: str | None = typer.Argument(
        None, help="The topic to read, e.g. what-is-sciatica. Leave out to list the topics."
    ),
    json_output: bool = JsonOption,
) -> None:
    """Read about sciatica: what it is, causes, what helps, warning signs."""
    try:
        if topic is None:
            _list(list_topics(), json_output)
        else:
            _show(get_topic(topic), json_output)
    except ContentError as exc:
        fail(str(exc))


def _list(topics: list[Topic], json_output: bool) -> None:
    if json_output:
        print_json([t.model_dump(mode="json", exclude={"body", "sources"}) for t in topics])
        return
    table = Table(title="Topics", title_justify="left")
    table.add_column("Topic", no_wrap=True)
    table.add_column("About")
    for t in topics:
        table.add_row(t.slug, f"{t.title}\n{t.summary}")
    console.print(table)
    console.print("Read one with: sciatica learn TOPIC")


def _show(topic: Topic, json_output: bool) -> None:
    if json_output:
        print_json(topic.model_dump(mode="json"))
        return
    console.print(Markdown(topic.body))
    sources = "; ".join(topic.sources)
    console.print(Text(f"Sources: {sources}. Reviewed {topic.reviewed.isoformat()}.", style="dim"))


def register(app: typer.Typer) -> None:
    app.command()(learn)
