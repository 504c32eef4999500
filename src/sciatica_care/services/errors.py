"""The application layer's errors; each interface maps them to its own answer once.

``InvalidInput`` → HTTP 422 naming the field / CLI exit 2; ``NotFound`` → 404 / exit 2 (also for
data the actor may not see: a clinician never learns that an unlinked patient exists);
``ProgramClosed`` → 409 or 423 / exit 1 with the reason; ``Conflict`` → 409.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sciatica_care.services.gate import Gate


class ServiceError(Exception):
    """A use case could not be done; the message is safe to show to the person."""


class InvalidInput(ServiceError):
    """A value the person gave is wrong; ``field`` is its path (``record.items.0.pain``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFound(ServiceError):
    """No such thing for this actor (missing, or not theirs to see)."""


class Conflict(ServiceError):
    """The request contradicts what is stored (e.g. no suggestion is waiting any more)."""


class ProgramClosed(ServiceError):
    """The program gate is closed: the safety questions or an emergency come first."""

    def __init__(self, gate: Gate) -> None:
        super().__init__(gate.message)
        self.gate = gate
