"""Throughput over HTTP for the directory benchmark: the search page against a raw
ASGI hello-world, both served by uvicorn (one worker) and loaded by the same minimal
keep-alive client, so the ratio holds even when the machine's speed drifts.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


async def hello(scope, receive, send):
    """The raw ASGI hello-world the search page is compared with."""
    if scope["type"] != "http":
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"13")],
        }
    )
    await send({"type": "http.response.body", "body": b"Hello, world!"})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(target: str, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        target,
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--app-dir",
        str(ROOT / "benchmarks"),
    ]
    if target.endswith("app_from_env"):
        command.append("--factory")
    process = subprocess.Popen(command, env=env, cwd=str(ROOT))
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{target} did not start")


async def _client(port: int, paths: list[str], deadline: float, counter: list[int]) -> None:
    """A minimal keep-alive HTTP/1.1 client, so the load generator is not the bottleneck."""
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


async def throughput(port: int, paths: list[str], seconds: float, connections: int = 8) -> float:
    await _client(port, paths, time.perf_counter() + 0.5, [0])  # warm up
    counter = [0]
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(*[_client(port, paths, deadline, counter) for _ in range(connections)])
    return counter[0] / (time.perf_counter() - start)


async def measure_http(
    database_url: str, data_dir: str, seconds: float, paths: list[str]
) -> dict[str, float]:
    """Requests per second for the search page and for hello-world, and their ratio."""
    env = {
        **os.environ,
        "CONVENOR_DATABASE_URL": database_url,
        "CONVENOR_DATA_DIR": data_dir,
        "CONVENOR_SECRET_KEY": secrets.token_urlsafe(40),
        "PYTHONPATH": str(ROOT),
    }
    results = {}
    for label, target, targets in (
        ("hello", "directory_throughput:hello", ["/"]),
        ("search_page", "convenor.asgi:app_from_env", paths),
    ):
        process, port = serve(target, env)
        try:
            results[f"{label}_rps"] = await throughput(port, targets, seconds)
        finally:
            process.terminate()
            process.wait(10)
    results["ratio"] = results["search_page_rps"] / results["hello_rps"]
    return results
