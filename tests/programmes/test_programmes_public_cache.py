"""The public programme is read at most once a second per event; this process's own
changes show at once, another process's within the second (``programmes.public_cache``).
"""

from __future__ import annotations

import asyncio
import sqlite3

import asyncpg
import pytest

from convenor.db import sqlite_path
from convenor.errors import NotFound
from events.models import Event
from events.service import cancel_event, update_event
from programmes import public_cache, view
from programmes.drafts import add_session
from programmes.publishing import publish_programme
from programmes.service import public_programme
from tests.events.factories import event_data

from .factories import session_data


class FakeClock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(public_cache, "clock", fake)
    return fake


@pytest.fixture
def reads(monkeypatch) -> list[int]:
    """The event ids the cache read from the database, in order."""
    made: list[int] = []
    real = view.published_programme

    async def counted(event_id: int):
        made.append(event_id)
        return await real(event_id)

    monkeypatch.setattr(public_cache, "published_programme", counted)
    return made


@pytest.fixture
async def public(event, programme, organiser, settings):
    await update_event(organiser, event.id, event_data(visibility="public"), settings)
    await publish_programme(organiser, event.id, settings)
    return programme


def where(event: Event) -> str:
    return f"WHERE id = {int(event.id)}"


async def change_elsewhere(settings, sql: str) -> None:
    """Run one statement on a connection of its own, as another process would."""
    url = settings.database_url
    if url.startswith("sqlite"):

        def run() -> None:
            conn = sqlite3.connect(sqlite_path(url))
            try:
                with conn:
                    conn.execute(sql)
            finally:
                conn.close()

        await asyncio.to_thread(run)
        return
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def test_public_cache_reads_once_within_the_window(event, public, clock, reads):
    for step in (0, 0.5, 0.49):
        clock.now += step
        await public_programme(event.id)

    assert reads == [event.id]


async def test_public_cache_reads_again_when_the_window_ends(event, public, clock, reads):
    await public_programme(event.id)
    clock.now += public_cache.WINDOW

    await public_programme(event.id)

    assert reads == [event.id, event.id]


async def test_public_cache_change_from_another_process_shows_within_the_window(
    event, public, clock, settings
):
    assert (await public_programme(event.id)).number == 1  # shown before the change
    await change_elsewhere(settings, f"UPDATE event SET visibility = 'invite_only' {where(event)}")
    clock.now += public_cache.WINDOW - 0.01
    still = await public_programme(event.id)
    clock.now += 0.01

    with pytest.raises(NotFound):
        await public_programme(event.id)
    assert [s.title for s in still.public_sessions()] == [
        "Welcome",
        "What serious violence means here",
        "Workshop: the draft plan",
    ]


async def test_public_cache_cancelled_event_from_another_process_is_gone_after_the_window(
    event, public, clock, settings
):
    assert (await public_programme(event.id)).number == 1  # shown before the change
    await change_elsewhere(settings, f"UPDATE event SET status = 'cancelled' {where(event)}")
    clock.now += public_cache.WINDOW

    with pytest.raises(NotFound):
        await public_programme(event.id)


async def test_public_cache_shows_a_version_published_here_at_once(
    event, public, organiser, settings, clock
):
    first = await public_programme(event.id)
    await add_session(organiser, event.id, session_data("Closing remarks", 5, 5.5))
    await publish_programme(organiser, event.id, settings)

    second = await public_programme(event.id)

    assert (first.number, second.number) == (1, 2)
    assert second.public_sessions()[-1].title == "Closing remarks"


async def test_public_cache_event_cancelled_here_is_not_found_at_once(
    event, public, organiser, settings, clock
):
    assert (await public_programme(event.id)).number == 1  # shown before the change
    await cancel_event(organiser, event.id, settings)

    with pytest.raises(NotFound):
        await public_programme(event.id)


async def test_public_cache_event_made_invite_only_here_is_not_found_at_once(
    event, public, organiser, settings, clock
):
    assert (await public_programme(event.id)).number == 1  # shown before the change
    await update_event(organiser, event.id, event_data(visibility="invite_only"), settings)

    with pytest.raises(NotFound):
        await public_programme(event.id)


