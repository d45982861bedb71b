"""The worker's job schedule: every job at start, then at its interval; failures retried
sooner and never stopping the other jobs."""

from __future__ import annotations

import logging
from datetime import timedelta

from convenor.jobs import RETRY_AFTER, Job, JobSchedule, domain_jobs


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def counting(name: str, every: timedelta, runs: list[str], fail: bool = False) -> Job:
    async def run(settings) -> str | None:
        runs.append(name)
        if fail:
            raise RuntimeError(f"{name} broke")
        return None

    return Job(name, every, run)


async def test_every_job_runs_when_the_worker_starts(settings):
    runs: list[str] = []
    schedule = JobSchedule(
        [counting("a", timedelta(hours=1), runs), counting("b", timedelta(days=1), runs)], Clock()
    )

    ran = await schedule.run_due(settings)

    assert (ran, runs) == (["a", "b"], ["a", "b"])


async def test_a_job_runs_again_only_after_its_interval(settings):
    runs: list[str] = []
    clock = Clock()
    schedule = JobSchedule([counting("hourly", timedelta(hours=1), runs)], clock)
    await schedule.run_due(settings)

    clock.now += 3599
    early = await schedule.run_due(settings)
    clock.now += 1
    due = await schedule.run_due(settings)

    assert (early, due, runs) == ([], ["hourly"], ["hourly", "hourly"])


async def test_a_failing_job_is_logged_retried_sooner_and_does_not_stop_others(settings, caplog):
    runs: list[str] = []
    clock = Clock()
    schedule = JobSchedule(
        [
            counting("broken", timedelta(hours=1), runs, fail=True),
            counting("fine", timedelta(hours=1), runs),
        ],
        clock,
    )

    with caplog.at_level(logging.ERROR, logger="convenor.jobs"):
        await schedule.run_due(settings)
        clock.now += RETRY_AFTER.total_seconds()
        retried = await schedule.run_due(settings)

    assert runs == ["broken", "fine", "broken"]
    assert retried == ["broken"]
    assert [r.getMessage() for r in caplog.records] == [
        "job 'broken' failed; trying again later"
    ] * 2


def test_domain_jobs_include_the_events_and_plans_jobs(settings):
    assert [job.name for job in domain_jobs(settings)] == [
        "purge sensitive answers",
        "remind delegates",
        "close consultations",
        "remind lead agencies",
        "reduce public responses",
    ]
