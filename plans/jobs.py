"""The plans domain's housekeeping, run by the worker (``convenor.jobs``)."""

from __future__ import annotations

from datetime import timedelta

from convenor.jobs import Job
from convenor.settings import Settings
from plans.consultation import close_due
from plans.lead_contacts import REMINDER_JOB
from plans.retention import reduce_job


async def close_consultations(settings: Settings) -> str | None:
    """Close every consultation whose close time has come (no response is accepted
    after it in any case: saves check the close time themselves)."""
    closed = await close_due()
    return f"closed {closed} consultation(s)" if closed else None


jobs = [
    Job("close consultations", timedelta(minutes=1), close_consultations),
    REMINDER_JOB,
    Job("reduce public responses", timedelta(hours=1), reduce_job),
]
