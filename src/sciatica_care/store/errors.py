"""The store layer's one exception type."""


class StoreError(Exception):
    """A read or write could not be done (missing row, conflicting data, unreachable database)."""
