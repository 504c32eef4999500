"""No developer artefacts reach patients (issue 9 item 6).

A patient with a realistic week of entries (check-ins, guided sessions, one stopped when the pain
spread, questionnaires, heat packs) opens every page of the app and downloads the PDF report. None
of them may show what only a developer should see: "[verify]" notes, licence notes, spec section
signs, row ids or raw item ids, content versions, ISO dates in sentences, "1 days" plurals or a
bare "Saved." line.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select

from sciatica_care.config import Settings
from sciatica_care.content.education import list_topics
from sciatica_care.content.exercises import exercise_library
from sciatica_care.content.questionnaires import load_questionnaires
from sciatica_care.domain.therapy import TherapyKind, contraindication_questions
from sciatica_care.store.database import Database, open_database
from sciatica_care.store.models import Patient
from tests.web.conftest import Account, api_sign_up
from tests.web.diary_entries import calm_checkin
from tests.web.safety_check import calm_recheck, screen_via_api

FIRST_DAY = date(2026, 11, 13)
LAST_DAY = date(2026, 11, 20)
LEG_PAIN = [6, 6, 5, 5, 5, 4, 4, 3]

ARTEFACTS: dict[str, re.Pattern[str]] = {
    "a [verify] note": re.compile(r"\[verify[^\]]*\]", re.IGNORECASE),
    "a licence note": re.compile(r"\blicen[cs]\w*", re.IGNORECASE),
    "a spec section sign": re.compile(r"§"),
    "a row id": re.compile(r"\b(patient|account|user)-\d+\b", re.IGNORECASE),
    "a raw item id": re.compile(
        r"\bQuestion [A-Z]+\d\w*\b|\b(Q\d{1,2}[a-z]?|S[1-6](_\w+)?|CES_ASSESSED)\b"
    ),
    "an ISO date in prose": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "a wrong plural": re.compile(r"\b1 (days|sessions|weeks|reps|holds|times|minutes)\b"),
    "a content version": re.compile(r"\bversion \d+(\.\d+)+\b", re.IGNORECASE),
}
CLINICIAN_PDF_ALLOWS = frozenset({"a raw item id"})
"""The PDF is the clinician's: the red-flag item numbers sit beside the question they stand for."""

PARAMETERS: dict[str, list[str]] = {
    "slug": [t.slug for t in list_topics()],
    "exercise_id": [e.id for e in exercise_library().exercises],
    "questionnaire_id": [q.id for q in load_questionnaires().questionnaires if q.schedule],
    "kind": [k.value for k in TherapyKind],
}
"""Known values for parameterised page routes; ids of stored rows are filled in by the story."""
SKIPPED_PATHS = {
    "/docs/oauth2-redirect",
    "/reminders/feed/{token}.ics",
    "/clinic/setup/{token}",
    "/clinic/patients/{patient_id}/report.pdf",
}
"""Not pages to read here: FastAPI's API-docs helper, the calendar feed (a token URL, not HTML),
a clinician's one-time set-up link (tested in test_clinician_setup) and a PDF (tested below)."""


