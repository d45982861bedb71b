"""What the organiser's draft pages and the API read: the editor, a priority with its
evidence, an action with its partners as the form shows them. Reads only; every function
checks the caller may edit plans first (``plans.versions.check_may_edit``).
"""

from __future__ import annotations

from dataclasses import dataclass

from convenor.errors import NotFound
from convenor.models import User
from events.access import events_for
from events.models import Event
from plans.drafts import evidence_in, priority_in
from plans.models import Evidence, Plan, PlanEvent
from plans.tree import ActionView, PlanTree, PriorityView, load_tree, plan_by_id
from plans.versions import VersionSummary, check_may_edit, has_versions, version_summaries


async def plan_tree(user: User, plan_id: int) -> PlanTree:
    """The plan's draft as the API shows it. No side effects."""
    check_may_edit(user)
    return await load_tree(await plan_by_id(plan_id))


@dataclass
class EditorView:
    plan: Plan
    tree: PlanTree
    versions: list[VersionSummary]
    events: list[Event]  # linked to the plan
    other_events: list[Event]  # the organiser's events not linked yet


async def editor_view(user: User, plan_id: int) -> EditorView:
    """Everything the draft editor shows. No side effects."""
    check_may_edit(user)
    plan = await plan_by_id(plan_id)
    linked = set(await PlanEvent.filter(plan_id=plan.id).values_list("event_id", flat=True))
    mine = await events_for(user)
    linked_events = list(await Event.filter(id__in=linked).order_by("starts_at", "id"))
    return EditorView(
        plan=plan,
        tree=await load_tree(plan),
        versions=await version_summaries(plan.id),
        events=linked_events,
        other_events=[e for e in mine if e.id not in linked],
    )


@dataclass
class EvidenceView:
    plan: Plan
    priority_id: int
    priority_title: str
    evidence: Evidence


async def evidence_view(
    user: User, plan_id: int, priority_id: int, evidence_id: int
) -> EvidenceView:
    """One figure of a priority, for its edit page. No side effects."""
    check_may_edit(user)
    plan = await plan_by_id(plan_id)
    item = await evidence_in(plan, priority_id, evidence_id)
    priority = await priority_in(plan, priority_id)
    return EvidenceView(plan, priority.id, priority.title, item)


@dataclass
class PriorityPage:
    plan: Plan
    priority: PriorityView
    evidence: list[Evidence]
    kept: bool  # removing keeps the rows (marked removed): a version exists


async def priority_view(user: User, plan_id: int, priority_id: int) -> PriorityPage:
    """A priority with its evidence rows (ids to edit them by). No side effects."""
    check_may_edit(user)
    tree = await load_tree(await plan_by_id(plan_id))
    priority = tree.priority_by_id(priority_id)
    if priority is None:
        raise NotFound("No such priority in this plan.")
    rows = await Evidence.filter(priority_id=priority.id).order_by("position", "id")
    return PriorityPage(tree.plan, priority, list(rows), await has_versions(tree.plan.id))


@dataclass
class ActionPage:
    plan: Plan
    priority: PriorityView
    action: ActionView | None  # None: a new action
    priorities: list[PriorityView]  # where the action may be moved
    values: dict[str, str]  # the form's fields as stored


def _action_values(action: ActionView | None, priority: PriorityView) -> dict[str, str]:
    if action is None:
        return {"priority_id": str(priority.id)}
    leads = ["All partners"] if action.all_partners else [p.name for p in action.leads]
    return {
        "text": action.text,
        "measure": action.measure,
        "target_date": action.target_date.isoformat() if action.target_date else "",
        "leads": "\n".join(leads),
        "supports": "\n".join(p.name for p in action.supports),
        "priority_id": str(priority.id),
    }


async def action_view(
    user: User, plan_id: int, action_id: int | None, priority_id: int | None
) -> ActionPage:
    """An action for its edit page, or a priority for adding one. No side effects."""
    check_may_edit(user)
    tree = await load_tree(await plan_by_id(plan_id))
    action = tree.action_by_id(action_id) if action_id is not None else None
    if action_id is not None:
        priority = next((p for p in tree.priorities if action in p.actions), None)
    else:
        priority = tree.priority_by_id(priority_id) if priority_id is not None else None
    if priority is None or (action_id is not None and action is None):
        raise NotFound("No such action in this plan.")
    return ActionPage(
        tree.plan, priority, action, tree.priorities, _action_values(action, priority)
    )


async def plan_for(user: User, plan_id: int) -> Plan:
    """The plan, for an organiser's page. No side effects."""
    check_may_edit(user)
    return await plan_by_id(plan_id)
