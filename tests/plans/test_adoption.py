"""Adopting the plan: only after the consultation has closed, as the next version, once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from convenor.errors import Conflict
from plans.adoption import adopt, publish_report
from plans.models import Action, Plan, PlanStatus, PlanVersion, VersionKind
from plans.versions import publish_version
from tests.plans.factories import closed_plan, make_plan, plan_actions


async def versions(plan) -> list[tuple[int, str]]:
    return list(
        await PlanVersion.filter(plan=plan).order_by("number").values_list("number", "kind")
    )


async def test_adopt_publishes_version_2_with_the_edited_plan(app, organiser):
    plan = await closed_plan()
    first = (await plan_actions(plan))[0]
    await Action.filter(id=first.id).update(text="Target knife crime with youth workers")

    version = await adopt(organiser, plan.id, "Adopted by the partnership board")

    assert (version.number, version.kind, version.note) == (
        2,
        VersionKind.ADOPTED,
        "Adopted by the partnership board",
    )
    assert version.snapshot["priorities"][0]["actions"][0]["text"] == (
        "Target knife crime with youth workers"
    )
    assert await versions(plan) == [(1, VersionKind.CONSULTATION), (2, VersionKind.ADOPTED)]
    assert (await Plan.get(id=plan.id)).status == PlanStatus.ADOPTED


async def test_adopt_refused_while_the_consultation_is_open(app, organiser):
    plan = await closed_plan()
    plan.closes_at = datetime.now(UTC) + timedelta(hours=2)
    plan.closed_at = None
    await plan.save()

    with pytest.raises(Conflict) as refused:
        await adopt(organiser, plan.id, "")

    assert "The consultation is open until" in refused.value.message
    assert await versions(plan) == [(1, VersionKind.CONSULTATION)]
    assert (await Plan.get(id=plan.id)).status == PlanStatus.CONSULTATION
    # Positive control: once the close time has passed (the worker not yet run), it may.
    plan.closes_at = datetime.now(UTC) - timedelta(seconds=1)
    await plan.save()
    assert (await adopt(organiser, plan.id, "")).number == 2


async def test_adopt_refused_without_a_consulted_version(app, organiser):
    plan = await closed_plan()
    await PlanVersion.filter(plan=plan).delete()

    with pytest.raises(Conflict) as refused:
        await adopt(organiser, plan.id, "")

    assert refused.value.message == "There is no version that was consulted on."
    assert await versions(plan) == []
    assert (await Plan.get(id=plan.id)).status == PlanStatus.CONSULTATION
    await publish_version(organiser, plan.id, VersionKind.CONSULTATION)  # control
    assert (await adopt(organiser, plan.id, "")).number == 2


async def test_adopt_refused_for_a_draft(app, organiser):
    plan = await make_plan(PlanStatus.DRAFT)

    with pytest.raises(Conflict):
        await adopt(organiser, plan.id, "")

    assert await versions(plan) == []
    assert (await Plan.get(id=plan.id)).status == PlanStatus.DRAFT
    # The positive control is test_adopt_publishes_version_2_with_the_edited_plan.


async def test_adopting_twice_at_once_makes_one_adopted_version(app, organiser):
    plan = await closed_plan()

    results = await asyncio.gather(
        *(adopt(organiser, plan.id, "") for _ in range(4)), return_exceptions=True
    )

    adopted = [r for r in results if isinstance(r, PlanVersion)]
    assert len(adopted) == 1
    assert all(isinstance(r, Conflict) for r in results if r not in adopted)
    assert await versions(plan) == [(1, VersionKind.CONSULTATION), (2, VersionKind.ADOPTED)]


async def test_report_is_published_only_after_adoption_and_once(app, organiser):
    plan = await closed_plan()

    with pytest.raises(Conflict):
        await publish_report(organiser, plan.id)
    assert (await Plan.get(id=plan.id)).report_published_at is None

    await adopt(organiser, plan.id, "")
    published = await publish_report(organiser, plan.id)
    assert (await Plan.get(id=plan.id)).report_published_at == published.report_published_at
    with pytest.raises(Conflict):
        await publish_report(organiser, plan.id)
    assert (await Plan.get(id=plan.id)).report_published_at == published.report_published_at
