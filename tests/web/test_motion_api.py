"""``POST /api/motion/track``: the web player's camera counts equal ``sciatica track``'s.

Synthetic landmark streams (``motion.synthetic``) are written as the CLI reads them, analysed by
``sciatica track --landmarks --json``, and posted to the server in batches, each carrying the
sealed snapshot the previous answer gave: the counts must be the same. Bad frames, batches and
snapshots are a 422 naming the field; the answer says what is wrong with the picture
(``motion.guidance.frame_warnings``, brightness one number a frame); the program gate and sign-in hold as for the other session
routes; the browser pose model's files are served from a whitelist only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sciatica_care.cli.main import app as cli_app
from sciatica_care.config import Settings
from sciatica_care.motion.landmarks import write_frames
from sciatica_care.motion.synthetic import (
    Movement,
    Recording,
    SyntheticSet,
    SyntheticStream,
    generate,
    random_set,
)
from sciatica_care.store.database import Database
from sciatica_care.web.app import create_app
from sciatica_care.web.session import motion_api
from tests.web.conftest import Account, api_sign_up
from tests.web.safety_check import screen_via_api

TRACK = "/api/motion/track"


def with_motion(app: FastAPI) -> FastAPI:
    """The app with the camera routes, until web/app.py registers them itself: the API router,
    and the pose files' router in front of the ``/static`` mount (which would answer first)."""
    if any(getattr(route, "path", "") == TRACK for route in app.router.routes):
        return app
    app.include_router(motion_api.router)
    before = len(app.router.routes)
    app.include_router(motion_api.assets_router)
    assets = app.router.routes[before:]
    del app.router.routes[before:]
    app.router.routes[0:0] = assets
    return app


@pytest.fixture
def web_app(database: Database, tmp_path: Path) -> FastAPI:
    url = database.engine.url.render_as_string(hide_password=False)
    settings = Settings(data_dir=tmp_path, database_url=url, secret_key="test-secret")
    return with_motion(create_app(settings))


@pytest.fixture
def account(client: TestClient) -> Account:
    """Ann, signed in, after a calm safety screen: the program gate is open."""
    ann = api_sign_up(client, "ann@example.org")
    screen_via_api(client, ann)
    return ann