class VisibleText(HTMLParser):
    """The text a reader sees: no tags, attributes, input values, scripts, styles or templates.

    ``blocks`` holds the text of every paragraph-like element, to find a line that says only
    "Saved." with nothing about what was saved.
    """

    HIDDEN = frozenset({"script", "style", "template", "head"})
    BLOCKS = frozenset({"p", "li", "div", "span", "output", "dd", "td", "h1", "h2", "h3", "label"})
    VOID = frozenset(
        {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col", "embed"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.blocks: list[str] = []
        self._hidden = 0
        self._open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            self.parts.append(" ")
            return
        if tag in self.HIDDEN:
            self._hidden += 1
        self._open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        while self._open:
            open_tag, buffer = self._open.pop()
            if open_tag in self.HIDDEN:
                self._hidden -= 1
            if open_tag in self.BLOCKS:
                self.blocks.append(" ".join("".join(buffer).split()))
            if open_tag == tag:
                break
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self.parts.append(data)
        for _, buffer in self._open:
            buffer.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())


def visible(html: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser


def artefacts_in(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    found = []
    for name, pattern in ARTEFACTS.items():
        if name in allowed:
            continue
        for match in pattern.finditer(text):
            start, end = max(0, match.start() - 50), match.end() + 50
            found.append(f"{name}: …{text[start:end]}…")
    return found


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    """SQLite only: what a page says does not depend on the database."""
    db = open_database(Settings(data_dir=tmp_path), url=f"sqlite:///{tmp_path / 'test.sqlite3'}")
    yield db
    db.dispose()


class Clock:
    def __init__(self) -> None:
        self.value = datetime.combine(FIRST_DAY, datetime.min.time(), tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.value

    def at(self, day: date, hour: int) -> datetime:
        self.value = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
        return self.value


@pytest.fixture
def clock(web_app: FastAPI) -> Iterator[Clock]:
    now = Clock()
    web_app.state.now = now
    yield now
    web_app.state.now = None


def _post(client: TestClient, account: Account, path: str, body: dict[str, Any]) -> Any:
    response = client.post(path, json=body, headers=account.headers)
    assert response.status_code in (200, 201), f"{path}: {response.text}"
    return response.json()


def _session(started: datetime, pain: int, **record: Any) -> dict[str, Any]:
    items = [
        {
            "exercise_id": "pelvic-tilt",
            "level": 2,
            "dose": {"sets": 1, "reps": 10, "hold_s": 3, "per_side": False},
            "sides_done": [],
            "reps_done": 10,
            "holds_done": 0,
            "hold_seconds": 0.0,
            "pain": pain,
            "spread_down_leg": record.pop("spread", False),
            "completed": True,
        }
    ]
    return {
        "client_id": str(uuid.uuid4()),
        "started_at": started.isoformat(),
        "final": True,
        "record": {"status": "completed", "elapsed_s": 600.0, "items": items, **record},
    }


@pytest.fixture
def story(client: TestClient, clock: Clock) -> dict[str, list[str]]:
    """Ann's first eight days; returns the ids of the rows her pages are about."""
    clock.at(FIRST_DAY, 8)
    ann = api_sign_up(client, "ann@example.org")
    screening = screen_via_api(client, ann)
    checkins: list[str] = []
    for n, leg in enumerate(LEG_PAIN):
        day = FIRST_DAY + timedelta(days=n)
        clock.at(day, 7)
        zones = {"left": {"pain": 4 if n < 4 else 3, "numbness": 0}, "right": {}}
        entry = _post(client, ann, "/api/checkins", calm_checkin(leg_pain=leg, zones=zones))
        checkins.append(str(entry["id"]))
        if n in (0, 7):
            sbi = {"leg_pain": leg - 1, "numbness": 2, "weakness": 1, "sitting_pain": 3}
            _post(client, ann, "/api/questionnaires", {"questionnaire": "sbi", "answers": sbi})
        if n == 1:
            psfs = {"Sitting an hour": 3, "Putting on socks": 5, "Walking to the shop": 4}
            _post(client, ann, "/api/questionnaires", {"questionnaire": "psfs", "answers": psfs})
            _post(
                client,
                ann,
                "/api/questionnaires",
                {"questionnaire": "grc", "answers": {"change": 1}},
            )
        if n == 2:
            heat = {q.id: "no" for q in contraindication_questions(TherapyKind.HEAT)}
            _post(client, ann, "/api/therapy/check", {"kind": "heat", "answers": heat})
        if n in (6, 7):  # the last session is stopped: the pain spread, pelvic tilt rests
            stopped = n == 7
            started = clock.at(day, 10)
            clock.at(day, 11)
            record = {"status": "stopped", "stop_reason": "pain", "spread": True} if stopped else {}
            _post(client, ann, "/api/sessions", _session(started, 6 if stopped else 2, **record))
        elif n:
            started = clock.at(day, 10)
            clock.at(day, 11)
            _post(client, ann, "/api/sessions", _session(started, 2))
    clock.at(LAST_DAY, 12)
    _post(client, ann, "/api/screenings/recheck", calm_recheck())
    return {"screening_id": [str(screening["id"])], "checkin_id": checkins[-1:]}


CLINICIAN_PAGES = ("/clinic",)
"""Pages of the clinician's side: read by a linked clinician in their own pass below."""


def _page_urls(web_app: FastAPI, ids: dict[str, list[str]], clinician: bool = False) -> list[str]:
    known = {**PARAMETERS, **ids}
    urls: list[str] = []
    for route in iter_route_contexts(web_app.routes):
        path = route.path
        if not path or "GET" not in (route.methods or ()) or path in SKIPPED_PATHS:
            continue
        if path.startswith(("/api", "/static")) or path.startswith(CLINICIAN_PAGES) != clinician:
            continue
        names = re.findall(r"{(\w+)}", path)
        missing = [name for name in names if name not in known]
        assert not missing, f"{path}: add known values for {missing} to PARAMETERS or the story"
        filled = [path]
        for name in names:
            filled = [url.replace(f"{{{name}}}", value) for url in filled for value in known[name]]
        urls.extend(filled)
    return urls


def test_no_page_shows_a_developer_artefact(
    client: TestClient, web_app: FastAPI, story: dict[str, list[str]]
) -> None:
    problems: list[str] = []
    pages = 0
    for url in _page_urls(web_app, story):
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        if not response.headers["content-type"].startswith("text/html"):
            continue
        pages += 1
        page = visible(response.text)
        problems += [f"{url}: {found}" for found in artefacts_in(page.text)]
        problems += [f"{url}: a bare 'Saved.' line" for b in page.blocks if b == "Saved."]
    assert pages >= 20
    assert not problems, "\n".join(problems)


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian poppler-utils) is not installed; `make test` installs it")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    return " ".join(done.stdout.split())


def test_the_pdf_report_shows_no_developer_artefact(
    client: TestClient, story: dict[str, list[str]], tmp_path: Path
) -> None:
    response = client.get("/export/report.pdf")
    assert response.status_code == 200, response.text

    text = _pdf_text(response.content, tmp_path)

    assert "Pain diary report" in text
    assert not artefacts_in(text, CLINICIAN_PDF_ALLOWS), "\n".join(
        artefacts_in(text, CLINICIAN_PDF_ALLOWS)
    )


def test_the_artefact_check_sees_only_visible_text() -> None:
    html = (
        '<p>Checked <time datetime="2026-11-20">Friday 20 November</time>.</p>'
        '<input type="hidden" name="day" value="2026-11-20"><script>var d = "2026-11-20";</script>'
        "<p>Saved.</p><p>Saved your morning entry.</p><div>Rest for 1 days</div>"
    )
    page = visible(html)

    assert "2026" not in page.text
    assert [b for b in page.blocks if b == "Saved."] == ["Saved."]
    assert [p.split(":")[0] for p in artefacts_in(page.text)] == ["a wrong plural"]


def test_no_clinician_page_shows_a_developer_artefact(
    client: TestClient, web_app: FastAPI, database: Database, story: dict[str, list[str]]
) -> None:
    """The same check on every clinician page, read by a clinician Ann linked after her story."""
    from tests.web.clinic import clinician_client, link

    with clinician_client(web_app, database) as sam:
        with database.session() as session:
            ann_id = session.scalar(select(Patient.id).where(Patient.email == "ann@example.org"))
        assert ann_id is not None
        public_id = link(database, ann_id, sam.id)
        problems: list[str] = []
        urls = _page_urls(web_app, {**story, "patient_id": [public_id]}, clinician=True)
        for url in urls:
            response = sam.client.get(url)
            assert response.status_code == 200, f"{url}: {response.status_code}"
            problems += [f"{url}: {found}" for found in artefacts_in(visible(response.text).text)]
    assert len(urls) >= 3
    assert not problems, "\n".join(problems)
