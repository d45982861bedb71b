"""Links on an event's public page (``/events/<uuid>``) that later domains add.

Events cannot import the layers above it, so a later domain links its own public page
from the event's (the programme, once one is published) through the domain convention
of ``convenor.domains``: a module ``<domain>.event_page`` with ``links``, a list of async
functions ``(event) -> EventPageLink | None``. A link is offered only where the page it
leads to answers the public.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from convenor.domains import domain_offers
from events.models import Event


@dataclass(frozen=True)
class EventPageLink:
    text: str
    href: str  # a path on this site


async def event_page_links(event: Event, domains: Iterable[str]) -> list[EventPageLink]:
    """The links the configured domains add to this event's page, in domain order.
    No side effects."""
    return await domain_offers(domains, "event_page", "links", event)
