"""Register test data (helper E): adopted plans, lead contacts and their links.

Made straight in the tables, the state a register test starts from.
"""

from __future__ import annotations

from datetime import UTC, datetime

from convenor.auth import issue_link
from convenor.mail.models import OutboxMessage
from plans.lead_contacts import LEAD_LINK, link_subject
from plans.models import Action, ActionStatus, LeadContact, Plan, PlanStatus
from tests.plans.factories import lead_entry, make_plan, plan_actions

POLICE = "Hampshire Constabulary"
PROBATION = "Probation Services"
YOUTH = "Youth Offending Service"
COUNCIL = "Southampton City Council"


async def adopted_plan(**fields) -> Plan:
    """A plan of the factory's shape (actions 1.1-3.2) with status adopted."""
    return await make_plan(PlanStatus.ADOPTED, **fields)


async def actions_by_number(plan: Plan) -> dict[str, Action]:
    """The plan's actions by their numbers ("1.1" ...), as the factory lays them out."""
    rows = await plan_actions(plan)
    numbers = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2"]
    return dict(zip(numbers, rows, strict=False))


async def make_contact(
    plan: Plan,
    organisation: str = POLICE,
    *,
    name: str = "Ann Lee",
    email: str = "ann@police.example.org",
    invited_at: datetime | None = None,
) -> LeadContact:
    entry = await lead_entry(organisation)
    return await LeadContact.create(
        plan=plan,
        entry=entry,
        name=name,
        email=email,
        invited_at=invited_at,
        created_at=datetime.now(UTC),
    )


async def lead_token(contact: LeadContact) -> str:
    """A personal link for the contact, as the invitation issues it."""
    return await issue_link(LEAD_LINK, link_subject(contact.id))


async def contact_link(plan: Plan, organisation: str = POLICE, **contact):
    """A contact for ``organisation``'s actions in ``plan`` and their personal link."""
    made = await make_contact(plan, organisation, **contact)
    return made, await lead_token(made)


async def plan_with_contact(invited_at: datetime, *, every_days: int = 91, **contact):
    """An adopted plan asking for updates every ``every_days`` days, and a lead contact
    invited at ``invited_at``."""
    plan = await adopted_plan(update_every_days=every_days)
    return plan, await make_contact(plan, invited_at=invited_at, **contact)


async def set_statuses(plan: Plan, statuses: dict[str, ActionStatus]) -> dict[str, Action]:
    """Give the actions numbered in ``statuses`` those statuses; returns all by number."""
    actions = await actions_by_number(plan)
    for number, status in statuses.items():
        await Action.filter(id=actions[number].id).update(status=status)
    return actions


async def outbox(category: str) -> list[OutboxMessage]:
    return list(await OutboxMessage.filter(category=category).order_by("id"))
