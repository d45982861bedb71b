"""Throughput over HTTP for the directory benchmark: the search page against a raw
ASGI hello-world, both served by uvicorn (one worker) and loaded by the same minimal
keep-alive client, so the ratio holds even when the machine's speed drifts.
"""

from __future__ import annotations

import os
import secrets

from harness import HELLO, ROOT, serve, throughput


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
        ("hello", HELLO, ["/"]),
        ("search_page", "convenor.asgi:app_from_env", paths),
    ):
        process, port = serve(target, env, factory=target != HELLO)
        try:
            results[f"{label}_rps"] = await throughput(port, targets, seconds)
        finally:
            process.terminate()
            process.wait(10)
    results["ratio"] = results["search_page_rps"] / results["hello_rps"]
    return results
