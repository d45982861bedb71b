"""Editing a plan's draft: the plan, its priorities and evidence, key actions and partners.

Organisers and admins edit any plan (``plans.versions.check_may_edit``); an archived
plan is no longer changed. Every function checks everything first and then writes in
one transaction, so a refused edit leaves the draft as it was (``Invalid`` naming the
field). Items keep their ``ref`` through every edit. Removing a priority or an action
deletes it while nothing of the plan has been published; once a version exists it is
marked ``removed_at`` instead, since versions and answers refer to it.

Lead agencies and supporting partners are directory entries, chosen by id or typed by
name: a name is matched by its name key (case, accents and punctuation aside) among
published and pending entries; a name not in the directory is refused with the list of
such names (``UnknownPartners``) unless the organiser confirms, and then becomes a
pending entry with the source "Named in <plan title>".
"""

from __future__ import annotations

import secrets
import uuid

from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.errors import Conflict, Invalid, NotFound
from convenor.models import User
from events.access import get_event_for
from plans.draft_forms import (
    ActionData,
    EvidenceData,
    PlanData,
    PriorityData,
    action_problems,
    evidence_problems,
    plan_problems,
    priority_problems,
)
from plans.draft_partners import resolve_partners, write_partners
from plans.models import (
    Action,
    Evidence,
    Plan,
    PlanEvent,
    PlanStatus,
    Priority,
)
from plans.versions import check_may_edit, has_versions


def new_ref() -> str:
    return secrets.token_hex(4)


def _check(errors: dict[str, str]) -> None:
    if errors:
        raise Invalid(fields=errors)


async def editable_plan(user: User, plan_id: int) -> Plan:
    """The plan, locked for the transaction (PostgreSQL); Conflict once archived."""
    check_may_edit(user)
    plan = await Plan.filter(id=plan_id).select_for_update().first()
    if plan is None:
        raise NotFound("No such plan.")
    if plan.status == PlanStatus.ARCHIVED:
        raise Conflict("This plan is archived; it can no longer be changed.")
    return plan


async def _touch(plan: Plan) -> None:
    await Plan.filter(id=plan.id).update(updated_at=now())


# -- Plans ---------------------------------------------------------------------


async def plans_for(user: User) -> list[Plan]:
    """Every plan, newest first. No side effects."""
    check_may_edit(user)
    return list(await Plan.all().order_by("-created_at", "-id"))


async def create_plan(user: User, data: PlanData) -> Plan:
    """A new draft plan. Side effects: one plan row."""
    check_may_edit(user)
    _check(plan_problems(data))
    stamp = now()
    return await Plan.create(
        uuid=str(uuid.uuid4()),
        partnership=data.partnership,
        title=data.title,
        period=data.period,
        summary=data.summary,
        contact_email=data.contact_email,
        created_at=stamp,
        updated_at=stamp,
    )


async def update_plan(user: User, plan_id: int, data: PlanData) -> Plan:
    """Change the plan's title, partnership, period, summary, contact. Side effects: the row."""
    _check(plan_problems(data))
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        plan.title, plan.partnership, plan.period = data.title, data.partnership, data.period
        plan.summary, plan.contact_email = data.summary, data.contact_email
        plan.updated_at = now()
        await plan.save()
    return plan


# -- Ordering and removal ------------------------------------------------------


async def _renumber(model, ids: list[int]) -> None:
    for position, item_id in enumerate(ids):
        await model.filter(id=item_id).update(position=position)


async def _move(model, siblings: list[int], item_id: int, direction: str) -> None:
    if direction not in ("up", "down"):
        raise Invalid(fields={"direction": "Move up or down"})
    index = siblings.index(item_id)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    await _renumber(model, siblings)


def _live(model, **where):
    return model.filter(removed_at__isnull=True, **where).order_by("position", "id")


async def priority_in(plan: Plan, priority_id: int) -> Priority:
    found = await Priority.get_or_none(id=priority_id, plan_id=plan.id, removed_at__isnull=True)
    if found is None:
        raise NotFound("No such priority in this plan.")
    return found


async def _action(plan: Plan, action_id: int) -> Action:
    found = await Action.get_or_none(id=action_id, plan_id=plan.id, removed_at__isnull=True)
    if found is None:
        raise NotFound("No such action in this plan.")
    return found


