"""The web app draws its charts in a worker process, not in the server's own (issue 12 item 2).

vl-convert holds Python's global lock while it converts: in the server's process it would stop
every other request for a quarter to most of a second. Checked by where the charts were drawn
(``charts.converter.in_worker``), never by time.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from sciatica_care.reports import charts
from tests.web.conftest import Account
from tests.web.diary_entries import post_checkin


def test_my_progress_has_its_charts_drawn_by_the_worker(
    client: TestClient, account: Account
) -> None:
    post_checkin(client, account, leg_pain=5)
    charts.svg_cache.clear()
    drawn, in_worker = charts.svg_cache.conversions, charts.converter.in_worker

    page = client.get("/progress")

    assert page.status_code == 200 and page.text.count("<svg") >= 2
    assert charts.svg_cache.conversions - drawn == 2  # the wide chart and the phone's
    assert charts.converter.in_worker - in_worker == 2
