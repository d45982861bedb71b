"""Programme page benchmark: the public programme page of an event with 40 sessions and
60 speakers, served by the real app (``convenor.app.create_app``, all middleware).

Measures:
- in-process: rendering the page's template from a view (paid once per version and
  track, since the public page has no personal parts) and answering from the cache;
- HTTP throughput of ``GET /events/<uuid>/programme`` (anonymous visitor) as a ratio to a
  raw ASGI hello-world served the same way (uvicorn, one worker) in the same run.
  Target: at least 0.10.

Usage:
    .venv/bin/python benchmarks/programmes_page.py [--seconds 5] [--postgres URL]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import programmes_data as data  # noqa: E402
from programmes_feed import run  # noqa: E402

from convenor.app import create_app  # noqa: E402
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
        view, view.public_sessions(), "", "/events/e/programme", public_downloads("e", BASE)
    )
    context.update(current_user=None, csrf_token="", request=None)
    timings = []
    for _ in range(50):
        start = time.perf_counter()
        html = template.render(context)
        timings.append(time.perf_counter() - start)
    return {"render_ms": round(statistics.median(timings) * 1000, 2), "page_kb": len(html) // 1024}


async def main() -> None:
    await run(
        in_process(),
        label="page",
        target="programmes_page:app_from_env",
        path="/events/{event_uuid}/programme",
    )


if __name__ == "__main__":
    asyncio.run(main())
