"""The events domain's housekeeping, run by the worker (``convenor.jobs``)."""

from __future__ import annotations

from datetime import timedelta

from convenor.jobs import Job
from convenor.settings import Settings
from events.privacy import purge_sensitive_answers


async def purge(settings: Settings) -> str | None:
    """Wipe sensitive answers (dietary, access, sensitive questions) of events past their
    purge date."""
    purged = await purge_sensitive_answers()
    if not purged:
        return None
    return f"sensitive answers removed for {len(purged)} event(s): " + ", ".join(
        f"#{event.id}" for event in purged
    )


jobs = [Job("purge sensitive answers", timedelta(hours=1), purge)]
