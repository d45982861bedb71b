"""The programme's link on an event's public page (``events.event_page``): there exactly
when the public programme page answers, that is once a version is published for a
public or unlisted event that is not cancelled (``service.public_programme``)."""

from __future__ import annotations

from convenor.errors import NotFound
from events.event_page import EventPageLink
from events.models import Event
from programmes import service


async def programme_link(event: Event) -> EventPageLink | None:
    try:
        await service.public_programme(event.uuid)
    except NotFound:
        return None
    return EventPageLink("Programme", f"/events/{event.uuid}/programme")


links = [programme_link]
