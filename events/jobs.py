"""The events domain's housekeeping, run by the worker (``convenor.jobs``)."""

from __future__ import annotations

from datetime import timedelta

from convenor.jobs import Job
from convenor.settings import Settings
from events.privacy import purge_sensitive_answers
from events.reminders import send_due_reminders


async def purge(settings: Settings) -> str | None:
    """Wipe sensitive answers (dietary, access, sensitive questions) of events past their
    purge date."""
    purged = await purge_sensitive_answers()
    if not purged:
        return None
    return f"sensitive answers removed for {len(purged)} event(s): " + ", ".join(
        f"#{event.id}" for event in purged
    )


async def remind(settings: Settings) -> str | None:
    """Email registered delegates the reminder of events starting soon (once each)."""
    sent = await send_due_reminders(settings)
    return f"reminded {sent} delegate(s)" if sent else None


jobs = [
    Job("purge sensitive answers", timedelta(hours=1), purge),
    Job("remind delegates", timedelta(minutes=10), remind),
]