def cli_result(tmp_path: Path, stream: SyntheticStream) -> tuple[dict[str, Any], list[str]]:
    """``sciatica track --landmarks --json`` on the stream, and the lines it read."""
    path = tmp_path / "clip.jsonl"
    lines = list(write_frames(stream.frames))
    path.write_text("".join(lines), encoding="utf-8")
    rec = stream.spec.recording
    result = CliRunner().invoke(
        cli_app,
        [
            "track",
            "--exercise",
            stream.spec.exercise_id,
            "--landmarks",
            str(path),
            "--aspect",
            f"{rec.width}:{rec.height}",
            "--json",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), lines


def post_in_batches(
    client: TestClient, account: Account, stream: SyntheticStream, lines: list[str], size: int
) -> dict[str, Any]:
    """Every frame, ``size`` a batch, as the player sends them; the last live state."""
    snapshot = None
    state: dict[str, Any] = {}
    frames = [json.loads(line) for line in lines]
    for start in range(0, len(frames), size):
        body = {
            "exercise": stream.spec.exercise_id,
            "aspect": stream.aspect,
            "snapshot": snapshot,
            "frames": frames[start : start + size],
        }
        answer = client.post(TRACK, json=body, headers=account.headers)
        assert answer.status_code == 200, answer.text
        snapshot = answer.json()["snapshot"]
        state = answer.json()["state"]
    return state


STREAMS = {
    "tilts": generate(random_set("pelvic-tilt", 3)),
    "knees": generate(
        SyntheticSet(
            "knee-to-chest",
            (Movement(pose=0, hold_s=6.0), Movement(pose=1, hold_s=4.0)),
            Recording(fps=15.0, noise_px=1.0),
            seed=2,
        )
    ),
    "rotation": generate(random_set("lower-trunk-rotation", 5)),
    "bird-dog": generate(random_set("bird-dog", 8)),
}


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_counts_equal_the_cli_on_the_same_stream(
    name: str, client: TestClient, account: Account, tmp_path: Path
) -> None:
    stream = STREAMS[name]
    expected, lines = cli_result(tmp_path, stream)
    truth = stream.reps or len(stream.holds)
    assert (
        expected["reps"] == truth
    )  # a stream the tracker gets right: a count that means something
    for size in (90, 37):
        state = post_in_batches(client, account, stream, lines, size)
        assert state["reps"] == expected["reps"], (size, state)
        assert state["phase"] == "tracking"
        if expected["holds"]:
            assert state["holds"] == len(expected["holds"])


def _batch(**changes: Any) -> dict[str, Any]:
    point = [0.5, 0.5, 0.0, 0.9]
    body: dict[str, Any] = {
        "exercise": "pelvic-tilt",
        "aspect": 4 / 3,
        "snapshot": None,
        "frames": [{"t": 0.0, "landmarks": [list(point) for _ in range(33)]}],
    }
    body.update(changes)
    return body


def _locs(answer: Any) -> list[list[Any]]:
    assert answer.status_code == 422, answer.text
    return [error["loc"] for error in answer.json()["detail"]]


def _frame(t: float = 0.0, **point_changes: Any) -> dict[str, Any]:
    points: list[Any] = [[0.5, 0.5, 0.0, 0.9] for _ in range(33)]
    for index, value in point_changes.items():
        points[int(index.removeprefix("p"))] = value
    return {"t": t, "landmarks": points}


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"exercise": "squat"}, ["body", "exercise"]),
        ({"aspect": 9}, ["body", "aspect"]),
        ({"frames": [{"t": 0, "landmarks": [[0.5, 0.5, 0, 0.9]] * 32}]}, ["body", "frames", 0]),
        ({"frames": [_frame(p3=[0.5, 0.5, 0.0])]}, ["body", "frames", 0, "landmarks", 3]),
        ({"frames": [_frame(p4=[0.5, "0.5", 0.0, 0.9])]}, ["body", "frames", 0, "landmarks", 4]),
        ({"frames": [_frame(p5=[0.5, 0.5, 0.0, 1.5])]}, ["body", "frames", 0, "landmarks", 5]),
        ({"frames": [_frame(p6=[True, 0.5, 0.0, 0.5])]}, ["body", "frames", 0, "landmarks", 6]),
        ({"frames": [_frame(-1.0)]}, ["body", "frames", 0, "t"]),
        ({"frames": [{"t": 0, "landmarks": None, "image": "x"}]}, ["body", "frames", 0]),
        ({"frames": [_frame(float(i) / 30) for i in range(91)]}, ["body", "frames"]),
        ({"frames": [_frame(1.0), _frame(0.5)]}, ["body", "frames", 1, "t"]),
        ({"frames": [dict(_frame(), brightness=300)]}, ["body", "frames", 0, "brightness"]),
        ({"frames": [dict(_frame(), brightness=[[1, 2, 3]])]}, ["body", "frames", 0, "brightness"]),
        ({"frames": [dict(_frame(), brightness="dark")]}, ["body", "frames", 0, "brightness"]),
        ({"snapshot": {"detector": "{}", "seal": "0" * 64}}, ["body", "snapshot"]),
        ({"snapshot": "abc"}, ["body", "snapshot"]),
        ({"video": "data:image/png;base64,AAAA"}, ["body"]),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    changes: dict[str, Any], loc: list[Any], client: TestClient, account: Account
) -> None:
    locs = _locs(client.post(TRACK, json=_batch(**changes), headers=account.headers))
    assert any(found[: len(loc)] == loc for found in locs), locs


def test_the_answer_says_what_is_wrong_with_the_picture(
    client: TestClient, account: Account
) -> None:
    stream = STREAMS["knees"]
    frames = [
        {"t": f.t, "landmarks": [list(p) for p in f.landmarks], "brightness": 18.5}
        for f in stream.frames[40:50]
        if f.landmarks is not None
    ]
    body = {"exercise": "knee-to-chest", "aspect": stream.aspect, "frames": frames}

    dark = client.post(TRACK, json=body, headers=account.headers)
    assert dark.status_code == 200, dark.text
    assert [w["code"] for w in dark.json()["warnings"]] == ["too_dark"]
    assert "Turn on a light" in dark.json()["warnings"][0]["message"]

    lit = [dict(frame, brightness=128) for frame in frames]
    answer = client.post(TRACK, json=dict(body, frames=lit), headers=account.headers)
    assert answer.json()["warnings"] == []

    nobody = [{"t": frame["t"], "landmarks": None} for frame in frames]
    answer = client.post(TRACK, json=dict(body, frames=nobody), headers=account.headers)
    assert [w["code"] for w in answer.json()["warnings"]] == ["no_pose"]
    assert answer.json()["state"]["has_pose"] is False


