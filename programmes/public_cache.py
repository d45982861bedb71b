"""What the public sees of an event's programme, read at most once a second per event.

The public programme pages and downloads (``service.public_programme``) need the
latest version and whether the event is public, published and not cancelled. Reading
that row is a database round trip, which cost more than the rest of a cached page
(benchmarks/RESULTS.md), so each process keeps the answer for ``WINDOW`` seconds:

- a change this process makes (publishing a version; an event's status or visibility,
  counted by ``events.changes``) shows at once: the answer is kept with the count it
  was read under, and a moved count means a fresh read;
- a change made by another process (another worker, ``convenor`` commands) shows
  within ``WINDOW`` seconds, as an answer is only used while younger than that
  (measured from when its read began);
- concurrent requests for the same event share one read.

Programme pages are not personal, and browsers and proxies may keep the feed and
exports for five minutes (``Cache-Control: public, max-age=300``), so a second more
changes nothing a visitor could rely on. Delegates', speakers' and organisers' pages
read the database every time (``view.published_programme``).

Public addresses name the event by its uuid; ``event_id_of`` keeps which id each uuid
belongs to (a uuid never changes; unknown ones are not kept), and the answer is checked
against the uuid in the version itself, so a reused id is never shown under another
event's uuid.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from convenor.errors import NotFound
from events.changes import changes_to
from events.models import Event, Visibility
from programmes.view import Published, published_programme

__all__ = ["PUBLIC_VISIBILITIES", "WINDOW", "event_id_of", "public_published", "recent_programme"]

# Who sees a programme at a public address: by the event's uuid, public and unlisted
# events; by its number (the API, old links), public ones only, since numbers can be
# counted through and an unlisted event is for those given its address.
PUBLIC_VISIBILITIES = (Visibility.PUBLIC.value, Visibility.UNLISTED.value)
BY_NUMBER = (Visibility.PUBLIC.value,)

WINDOW = 1.0  # seconds
MAX_EVENTS = 1024  # answers kept; the oldest read goes first
clock: Callable[[], float] = time.monotonic  # tests put a fake clock here


@dataclass(frozen=True)
class _Answer:
    changes: int  # this process's count of changes to the event when the read began
    read_at: float  # clock() when the read began
    published: Published | None


_answers: OrderedDict[int, _Answer] = OrderedDict()
_ids: OrderedDict[str, int] = OrderedDict()
_reads: dict[int, tuple[int, asyncio.Future[Published | None]]] = {}


async def recent_programme(event_id: int) -> Published | None:
    """``published_programme(event_id)`` as read at most ``WINDOW`` seconds ago and
    since this process last changed the event. Side effects: this process's cache."""
    changes = changes_to(event_id)
    answer = _answers.get(event_id)
    if answer is not None and answer.changes == changes and clock() - answer.read_at < WINDOW:
        return answer.published
    reading = _reads.get(event_id)
    if reading is None or reading[0] != changes:
        task = asyncio.ensure_future(_read(event_id, changes))
        reading = _reads[event_id] = (changes, task)
        task.add_done_callback(functools.partial(_done, event_id))
    # One read for everyone waiting; a waiter that goes away does not cancel it.
    return await asyncio.shield(reading[1])


async def event_id_of(event_uuid: str) -> int | None:
    """The id of the event with this uuid, or None. Side effects: this process's cache."""
    found = _ids.get(event_uuid)
    if found is None:
        ids = await Event.filter(uuid=event_uuid).values_list("id", flat=True)
        if not ids:
            return None
        found = _ids[event_uuid] = ids[0]
        while len(_ids) > MAX_EVENTS:
            _ids.popitem(last=False)
    return found


async def public_published(event: str | int) -> Published:
    """The latest version of a programme anyone may see, with the event's status, for
    ``event`` given as its uuid (public and unlisted events) or its id (public only);
    NotFound for any other or if nothing is published (callers decide on the status).
    Side effects: this process's cache."""
    if isinstance(event, str):
        event_id, visibilities = await event_id_of(event), PUBLIC_VISIBILITIES
    else:
        event_id, visibilities = event, BY_NUMBER
    published = None if event_id is None else await recent_programme(event_id)
    if published is None or published.visibility not in visibilities:
        raise NotFound()
    if isinstance(event, str) and published.view.event.get("uuid", event) != event:
        _ids.pop(event, None)  # the id is another event's now
        raise NotFound()
    return published


async def _read(event_id: int, changes: int) -> Published | None:
    read_at = clock()
    published = await published_programme(event_id)
    if changes_to(event_id) == changes:  # else a read begun after the change is under way
        _answers[event_id] = _Answer(changes, read_at, published)
        _answers.move_to_end(event_id)
        while len(_answers) > MAX_EVENTS:
            _answers.popitem(last=False)
    return published


def _done(event_id: int, task: asyncio.Future) -> None:
    reading = _reads.get(event_id)
    if reading is not None and reading[1] is task:
        del _reads[event_id]
