"""The register's services: recording updates and readings, and the public view's filters."""

from __future__ import annotations

import pytest

from convenor.errors import Conflict, Invalid, NotFound
from plans.models import Action, ActionStatus, ActionUpdate, MeasureReading, PlanStatus
from plans.register import (
    Filters,
    ReadingData,
    UpdateData,
    add_reading,
    parse_filters,
    public_register,
    record_update,
)
from tests.plans.factories import lead_entry, make_plan
from tests.plans.register_support import (
    POLICE,
    YOUTH,
    actions_by_number,
    adopted_plan,
    set_statuses,
)

ON_TRACK = UpdateData(status="on_track", progress="30", text="Patrols began.")


async def test_record_update_adds_to_timeline_and_sets_current_state(app):
    plan = await adopted_plan()
    action = (await actions_by_number(plan))["1.1"]

    update = await record_update(plan, action.id, ON_TRACK, author_name="Ann Lee")

    fresh = await Action.get(id=action.id)
    assert (fresh.status, fresh.progress, fresh.last_update_at) == (
        ActionStatus.ON_TRACK,
        30,
        update.posted_at,
    )
    assert await ActionUpdate.filter(action_id=action.id).count() == 1


async def test_record_update_refused_before_adoption_changes_nothing(app):
    plan = await make_plan(PlanStatus.CONSULTATION)
    action = (await actions_by_number(plan))["1.1"]

    with pytest.raises(Conflict):
        await record_update(plan, action.id, ON_TRACK, author_name="Ann Lee")

    fresh = await Action.get(id=action.id)
    assert (fresh.status, fresh.last_update_at) == (ActionStatus.NOT_STARTED, None)
    assert await ActionUpdate.filter(action_id=action.id).count() == 0
    plan.status = PlanStatus.ADOPTED  # control: once adopted, the same update is recorded
    await plan.save()
    await record_update(plan, action.id, ON_TRACK, author_name="Ann Lee")
    assert (await Action.get(id=action.id)).status == ActionStatus.ON_TRACK


async def test_record_update_invalid_changes_nothing(app):
    plan = await adopted_plan()
    action = (await actions_by_number(plan))["1.1"]

    with pytest.raises(Invalid):
        await record_update(
            plan, action.id, UpdateData(status="dropped", text="x"), author_name="A"
        )

    assert (await Action.get(id=action.id)).status == ActionStatus.NOT_STARTED
    assert await ActionUpdate.filter(action_id=action.id).count() == 0
    await record_update(  # control: with the reason a dropped action needs
        plan,
        action.id,
        UpdateData(status="dropped", text="x", status_reason="Funding ended"),
        author_name="A",
    )
    assert (await Action.get(id=action.id)).status == ActionStatus.DROPPED


async def test_record_update_of_another_plans_action_is_not_found(app):
    plan, other = await adopted_plan(), await adopted_plan()
    theirs = (await actions_by_number(other))["1.1"]

    with pytest.raises(NotFound):
        await record_update(plan, theirs.id, ON_TRACK, author_name="Ann Lee")

    assert await ActionUpdate.filter(action_id=theirs.id).count() == 0
    await record_update(other, theirs.id, ON_TRACK, author_name="Ann Lee")  # control
    assert await ActionUpdate.filter(action_id=theirs.id).count() == 1


async def test_add_reading_keeps_value_unit_date_source(app):
    plan = await adopted_plan()
    action = (await actions_by_number(plan))["3.2"]

    await add_reading(plan, action.id, ReadingData("52%", "", "2026-03-31", "City Survey 2026"))

    row = await MeasureReading.get(action_id=action.id)
    assert (row.value, row.unit, row.taken_on.isoformat(), row.source) == (
        52.0,
        "%",
        "2026-03-31",
        "City Survey 2026",
    )


async def test_public_register_only_for_adopted_or_archived_plans(app):
    for status in (PlanStatus.DRAFT, PlanStatus.CONSULTATION):
        plan = await make_plan(status)
        with pytest.raises(NotFound):
            await public_register(plan.uuid)
    for status in (PlanStatus.ADOPTED, PlanStatus.ARCHIVED):
        plan = await make_plan(status)
        assert len((await public_register(plan.uuid)).actions) == 8


async def test_filters_counts_are_exact_for_each_facet(app):
    plan = await adopted_plan()
    await set_statuses(
        plan,
        {"1.1": ActionStatus.ON_TRACK, "1.3": ActionStatus.AT_RISK, "2.3": ActionStatus.ON_TRACK},
    )
    police = await lead_entry(POLICE)

    view = await public_register(plan.uuid, Filters(lead=police.id))

    assert [a.view.number for a in view.shown] == ["1.1", "2.3"]
    # Status counts keep the lead filter; lead counts keep none but the status (none).
    assert {o.value: o.count for o in view.status_options()} == {
        "not_started": 0,
        "on_track": 2,
        "at_risk": 0,
        "off_track": 0,
        "done": 0,
        "dropped": 0,
    }
    assert {o.label: o.count for o in view.lead_options()} == {
        POLICE: 2,
        PROBATION_NAME: 1,
        "Southampton City Council": 1,
        YOUTH: 2,
    }
    assert [o.count for o in view.priority_options()] == [1, 1, 0]
    assert [o.selected for o in view.lead_options()] == [True, False, False, False]


PROBATION_NAME = "Probation Services"


async def test_filters_combined_show_the_intersection(app):
    plan = await adopted_plan()
    await set_statuses(plan, {"1.1": ActionStatus.ON_TRACK, "2.3": ActionStatus.ON_TRACK})
    priority = (await public_register(plan.uuid)).tree.priorities[1]

    view = await public_register(plan.uuid, Filters(priority=priority.ref, status="on_track"))

    assert [a.view.number for a in view.shown] == ["2.3"]
    assert [o.count for o in view.priority_options()] == [1, 1, 0]  # on track, by priority
    assert {o.value: o.count for o in view.status_options()}["not_started"] == 2


async def test_filters_with_unknown_values_show_nothing_or_are_ignored(app):
    plan = await adopted_plan()

    unknown_priority = await public_register(plan.uuid, Filters(priority="nope"))
    unreadable = parse_filters("", "12abc", "bogus")

    assert unknown_priority.shown == []
    assert unreadable == Filters()
    assert len((await public_register(plan.uuid, unreadable)).shown) == 8
