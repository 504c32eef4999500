"""Reading an HTML form and carrying its values and errors back into the template.

Pages parse forms themselves (not FastAPI ``Form`` parameters) so a bad value re-renders the same
form with the message next to the field and the user's typing kept, instead of a bare 422.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from sciatica_care.web.security import CSRF_FIELD

SECRET_FIELDS = frozenset({"password", "current_password", "new_password"})


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
