"""Timetable grid and "now and next" benchmark: an event with 40 sessions in 4 rooms
(ten half-hour slots) and 60 speakers, served by the real app (``convenor.app.create_app``,
all middleware).

Measures:
- in-process: placing the sessions on the grid (``programmes.grid.grid_days``), rendering
  the programme page with its grid (paid once per version and track: the public page is
  cached on the view), and building and rendering the now-and-next screen (paid on every
  request: it depends on the time);
- HTTP throughput, anonymous visitor, of ``GET /events/<uuid>/programme`` (the grid page)
  and of ``GET /events/<uuid>/programme/now`` as the venue's displays ask for it, with the
  app's clock (``programmes.grid.clock``) at 11am on the day (the screen during the
  programme: four rooms with a session on and one next), each as a ratio to a raw ASGI
  hello-world served the same way (uvicorn, one worker) in the same run, measured in
  interleaved rounds (the median round's ratio). Target: at least 0.20 each. Also: the
  organiser's preview of that moment (``?at=2027-06-09T11:00``, read from the query on
  every request), the screen without its per-minute cache of rendered screens
  (``wall_routes.SCREENS_KEPT = 0``), to show what the cache buys, and ``/healthz``, the
  floor any page of the app starts from (every middleware, no page work).

Usage:
    .venv/bin/python benchmarks/programmes_grid.py [--seconds 5] [--postgres URL]
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import programmes_data as data  # noqa: E402
from harness import HELLO, scratch_postgres, serve, throughput  # noqa: E402
from programmes_feed import seed  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from convenor import migrate  # noqa: E402
from convenor.app import create_app  # noqa: E402
from convenor.db import tortoise_config  # noqa: E402
from convenor.settings import Settings  # noqa: E402
from convenor.templating import make_environment  # noqa: E402
from events.models import Event  # noqa: E402
from programmes import grid, wall_routes  # noqa: E402
from programmes.grid import grid_days, now_and_next  # noqa: E402
from programmes.public_routes import PAGE, programme_context, public_downloads  # noqa: E402
from programmes.view import view_from_snapshot  # noqa: E402
from programmes.wall_routes import NOW_PAGE  # noqa: E402

BASE = "https://convenor.example.org"
AT = "2027-06-09T11:00"  # 11am in London: the fourth slot of the benchmark's programme
AT_UTC = datetime(2027, 6, 9, 10, 0, tzinfo=UTC)
ROUNDS = 5


def app_from_env():
    """The whole app as deployed (no mail worker), its clock at 11am on the programme's
    day (only the now screen reads it), for uvicorn --factory."""
    grid.clock = lambda: AT_UTC
    return create_app(Settings.from_env(), run_worker=False)


def app_without_screen_cache():
    """The same, rendering the now screen on every request (what the cache buys)."""
    wall_routes.SCREENS_KEPT = 0
    return app_from_env()


def median_ms(work, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return round(statistics.median(timings) * 1000, 3)


def in_process() -> dict:
    env = make_environment()
    page, screen_page = env.get_template(PAGE), env.get_template(NOW_PAGE)
    view = view_from_snapshot(1, 1, datetime(2027, 5, 1, tzinfo=UTC), data.snapshot(), [])
    sessions = view.public_sessions()
    context = programme_context(
        view, sessions, "", "/events/e/programme", public_downloads("e", BASE)
    )
    context.update(current_user=None, csrf_token="", request=None)
    html = page.render(context)

    def screen() -> str:
        found = now_and_next(view, sessions, AT_UTC)
        return screen_page.render(view=view, screen=found, preview=True, base="/e")

    return {
        "grid_days_ms": median_ms(lambda: grid_days(view, sessions), 200),
        "page_render_ms": median_ms(lambda: page.render(context), 50),
        "page_kb": len(html) // 1024,
        "now_screen_ms": median_ms(screen, 500),
    }


async def over_http(database_url: str, data_dir: str, seconds: float) -> dict:
    """Requests per second for hello-world, the grid page and the now screen."""
    await asyncio.to_thread(migrate.upgrade, database_url)
    settings = Settings(database_url=database_url, secret_key="x" * 40, data_dir=Path(data_dir))
    await Tortoise.init(config=tortoise_config(settings))
    try:
        event_id = await seed(settings)
        event = (await Event.get(id=event_id)).uuid
    finally:
        await Tortoise.close_connections()
    env = {**os.environ, "CONVENOR_DATABASE_URL": database_url, "CONVENOR_DATA_DIR": data_dir,
           "CONVENOR_SECRET_KEY": secrets.token_urlsafe(40), "PYTHONPATH": str(ROOT)}  # fmt: skip
    servers = {
        "hello": serve(HELLO, env),
        "app": serve("programmes_grid:app_from_env", env, factory=True),
        "uncached": serve("programmes_grid:app_without_screen_cache", env, factory=True),
    }
    targets = {
        "hello": ("hello", "/"),
        "healthz": ("app", "/healthz"),  # the app's floor: all middleware, no page
        "grid_page": ("app", f"/events/{event}/programme"),
        "now_screen": ("app", f"/events/{event}/programme/now"),
        "now_preview": ("app", f"/events/{event}/programme/now?at={AT}"),
        "now_screen_uncached": ("uncached", f"/events/{event}/programme/now"),
    }
    # The machine is shared: measure in interleaved rounds and keep each one's ratio to
    # the hello-world of its own round; report the median round.
    rounds: dict[str, list[float]] = {name: [] for name in targets}
    try:
        for _ in range(ROUNDS):
            for name, (server, path) in targets.items():
                port = servers[server][1]
                rounds[name].append(await throughput(port, path, seconds / ROUNDS))
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(10)
    results: dict[str, float] = {"hello_rps": round(statistics.median(rounds["hello"]))}
    for name in list(targets)[1:]:
        ratios = [rps / hello for rps, hello in zip(rounds[name], rounds["hello"], strict=True)]
        results[f"{name}_rps"] = round(statistics.median(rounds[name]))
        results[f"{name}_ratio"] = round(statistics.median(ratios), 3)
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    print("in-process:", in_process())
    with tempfile.TemporaryDirectory() as tmp:
        if not args.postgres:
            url = f"sqlite://{tmp}/bench.sqlite3"
            print("sqlite:", await over_http(url, tmp, args.seconds))
            return
        async with scratch_postgres(args.postgres) as url:
            print("postgres:", await over_http(url, tmp, args.seconds))


if __name__ == "__main__":
    asyncio.run(main())
