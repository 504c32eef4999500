"""``sciatica serve``: the web app on the embedded database (or ``DATABASE_URL``)."""

from __future__ import annotations

import typer
import uvicorn

from sciatica_care.cli.output import console, fail
from sciatica_care.config import get_settings
from sciatica_care.store.errors import StoreError


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
) -> None:
    """Start the web app and print its address."""
    from sciatica_care.store.database import open_database
    from sciatica_care.web.app import create_app

    settings = get_settings()
    try:
        open_database(settings).dispose()  # migrate before announcing the URL
    except StoreError as exc:
        fail(str(exc))
    where = "the configured database" if settings.database_url else settings.data_dir
    console.print(f"Sciatica Care is running at [bold]http://{host}:{port}/[/] (data: {where})")
    console.print("Press Ctrl+C to stop.")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.command()(serve)
