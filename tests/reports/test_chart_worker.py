"""Charts converted in a worker process (``reports.charts.Converter``) are the charts converted
here, and a worker that dies is replaced by the next chart.

Why it matters: vl-convert holds Python's global lock while it converts, so in the web server it
runs beside the process rather than in it (issue 12 item 2). Where a chart was drawn is checked,
not how long anything took.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from sciatica_care.domain.progress import PainPoint, ProgressSeries
from sciatica_care.reports.charts import WIDE, Converter, chart_spec


def _spec(days: int) -> dict[str, object]:
    start = date(2026, 10, 1)
    series = ProgressSeries(
        pain=[
            PainPoint(
                day=start + timedelta(days=n), leg_pain=n % 11, back_pain=3, furthest_pain_zone=2
            )
            for n in range(days)
        ]
    )
    return chart_spec(series, WIDE)


@pytest.fixture
def worker() -> Iterator[Converter]:
    converter = Converter()
    converter.use_worker()
    yield converter
    converter.close()


def test_the_worker_draws_what_this_process_draws(worker: Converter) -> None:
    here = Converter()
    spec = _spec(20)
    assert worker.svg(spec) == here.svg(spec)
    assert worker.png(spec, 1.0) == here.png(spec, 1.0)
    assert worker.in_worker == 2
    assert here.in_worker == 0


def test_a_worker_that_died_is_replaced_by_the_next_chart(worker: Converter) -> None:
    spec = _spec(3)
    worker.svg(spec)
    pool = worker._worker()
    (process,) = pool._processes.values()  # the one worker
    os.kill(process.pid, 9)
    process.join(timeout=30)
    assert worker.svg(spec).startswith("<svg")
    assert worker._worker() is not pool
    assert worker.in_worker == 2
