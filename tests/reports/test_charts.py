"""The progress chart shows the trend a person needs to see, as a real SVG and PNG."""

from __future__ import annotations

from datetime import date, timedelta
from xml.etree import ElementTree

from sciatica_care.domain.progress import (
    DoseChange,
    Flare,
    PainPoint,
    ProgressSeries,
    SessionPoint,
)
from sciatica_care.reports.charts import (
    CHANGES,
    PAIN,
    chart_png,
    chart_spec,
    chart_svg,
)

START = date(2026, 11, 1)


def _series() -> ProgressSeries:
    return ProgressSeries(
        pain=[
            PainPoint(
                day=START + timedelta(days=i),
                leg_pain=7 - i // 2,
                back_pain=3,
                furthest_pain_zone=5 - i // 3,
            )
            for i in range(10)
        ],
        sessions=[SessionPoint(day=START + timedelta(days=i), status="completed") for i in range(9)]
        + [SessionPoint(day=START + timedelta(days=9), status="stopped")],
        dose_changes=[
            DoseChange(day=START + timedelta(days=4), exercise="Pelvic tilt", action="PROGRESS")
        ],
        flares=[Flare(start=START + timedelta(days=6), end=START + timedelta(days=7))],
    )


def _texts(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg)
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_svg_names_the_panels_and_annotates_flares_and_dose_changes() -> None:
    texts = _texts(chart_svg(_series()))
    assert "Pain over time" in texts
    assert "Leg pain" in texts and "Back pain" in texts
    assert "flare-up" in texts
    assert "Dose changes" in texts and "dose up" in texts
    assert "foot" in texts and "thigh" in texts
    assert "stopped" in texts


def test_every_diary_day_is_plotted_for_leg_and_back() -> None:
    spec = chart_spec(_series())
    pain_layer = spec["vconcat"][0]["layer"][-1]
    assert pain_layer["data"] == {"name": PAIN}
    values = spec["datasets"][PAIN]
    assert len(values) == 20
    assert {v["measure"] for v in values} == {"Leg pain", "Back pain"}
    assert pain_layer["encoding"]["y"]["scale"]["domain"] == [0, 10]


def test_several_changes_on_one_day_make_one_mark_naming_every_exercise() -> None:
    series = _series()
    series.dose_changes.append(
        DoseChange(day=START + timedelta(days=4), exercise="Bird dog", action="PROGRESS")
    )
    series.dose_changes.append(
        DoseChange(day=START + timedelta(days=5), exercise="Bird dog", action="HOLD")
    )
    spec = chart_spec(series)
    assert spec["vconcat"][2]["layer"][1]["data"] == {"name": CHANGES}
    marks = spec["datasets"][CHANGES]
    assert marks == [
        {
            "day": "2026-11-05",
            "row": "Dose changes",
            "kind": "dose up",
            "detail": "Pelvic tilt, Bird dog",
        }
    ]


def test_png_is_an_image() -> None:
    assert chart_png(_series(), scale=1).startswith(b"\x89PNG")


def test_an_empty_diary_still_draws_axes() -> None:
    assert "Pain over time" in _texts(chart_svg(ProgressSeries()))


def test_the_specification_is_valid_vega_lite_with_its_rows() -> None:
    """The rows reach vl-convert beside the skeleton Altair validated: the whole specification,
    rows included, still passes the Vega-Lite schema Altair checks against."""
    import altair as alt

    spec = chart_spec(_series())
    alt.VConcatChart.from_dict(spec, validate=True)
    assert set(spec["datasets"]) == {"pain", "flares", "zones", "sessions", "changes"}
