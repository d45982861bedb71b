"""The reminder to registered delegates before the event, run by the worker.

Each published event with reminders on sends, ``reminder_hours_before`` hours before it
starts, one email to each registered delegate: when and where, the venue's access
details, their check-in code and the link to their home. A registration's
``reminded_at`` is set by one conditional UPDATE in the same transaction as the outbox
row, so a delegate gets it once however many workers run the job at the same time.
Nothing goes for a cancelled event, a cancelled registration or once the event started.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.settings import Settings
from events import notices
from events.models import (
    Event,
    EventStatus,
    Invitation,
    InvitationStatus,
    Registration,
    RegistrationStatus,
)
from events.service import MAX_REMINDER_HOURS

TEMPLATE = "delegate_reminder"


def reminder_due(event: Event, at: datetime) -> bool:
    """Whether the event's reminders go now: on, published, within the window, not started."""
    return (
        event.reminders_enabled
        and event.status == EventStatus.PUBLISHED
        and event.starts_at - timedelta(hours=event.reminder_hours_before) <= at < event.starts_at
    )


async def _remind(
    settings: Settings, event: Event, registration: Registration, at: datetime
) -> bool:
    async with in_transaction():
        claimed = await Registration.filter(
            id=registration.id, status=RegistrationStatus.REGISTERED, reminded_at__isnull=True
        ).update(reminded_at=at)
        if not claimed:
            return False
        invitation = await Invitation.get(id=registration.invitation_id)  # type: ignore[attr-defined]
        await notices.send_plain(
            settings,
            event,
            invitation,
            TEMPLATE,
            name=registration.name,
            code=registration.check_in_code,
        )
    return True


async def send_due_reminders(settings: Settings, at: datetime | None = None) -> int:
    """Remind every registered delegate of each event whose reminder time has come.
    Side effects: outbox rows, personal links issued, registrations' reminded_at.
    Returns how many delegates were reminded."""
    at = at or now()
    events = await Event.filter(
        status=EventStatus.PUBLISHED,
        reminders_enabled=True,
        starts_at__gt=at,
        starts_at__lte=at + timedelta(hours=MAX_REMINDER_HOURS),
    )
    sent = 0
    for event in events:
        if not reminder_due(event, at):
            continue
        due = await Registration.filter(
            event_id=event.id,
            status=RegistrationStatus.REGISTERED,
            reminded_at__isnull=True,
            invitation__status=InvitationStatus.REGISTERED,
        ).order_by("id")
        for registration in due:
            sent += await _remind(settings, event, registration, at)
    return sent
