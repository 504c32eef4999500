"""The store layer's exception types: one for every failure, one subclass for a full disk."""


class StoreError(Exception):
    """A read or write could not be done (missing row, conflicting data, unreachable database)."""


class StorageFull(StoreError):
    """The database has no room left (SQLite ``SQLITE_FULL``, PostgreSQL ``53100 disk_full``).

    The write was rolled back whole, so nothing of it is stored; what was saved before is intact.
    Its message is safe to show: the web answers 507 with it, the CLI one line and exit 2.
    """

    MESSAGE = (
        "The database is full (no room left on its disk): nothing of this was saved, and what "
        "was saved before is safe. Try again once there is space."
    )

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)
