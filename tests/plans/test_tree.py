"""The plan as every part of the domain reads it: order, numbers, partners, snapshot."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from convenor.errors import NotFound
from plans.models import Action, Priority
from plans.tree import load_tree, plan_by_uuid, snapshot
from tests.plans.factories import make_plan


async def test_tree_numbers_priorities_and_actions_in_order(app):
    plan = await make_plan()

    tree = await load_tree(plan.id)

    assert [p.number for p in tree.priorities] == [1, 2, 3]
    assert [a.number for a in tree.actions] == [
        "1.1",
        "1.2",
        "1.3",
        "2.1",
        "2.2",
        "2.3",
        "3.1",
        "3.2",
    ]
    first = tree.priorities[0].actions
    assert first[0].lead_names == "Hampshire Constabulary"
    assert first[1].lead_names == "All partners"
    assert [p.name for p in first[2].leads] == ["Youth Offending Service"]


async def test_tree_leaves_out_removed_items_and_renumbers(app):
    plan = await make_plan()
    tree = await load_tree(plan.id)
    await Action.filter(id=tree.priorities[0].actions[0].id).update(removed_at=datetime.now(UTC))
    await Priority.filter(id=tree.priorities[1].id).update(removed_at=datetime.now(UTC))

    shown = await load_tree(plan.id)
    everything = await load_tree(plan.id, include_removed=True)

    assert [a.number for a in shown.actions] == ["1.1", "1.2", "2.1", "2.2"]
    assert len(everything.actions) == 8
    frozen = snapshot(everything)
    assert [p["title"] for p in frozen["priorities"]] == [
        "Keeping people safe from harm",
        "Creating safe, stronger communities",
    ]
    assert len(frozen["priorities"][0]["actions"]) == 2


async def test_snapshot_holds_partners_and_refs(app):
    plan = await make_plan(priorities=1, actions=(1,))
    tree = await load_tree(plan)

    frozen = snapshot(tree)

    action = frozen["priorities"][0]["actions"][0]
    assert action["ref"] == tree.actions[0].ref
    assert [lead["name"] for lead in action["leads"]] == ["Hampshire Constabulary"]
    assert action["supports"] == []
    assert action["target_date"] is None


async def test_plan_by_uuid_of_an_unknown_plan_is_not_found(app):
    plan = await make_plan(priorities=1, actions=(1,))

    assert (await plan_by_uuid(plan.uuid)).id == plan.id
    with pytest.raises(NotFound):
        await plan_by_uuid("not-a-plan")
