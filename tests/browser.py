"""Browser fixtures: the app served by uvicorn on a free port, and Debian's Chromium.

Chromium is driven by Playwright's Python package (never its own browser download). The
browser is Debian's ``chromium-headless-shell``: Chromium's own headless build, the same
Blink and V8 as the ``chromium`` package, and what Playwright itself runs for headless
tests. It does the same work on about 60% of the CPU of full Chromium in headless mode
(the browser tests: 118 s against 202 s of CPU on the project's machine), which is most
of what made ``make test`` fit in three minutes (issue 19). Without it the tests use
``/usr/bin/chromium``; ``CONVENOR_CHROMIUM`` names any other binary. Tests never skip:
without a browser every browser test fails, saying how to install one.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Browser, Page, async_playwright
from starlette.types import ASGIApp

from convenor.app import create_app
from tests.mailserver import free_port

HEADLESS_SHELL = Path("/usr/bin/chromium-headless-shell")
FULL_CHROMIUM = Path("/usr/bin/chromium")


def chromium_binary() -> Path:
    """CONVENOR_CHROMIUM if set, else Debian's headless shell, else its full Chromium."""
    if named := os.environ.get("CONVENOR_CHROMIUM"):
        return Path(named)
    if FULL_CHROMIUM.exists() and not HEADLESS_SHELL.exists():
        return FULL_CHROMIUM
    return HEADLESS_SHELL


CHROMIUM = chromium_binary()
MISSING_CHROMIUM = (
    "The browser tests need Chromium, and it is not at {path}. Install it with "
    "`apt-get install chromium-headless-shell` (Debian, Ubuntu; `make test` does this "
    "itself when run as root), or point CONVENOR_CHROMIUM at a Chromium or Chrome "
    "binary. Tests never skip, so the suite fails without it."
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@contextlib.asynccontextmanager
async def served(asgi_app: ASGIApp, port: int) -> AsyncIterator[None]:
    """Serve ``asgi_app`` with uvicorn on 127.0.0.1:``port`` on this event loop, without
    a lifespan (Tortoise is already started by the ``app`` fixture)."""
    config = uvicorn.Config(
        asgi_app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.05)
    try:
        yield
    finally:
        server.should_exit = True
        await task


@pytest.fixture(scope="session")
async def live_server(app, settings) -> AsyncIterator[str]:
    """Serve the app over real HTTP; Tortoise is already started by the ``app`` fixture."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    async with served(create_app(replace(settings, base_url=url), run_worker=False), port):
        yield url


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(MISSING_CHROMIUM.format(path=CHROMIUM), pytrace=False)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()


@pytest.fixture
async def page(browser: Browser, live_server: str) -> AsyncIterator[Page]:
    context = await browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    new_page = await context.new_page()
    yield new_page
    await context.close()


AXE_SOURCE = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text()


async def axe_violations(page: Page) -> list[dict]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page; returns the violations."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE_SOURCE)
    # resultTypes: every violating node is still reported; passes, incomplete and
    # inapplicable results (never read here) keep one node each, which spares axe
    # building a selector for every node of the page (a quarter of its time).
    result = await page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, "
        "resultTypes: ['violations']})"
    )
    return [
        {"id": v["id"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


async def assert_accessible(page: Page) -> None:
    violations = await axe_violations(page)
    assert violations == [], f"axe-core violations on {page.url}: {violations}"
