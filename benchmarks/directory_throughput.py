"""Throughput over HTTP for the directory benchmark: the search page against a raw
ASGI hello-world, both served by uvicorn (one worker) and loaded by the same minimal
keep-alive client, so the ratio holds even when the machine's speed drifts.

The two are measured in turn, a short window each, several rounds over: this machine's
speed swings from one minute to the next (the same page gave 290 and 530 requests a
second a minute apart), so one long window of each could compare a fast minute with a
slow one. The ratio reported is the median of the rounds' ratios, with the lowest and
highest beside it.
"""

from __future__ import annotations

import os
import secrets
import statistics

from harness import HELLO, ROOT, serve, throughput


async def measure_http(
    database_url: str, data_dir: str, seconds: float, paths: list[str], rounds: int = 5
) -> dict[str, float]:
    """Requests per second for the search page and for hello-world (the medians over
    ``rounds`` windows of ``seconds`` / ``rounds`` each), and their ratio."""
    env = {
        **os.environ,
        "CONVENOR_DATABASE_URL": database_url,
        "CONVENOR_DATA_DIR": data_dir,
        "CONVENOR_SECRET_KEY": secrets.token_urlsafe(40),
        "PYTHONPATH": str(ROOT),
    }
    hello, hello_port = serve(HELLO, env)
    try:
        page, page_port = serve("convenor.asgi:app_from_env", env, factory=True)
    except Exception:
        hello.terminate()
        raise
    window = seconds / rounds
    hellos, pages, ratios = [], [], []
    try:
        for _ in range(rounds):
            hellos.append(await throughput(hello_port, ["/"], window))
            pages.append(await throughput(page_port, paths, window))
            ratios.append(pages[-1] / hellos[-1])
    finally:
        for process in (hello, page):
            process.terminate()
            process.wait(10)
    return {
        "hello_rps": statistics.median(hellos),
        "search_page_rps": statistics.median(pages),
        "ratio": statistics.median(ratios),
        "ratio_lowest": min(ratios),
        "ratio_highest": max(ratios),
    }