def test_non_finite_numbers_are_refused(client: TestClient, account: Account) -> None:
    text = json.dumps(_batch()).replace("0.9]", "NaN]", 1)
    answer = client.post(
        TRACK,
        content=text,
        headers={**account.headers, "Content-Type": "application/json"},
    )
    assert answer.status_code == 422, answer.text


def test_a_snapshot_is_only_good_for_its_person_and_exercise(
    client: TestClient, account: Account, web_app: FastAPI
) -> None:
    first = client.post(TRACK, json=_batch(), headers=account.headers)
    assert first.status_code == 200, first.text
    snapshot = first.json()["snapshot"]
    again = client.post(TRACK, json=_batch(snapshot=snapshot, frames=[]), headers=account.headers)
    assert again.status_code == 200, again.text

    edited = dict(snapshot, detector=snapshot["detector"].replace('"frames":1', '"frames":9'))
    assert edited["detector"] != snapshot["detector"]
    assert _locs(client.post(TRACK, json=_batch(snapshot=edited), headers=account.headers)) == [
        ["body", "snapshot"]
    ]
    other_exercise = _batch(exercise="bird-dog", snapshot=snapshot)
    assert _locs(client.post(TRACK, json=other_exercise, headers=account.headers)) == [
        ["body", "snapshot"]
    ]
    with TestClient(web_app) as bob_client:
        bob = api_sign_up(bob_client, "bob@example.org")
        screen_via_api(bob_client, bob)
        stolen = bob_client.post(TRACK, json=_batch(snapshot=snapshot), headers=bob.headers)
        assert _locs(stolen) == [["body", "snapshot"]]


def test_signed_in_patients_with_an_open_program_only(client: TestClient) -> None:
    assert client.post(TRACK, json=_batch()).status_code in (401, 403)
    fresh = api_sign_up(client, "cat@example.org")  # no safety screen yet: the gate is shut
    closed = client.post(TRACK, json=_batch(), headers=fresh.headers)
    assert closed.status_code == 409, closed.text
    assert closed.json()["gate"]["state"] != "open"
    assert client.get("/api/motion/setup").status_code == 409
    assert client.post(TRACK, json=_batch()).status_code == 403  # no CSRF token


def test_setup_gives_the_camera_advice(client: TestClient, account: Account) -> None:
    setup = client.get("/api/motion/setup").json()
    assert set(setup["advice"]) == {
        "pelvic-tilt",
        "knee-to-chest",
        "lower-trunk-rotation",
        "bird-dog",
    }
    assert any("floor" in line for line in setup["advice"]["pelvic-tilt"])
    assert setup["max_frames"] == motion_api.MAX_FRAMES
    assert setup["available"] is (motion_api.DEFAULT_POSE_DIR / "pose.js").is_file()


def test_pose_files_are_served_from_a_whitelist(
    client: TestClient, account: Account, web_app: FastAPI, tmp_path: Path
) -> None:
    folder = tmp_path / "pose"
    folder.mkdir()
    (folder / "pose.js").write_text("var Pose;", encoding="utf-8")
    (folder / "pose_solution_wasm_bin.wasm").write_bytes(b"\0asm")
    (folder / "secret.txt").write_text("no", encoding="utf-8")
    web_app.state.settings = web_app.state.settings.model_copy(update={})
    object.__setattr__(web_app.state.settings, "pose_assets_dir", folder)
    script = client.get("/static/pose/pose.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    wasm = client.get("/static/pose/pose_solution_wasm_bin.wasm")
    assert wasm.headers["content-type"] == "application/wasm"
    assert client.get("/static/pose/secret.txt").status_code == 404
    assert client.get("/static/pose/..%2Fsecret.txt").status_code == 404
    assert client.get("/static/pose/pose_landmark_full.tflite").status_code == 404  # not there
    assert client.get("/static/player.js").status_code == 200  # the /static mount still works
    object.__setattr__(web_app.state.settings, "pose_assets_dir", tmp_path / "nowhere")
    assert client.get("/api/motion/setup").json()["available"] is False
    assert "npm install" in client.get("/api/motion/setup").json()["how_to_add"]
