"""Publishing versions of a plan and comparing any two (by the stable refs)."""

from __future__ import annotations

import asyncio
import copy

import pytest

from convenor.errors import Conflict, Forbidden, Invalid, NotFound
from plans.models import Action, ActionPartner, PlanVersion, Priority, VersionKind
from plans.tree import load_tree, snapshot
from plans.versions import compare, compare_versions, publish_version, version
from tests.conftest import make_staff
from tests.plans.factories import add_action, add_lead, add_priority, lead_entry, make_plan


async def test_publish_version_numbers_from_one_and_keeps_every_version(app, organiser):
    plan = await make_plan()

    first = await publish_version(organiser, plan.id, VersionKind.CONSULTATION)
    await Action.filter(plan=plan).limit(1).update(text="Reworded")
    second = await publish_version(organiser, plan.id, VersionKind.REVISION, note="  After talks ")

    assert (first.number, second.number) == (1, 2)
    assert second.note == "After talks"
    assert second.published_by_id == organiser.id
    assert await PlanVersion.filter(plan=plan).count() == 2
    assert (await version(plan.id, 1)).snapshot == first.snapshot
    assert first.snapshot["priorities"][0]["title"] == "Keeping people safe from harm"


async def test_publish_version_freezes_the_snapshot_against_later_edits(app, organiser):
    plan = await make_plan(priorities=1, actions=(1,))
    first = await publish_version(organiser, plan.id, VersionKind.CONSULTATION)

    await Action.filter(plan=plan).update(text="Changed afterwards")

    kept = await version(plan.id, 1)
    assert kept.snapshot["priorities"][0]["actions"][0]["text"] == (
        "Target knife crime hot spots with joint patrols"
    )
    assert kept.snapshot == first.snapshot


async def test_publish_revision_unchanged_is_refused_but_adoption_is_not(app, organiser):
    plan = await make_plan(priorities=1, actions=(1,))
    await publish_version(organiser, plan.id, VersionKind.CONSULTATION)

    with pytest.raises(Conflict):
        await publish_version(organiser, plan.id, VersionKind.REVISION)
    adopted = await publish_version(organiser, plan.id, VersionKind.ADOPTED)

    assert adopted.number == 2
    assert await PlanVersion.filter(plan=plan).count() == 2


async def test_publish_empty_plan_is_invalid(app, organiser):
    plan = await make_plan(priorities=0, actions=())

    with pytest.raises(Invalid):
        await publish_version(organiser, plan.id, VersionKind.REVISION)
    assert await PlanVersion.filter(plan=plan).count() == 0
    await add_priority(plan, "Keeping people safe from harm")  # control: not empty, published
    assert (await publish_version(organiser, plan.id, VersionKind.REVISION)).number == 1


async def test_publish_by_a_moderator_is_forbidden(app, organiser):
    plan = await make_plan(priorities=1, actions=(1,))
    moderator = await make_staff("moderator")

    with pytest.raises(Forbidden):
        await publish_version(moderator, plan.id, VersionKind.REVISION)
    assert await PlanVersion.filter(plan=plan).count() == 0
    assert (await publish_version(organiser, plan.id, VersionKind.REVISION)).number == 1


async def test_publish_unknown_plan_and_version_not_found(app, organiser):
    with pytest.raises(NotFound):
        await publish_version(organiser, 999_999, VersionKind.REVISION)
    assert await PlanVersion.all().count() == 0
    plan = await make_plan(priorities=1, actions=(1,))
    with pytest.raises(NotFound):
        await version(plan.id, 1)
    await publish_version(organiser, plan.id, VersionKind.REVISION)  # control
    assert (await version(plan.id, 1)).number == 1


async def test_publish_at_once_takes_distinct_numbers(app, organiser):
    plan = await make_plan(priorities=1, actions=(1,))

    made = await asyncio.gather(
        *(publish_version(organiser, plan.id, VersionKind.ADOPTED) for _ in range(5))
    )

    assert sorted(v.number for v in made) == [1, 2, 3, 4, 5]


# -- compare ------------------------------------------------------------------


async def _snap(plan_id: int) -> dict:
    return snapshot(await load_tree(plan_id))


async def test_compare_same_snapshot_is_unchanged(app):
    plan = await make_plan()
    frozen = await _snap(plan.id)

    result = compare(frozen, copy.deepcopy(frozen))

    assert result.unchanged
    assert [a.kind for a in result.actions] == ["same"] * 8


