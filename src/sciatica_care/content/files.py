"""Reading the YAML content files shipped inside the package, with errors that name the file."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from sciatica_care.content.errors import ContentError

CONTENT_DIR = Path(str(resources.files("sciatica_care.content")))

ModelT = TypeVar("ModelT", bound=BaseModel)

SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML was built with it (several times faster: every command reads the
content files), else the pure-Python one; the same safe constructors either way."""


def read_yaml(path: Path) -> Any:
    """Parse one YAML file; a syntax error becomes a ContentError naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentError(f"{path.name}: cannot read ({exc.strerror})") from exc
    try:
        return yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise ContentError(f"{path.name}: not valid YAML ({exc})") from exc


def validate(model: type[ModelT], data: Any, source: str) -> ModelT:
    """Validate parsed data; the error lists each bad field as a dotted path with the reason."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ContentError(f"{source}: {problems}") from exc


def load_model(model: type[ModelT], path: Path) -> ModelT:
    """Read and validate one content file."""
    return validate(model, read_yaml(path), path.name)
