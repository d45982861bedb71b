"""Whole-programme feed benchmark: 40 sessions and 60 speakers.

Measures:
- building the feed's bytes from a fresh view (the cost paid once per version) and
  serving them from a cached view (every later request), in-process;
- HTTP throughput of a minimal Starlette app answering the feed the way the pages will
  (``published_programme`` = one query, then the cached feed bytes with an ETag), as a
  ratio to a raw ASGI hello-world served the same way (uvicorn, one worker) in the same
  run. Target: at least 0.10.

The programme is built through the services (rooms, speakers, sessions, publish) in a
scratch SQLite database, or on PostgreSQL with ``--postgres URL``.

Usage:
    .venv/bin/python benchmarks/programmes_feed.py [--seconds 5] [--postgres URL]
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
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import programmes_data as data  # noqa: E402
from harness import HELLO, scratch_postgres, serve, throughput  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import Response  # noqa: E402
from starlette.routing import Route  # noqa: E402
from tortoise import Tortoise  # noqa: E402
from tortoise.contrib.starlette import RegisterTortoise  # noqa: E402

from convenor import auth, migrate  # noqa: E402
from convenor.db import tortoise_config  # noqa: E402
from convenor.models import Role  # noqa: E402
from convenor.settings import Settings  # noqa: E402
from events.data import EventData  # noqa: E402
from events.models import Event  # noqa: E402
from events.service import create_event, publish_event  # noqa: E402
from programmes.data import RoomData, SessionData, SessionSpeakerData, SpeakerData  # noqa: E402
from programmes.drafts import add_room, add_session, set_session_speakers  # noqa: E402
from programmes.feeds import not_modified, programme_feed  # noqa: E402
from programmes.publishing import publish_programme  # noqa: E402
from programmes.speakers import add_speaker  # noqa: E402
from programmes.view import published_programme, view_from_snapshot  # noqa: E402

BASE = "https://convenor.example.org"


async def feed(request: Request) -> Response:
    published = await published_programme(int(request.path_params["event_id"]))
    if published is None:
        return Response(status_code=404)
    found = programme_feed(published.view, BASE)
    headers = {"ETag": found.etag, "Cache-Control": "public, max-age=300"}
    if not_modified(found, request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    return Response(found.body, media_type="text/calendar; charset=utf-8", headers=headers)


def app_from_env() -> Starlette:
    settings = Settings.from_env()

    @asynccontextmanager
    async def lifespan(app):
        async with RegisterTortoise(app, config=tortoise_config(settings)):
            yield

    return Starlette(
        routes=[Route("/events/{event_id:int}/programme.ics", feed)], lifespan=lifespan
    )


async def seed(settings: Settings) -> int:
    """The 40-session, 60-speaker programme through the services; returns the event id."""
    organiser = await auth.create_user("bench@example.org", Role.ORGANISER, "x" * 16)
    event = await create_event(
        organiser,
        EventData(
            title="Serious Violence Delivery Plan Conference",
            contact_email="events@example.org",
            venue_name="St Mary's Stadium",
            starts_at=data.START,
            ends_at=data.START.replace(hour=data.START.hour + 7),
            capacity=200,
            visibility="public",
        ),
    )
    await publish_event(organiser, event.id)
    rooms = [await add_room(organiser, event.id, RoomData(name=name)) for name in data.ROOMS]
    speakers = []
    for name in data.speaker_names():
        speakers.append(
            await add_speaker(
                organiser,
                event.id,
                SpeakerData(name=name, job_title="Director", bio=data.BIO),
            )
        )
    for number in range(data.SESSIONS):
        start, end = data.session_times(number)
        session = await add_session(
            organiser,
            event.id,
            SessionData(
                title=f"Session {number + 1}: working together on serious violence",
                description="Partners share what works.",
                starts_at=start,
                ends_at=end,
                room_id=rooms[number % len(rooms)].id,
                not_for_publication=number == 5,
            ),
        )
        people = [speakers[(number * 3 + k) % len(speakers)] for k in range(3)]
        await set_session_speakers(
            organiser, event.id, session.id, [SessionSpeakerData(p.id) for p in people]
        )
    await publish_programme(organiser, event.id, settings)
    return event.id


def in_process() -> dict:
    document = data.snapshot()
    published = datetime(2027, 5, 1, tzinfo=UTC)
    cold = []
    for number in range(20):
        view = view_from_snapshot(number + 1, 1, published, document, [])
        start = time.perf_counter()
        programme_feed(view, BASE)
        cold.append(time.perf_counter() - start)
    warm = []
    for _ in range(2000):
        start = time.perf_counter()
        programme_feed(view, BASE)
        warm.append(time.perf_counter() - start)
    return {
        "feed_build_ms": round(statistics.median(cold) * 1000, 2),
        "feed_cached_us": round(statistics.median(warm) * 1e6, 2),
        "feed_bytes": len(programme_feed(view, BASE).body),
    }


async def over_http(
    database_url: str,
    data_dir: str,
    seconds: float,
    label: str = "feed",
    target: str = "programmes_feed:app_from_env",
    path: str = "/events/{event_id}/programme.ics",
) -> dict:
    """Requests per second for ``path`` (served by ``target``) and for hello-world."""
    await asyncio.to_thread(migrate.upgrade, database_url)
    settings = Settings(database_url=database_url, secret_key="x" * 40, data_dir=Path(data_dir))
    await Tortoise.init(config=tortoise_config(settings))
    try:
        event_id = await seed(settings)
        event_uuid = (await Event.get(id=event_id)).uuid
    finally:
        await Tortoise.close_connections()
    env = {**os.environ, "CONVENOR_DATABASE_URL": database_url, "CONVENOR_DATA_DIR": data_dir,
           "CONVENOR_SECRET_KEY": secrets.token_urlsafe(40), "PYTHONPATH": str(ROOT)}  # fmt: skip
    results = {}
    for name, app, factory, url in (
        ("hello", HELLO, False, "/"),
        (label, target, True, path.format(event_id=event_id, event_uuid=event_uuid)),
    ):
        process, port = serve(app, env, factory=factory)
        try:
            results[f"{name}_rps"] = round(await throughput(port, url, seconds))
        finally:
            process.terminate()
            process.wait(10)
    results["ratio"] = round(results[f"{label}_rps"] / results["hello_rps"], 3)
    return results


async def run(in_process_result: dict, **page) -> None:
    """Command line shared with programmes_page.py: --seconds, --postgres URL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    print("in-process:", in_process_result)
    with tempfile.TemporaryDirectory() as tmp:
        if not args.postgres:
            url = f"sqlite://{tmp}/bench.sqlite3"
            print("sqlite:", await over_http(url, tmp, args.seconds, **page))
            return
        async with scratch_postgres(args.postgres) as url:
            print("postgres:", await over_http(url, tmp, args.seconds, **page))


async def main() -> None:
    await run(in_process())


if __name__ == "__main__":
    asyncio.run(main())
