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
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from events.changes import changes_to
from programmes.view import Published, published_programme

__all__ = ["WINDOW", "recent_programme"]

WINDOW = 1.0  # seconds
MAX_EVENTS = 1024  # answers kept; the oldest read goes first
clock: Callable[[], float] = time.monotonic  # tests put a fake clock here


@dataclass(frozen=True)
class _Answer:
    changes: int  # this process's count of changes to the event when the read began
    read_at: float  # clock() when the read began
    published: Published | None


_answers: OrderedDict[int, _Answer] = OrderedDict()
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
