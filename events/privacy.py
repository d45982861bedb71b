"""Sensitive answers: purging dietary and access needs after the event, keeping counts.

``purge_sensitive_answers`` runs every hour in the worker (``events.jobs``) and on demand
with ``convenor events purge``; each event is purged once, ``purge_after_days`` after it
ends.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from convenor.auth import now
from events.data import aware_utc
from events.models import Event, Registration, RegistrationStatus


def purge_due(event: Event, at: datetime) -> bool:
    return event.sensitive_purged_at is None and at >= event.ends_at + timedelta(
        days=event.purge_after_days
    )


async def purge_sensitive_answers(at: datetime | None = None) -> list[Event]:
    """Wipe dietary and access answers of events past their purge date.

    Side effects: registrations' dietary and access_needs emptied; the event keeps how
    many registered delegates had given each (dietary_count, access_needs_count).
    Returns the events purged.
    """
    moment = aware_utc(at) or now()
    purged = []
    for candidate in await Event.filter(sensitive_purged_at__isnull=True, ends_at__lt=moment):
        if not purge_due(candidate, moment):
            continue
        async with in_transaction():
            event = await Event.filter(id=candidate.id).select_for_update().get()
            if not purge_due(event, moment):
                continue
            attending = Registration.filter(event=event, status=RegistrationStatus.REGISTERED)
            event.dietary_count = await attending.exclude(dietary="").count()
            event.access_needs_count = await attending.exclude(access_needs="").count()
            event.sensitive_purged_at = moment
            await Registration.filter(event=event).update(dietary="", access_needs="")
            await event.save(
                update_fields=["dietary_count", "access_needs_count", "sensitive_purged_at"]
            )
        purged.append(event)
    return purged
