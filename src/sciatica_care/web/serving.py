"""How ``sciatica serve`` runs uvicorn: its logging and which proxy headers it believes.

**Logs hold nothing personal** (issue 12 item 5), at any level an operator may choose:

- Tracebacks are written without exception messages (``NoValuesFormatter``): frames (file, line,
  function, code) and exception types only. A message can hold what a person sent — Python's
  ``int('…')``, pydantic's ``input_value=…``, a database driver quoting a row — and a 500 once
  logged a sign-in password and note texts that way.
- Request lines in the access log lose their query string (``DropQueryString``): it can hold a
  ``next=`` path, a code pasted from a link or a search of the caseload.
- SQLAlchemy and the form parser are held at WARNING whatever the level (SQLAlchemy sets that
  itself on import; said here so a chosen level never lowers it): at INFO SQLAlchemy logs every
  statement *with its parameters* (e-mails, notes, password hashes).
- Nothing logs a request body: the app's own loggers name the route, the field or the
  exception type (web/errors.py), never a value.

**Proxy headers**: uvicorn believes ``X-Forwarded-For``/``-Proto`` from 127.0.0.1 by default,
so any program on the machine could pick the address the throttle counts (services.throttle).
``proxy_headers=False`` turns that off; the app believes them only from
``Settings.trusted_proxies`` (web/app.py).
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

QUIET_LIBRARIES = ("sqlalchemy", "multipart", "python_multipart", "httpx", "httpcore")
"""Loggers held at WARNING at every level: they would log values (SQL parameters, form parts)."""


def _exception_chain(value: BaseException | None) -> list[BaseException]:
    chain: list[BaseException] = []
    while value is not None and value not in chain:
        chain.append(value)
        value = value.__cause__ or value.__context__
    return chain


def _type_name(value: BaseException) -> str:
    kind = type(value)
    module = "" if kind.__module__ == "builtins" else f"{kind.__module__}."
    return f"{module}{kind.__qualname__}"


def _traceback_without_values(
    value: BaseException | None, tb: TracebackType | None, seen: set[int] | None = None
) -> list[str]:
    """The frames and exception types of ``value`` (and its causes and grouped exceptions), with
    every exception message left out."""
    seen = seen if seen is not None else set()
    lines: list[str] = []
    for position, error in enumerate(reversed(_exception_chain(value))):
        if id(error) in seen:
            continue
        seen.add(id(error))
        if position:
            lines.append("During handling of the above, another exception was raised:")
        lines.append("Traceback (most recent call last; messages left out):")
        for frame in traceback.extract_tb(error.__traceback__ if error is not value else tb):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
        lines.append(f"{_type_name(error)} (message not logged)")
        for inner in getattr(error, "exceptions", ()) or ():
            if isinstance(inner, BaseException):
                lines.append(f"  grouped: {_type_name(inner)}")
                lines.extend(
                    "    " + line
                    for line in _traceback_without_values(inner, inner.__traceback__, seen)
                )
    return lines


class NoValuesFormatter(logging.Formatter):
    """A formatter whose tracebacks name where and what, never the exception's message."""

    def formatException(self, ei: Any) -> str:
        _, value, tb = ei
        return "\n".join(_traceback_without_values(value, tb))


class DropQueryString(logging.Filter):
    """uvicorn's access line without the query string of the path (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path = args[2].split("?", 1)[0]
            record.args = (*args[:2], path, *args[3:])
        return True


def logging_config(level: str = "warning", path: Path | None = None) -> dict[str, Any]:
    """The ``logging.config.dictConfig`` of a served app: everything at ``level`` to stderr (or to
    the file ``path``), through ``NoValuesFormatter``; the access log without query strings."""
    level = level.upper()
    quiet_level = logging.getLevelName(max(logging.WARNING, logging.getLevelName(level)))
    destination: dict[str, Any] = (
        {"class": "logging.FileHandler", "filename": str(path), "encoding": "utf-8"}
        if path is not None
        else {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
    )
    formatter = f"{__name__}.NoValuesFormatter"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"drop_query_string": {"()": f"{__name__}.DropQueryString"}},
        "formatters": {
            "default": {"()": formatter, "fmt": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
            "access": {"()": formatter, "fmt": "%(asctime)s %(levelname)s access: %(message)s"},
        },
        "handlers": {
            "default": {"formatter": "default", **destination},
            "access": {
                "formatter": "access",
                "filters": ["drop_query_string"],
                **destination,
            },
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": ["access"], "level": level, "propagate": False},
            "sciatica_care": {"handlers": ["default"], "level": level, "propagate": False},
            **{
                name: {"handlers": ["default"], "level": quiet_level, "propagate": False}
                for name in QUIET_LIBRARIES
            },
        },
        "root": {"handlers": ["default"], "level": level},
    }


def uvicorn_options(level: str = "warning", log_path: Path | None = None) -> dict[str, Any]:
    """The keyword arguments of ``uvicorn.run``/``uvicorn.Config`` that ``sciatica serve`` uses."""
    return {
        "log_config": logging_config(level, log_path),
        "log_level": level,
        "proxy_headers": False,  # believed only from Settings.trusted_proxies (web/app.py)
        "server_header": False,
    }