# -- Priorities and evidence ----------------------------------------------------


def _evidence_problems(items: list[EvidenceData] | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    for index, data in enumerate(items or []):
        errors.update({f"evidence.{index}.{k}": v for k, v in evidence_problems(data).items()})
    return errors


async def _replace_evidence(priority: Priority, items: list[EvidenceData] | None) -> None:
    if items is None:
        return
    await Evidence.filter(priority_id=priority.id).delete()
    for position, data in enumerate(items):
        await Evidence.create(priority=priority, position=position, **vars(data))


async def add_priority(
    user: User, plan_id: int, data: PriorityData, evidence: list[EvidenceData] | None = None
) -> Priority:
    """A priority after the others, with its evidence when given. Side effects: rows."""
    _check(priority_problems(data) | _evidence_problems(evidence))
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        last = await Priority.filter(plan_id=plan.id).order_by("-position").first()
        priority = await Priority.create(
            plan=plan,
            ref=new_ref(),
            position=(last.position + 1) if last else 0,
            title=data.title,
            why=data.why,
        )
        await _replace_evidence(priority, evidence)
        await _touch(plan)
    return priority


async def update_priority(
    user: User,
    plan_id: int,
    priority_id: int,
    data: PriorityData,
    evidence: list[EvidenceData] | None = None,
) -> Priority:
    """Retitle a priority or change why it matters; ``evidence`` (when not None) replaces
    its figures. Side effects: rows."""
    _check(priority_problems(data) | _evidence_problems(evidence))
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        priority = await priority_in(plan, priority_id)
        priority.title, priority.why = data.title, data.why
        await priority.save()
        await _replace_evidence(priority, evidence)
        await _touch(plan)
    return priority


async def remove_priority(user: User, plan_id: int, priority_id: int) -> bool:
    """Remove a priority and its actions: deleted before the first version, else marked
    removed (answers keep it). Returns whether rows were kept. Side effects: rows."""
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        priority = await priority_in(plan, priority_id)
        keep = await has_versions(plan.id)
        if keep:
            stamp = now()
            await Priority.filter(id=priority.id).update(removed_at=stamp)
            await Action.filter(priority_id=priority.id, removed_at__isnull=True).update(
                removed_at=stamp
            )
        else:
            await priority.delete()
        await _touch(plan)
    return keep


async def move_priority(user: User, plan_id: int, priority_id: int, direction: str) -> None:
    """Move a priority up or down one place. Side effects: positions."""
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        await priority_in(plan, priority_id)
        siblings = list(await _live(Priority, plan_id=plan.id).values_list("id", flat=True))
        await _move(Priority, siblings, priority_id, direction)
        await _touch(plan)


async def evidence_in(plan: Plan, priority_id: int, evidence_id: int) -> Evidence:
    found = await Evidence.get_or_none(
        id=evidence_id,
        priority_id=priority_id,
        priority__plan_id=plan.id,
        priority__removed_at__isnull=True,
    )
    if found is None:
        raise NotFound("No such evidence in this plan.")
    return found


async def add_evidence(user: User, plan_id: int, priority_id: int, data: EvidenceData) -> Evidence:
    """A figure behind a priority, after its others. Side effects: one evidence row."""
    _check(evidence_problems(data))
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        priority = await priority_in(plan, priority_id)
        count = await Evidence.filter(priority_id=priority.id).count()
        item = await Evidence.create(priority=priority, position=count, **vars(data))
        await _touch(plan)
    return item


async def update_evidence(
    user: User, plan_id: int, priority_id: int, evidence_id: int, data: EvidenceData
) -> Evidence:
    """Change a figure. Side effects: the row."""
    _check(evidence_problems(data))
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        item = await evidence_in(plan, priority_id, evidence_id)
        item.value, item.label, item.period, item.source = (
            data.value,
            data.label,
            data.period,
            data.source,
        )
        await item.save()
        await _touch(plan)
    return item


async def remove_evidence(user: User, plan_id: int, priority_id: int, evidence_id: int) -> None:
    """Delete a figure (versions keep their own copy). Side effects: the row."""
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        await (await evidence_in(plan, priority_id, evidence_id)).delete()
        await _touch(plan)


async def move_evidence(
    user: User, plan_id: int, priority_id: int, evidence_id: int, direction: str
) -> None:
    """Move a figure up or down among its priority's. Side effects: positions."""
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        item = await evidence_in(plan, priority_id, evidence_id)
        siblings = list(
            await Evidence.filter(priority_id=item.priority_id)  # type: ignore[attr-defined]
            .order_by("position", "id")
            .values_list("id", flat=True)
        )
        await _move(Evidence, siblings, item.id, direction)


async def set_evidence(
    user: User, plan_id: int, priority_id: int, items: list[EvidenceData]
) -> None:
    """Replace a priority's evidence with ``items`` in order. Side effects: rows."""
    _check(_evidence_problems(items))
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        await _replace_evidence(await priority_in(plan, priority_id), items)
        await _touch(plan)


# -- Actions and partners -------------------------------------------------------


async def add_action(user: User, plan_id: int, priority_id: int, data: ActionData) -> Action:
    """A key action at the end of a priority, with its partners. Side effects: action and
    partner rows; pending directory entries for confirmed new names."""
    _check(action_problems(data))
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        priority = await priority_in(plan, priority_id)
        leads, supports = await resolve_partners(plan, data)
        last = await Action.filter(priority_id=priority.id).order_by("-position").first()
        action = await Action.create(
            plan=plan,
            priority=priority,
            ref=new_ref(),
            position=(last.position + 1) if last else 0,
            text=data.text,
            measure=data.measure,
            target_date=data.target_date,
            all_partners=data.all_partners,
        )
        await write_partners(action, leads, supports)
        await _touch(plan)
    return action


async def update_action(user: User, plan_id: int, action_id: int, data: ActionData) -> Action:
    """Change an action's text, partners, measure or target date, or move it under another
    priority (``priority_id``: to its end). Side effects: action and partner rows;
    pending directory entries for confirmed new names."""
    _check(action_problems(data))
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        action = await _action(plan, action_id)
        leads, supports = await resolve_partners(plan, data)
        if data.priority_id is not None and data.priority_id != action.priority_id:  # type: ignore[attr-defined]
            target = await priority_in(plan, data.priority_id)
            last = await Action.filter(priority_id=target.id).order_by("-position").first()
            action.priority_id = target.id  # type: ignore[attr-defined]
            action.position = (last.position + 1) if last else 0
        action.text, action.measure = data.text, data.measure
        action.target_date, action.all_partners = data.target_date, data.all_partners
        await action.save()
        await write_partners(action, leads, supports)
        await _touch(plan)
    return action


async def remove_action(user: User, plan_id: int, action_id: int) -> bool:
    """Remove an action: deleted before the first version, else marked removed. Returns
    whether the row was kept. Side effects: rows."""
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        action = await _action(plan, action_id)
        keep = await has_versions(plan.id)
        if keep:
            await Action.filter(id=action.id).update(removed_at=now())
        else:
            await action.delete()
        await _touch(plan)
    return keep


async def move_action(user: User, plan_id: int, action_id: int, direction: str) -> None:
    """Move an action up or down one place within its priority. Side effects: positions."""
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        action = await _action(plan, action_id)
        siblings = list(
            await _live(Action, priority_id=action.priority_id).values_list("id", flat=True)  # type: ignore[attr-defined]
        )
        await _move(Action, siblings, action.id, direction)
        await _touch(plan)


# -- Linked events ----------------------------------------------------------------


async def link_event(user: User, plan_id: int, event_id: int) -> None:
    """Link an event the organiser manages: its delegates may respond. Side effects: a row."""
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        event = await get_event_for(user, event_id)
        if not await PlanEvent.filter(plan_id=plan.id, event_id=event.id).exists():
            await PlanEvent.create(plan=plan, event=event)


async def unlink_event(user: User, plan_id: int, event_id: int) -> None:
    """Unlink an event (its delegates' answers are kept). Side effects: the link row."""
    async with in_transaction():
        plan = await editable_plan(user, plan_id)
        deleted = await PlanEvent.filter(plan_id=plan.id, event_id=event_id).delete()
        if not deleted:
            raise NotFound("That event is not linked to this plan.")
