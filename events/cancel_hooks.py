"""Cancelling the event: the people that later domains tell.

Events cannot import the layers above it, yet people those layers emailed hold
calendar entries of the event (a speaker sent their session by METHOD:REQUEST). Through
the domain convention of ``convenor.domains``, a module ``<domain>.event_cancelled``
offers:

- ``handlers``: async functions ``(event, settings, message) -> int`` that email the
  people the domain tells and return how many; ``events.service.cancel_event`` calls
  them inside its transaction, after the event is marked cancelled, so their emails are
  outbox rows written with the cancel;
- ``recipients``: async functions ``(event) -> int``, how many people the matching
  handler would email now (no side effects), added to the confirmation page's count.
"""

from __future__ import annotations

from collections.abc import Iterable

from convenor.domains import domain_attr
from convenor.settings import Settings
from events.models import Event


async def tell_domains(event: Event, settings: Settings, message: str) -> int:
    """Run every domain's cancel handler; how many people they emailed. Side effects:
    theirs (emails queued). Call inside the cancel's transaction."""
    told = 0
    for handlers in domain_attr(settings.domains, "event_cancelled", "handlers"):
        for handle in handlers:
            told += await handle(event, settings, message)
    return told


async def domains_reach(event: Event, domains: Iterable[str]) -> int:
    """How many people the domains' cancel handlers would email now. No side effects."""
    reach = 0
    for counters in domain_attr(domains, "event_cancelled", "recipients"):
        for count in counters:
            reach += await count(event)
    return reach
