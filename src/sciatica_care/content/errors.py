"""The content layer's one exception type."""


class ContentError(Exception):
    """A content file is missing or malformed; the message names the file, the field and why."""