async def test_compare_added_removed_reworded_lead_and_measure(app):
    plan = await make_plan()
    old = await _snap(plan.id)
    actions = list(await Action.filter(plan=plan).order_by("priority__position", "position"))
    first, second, third, fourth = actions[:4]
    await Action.filter(id=first.id).update(text="Target knife crime with joint patrols")
    await Action.filter(id=second.id).delete()
    await ActionPartner.filter(action_id=third.id).delete()
    probation = await lead_entry("Probation Services")
    await add_lead(third, probation)
    await Action.filter(id=fourth.id).update(measure="Fewer young people reoffend")
    priority = await Priority.filter(plan=plan).order_by("position").first()
    added = await add_action(plan, priority, "A new action", ref="newref01", position=9)
    new = await _snap(plan.id)

    result = compare(old, new)

    assert [a.text for a in result.added] == ["A new action"]
    assert result.added[0].ref == added.ref
    assert [a.old_text for a in result.removed] == [
        "Support victims of domestic abuse through one referral route"
    ]
    assert [(a.old_text, a.new_text) for a in result.reworded] == [
        (
            "Target knife crime hot spots with joint patrols",
            "Target knife crime with joint patrols",
        )
    ]
    lead = result.action(third.ref)
    assert lead is not None and lead.lead_changed and not lead.reworded
    assert (lead.leads_removed, lead.leads_added) == (
        ("Youth Offending Service",),
        ("Probation Services",),
    )
    measure = result.action(fourth.ref)
    assert measure is not None and measure.measure_changed
    assert measure.new_measure == "Fewer young people reoffend"
    assert [c.ref for c in result.measure_changes] == [fourth.ref]
    # The removed action stays where it was: after 1.1 in priority 1.
    assert [a.kind for a in result.priorities[0].actions] == [
        "changed",
        "removed",
        "changed",
        "added",
    ]
    assert result.priorities[0].kind == "changed"
    assert result.priorities[2].kind == "same"


async def test_compare_removed_and_added_priority_and_moved_action(app):
    plan = await make_plan()
    old = await _snap(plan.id)
    priorities = list(await Priority.filter(plan=plan).order_by("position"))
    moving = await Action.filter(priority=priorities[0]).order_by("position").first()
    await Action.filter(id=moving.id).update(priority_id=priorities[2].id, position=5)
    await Priority.filter(id=priorities[1].id).delete()
    await Priority.filter(id=priorities[2].id).update(title="Safer, stronger communities")
    await add_priority(plan, "Tackling exploitation", ref="newprio1", position=7)
    new = await _snap(plan.id)

    result = compare(old, new)

    assert [(p.kind, p.title) for p in result.priorities] == [
        ("changed", "Keeping people safe from harm"),
        ("removed", "Preventing and reducing offending"),
        ("changed", "Safer, stronger communities"),
        ("added", "Tackling exploitation"),
    ]
    assert [a.kind for a in result.priorities[1].actions] == ["removed"] * 3
    assert result.priorities[2].retitled
    moved = result.action(moving.ref)
    assert moved is not None and moved.kind == "changed" and not moved.reworded
    assert moved.moved_from == "Keeping people safe from harm"
    assert (moved.old_number, moved.new_number) == ("1.1", "2.3")


async def test_compare_plan_fields_and_all_partners(app):
    plan = await make_plan(priorities=1, actions=(2,))
    old = await _snap(plan.id)
    actions = list(await Action.filter(plan=plan).order_by("position"))
    await Action.filter(id=actions[1].id).update(all_partners=False)
    plan.title = "Serious Violence Plan 2023"
    await plan.save()
    new = await _snap(plan.id)

    result = compare(old, new)

    assert result.plan_fields == {
        "title": ("Serious Violence Delivery Plan", "Serious Violence Plan 2023")
    }
    change = result.action(actions[1].ref)
    assert change is not None and change.all_partners_changed
    assert (change.old_leads, change.new_leads) == ("All partners", "")


async def test_compare_versions_reads_two_versions(app, organiser):
    plan = await make_plan(priorities=1, actions=(1,))
    await publish_version(organiser, plan.id, VersionKind.CONSULTATION)
    await Action.filter(plan=plan).update(text="Patrol knife crime hot spots")
    await publish_version(organiser, plan.id, VersionKind.ADOPTED)

    result = await compare_versions(plan.id, 1, 2)

    assert [a.new_text for a in result.reworded] == ["Patrol knife crime hot spots"]
    with pytest.raises(NotFound):
        await compare_versions(plan.id, 1, 3)
