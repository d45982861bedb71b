"""Programme page benchmark: the public programme page of an event with 40 sessions and
60 speakers, served by the real app (``convenor.app.create_app``, all middleware).

Measures:
- in-process: rendering the page's template from a view (paid once per version and
  track, since the public page has no personal parts) and answering from the cache;
- HTTP throughput of ``GET /events/<id>/programme`` (anonymous visitor) as a ratio to a
  raw ASGI hello-world served the same way (uvicorn, one worker) in the same run.
  Target: at least 0.10.

Usage:
    .venv/bin/python benchmarks/programmes_page.py [--seconds 5] [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import asyncpg  # noqa: E402
import programmes_data as data  # noqa: E402
from programmes_feed import seed, serve, throughput  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from convenor import migrate  # noqa: E402
from convenor.app import create_app  # noqa: E402
from convenor.db import tortoise_config  # noqa: E402
from convenor.settings import Settings  # noqa: E402
from convenor.templating import make_environment  # noqa: E402
from programmes.public_routes import PAGE, programme_context, public_downloads  # noqa: E402
from programmes.view import view_from_snapshot  # noqa: E402

BASE = "https://convenor.example.org"


def app_from_env():
    """The whole app as deployed (no mail worker), for uvicorn --factory."""
    return create_app(Settings.from_env(), run_worker=False)


def in_process() -> dict:
    template = make_environment().get_template(PAGE)
    document = data.snapshot()
    published = datetime(2027, 5, 1, tzinfo=UTC)
    view = view_from_snapshot(1, 1, published, document, [])
    context = programme_context(
        view, view.public_sessions(), "", "/events/1/programme", public_downloads(1, BASE)
    )
    context.update(current_user=None, csrf_token="", request=None)
    timings = []
    for _ in range(50):
        start = time.perf_counter()
        html = template.render(context)
        timings.append(time.perf_counter() - start)
    return {"render_ms": round(statistics.median(timings) * 1000, 2), "page_kb": len(html) // 1024}


async def over_http(database_url: str, data_dir: str, seconds: float) -> dict:
    await asyncio.to_thread(migrate.upgrade, database_url)
    settings = Settings(database_url=database_url, secret_key="x" * 40, data_dir=Path(data_dir))
    await Tortoise.init(config=tortoise_config(settings))
    try:
        event_id = await seed(settings)
    finally:
        await Tortoise.close_connections()
    env = {**os.environ, "CONVENOR_DATABASE_URL": database_url, "CONVENOR_DATA_DIR": data_dir,
           "CONVENOR_SECRET_KEY": secrets.token_urlsafe(40), "PYTHONPATH": str(ROOT)}  # fmt: skip
    results = {}
    for label, target, path in (
        ("hello", "programmes_feed:hello", "/"),
        ("page", "programmes_page:app_from_env", f"/events/{event_id}/programme"),
    ):
        process, port = serve(target, env)
        try:
            results[f"{label}_rps"] = round(await throughput(port, path, seconds))
        finally:
            process.terminate()
            process.wait(10)
    results["ratio"] = round(results["page_rps"] / results["hello_rps"], 3)
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    print("in-process:", in_process())
    with tempfile.TemporaryDirectory() as tmp:
        if not args.postgres:
            print("sqlite:", await over_http(f"sqlite://{tmp}/bench.sqlite3", tmp, args.seconds))
            return
        name = f"convenor_bench_{secrets.token_hex(4)}"
        server = args.postgres.replace("postgres://", "postgresql://", 1)
        conn = await asyncpg.connect(server)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()
        url = urlsplit(args.postgres)._replace(path=f"/{name}").geturl()
        try:
            print("postgres:", await over_http(url, tmp, args.seconds))
        finally:
            conn = await asyncpg.connect(server)
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