async def test_public_cache_event_made_public_here_shows_at_once(
    event, programme, organiser, settings, clock
):
    await publish_programme(organiser, event.id, settings)
    with pytest.raises(NotFound):
        await public_programme(event.id)
    await update_event(organiser, event.id, event_data(visibility="unlisted"), settings)

    found = await public_programme(event.uuid)  # an unlisted event's address is its uuid

    assert found.number == 1


async def test_public_cache_concurrent_requests_share_one_read(event, public, clock, reads):
    found = await asyncio.gather(*[public_programme(event.id) for _ in range(20)])

    assert reads == [event.id]
    assert {id(v) for v in found} == {id(found[0])}


async def test_public_cache_read_that_began_before_a_change_here_is_not_kept(
    event, public, organiser, settings, clock, monkeypatch
):
    queried, gate = asyncio.Event(), asyncio.Event()
    real = view.published_programme
    reads = []

    async def held_back_once(event_id: int):
        reads.append(event_id)
        found = await real(event_id)
        if len(reads) == 1:
            queried.set()
            await gate.wait()
        return found

    monkeypatch.setattr(public_cache, "published_programme", held_back_once)
    early = asyncio.ensure_future(public_programme(event.id))
    await asyncio.wait_for(queried.wait(), 5)  # it read version 1; the answer is not back
    await add_session(organiser, event.id, session_data("Closing remarks", 5, 5.5))
    await publish_programme(organiser, event.id, settings)
    try:
        late = await asyncio.wait_for(public_programme(event.id), 5)  # not early's read
    finally:
        gate.set()
    old = await early
    again = await public_programme(event.id)

    assert (old.number, late.number, again.number) == (1, 2, 2)
    assert len(reads) == 2


async def test_public_cache_keeps_answers_for_a_bounded_number_of_events(
    event, public, clock, reads, monkeypatch
):
    monkeypatch.setattr(public_cache, "MAX_EVENTS", 2)
    for event_id in (event.id, 900_001, 900_002, event.id):
        try:
            await public_programme(event_id)
        except NotFound:
            pass

    assert reads == [event.id, 900_001, 900_002, event.id]
    assert len(public_cache._answers) == 2


# Over HTTP: the programme page and the feed.


async def test_programme_page_shows_a_version_published_here_at_once(
    client, event, public, organiser, settings, clock
):
    before = await client.get(f"/events/{event.uuid}/programme")
    await add_session(organiser, event.id, session_data("Closing remarks", 5, 5.5))
    await publish_programme(organiser, event.id, settings)

    after = await client.get(f"/events/{event.uuid}/programme")

    assert (before.status_code, after.status_code) == (200, 200)
    assert ("Closing remarks" in before.text, "Closing remarks" in after.text) == (False, True)


async def test_programme_feed_of_a_version_published_here_has_a_new_etag_at_once(
    client, event, public, organiser, settings, clock
):
    path = f"/events/{event.uuid}/programme.ics"
    first = await client.get(path)
    await add_session(organiser, event.id, session_data("Closing remarks", 5, 5.5))
    await publish_programme(organiser, event.id, settings)

    again = await client.get(path, headers={"If-None-Match": first.headers["etag"]})

    assert again.status_code == 200
    assert again.headers["etag"] != first.headers["etag"]
    assert "SUMMARY:Closing remarks" in again.text


async def test_programme_page_of_an_event_cancelled_here_is_404_at_once(
    client, event, public, organiser, settings, clock
):
    before = await client.get(f"/events/{event.uuid}/programme")
    await cancel_event(organiser, event.id, settings)

    after = await client.get(f"/events/{event.uuid}/programme")
    feed = await client.get(f"/events/{event.uuid}/programme.ics")

    assert (before.status_code, after.status_code, feed.status_code) == (200, 404, 200)
    # Issue 16: the feed stays, striking every session out, so calendars drop them.
    assert "STATUS:CONFIRMED" not in feed.text
    assert "STATUS:CANCELLED" in feed.text


async def test_programme_page_made_invite_only_by_another_process_is_404_after_the_window(
    client, event, public, settings, clock
):
    path = f"/events/{event.uuid}/programme"
    await client.get(path)
    await change_elsewhere(settings, f"UPDATE event SET visibility = 'invite_only' {where(event)}")
    clock.now += public_cache.WINDOW - 0.01
    within = await client.get(path)
    clock.now += 0.01

    after = await client.get(path)

    assert (within.status_code, after.status_code) == (200, 404)
