"""Each change to who may see an event is counted in the process that made it, once it
is committed (``events.changes``), so caches of public pages can drop their answers."""

from __future__ import annotations

from events.changes import changes_to
from events.models import Event
from events.service import cancel_event, create_event, publish_event, update_event
from tests.events.factories import event_data


async def test_publish_event_counts_one_change(organiser):
    event = await create_event(organiser, event_data())
    before = changes_to(event.id)

    await publish_event(organiser, event.id)

    assert changes_to(event.id) == before + 1


async def test_update_event_counts_one_change(organiser, settings):
    event = await create_event(organiser, event_data())
    before = changes_to(event.id)

    await update_event(organiser, event.id, event_data(visibility="public"), settings)

    assert changes_to(event.id) == before + 1


async def test_cancel_event_counts_one_change_after_it_is_committed(organiser, settings):
    event = await create_event(organiser, event_data())
    before = changes_to(event.id)

    await cancel_event(organiser, event.id, settings)

    assert changes_to(event.id) == before + 1
    assert (await Event.get(id=event.id)).status == "cancelled"
