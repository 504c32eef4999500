"""A throwaway PostgreSQL server on loopback for the tests, from Debian's ``postgresql`` package.

Started once per test run in a temporary directory (as the ``postgres`` user when we are root, since
the server refuses to run as root) and stopped at the end. No mocks: the store runs against it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def find_bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        if Path(candidate, "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("pg_ctl")
    return Path(found).resolve().parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(args: list[str], as_postgres: bool) -> None:
    if as_postgres:
        args = ["runuser", "-u", "postgres", "--", *args]
    subprocess.run(args, check=True, capture_output=True, text=True)


@contextmanager
def running_server(bin_dir: Path) -> Iterator[str]:
    """Yield a SQLAlchemy URL of a fresh superuser connection to a new server; stop it after."""
    as_postgres = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="sciatica-pg-"))
    data = root / "data"
    if as_postgres:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
    port = _free_port()
    _run(
        [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "sciatica", "-E", "UTF8"],
        as_postgres,
    )
    options = f"-k {root} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"
    _run(
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(root / "log"),
            "-w",
            "start",
        ],
        as_postgres,
    )
    try:
        yield f"postgresql+psycopg://sciatica@127.0.0.1:{port}/postgres"
    finally:
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], as_postgres)
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def kept_server(bin_dir: Path, root: Path) -> Iterator[str]:
    """Like ``running_server``, but the cluster lives in ``root`` and outlives the run, so data
    generated once (the benchmarks' clinic) is there next time.

    initdb runs only when ``root/data`` is missing or was made by another major version, into a
    side directory renamed when complete (an interrupted initdb leaves no half cluster). A server
    left running by a killed run is stopped first. Stopped with ``-m fast`` (a clean shutdown, so
    the next start needs no recovery); fsync stays on, since the data is meant to last.
    """
    as_postgres = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_postgres else []
    root.mkdir(parents=True, exist_ok=True)
    if as_postgres:
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
        # The postgres user must be able to walk down to root (parents may be private to root).
        for parent in root.parents:
            mode = stat.S_IMODE(parent.stat().st_mode)
            if not mode & stat.S_IXOTH:
                os.chmod(parent, mode | stat.S_IXOTH)
    data = root / "data"
    pg_ctl = str(bin_dir / "pg_ctl")
    # "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" -> "15", as PG_VERSION holds it
    version = subprocess.run(
        [*prefix, str(bin_dir / "postgres"), "--version"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    major = version.split(")", 1)[1].split()[0].split(".")[0]
    made_by = data / "PG_VERSION"
    if data.exists() and (not made_by.exists() or made_by.read_text().strip() != major):
        shutil.rmtree(data)
    if not data.exists():
        fresh = root / "data-initdb"
        shutil.rmtree(fresh, ignore_errors=True)
        _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(fresh),
                "-A",
                "trust",
                "-U",
                "sciatica",
                "-E",
                "UTF8",
            ],
            as_postgres,
        )
        fresh.rename(data)
    status = subprocess.run([*prefix, pg_ctl, "-D", str(data), "status"], capture_output=True)
    if status.returncode == 0:
        _run([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], as_postgres)
    port = _free_port()
    options = f"-k {root} -p {port} -c listen_addresses=127.0.0.1"
    _run(
        [pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"],
        as_postgres,
    )
    try:
        yield f"postgresql+psycopg://sciatica@127.0.0.1:{port}/postgres"
    finally:
        _run([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], as_postgres)
