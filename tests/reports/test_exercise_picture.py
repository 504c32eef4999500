"""The exercise picture: a valid, self-contained, animated SVG in which the right limb moves."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from sciatica_care.content.exercises import exercise_library
from sciatica_care.reports.exercise_picture import render_exercise_svg, sample_phases

SVG = "{http://www.w3.org/2000/svg}"
EXERCISE_IDS = ["pelvic-tilt", "knee-to-chest", "lower-trunk-rotation", "bird-dog"]


def parse(exercise_id: str, *, static: bool = False) -> ET.Element:
    return ET.fromstring(render_exercise_svg(exercise_library().get(exercise_id), static=static))


def animated_points(root: ET.Element, shape: str) -> list[str]:
    polyline = root.find(f".//{SVG}g[@class='figure']/{SVG}polyline[@class='{shape}']")
    assert polyline is not None, shape
    animate = polyline.find(f"{SVG}animate[@attributeName='points']")
    assert animate is not None, shape
    return animate.attrib["values"].split(";")


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_picture_is_valid_svg_with_an_accessible_title(exercise_id: str) -> None:
    exercise = exercise_library().get(exercise_id)
    root = parse(exercise_id)
    assert root.tag == f"{SVG}svg"
    assert root.findtext(f"{SVG}title") == exercise.name
    assert root.findtext(f"{SVG}desc") == exercise.animation.description
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-labelledby"] == f"{exercise_id}-title {exercise_id}-desc"


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_picture_needs_nothing_from_outside(exercise_id: str) -> None:
    text = render_exercise_svg(exercise_library().get(exercise_id))
    assert "href" not in text
    assert "<script" not in text
    assert "http" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_picture_loops_forever_with_consistent_timing(exercise_id: str) -> None:
    exercise = exercise_library().get(exercise_id)
    animates = parse(exercise_id).findall(f".//{SVG}animate")
    assert len(animates) >= 10
    frames = len(sample_phases(exercise.animation))
    for animate in animates:
        assert animate.attrib["repeatCount"] == "indefinite"
        assert animate.attrib["dur"] == f"{exercise.animation.duration_s:g}s"
        key_times = [float(t) for t in animate.attrib["keyTimes"].split(";")]
        assert key_times[0] == 0 and key_times[-1] == 1 and key_times == sorted(key_times)
        assert len(animate.attrib["values"].split(";")) == len(key_times) == frames


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_picture_has_a_floor_line_under_the_figure(exercise_id: str) -> None:
    root = parse(exercise_id)
    floor = root.find(f".//{SVG}line[@class='floor']")
    assert floor is not None
    head = root.find(f".//{SVG}g[@class='figure']/{SVG}circle[@class='head']")
    assert head is not None
    assert float(head.attrib["cy"]) < float(floor.attrib["y1"])


@pytest.mark.parametrize(
    ("exercise_id", "moving", "still"),
    [
        ("pelvic-tilt", "pelvis", "leg-near"),
        ("knee-to-chest", "leg-near", "hips"),
        ("knee-to-chest", "leg-far", "shoulders"),
        ("lower-trunk-rotation", "leg-near", "trunk"),
        ("bird-dog", "arm-far", "hips"),
        ("bird-dog", "leg-near", "trunk"),
    ],
)
def test_the_moving_limb_moves_and_the_rest_stays(
    exercise_id: str, moving: str, still: str
) -> None:
    root = parse(exercise_id)
    assert len(set(animated_points(root, moving))) > 5
    assert len(set(animated_points(root, still))) == 1


def test_the_moving_limb_is_drawn_in_the_accent_while_it_is_away() -> None:
    root = parse("bird-dog")
    leg = root.find(f".//{SVG}g[@class='figure']/{SVG}polyline[@class='leg-near']")
    assert leg is not None
    stroke = leg.find(f"{SVG}animate[@attributeName='stroke']")
    assert stroke is not None
    assert len(set(stroke.attrib["values"].split(";"))) == 2


def test_knee_paths_are_traced_only_where_knees_move() -> None:
    assert len(parse("lower-trunk-rotation").findall(f".//{SVG}polyline[@class='trace']")) == 2
    assert parse("pelvic-tilt").findall(f".//{SVG}polyline[@class='trace']") == []


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_static_picture_shows_the_peak_over_a_faint_start(exercise_id: str) -> None:
    root = parse(exercise_id, static=True)
    assert root.findall(f".//{SVG}animate") == []
    ghost = root.find(f".//{SVG}g[@class='ghost']")
    figure = root.find(f".//{SVG}g[@class='figure']")
    assert ghost is not None and figure is not None
    ghost_points = [p.attrib["points"] for p in ghost.findall(f"{SVG}polyline")]
    figure_points = [p.attrib["points"] for p in figure.findall(f"{SVG}polyline")]
    assert ghost_points != figure_points


def test_static_picture_can_show_a_chosen_moment() -> None:
    exercise = exercise_library().get("knee-to-chest")
    near_up = render_exercise_svg(exercise, static=True, phase=0.3)
    far_up = render_exercise_svg(exercise, static=True, phase=0.8)
    assert near_up != far_up
