"""Changes to who may see an event, counted per event by the process that made them.

The services that change an event's status or visibility (and ``programmes`` when it
publishes a new version) run their transaction inside ``changing``, which counts the
change (``event_changed``) when the block ends, committed or not (a count too many
only costs a fresh read). Caches
of what the public sees in later layers (``programmes.public_cache``) keep the count
they read with each answer and drop the answer when the count has moved, so a change
made in this process shows at once. Other processes' changes are not counted here:
such caches bound the age of their answers instead.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

__all__ = ["changes_to", "changing", "event_changed"]

_counts: dict[int, int] = {}


def event_changed(event_id: int) -> None:
    """Count a committed change to the event. Side effects: this process's count only."""
    _counts[event_id] = _counts.get(event_id, 0) + 1


def changes_to(event_id: int) -> int:
    """How many changes to the event this process has counted. No side effects."""
    return _counts.get(event_id, 0)


@contextlib.asynccontextmanager
async def changing(event_id: int) -> AsyncIterator[None]:
    """Count a change to the event when the block ends, whether it committed or not (a
    count too many only costs a fresh read). Put it outside the transaction:
    ``async with changing(event_id), in_transaction(): ...``"""
    try:
        yield
    finally:
        event_changed(event_id)
