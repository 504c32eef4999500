"""Outputs the CLI shows again without starting its libraries: help texts and today's plan.

Why: every ``sciatica`` command starts Typer, Rich, pydantic and, to read the database,
SQLAlchemy and our models: over a second before the first line (issue 12 item 8 asks for
``sciatica --help`` and ``sciatica plan`` under 300 ms). Yet what these commands print depends
on little:

* a help text on the program alone;
* ``sciatica plan`` (and ``plan --json``) on the program, the local profile's data, this
  computer's day and zone: the same key the web app keeps its composed views under
  (``services/view_cache.py``). The data is summed up by the revision the database changes with
  every write of it (``store/revisions.py``), read here without SQLAlchemy
  (``store/revision_peek.py``).

So ``launch.py`` asks ``request_for(argv)`` for a ``KeptRequest``. When the output kept under the
same key exists it is shown as it was; otherwise the full command runs and what it wrote to
standard output is kept, but only when it ended well (exit 0), wrote nothing to standard error,
and (for the plan) the data's revision was the same before and after it, so no write of this run
or of another process could have slipped between what was read and what is kept.

The key also holds everything else that shapes the text: the program's files (their sizes and
times, so an upgrade or an edit of the source changes it), the installed libraries, Python's
version, whether output goes to a terminal and its size, and the environment variables that Rich,
Typer and our settings read. Kept outputs live in ``<data dir>/kept/``, 0700, each file 0600: the
plan is health data, like the database beside it. ``SCIATICA_KEEP_OUTPUT=0`` turns all of this off.

Only the standard library is imported here: the point is to avoid the rest.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, TextIO

import sciatica_care
from sciatica_care.store.revision_peek import local_revision

KEPT_DIR = "kept"
DATABASE_NAME = "sciatica-care.sqlite3"
"""The embedded database's file name in the data directory (``config.Settings``)."""
APP_NAME = "sciatica-care"
"""The data directory's name under the user's data home (``config.Settings``: platformdirs)."""
SWITCH = "SCIATICA_KEEP_OUTPUT"
PLAN_ARGS = {("plan",): "plan", ("plan", "--json"): "plan-json"}
SHAPING_ENV = (
    "TERM",
    "COLORTERM",
    "NO_COLOR",
    "FORCE_COLOR",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "COLUMNS",
    "LINES",
    "JUPYTER_COLUMNS",
    "JUPYTER_LINES",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
    "TERMINAL_WIDTH",
    "GITHUB_ACTIONS",
    "PY_COLORS",
    "TZ",
    "DATABASE_URL",
)
"""Environment variables that change what Rich, Typer or our settings do; every ``SCIATICA_*``,
``TYPER_*`` and ``_TYPER_*`` variable counts too."""


