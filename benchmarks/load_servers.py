"""The two servers the load benchmark drives, each in its own process, under one uvicorn setting.

``sciatica serve`` (cli/serve.py) runs ``uvicorn.run(app, host=..., port=..., log_level="warning")``
with one worker: no other option, so uvicorn's defaults for the loop, the HTTP parser, keep-alive
and the thread pool. ``SERVER_OPTIONS`` is that call's options, and the bare app below is served
with exactly them, so the only difference between the two is the application: ours (routing,
middleware, CSRF, sessions, the database, templates) against one trivial endpoint.

``python -m benchmarks.load_servers PORT`` serves the bare app (the benchmark starts it);
``serve_app`` starts the real ``sciatica serve`` on a data directory.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

HOST = "127.0.0.1"
SERVER_OPTIONS: dict[str, object] = {"log_level": "warning"}
"""What cli/serve.py passes to ``uvicorn.run`` besides host and port (one worker)."""
SCIATICA = Path(sys.executable).with_name("sciatica")
BARE_PATH = "/ping"
REPO_ROOT = Path(__file__).resolve().parents[1]


def bare_app() -> FastAPI:
    """One trivial endpoint; a plain ``def`` like our routes, so it runs in the same thread pool."""
    app = FastAPI()

    @app.get(BARE_PATH)
    def ping() -> dict[str, bool]:
        return {"ok": True}

    return app


def free_port() -> int:
    """A loopback port nobody listens on now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(process: subprocess.Popen[bytes], url: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"the server for {url} did not start in {timeout_s:.0f} s")


@contextmanager
def _running(command: list[str], env: dict[str, str], probe: str) -> Iterator[None]:
    process = subprocess.Popen(command, env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL)
    try:
        _wait_until_up(process, probe)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serve_app(data_dir: Path, secret_key: str, keep_views: bool = True) -> Iterator[str]:
    """``sciatica serve`` (one worker) on ``data_dir`` on a free loopback port; the base URL.
    ``keep_views=False`` keeps no composed view (``services.view_cache``): every read is
    composed afresh, as the first read after a write is."""
    port = free_port()
    env = os.environ | {"SCIATICA_DATA_DIR": str(data_dir), "SCIATICA_SECRET_KEY": secret_key}
    if not keep_views:
        env["SCIATICA_VIEW_CACHE_ENTRIES"] = "0"
    env.pop("DATABASE_URL", None)
    env.pop("SCIATICA_DATABASE_URL", None)
    base = f"http://{HOST}:{port}"
    command = [str(SCIATICA), "serve", "--host", HOST, "--port", str(port)]
    with _running(command, env, f"{base}/learn"):
        yield base


@contextmanager
def serve_bare() -> Iterator[str]:
    """The bare app in its own process, same uvicorn options; the base URL."""
    port = free_port()
    base = f"http://{HOST}:{port}"
    command = [sys.executable, "-m", "benchmarks.load_servers", str(port)]
    with _running(command, dict(os.environ), f"{base}{BARE_PATH}"):
        yield base


def main() -> None:
    import uvicorn

    uvicorn.run(bare_app(), host=HOST, port=int(sys.argv[1]), **SERVER_OPTIONS)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
