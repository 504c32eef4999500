"""Where a slow route of the load benchmark spends its time: cProfile, in-process, TestClient.

``python -m benchmarks.load_profile PATH [--days 30|365] [--clinician] [--n 20] [--post BODY]``
seeds the same data as benchmarks/load.py, signs in, makes one warm-up request and then profiles
``--n`` more, and prints the costliest functions by cumulative time (ours and libraries alike).
The app is called over ASGI in this thread, its thread-pool hops made inline, so the profile
holds the middleware, the dependencies, the route and its templates (a TestClient would run them
in threads cProfile does not see); httpx's own share is small and shows under its name.
``{patient}`` in PATH is the patient's public id (the clinician's pages). A POST body may hold
@CLIENT_ID@ (a new UUID per request), @VERSION@ and @FINAL@ (0 and false).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio.to_thread
import httpx

from benchmarks.load import CLINICIAN, HISTORIES, PASSWORD, SECRET, _email, seed
from sciatica_care.config import Settings
from sciatica_care.web.app import create_app


async def _inline(func: Callable[..., Any], *args: Any, **_: Any) -> Any:
    """``anyio.to_thread.run_sync`` made synchronous, so one profiler in this thread sees the
    routes and their dependencies (FastAPI runs plain ``def`` ones in worker threads)."""
    return func(*args)


async def _profile(app: Any, args: argparse.Namespace, public_ids: dict[int, str]) -> Any:
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client,
    ):
        email = CLINICIAN if args.clinician else _email(args.days)
        signed = await client.post("/api/session", json={"email": email, "password": PASSWORD})
        assert signed.status_code == 200, signed.text
        headers = {"X-CSRF-Token": signed.json()["csrf_token"]}
        path = args.path.replace("{patient}", public_ids[args.days])

        async def call() -> None:
            if args.post is None:
                response = await client.get(path)
            else:
                body = (
                    args.post.replace("@CLIENT_ID@", str(uuid.uuid4()))
                    .replace("@VERSION@", "0")
                    .replace("@FINAL@", "false")
                )
                response = await client.post(
                    path, content=body, headers=headers | {"Content-Type": "application/json"}
                )
            assert response.status_code in (200, 201), (response.status_code, response.text)

        await call()  # warm-up: caches, query plans
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(args.n):
            await call()
        profiler.disable()
        elapsed = time.perf_counter() - started
    print(f"{path}: {elapsed / args.n * 1000:.1f} ms a request under cProfile ({args.n} requests)")
    return profiler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--days", type=int, choices=HISTORIES, default=365)
    parser.add_argument("--clinician", action="store_true")
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--post", help="a JSON body: POST instead of GET")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", help="pstats key: cumulative, tottime")
    args = parser.parse_args()
    anyio.to_thread.run_sync = _inline  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        public_ids = seed(data)
        app = create_app(Settings(data_dir=data, secret_key=SECRET))
        profiler = asyncio.run(_profile(app, args, public_ids))
    stats = pstats.Stats(profiler)
    stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