def keeping_on(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    return environ.get(SWITCH, "1").strip().lower() not in {"0", "false", "no", "off"}


def data_dir(environ: dict[str, str] | os._Environ[str] = os.environ) -> str | None:
    """The data directory ``config.Settings`` uses, worked out without pydantic or platformdirs
    (tests/cli/test_kept_output.py keeps the two equal); None where that is not certain."""
    named = {name.upper(): value for name, value in environ.items()}
    if "SCIATICA_DATA_DIR" in named:
        return os.path.abspath(os.path.expanduser(named["SCIATICA_DATA_DIR"]))
    if not sys.platform.startswith("linux"):
        return None  # platformdirs' rules differ elsewhere; those platforms run in full
    home = environ.get("XDG_DATA_HOME", "").strip() or os.path.expanduser("~/.local/share")
    return os.path.join(home, APP_NAME)


def embedded_database(environ: dict[str, str] | os._Environ[str] = os.environ) -> str | None:
    """The embedded SQLite file, or None when a database URL points elsewhere."""
    named = {name.upper() for name in environ}
    if named & {"DATABASE_URL", "SCIATICA_DATABASE_URL"}:
        return None
    directory = data_dir(environ)
    return os.path.join(directory, DATABASE_NAME) if directory else None


def _program_files(hasher: Any) -> None:
    """Every file of the package and every directory on ``sys.path``, by size and time: a new
    version, an edited source or an installed library changes the key."""
    root = os.path.dirname(os.path.abspath(sciatica_care.__file__))
    pending = [root]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in sorted(entries, key=lambda found: found.name):
                if entry.name == "__pycache__":
                    continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                    continue
                stat = entry.stat()
                hasher.update(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    for path in sys.path:
        try:
            hasher.update(f"{path}\0{os.stat(path or '.').st_mtime_ns}\n".encode())
        except OSError:
            continue


def _terminal(hasher: Any, environ: dict[str, str] | os._Environ[str]) -> None:
    """Whether each standard stream is a terminal, the terminal's size, the stream's encoding and
    the variables in ``SHAPING_ENV``: what decides colours, widths and wrapping."""
    ttys = [os.isatty(fd) for fd in (0, 1, 2)]
    size = None
    for fd, tty in enumerate(ttys):
        if tty:
            try:
                size = tuple(os.get_terminal_size(fd))
            except OSError:
                continue
            break
    shaping = sorted(
        (name, value)
        for name, value in environ.items()
        if name in SHAPING_ENV or name.upper().startswith(("SCIATICA_", "TYPER_", "_TYPER_"))
    )
    encoding = getattr(sys.stdout, "encoding", None)
    hasher.update(repr((ttys, size, encoding, shaping, sys.version)).encode())


def _machine_day(environ: dict[str, str] | os._Environ[str]) -> tuple[object, ...]:
    """This computer's day and zone as the CLI sees them (``services.clock.machine_zone``: ``TZ``
    when it names a zone, else the system's): the C library's local date and offset, and the
    named zone's date when ``TZ`` names one."""
    now = time.time()
    local = time.localtime(now)
    day: tuple[object, ...] = (local.tm_year, local.tm_yday, local.tm_gmtoff, local.tm_zone)
    name = environ.get("TZ", "").removeprefix(":")
    if name:
        from datetime import datetime
        from zoneinfo import ZoneInfo

        try:
            day += (name, datetime.fromtimestamp(now, ZoneInfo(name)).date().isoformat())
        except (ValueError, OSError, LookupError):
            day += (name, None)
    return day


class KeptRequest:
    """One invocation whose output may be kept: where it is kept and under which key."""

    def __init__(
        self, name: str, argv: list[str], directory: str, database: str | None, key: str
    ) -> None:
        self.name = name
        self.argv = argv
        self.directory = directory
        self.database = database
        self.key = key

    @property
    def path(self) -> str:
        return os.path.join(self.directory, KEPT_DIR, self.name)

    def data_key(self) -> str | None:
        """The key with the data's revision in it (help texts need none); None: cannot tell."""
        if self.database is None:
            return self.key
        found = local_revision(self.database)
        if found is None:
            return None
        return f"{self.key}:{found.schema}:{found.patient_id}:{found.revision}"

    def kept_text(self) -> str | None:
        """The output kept under today's key, or None (not kept, or kept under another key)."""
        key = self.data_key()
        if key is None:
            return None
        try:
            with open(self.path, encoding="utf-8", newline="") as kept:
                if kept.readline().rstrip("\n") != key:
                    return None
                return kept.read()
        except (OSError, UnicodeDecodeError):
            return None

    @contextmanager
    def recording(self) -> Iterator[None]:
        """Run the full command inside: its standard output is copied and kept if it ended well
        (see the module docstring)."""
        before = self.data_key()
        out = _Copying(sys.stdout)
        err = _Copying(sys.stderr)
        sys.stdout, sys.stderr = out, err
        code: object = 0
        try:
            yield
        except SystemExit as exit_:
            code = exit_.code
            raise
        except BaseException:
            code = 1
            raise
        finally:
            sys.stdout, sys.stderr = out.stream, err.stream
            ended_well = code in (0, None) and not err.parts
            if ended_well and before is not None and self.data_key() == before:
                self._keep(before, "".join(out.parts))

    def _keep(self, key: str, text: str) -> None:
        """Replace the kept output in one step (a private file renamed over the old one)."""
        folder = os.path.dirname(self.path)
        temporary = f"{self.path}.{os.getpid()}.tmp"
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
            os.chmod(folder, 0o700)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as kept:
                kept.write(f"{key}\n{text}")
            os.replace(temporary, self.path)
        except OSError:
            with suppress(OSError):
                os.unlink(temporary)


class _Copying:
    """A text stream that passes everything on and keeps a copy. It has no ``buffer``, so nothing
    can write past the copy in bytes."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        written = self.stream.write(text)  # first: Click probes with bytes, which must fail here
        self.parts.append(text)
        return written

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        if name == "buffer":
            raise AttributeError(name)
        return getattr(self.stream, name)


def _is_command_word(word: str) -> bool:
    """A command's name (``plan``, ``clinician-seen``): no option, value or path."""
    return word.isascii() and word[:1].isalpha() and word.replace("-", "").isalpha()


def _help_name(argv: list[str]) -> str | None:
    """``sciatica [command ...] --help``: words only, so nothing the person typed is kept."""
    if not argv or argv[-1] != "--help":
        return None
    words = argv[:-1]
    if len(words) > 3 or not all(_is_command_word(word) for word in words):
        return None
    return "help-" + "-".join(words) if words else "help"


def request_for(
    argv: list[str], environ: dict[str, str] | os._Environ[str] = os.environ
) -> KeptRequest | None:
    """The ``KeptRequest`` for ``sciatica <argv>``, or None when its output is never kept."""
    if not keeping_on(environ):
        return None
    name = _help_name(argv)
    database = None
    if name is None:
        name = PLAN_ARGS.get(tuple(argv))
        if name is None:
            return None
        database = embedded_database(environ)
        if database is None:
            return None
    directory = data_dir(environ)
    if directory is None or not os.path.isdir(directory):
        return None  # nothing is created just to keep an output
    hasher = hashlib.blake2b(digest_size=20)
    hasher.update(repr((name, argv)).encode())
    _program_files(hasher)
    _terminal(hasher, environ)
    if database is not None:
        hasher.update(repr(_machine_day(environ)).encode())
    return KeptRequest(name, argv, directory, database, hasher.hexdigest())
