"""Table points sent at once around the consultation's close (issue 21): each is stored
before the close or refused by the close rule, none lost, none after it, no other
error, while the worker's close job runs among them. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from convenor.errors import Conflict
from plans import workshops
from plans.consultation import close_due
from plans.models import Plan, TablePoint
from tests.plans.factories import (
    facilitator_token,
    plan_actions,
    table_facilitator,
    workshop_plan,
)

TABLES = 6
POINTS_EACH = 10


async def test_points_at_the_close_are_each_saved_before_it_or_refused(app, organiser):
    setup = await workshop_plan(organiser)
    action = (await plan_actions(setup.plan))[0]
    tokens = []
    for table in range(TABLES):
        person = await table_facilitator(
            setup.plan,
            setup.workshop,
            name=f"Facilitator {table}",
            email=f"table{table}@example.org",
            table=f"Table {table}",
        )
        tokens.append(await facilitator_token(person))
    start = time.perf_counter()
    await workshops.record_point(tokens[0], f"a{action.id}", "Warm-up")
    per_save = time.perf_counter() - start
    await TablePoint.all().delete()
    total = TABLES * POINTS_EACH
    closes_at = datetime.now(UTC) + timedelta(seconds=max(per_save * total / 2, 0.05))
    await Plan.filter(id=setup.plan.id).update(closes_at=closes_at)

    async def close_job():
        await asyncio.sleep(max((closes_at - datetime.now(UTC)).total_seconds(), 0))
        return await close_due()

    results = await asyncio.gather(
        *(
            workshops.record_point(token, f"a{action.id}", f"Point {n}")
            for n in range(POINTS_EACH)
            for token in tokens
        ),
        close_job(),
        return_exceptions=True,
    )
    outcomes, closed = results[:-1], results[-1]

    saved = [o for o in outcomes if isinstance(o, TablePoint)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(saved) + len(refused) == total, [o for o in outcomes if isinstance(o, Exception)]
    assert closed == 1
    stored = await TablePoint.filter(plan_id=setup.plan.id)
    assert len(stored) == len(saved)
    assert all(point.created_at < closes_at for point in stored)
    assert {r.message for r in refused} <= {
        "The consultation has closed: no more points can be recorded."
    }
