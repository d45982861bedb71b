"""Plan test data: a partnership's draft plan with priorities, actions and lead agencies.

Made straight in the tables (the state a test starts from, not the behaviour under
test); each domain helper that has a service for a step uses it in its own tests.
Helpers add their own factories below, each under a heading of its own.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

from directory.models import Entry, Status
from plans.models import Action, ActionPartner, PartnerRole, Plan, PlanStatus, Priority
from tests.directory.conftest import make_entry

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)

# The Southampton strategy's priorities and some of their key actions.
PRIORITIES = (
    (
        "Keeping people safe from harm",
        "Violent crime: 11,079 incidents in 2018/19, up 779.",
        (
            ("Target knife crime hot spots with joint patrols", "Hampshire Constabulary"),
            ("Support victims of domestic abuse through one referral route", "All"),
            ("Open safe spaces for young people in the evenings", "Youth Offending Service"),
        ),
    ),
    (
        "Preventing and reducing offending",
        "Reoffending by young people is above the national average.",
        (
            ("Mentor young people leaving custody", "Probation Services"),
            ("Offer diversion to first-time offenders", "Youth Offending Service"),
            ("Share data on repeat offenders across partners", "Hampshire Constabulary"),
        ),
    ),
    (
        "Creating safe, stronger communities",
        "Residents who feel safe after dark: 52%.",
        (
            ("Fund community groups working with young people", "All"),
            ("Map community activity and networks", "Southampton City Council"),
        ),
    ),
)


def new_ref() -> str:
    return secrets.token_hex(4)


async def lead_entry(name: str) -> Entry:
    """A published directory entry for a lead agency (found by name if already made)."""
    found = await Entry.filter(name=name).first()
    if found is not None:
        return found
    return await make_entry(name, status=Status.PUBLISHED, kind="statutory")


async def make_plan(
    status: PlanStatus = PlanStatus.DRAFT,
    priorities: int = 3,
    actions: tuple[int, ...] = (3, 3, 2),
    **fields,
) -> Plan:
    """A plan of ``priorities`` priorities with ``actions[i]`` key actions under each.

    Lead agencies come from the directory (made on demand); an action led by "All" has
    ``all_partners`` set and no lead entry.
    """
    values = {
        "uuid": str(uuid.uuid4()),
        "partnership": "Southampton Safe City Partnership",
        "title": "Serious Violence Delivery Plan",
        "period": "2022-2027",
        "summary": "How partners will prevent and reduce serious violence in the city.",
        "status": status,
        "contact_email": "plans@safercity.example.org",
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(fields)
    plan = await Plan.create(**values)
    for p, (title, why, items) in enumerate(PRIORITIES[:priorities]):
        priority = await Priority.create(plan=plan, ref=new_ref(), position=p, title=title, why=why)
        for a in range(actions[p]):
            text, lead = items[a % len(items)]
            if a >= len(items):
                text = f"{text} ({a + 1})"
            action = await Action.create(
                plan=plan,
                priority=priority,
                ref=new_ref(),
                position=a,
                text=text,
                all_partners=lead == "All",
                measure=f"Measure for: {text}",
            )
            if lead != "All":
                entry = await lead_entry(lead)
                await ActionPartner.create(action=action, entry=entry, role=PartnerRole.LEAD)
    return plan


async def open_plan(plan: Plan, *, hours_left: float = 24, public: bool = False) -> Plan:
    """Put ``plan`` in consultation, open now and closing in ``hours_left`` hours."""
    now = datetime.now(UTC)
    plan.status = PlanStatus.CONSULTATION
    plan.opens_at = now - timedelta(hours=1)
    plan.closes_at = now + timedelta(hours=hours_left)
    plan.public_may_respond = public
    await plan.save()
    return plan


async def plan_actions(plan: Plan) -> list[Action]:
    return list(await Action.filter(plan=plan).order_by("priority__position", "position"))
