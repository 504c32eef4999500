"""Malformed forms to every page that accepts a POST (issue 12 item 1): never a 5xx.

The routes come from the app's own route table (as in test_route_permissions.py), so a form added
later is fuzzed without editing this file. Each form's field names come from the pages themselves:
the forms found on the caller's pages whose ``action`` is the route, plus every field name in the
templates, so a field can be missing, repeated, unknown or misplaced. Values are what once reached
``int()``, ``float()`` or the database: ``--1``, ``²``, Arabic-Indic digits, NaN and infinities,
numbers past 64 bits or with thousands of digits, lone surrogates (sent as their raw bytes, as a
hostile client would), NUL, 10 kB strings, impossible dates and times, lists and JSON where text is
expected. Every request carries a valid CSRF token.

Expected: never 5xx; a refusal (400 or 422) is a page that says what was wrong — the form again
with the field's error, or the error page.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sciatica_care.config import Settings
from sciatica_care.services.questionnaires import ASKED
from sciatica_care.web.app import create_app
from tests.web.clinic import Clinician
from tests.web.conftest import Account, form_csrf
from tests.web.test_route_permissions import Route, app_routes
from tests.web.test_schema_fuzz import (  # noqa: F401  (fixtures: SQLite only)
    migrated_template,
    sqlite_only_database,
)

EXAMPLES_PER_FORM = 15

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "sciatica_care" / "web" / "templates"
_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
_ACTION = re.compile(r'action="([^"]*)"')
_NAME = re.compile(r'name="([^"{}]+)"')

TEMPLATE_FIELDS = sorted(
    {name for path in TEMPLATES.rglob("*.html") for name in _NAME.findall(path.read_text())}
    - {"csrf_token", "viewport", "description", "theme-color", "color-scheme"}
)
"""Every literal field name in the templates: the pool a wrong or misplaced field comes from."""

HOSTILE = [
    "",
    " ",
    "--1",
    "-1",
    "0",
    "1",
    "²",
    "١٢",
    "１０",
    "1_000",
    "0x1f",
    "1.5",
    "1e999",
    "-1e999",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "9" * 30,
    "9" * 5000,
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "\ud800",
    "a\udfffb",
    "\x00",
    "note\x00with nul",
    "x" * 10_000,
    "é" * 5000,
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59:59",
    "0001-01-01T00:00",
    "2026-06-01T25:61",
    "12:00",
    "99:99",
    "Europe/Nowhere",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "true",
    "on",
    "[]",
    '{"a": 1}',
    "00000000-0000-4000-8000-000000000000",
]
"""Values that once reached int(), float(), a date parser or the database in some form."""


def _encode(fields: list[tuple[str, str]]) -> bytes:
    """``application/x-www-form-urlencoded`` with lone surrogates as the raw bytes a client sends."""
    return "&".join(
        quote_plus(name.encode("utf-8", "surrogatepass"))
        + "="
        + quote_plus(value.encode("utf-8", "surrogatepass"))
        for name, value in fields
    ).encode("ascii")


# The route table only (building the app opens no database).
_APP = create_app(Settings(data_dir=Path("/nonexistent/form-fuzz"), secret_key="form-fuzz"))
FORM_ROUTES = sorted(
    (r for r in app_routes(_APP) if r.method == "POST" and not r.is_api),
    key=lambda r: r.path,
)


def _template_regex(path: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) + "$")


_INPUT = re.compile(r"<(?:input|textarea)\b([^>]*)>")
_SELECT = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.S)
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
_OPTION = re.compile(r'<option\b[^>]*value="([^"]*)"')


@dataclass(frozen=True)
class FoundForm:
    """A form as a page offers it: where it posts and its fields with the values it starts with."""

    url: str
    """The action, with the patient's public id as ``{public_id}``."""
    fields: tuple[tuple[str, str], ...]


def _fields(form_body: str) -> tuple[tuple[str, str], ...]:
    """Each field once, with its value as the page fills it in (or "no" in a group of choices)."""
    seen: dict[str, str] = {}
    for attributes in _INPUT.findall(form_body):
        attrs = dict(_ATTRIBUTE.findall(attributes))
        name = attrs.get("name")
        if not name or name == "csrf_token" or attrs.get("type") == "submit":
            continue
        value = attrs.get("value", "")
        # A group's checked choice, else "no" (a calm answer gets past the first questions).
        preferred = " checked" in attributes or (attrs.get("type") == "radio" and value == "no")
        if name not in seen or preferred:
            seen[name] = value
    for attributes, options in _SELECT.findall(form_body):
        name = dict(_ATTRIBUTE.findall(attributes)).get("name")
        first = _OPTION.search(options)
        if name:
            seen.setdefault(name, first.group(1) if first else "")
    return tuple(seen.items())


