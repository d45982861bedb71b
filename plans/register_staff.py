"""The organiser's side of one action in the register: its page, updates and readings.

Actions led by "All partners" have no lead agency to update them, and an organiser may
need to correct the record or post what the partnership board heard: organisers update
any action of an adopted plan through the same rules as lead agencies
(``plans.register.record_update``); the update is signed with their name and the
partnership.
"""

from __future__ import annotations

from dataclasses import dataclass

from convenor.errors import NotFound
from convenor.models import User
from plans.models import Plan
from plans.register import (
    ReadingData,
    RegisterAction,
    UpdateData,
    add_reading,
    record_update,
    register_actions,
)
from plans.tree import load_tree, plan_by_id
from plans.versions import check_may_edit


@dataclass
class StaffAction:
    plan: Plan
    item: RegisterAction


async def staff_action(user: User, plan_id: int, action_id: int) -> StaffAction:
    """One live action of the plan with its timeline and readings. Reads only."""
    check_may_edit(user)
    plan = await plan_by_id(plan_id)
    tree = await load_tree(plan)
    view = tree.action_by_id(action_id)
    if view is None:
        raise NotFound()
    items = await register_actions(tree)
    return StaffAction(plan, next(i for i in items if i.view.id == view.id))


async def staff_update(user: User, plan_id: int, action_id: int, data: UpdateData) -> None:
    """An organiser's update to an action. Side effects: see ``record_update``."""
    check_may_edit(user)
    plan = await plan_by_id(plan_id)
    await record_update(
        plan,
        action_id,
        data,
        author_name=user.name or "Organiser",
        author_organisation=plan.partnership,
        user_id=user.id,
    )


async def staff_reading(user: User, plan_id: int, action_id: int, data: ReadingData) -> None:
    """An organiser's reading of an action's measure. Side effects: reading row."""
    check_may_edit(user)
    await add_reading(await plan_by_id(plan_id), action_id, data)
