"""The PostgreSQL a benchmark generates its data on, kept between runs like the SQLite files.

``SCIATICA_BENCH_PG_URL`` wins when set (any server; the benchmark uses it as given). Otherwise,
when Debian's PostgreSQL is installed, a cluster kept under /tmp/sciatica-bench/pg
(``tests.postgres_server.kept_server``: initdb once, started on a loopback port for the run and
stopped after), with one database per data set so each benchmark finds its data from last time.
Deleting /tmp/sciatica-bench/pg starts over.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

CLUSTER_DIR = Path(tempfile.gettempdir()) / "sciatica-bench" / "pg"
URL_VARIABLE = "SCIATICA_BENCH_PG_URL"


@contextmanager
def postgres_url(database: str) -> Iterator[str | None]:
    """A SQLAlchemy URL of ``database`` (created when missing) on the kept cluster, or the
    server ``SCIATICA_BENCH_PG_URL`` names; None when neither is available."""
    given = os.environ.get(URL_VARIABLE)
    if given:
        yield given
        return
    try:
        from tests.postgres_server import find_bin_dir, kept_server
    except ImportError:  # benchmarks run outside a checkout
        yield None
        return
    bin_dir = find_bin_dir()
    if bin_dir is None:
        yield None
        return
    with kept_server(bin_dir, CLUSTER_DIR) as admin_url:
        yield _ensure_database(admin_url, database)


def _ensure_database(admin_url: str, database: str) -> str:
    """The URL of ``database`` on the server of ``admin_url``, creating the database once."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}
            ).first()
            if exists is None:
                conn.execute(text(f'CREATE DATABASE "{database}"'))
    finally:
        engine.dispose()
    return make_url(admin_url).set(database=database).render_as_string(hide_password=False)