_FORMS_BY_GUARD: dict[str, dict[str, dict[str, FoundForm]]] = {}
"""The forms of each route (path template), per kind of caller: the pages are crawled once."""


def _found_forms(
    client: TestClient, app: FastAPI, guard: str, public_id: str
) -> dict[str, dict[str, FoundForm]]:
    """The forms on the caller's pages, by the route (path template) they post to."""
    if guard in _FORMS_BY_GUARD:
        return _FORMS_BY_GUARD[guard]
    patterns = {route.path: _template_regex(route.path) for route in FORM_ROUTES}
    found: dict[str, dict[str, FoundForm]] = {}
    for route in app_routes(app):
        if route.method != "GET" or route.is_api or route.guard not in (guard, "open"):
            continue
        if route.path.endswith(NOT_PAGES):
            continue
        for path in _urls(route, public_id):
            page = client.get(path, follow_redirects=False)
            if page.status_code != 200 or "text/html" not in page.headers["content-type"]:
                continue
            for attributes, body in _FORM.findall(page.text):
                action = _ACTION.search(attributes)
                target = (action.group(1) if action else path).split("?")[0].split("#")[0]
                for template, pattern in patterns.items():
                    if pattern.match(target or path):
                        url = (target or path).replace(public_id, "{public_id}")
                        found.setdefault(template, {})[url] = FoundForm(url, _fields(body))
    _FORMS_BY_GUARD[guard] = found
    return found


NOT_PAGES = (".pdf", ".ics", "/download", "/sciatica-care")
"""GET routes that answer a file, not a page with forms (a PDF costs seconds to draw)."""

FILL = {"questionnaire_id": ASKED, "kind": ("heat", "cold")}
"""Path parameters whose pages exist only for these values (the rest as test_route_permissions)."""


def _urls(route: Route, public_id: str) -> Iterator[str]:
    names = re.findall(r"\{(\w+)\}", route.path)
    for values in itertools.product(*(FILL.get(name, ("",)) for name in names)):
        path = route.path
        for name, value in zip(names, values, strict=True):
            if value:
                path = path.replace("{" + name + "}", value)
        yield Route(route.method, path, route.guard).url(public_id)


KEEP, DROP, HOSTILE_VALUE, ANY_TEXT = "keep", "drop", "hostile", "text"


def _fuzz(client: TestClient, url: str, own: tuple[tuple[str, str], ...], csrf: str) -> None:
    """Start from the form as the page fills it in; drop fields, spoil values, add strangers."""
    value = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=50))
    stranger = st.tuples(st.one_of(st.sampled_from(TEMPLATE_FIELDS), st.text(max_size=20)), value)
    fate = st.sampled_from([KEEP, KEEP, KEEP, DROP, HOSTILE_VALUE, ANY_TEXT])

    # No shrinking: a failure prints its request whole, and shrinking dozens of fields takes minutes.
    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.generate),
    )
    @given(data=st.data())
    def post_malformed(data: st.DataObject) -> None:
        fields: list[tuple[str, str]] = []
        for name, start in own:
            what = data.draw(fate)
            if what == KEEP:
                fields.append((name, start))
            elif what == HOSTILE_VALUE:
                fields.append((name, data.draw(st.sampled_from(HOSTILE))))
            elif what == ANY_TEXT:
                fields.append((name, data.draw(st.text(max_size=50))))
        fields += data.draw(st.lists(stranger, max_size=4 if own else 12))
        body = [("csrf_token", csrf), *fields]
        response = client.post(
            url,
            content=_encode(body),
            headers={"content-type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        )
        sent = f"POST {url} {body!r:.400}"
        assert response.status_code < 500, sent
        if response.status_code in (400, 422):
            assert "text/html" in response.headers["content-type"], sent
            text = response.text
            assert 'class="error' in text or "Error code 4" in text, sent

    post_malformed()


@pytest.mark.parametrize("route", FORM_ROUTES, ids=lambda r: f"{r.guard} {r.path}")
def test_malformed_forms_never_give_a_server_error(
    route: Route,
    web_app: FastAPI,
    client: TestClient,
    linked: tuple[Account, Clinician, str],
) -> None:
    patient, clinician, public_id = linked
    if route.guard == "clinician":
        caller, csrf = clinician.client, clinician.csrf_token
    elif route.guard == "open":
        caller = TestClient(web_app)  # before signing in: the anonymous double-submit token
        csrf = form_csrf(caller.get("/login").text)
    else:
        caller, csrf = client, patient.csrf_token
    forms = _found_forms(caller, web_app, route.guard, public_id).get(route.path, {})
    if not forms:  # no page offers it to this caller now: its own fields are unknown
        _fuzz(caller, route.url(public_id), (), csrf)
    for form in forms.values():
        _fuzz(caller, form.url.replace("{public_id}", public_id), form.fields, csrf)
