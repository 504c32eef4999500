"""Content as data: exercises, education, questionnaires and triage rules, validated on load.

The files beside this module are the reviewed source of truth; the loaders turn them into typed,
immutable pydantic models and fail loudly (``ContentError``) naming the file, the field and why.
"""

from sciatica_care.content.errors import ContentError

__all__ = ["ContentError"]
