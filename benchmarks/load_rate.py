"""Open-loop load at a fixed rate (what wrk2 does, which Debian does not ship), in its own process.

Request ``i`` is due at ``start + i / rate`` whether or not earlier ones have answered, and its
latency is counted from when it was due, not from when it went out: a server that falls behind
shows it in the percentiles instead of quietly slowing the generator down (coordinated omission).
Bounded: at most ``MAX_IN_FLIGHT`` requests open (later ones are counted as not sent), and the run
stops ``GRACE_S`` after the last one is due; anything unanswered then counts as infinitely slow.

``python -m benchmarks.load_rate URL --rate 100 --duration 5 [--method POST --body-file F --mode
checkin|session|plain --header 'Name: value' ...]`` prints one line of JSON. The modes vary bodies
the way benchmarks/load_route.lua does for wrk.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import time
import uuid
from urllib.parse import urlsplit

MAX_IN_FLIGHT = 200
GRACE_S = 10.0
KEEP_ALIVE_S = 4.0
"""Reuse a connection only while it has been idle less than this (uvicorn's limit is 5 s)."""


def _bodies(template: str | None, mode: str) -> list[bytes | None]:
    """The body of request 1, 2, ... (cycled), as load_route.lua makes them."""
    if template is None:
        return [None]
    if mode == "checkin":
        return [template.replace("@CLIENT_ID@", str(uuid.uuid4())).encode()]
    if mode == "session":
        client_id = str(uuid.uuid4())
        return [
            template.replace("@CLIENT_ID@", client_id)
            .replace("@VERSION@", str(step))
            .replace("@FINAL@", "true" if step == 4 else "false")
            .encode()
            for step in range(5)
        ]
    return [template.encode()]


def _percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return math.inf
    index = min(len(sorted_values) - 1, math.ceil(p / 100 * len(sorted_values)) - 1)
    return sorted_values[max(0, index)]


class _Pool:
    """Keep-alive HTTP/1.1 connections to one server, opened as needed, each used by one request
    at a time: plain asyncio streams, because a full client costs more CPU per request than the
    routes being measured (httpx reached about 35 requests/s here on a busy machine)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.target = parts.path + (f"?{parts.query}" if parts.query else "")
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self.opened: list[asyncio.StreamWriter] = []

    def request_bytes(self, method: str, headers: dict[str, str], body: bytes | None) -> bytes:
        lines = [f"{method} {self.target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")

    async def send(self, raw: bytes) -> int:
        """Send one request, read the whole answer; its status code. A kept-alive connection
        the server has just closed (uvicorn closes idle ones after 5 s) is retried once on a new
        one, as browsers do."""
        while self.idle:
            reader, writer, idle_since = self.idle.pop()
            if time.perf_counter() - idle_since < KEEP_ALIVE_S:
                try:
                    return await self._exchange(reader, writer, raw)
                except (ConnectionError, asyncio.IncompleteReadError):
                    writer.close()
                    break
            writer.close()
        reader, writer = await asyncio.open_connection(self.host, self.port)
        self.opened.append(writer)
        return await self._exchange(reader, writer, raw)

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes
    ) -> int:
        writer.write(raw)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        fields = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(b":") for line in head.split(b"\r\n")[1:])
        }
        if fields.get(b"transfer-encoding") == b"chunked":
            while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
                await reader.readexactly(size + 2)
            await reader.readuntil(b"\r\n")
        else:
            await reader.readexactly(int(fields.get(b"content-length", b"0")))
        if fields.get(b"connection") == b"close":
            writer.close()
        else:
            self.idle.append((reader, writer, time.perf_counter()))
        return status

    def close(self) -> None:
        for writer in self.opened:
            writer.close()


async def _run(args: argparse.Namespace) -> dict[str, object]:
    headers = dict(h.split(": ", 1) for h in args.header)
    template = None
    if args.body_file:
        with open(args.body_file, encoding="utf-8") as file:
            template = file.read()
        headers["Content-Type"] = "application/json"
    total = round(args.rate * args.duration)
    latencies: list[float] = []
    bad_status = 0
    not_sent = 0
    in_flight = 0
    failures: dict[str, int] = {}
    pool = _Pool(args.url)

    async def one(due: float, raw: bytes) -> None:
        nonlocal bad_status, in_flight
        try:
            if await pool.send(raw) >= 400:
                bad_status += 1
            latencies.append(time.perf_counter() - due)
        except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            bad_status += 1
            failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1
        finally:
            in_flight -= 1

    tasks = []
    bodies: list[bytes | None] = []
    start = time.perf_counter() + 0.05
    for i in range(total):
        if not bodies:
            bodies = _bodies(template, args.mode)
        raw = pool.request_bytes(args.method, headers, bodies.pop(0))
        due = start + i / args.rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        if in_flight >= MAX_IN_FLIGHT:
            not_sent += 1
            continue
        in_flight += 1
        tasks.append(asyncio.create_task(one(due, raw)))
    if tasks:
        _, pending = await asyncio.wait(tasks, timeout=GRACE_S)
        for task in pending:
            task.cancel()
    elapsed = time.perf_counter() - start
    pool.close()
    unanswered = total - len(latencies)
    ordered = sorted(latencies) + [math.inf] * unanswered
    return {
        "due": total,
        "answered": len(latencies),
        "not_sent": not_sent,
        "bad_status": bad_status,
        "failures": failures,
        "achieved_rps": len(latencies) / elapsed if elapsed > 0 else 0.0,
        "p50_ms": _percentile(ordered, 50) * 1000,
        "p99_ms": _percentile(ordered, 99) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--body-file")
    parser.add_argument("--mode", choices=("plain", "checkin", "session"), default="plain")
    parser.add_argument("--header", action="append", default=[])
    result = asyncio.run(_run(parser.parse_args()))
    print(json.dumps(result).replace("Infinity", "null"))


if __name__ == "__main__":
    main()
