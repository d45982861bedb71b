"""Housekeeping jobs that domains ask to run on a schedule (e.g. purging sensitive answers).

A domain lists them in ``<domain>.jobs`` as ``jobs: list[Job]``. The worker, inside
``convenor serve`` or ``convenor worker``, runs each job when it starts and then every
``every``. Several workers may run the same job at once, so jobs must be safe to repeat
and to overlap (lock, re-check, then change).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from convenor.domains import domain_attr
from convenor.settings import Settings

log = logging.getLogger("convenor.jobs")

# After a failure, try again this soon (or at the job's own interval if shorter).
RETRY_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    # Does the work; returns a line for the log when it changed something, else None.
    run: Callable[[Settings], Awaitable[str | None]]


def domain_jobs(settings: Settings) -> list[Job]:
    """Every job the configured domains declare, in domain order."""
    return [job for jobs in domain_attr(settings.domains, "jobs", "jobs") for job in jobs]


class JobSchedule:
    """When each job is next due, on the monotonic clock (wall-clock jumps do not matter)."""

    def __init__(self, jobs: Iterable[Job], clock: Callable[[], float] = time.monotonic):
        self.jobs = list(jobs)
        self.clock = clock
        self.due_at = {job.name: clock() for job in self.jobs}

    async def run_due(self, settings: Settings) -> list[str]:
        """Run the jobs that are due; returns the names of those that ran. A failing
        job is logged and tried again later; it never stops the others."""
        ran = []
        for job in self.jobs:
            if self.clock() < self.due_at[job.name]:
                continue
            wait = job.every
            try:
                line = await job.run(settings)
                if line:
                    log.info("%s: %s", job.name, line)
            except Exception:
                log.exception("job %r failed; trying again later", job.name)
                wait = min(job.every, RETRY_AFTER)
            self.due_at[job.name] = self.clock() + wait.total_seconds()
            ran.append(job.name)
        return ran
