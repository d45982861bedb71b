"""What the HTTP benchmarks share: the raw ASGI baseline, serving, load and scratch databases.

Every speed target is a ratio to ``hello`` (a raw ASGI hello-world) served the same way
(``serve``: uvicorn, one worker, a child process) and loaded the same way
(``throughput``: a minimal keep-alive HTTP/1.1 client, so the load generator is not the
bottleneck) in the same run.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
HELLO = "harness:hello"


async def hello(scope, receive, send):
    """The raw ASGI hello-world every page is compared with."""
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"text/plain"), (b"content-length", b"13")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"Hello, world!"})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(
    target: str, env: dict[str, str], *, factory: bool = False, extra: Sequence[str] = ()
) -> tuple[subprocess.Popen, int]:
    """Start ``uvicorn target`` (module:attr under benchmarks/) on a free port."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", target, "--port", str(port), "--workers", "1",
        "--log-level", "warning", "--no-access-log", "--app-dir", str(ROOT / "benchmarks"),
        *extra,
    ]  # fmt: skip
    if factory:
        command.append("--factory")
    process = subprocess.Popen(command, env=env, cwd=str(ROOT))
    for _ in range(400):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{target} did not start")


async def _client(port: int, paths: Sequence[str], deadline: float, counter: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = 0
    while time.perf_counter() < deadline:
        path = paths[i % len(paths)]
        i += 1
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        counter[0] += 1
    writer.close()


async def throughput(
    port: int, paths: str | Sequence[str], seconds: float, connections: int = 8
) -> float:
    """Requests per second over ``connections`` keep-alive connections, after a warm-up."""
    paths = [paths] if isinstance(paths, str) else list(paths)
    await _client(port, paths, time.perf_counter() + 0.5, [0])
    counter = [0]
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(*[_client(port, paths, deadline, counter) for _ in range(connections)])
    return counter[0] / (time.perf_counter() - start)


def _connect_url(server: str) -> str:
    return server.replace("postgres://", "postgresql://", 1)


@contextlib.asynccontextmanager
async def scratch_postgres(server: str) -> AsyncIterator[str]:
    """A new, empty database on ``server`` for one run; dropped afterwards."""
    name = f"convenor_bench_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(_connect_url(server))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield urlsplit(server)._replace(path=f"/{name}").geturl()
    finally:
        conn = await asyncpg.connect(_connect_url(server))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
