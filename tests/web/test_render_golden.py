"""The check-in form draws the same HTML however it is drawn (issue 12, "Speed").

The form keeps each group of radio buttons once drawn (``KeptGroups``) and the body-map figure
draws itself from parts made once (``Figure.svg``). Golden files in tests/data/golden/ hold the
form as the templates drew it before either existed: a first visit, a map carried from yesterday
and from earlier today, and a form shown again with errors (with answers it offers, which are
kept, and with answers it does not, which are drawn afresh). Regenerate with ``UPDATE_GOLDEN=1``
only for an intended change of the form, and review the diff.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sciatica_care.web.diary import form as diary_form
from sciatica_care.web.diary.body_map import FIGURES, KIND_LABELS, SIDES, ZONE_CHOICES
from sciatica_care.web.forms import FormState
from sciatica_care.web.templating import templates
from tests.golden import assert_golden
from tests.web.conftest import PASSWORD, Account
from tests.web.diary_entries import checkin_form, post_checkin
from tests.web.safety_check import screen_via_api

NOON = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
"""Tuesday 10 March 2026, noon in London (the patient's zone)."""

_FORM = re.compile(r'<form method="post" action="/check-in".*?</form>', re.DOTALL)
_VARYING = (
    (re.compile(r'name="csrf_token" value="[^"]+"'), 'name="csrf_token" value="CSRF"'),
    (re.compile(r'name="client_id" value="[^"]+"'), 'name="client_id" value="CLIENT-ID"'),
)


@pytest.fixture
def ann(client: TestClient, web_app: FastAPI) -> Iterator[Account]:
    """A patient in London after a calm safety check, at noon on a fixed day."""
    web_app.state.now = lambda: NOON
    created = client.post(
        "/api/accounts",
        json={"email": "ann@example.org", "password": PASSWORD, "timezone": "Europe/London"},
    )
    assert created.status_code == 201, created.text
    me = created.json()
    headers = {"X-CSRF-Token": me["csrf_token"]}
    assert client.post("/api/me/disclaimer", headers=headers).status_code == 200
    account = Account(me["id"], me["email"], PASSWORD, me["csrf_token"])
    screen_via_api(client, account)
    yield account
    web_app.state.now = None


def _form(html: str) -> str:
    """The check-in's <form>, with the token and the client id that differ per visit fixed."""
    match = _FORM.search(html)
    assert match, "the page has no check-in form"
    text = match.group(0)
    for pattern, fixed in _VARYING:
        text = pattern.sub(fixed, text)
    return text + "\n"


def _golden(name: str, html: str) -> None:
    assert_golden(f"checkin_form_{name}.html", _form(html), strip_lines=False)


def test_a_first_check_in_draws_the_form_as_before(client: TestClient, ann: Account) -> None:
    html = client.get("/check-in").text

    _golden("first", html)
    _golden("first", client.get("/check-in").text)  # the second visit, from what was kept


def test_a_map_from_yesterday_is_offered_and_marked_as_before(
    client: TestClient, ann: Account
) -> None:
    zones = {"left": {"pain": 5, "numbness": 3}, "right": {"pain": 0, "numbness": 0}}
    post_checkin(client, ann, day="2026-03-09", zones=zones)

    html = client.get("/check-in").text

    assert 'data-left-pain="5" data-left-numbness="3"' in html
    assert 'class="zone pain-on" data-side="left" data-zone="5"' in html
    _golden("yesterday", html)


def test_a_map_from_earlier_today_is_offered_and_marked_as_before(
    client: TestClient, ann: Account
) -> None:
    zones = {"left": {"pain": 0, "numbness": 0}, "right": {"pain": 2, "numbness": 3}}
    post_checkin(client, ann, zones=zones)

    html = client.get("/check-in").text

    assert "Same as earlier today" in html
    _golden("earlier_today", html)


def test_a_form_shown_again_keeps_its_answers_and_errors_as_before(
    client: TestClient, ann: Account
) -> None:
    post_checkin(client, ann, day="2026-03-09")
    data = checkin_form(client, map_same="", map_offered="yes", daily_any="maybe")
    for item in ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7"):
        del data[item]
    data |= {"moment": "noon", "note": '<b>mine</b> & "quoted"', "medication": "x" * 501}

    response = client.post("/check-in", data=data)

    assert response.status_code == 400
    assert "&lt;b&gt;mine&lt;/b&gt; &amp; &#34;quoted&#34;" in response.text
    assert 'aria-describedby="medication-hint medication-error"' in response.text
    _golden("errors", response.text)


def test_answers_the_form_does_not_offer_are_drawn_as_before(
    client: TestClient, ann: Account
) -> None:
    data = checkin_form(client, leg_pain="", left_pain="9", right_numbness="2", Q3="maybe")

    response = client.post("/check-in", data=data)

    assert response.status_code == 400
    _golden("errors_not_offered", response.text)


# -- a kept group is its macro's drawing ---------------------------------------------------------


def _macros() -> Any:
    return templates.get_template("checkin/macros.html").module


def _map_args() -> tuple[Any, ...]:
    """The body map's arguments as the check-in passes them."""
    return (
        FIGURES,
        SIDES,
        tuple(KIND_LABELS),
        ZONE_CHOICES,
        diary_form.map_field,
        diary_form.map_legend,
    )


def _busy_form(**values: str) -> FormState:
    """A form holding other fields, with errors on some of them."""
    return FormState(
        values={"leg_pain": "4", "Q1": "no", "left_pain": "3", "note": "x"} | values,
        errors={"back_pain": "Choose your back pain from 0 to 10.", "Q2": "Answer question 2."},
    )


@pytest.mark.parametrize(
    "values",
    [{}, {"Q2": "yes", "right_numbness": "5"}, {"Q2": "other", "left_pain": "<b>"}],
    ids=["as-given", "other-answers", "not-offered"],
)
def test_each_kept_group_draws_what_its_macro_draws(values: dict[str, str]) -> None:
    macros = _macros()
    kept = diary_form.KeptGroups(macros)
    replies = diary_form.REPLIES
    map_args = _map_args()

    for _ in range(2):  # drawn, then kept
        form = _busy_form(**values)
        for name in ("leg_pain", "back_pain"):
            assert kept.scale(form, name, "Leg", 0, 10, described="anchors") == macros.scale(
                form, name, "Leg", 0, 10, described="anchors"
            )
        for name, label in (("Q1", "Question 1"), ("Q2", None), ("Q3", None)):
            assert kept.choices(form, name, "Text", replies, hint="Help", label=label) == (
                macros.choices(form, name, "Text", replies, hint="Help", label=label)
            )
        assert kept.body_map(form, *map_args) == macros.body_map(form, *map_args)


def test_answers_a_group_does_not_offer_are_never_kept() -> None:
    kept = diary_form.KeptGroups(_macros())
    asked = diary_form.kept_drawing.cache_info()

    for odd in ("maybe", "11", "-1", "x" * 10_000):
        form = FormState(values={"Q3": odd, "leg_pain": odd, "left_pain": odd})
        kept.choices(form, "Q3", "Text", diary_form.REPLIES)
        kept.scale(form, "leg_pain", "Leg", 0, 10)
        kept.body_map(form, *_map_args())

    after = diary_form.kept_drawing.cache_info()
    assert (after.hits, after.misses) == (asked.hits, asked.misses)


# -- the figure ------------------------------------------------------------------------------------


def _classes(svg: str, side: str, kind: str) -> dict[int, str]:
    """Zone -> the class of the zone's pain polygon or numbness overlay on one side."""
    first = "zone" if kind == "pain" else "numb-overlay"
    found = re.findall(rf'<polygon class="({first}[^"]*)" data-side="{side}" data-zone="(\d)"', svg)
    return {int(zone): classes for classes, zone in found}


def test_the_figure_marks_the_zone_named_and_the_path_above_it() -> None:
    [figure] = FIGURES
    form = FormState(values={"left_pain": "4", "right_numbness": "2", "left_numbness": "9"})

    svg = figure.svg(form, diary_form.map_field, defs=True)

    assert _classes(svg, "left", "pain") == {
        1: "zone",
        2: "zone pain-path",
        3: "zone pain-path",
        4: "zone pain-on",
        5: "zone",
    }
    assert set(_classes(svg, "left", "numbness").values()) == {"numb-overlay"}  # "9": no zone
    assert _classes(svg, "right", "numbness")[2] == "numb-overlay numb-on"
    assert set(_classes(svg, "right", "pain").values()) == {"zone"}
    assert svg.count('<pattern id="numb-dots"') == 1
    assert '<pattern id="numb-dots"' not in figure.svg(form, diary_form.map_field, defs=False)
