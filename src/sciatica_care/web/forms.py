"""Reading an HTML form and carrying its values and errors back into the template.

Pages parse forms themselves (not FastAPI ``Form`` parameters) so a bad value re-renders the same
form with the message next to the field and the user's typing kept, instead of a bare 422.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from fastapi import Request

from sciatica_care.web.security import CSRF_FIELD

SECRET_FIELDS = frozenset({"password", "current_password", "new_password"})

_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,9}")


def whole_number(raw: str) -> int | None:
    """``raw`` as an int when it is a plain whole number (ASCII digits, at most nine), else None.

    ``str.isdigit`` also says yes to "²" and "١٢", ``int()`` takes "1_000" and " 1 ", and a string of
    thousands of digits makes ``int()`` raise: each of those reached ``int()`` from a form and
    answered 500 (issue 12). Range checks stay with the caller."""
    return int(raw) if _WHOLE_NUMBER.fullmatch(raw) else None


def finite_number(raw: str) -> float | None:
    """``raw`` as a finite float, else None ("nan", "inf" and "1e999" are not amounts of time)."""
    try:
        number = float(raw)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


@dataclass
class FormState:
    """What the template needs: the values to put back and an error message per field name."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def add_error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    @property
    def ok(self) -> bool:
        return not self.errors

    def value(self, name: str) -> str:
        return self.values.get(name, "")


async def read_form(request: Request) -> FormState:
    """The submitted text fields; passwords are never echoed back into the page."""
    form = await request.form()
    values: dict[str, str] = {}
    for name, value in form.multi_items():
        if isinstance(value, str) and name != CSRF_FIELD:
            values[name] = value
    return FormState(values=values)


def without_secrets(state: FormState) -> FormState:
    """A copy to re-render: passwords are dropped so they never travel back to the browser."""
    kept = {k: v for k, v in state.values.items() if k not in SECRET_FIELDS}
    return FormState(values=kept, errors=dict(state.errors))
