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
    workers: int = typer.Option(
        1, min=1, max=64, help="Web processes (they share only the database; needs a secret key)."
    ),
) -> None:
    """Start the web app and print its address."""
    from sciatica_care.store.database import open_database
    from sciatica_care.web.app import create_app
    from sciatica_care.web.serving import uvicorn_options  # logs without values, no proxy trust

    settings = get_settings()
    if workers > 1 and not settings.secret_key:
        fail("several workers need one SCIATICA_SECRET_KEY (each process would make its own)")
    try:
        # Migrates the embedded database; a clinic's must already be current (admin migrate).
        open_database(settings).dispose()
    except StoreError as exc:
        fail(str(exc))
    where = "the configured database" if settings.database_url else settings.data_dir
    console.print(f"Sciatica Care is running at [bold]http://{host}:{port}/[/] (data: {where})")
    console.print("Press Ctrl+C to stop.")
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, **uvicorn_options())
        return
    # Each worker process builds its own app from the same environment.
    uvicorn.run(
        "sciatica_care.web.app:create_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        **uvicorn_options(),
    )


def register(app: typer.Typer) -> None:
    app.command()(serve)
