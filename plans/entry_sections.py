"""The plans' part of a directory entry's public page: the actions the organisation leads.

Found by convention (``convenor.domains``: ``<domain>.entry_sections``), so the
directory shows it without importing plans. Only adopted and archived plans' registers
are public, so only their live actions are listed, each linked to its place in the
register.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plans.models import ActionPartner, PartnerRole, Plan
from plans.register import REGISTER_STATUSES
from plans.tree import load_tree

TEMPLATE = "plans/register_entry_section.html"


@dataclass(frozen=True)
class EntrySection:
    """One part of a directory entry's page: a heading with an anchor and a template."""

    anchor: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


async def led_actions(entry_id: int) -> EntrySection | None:
    """The actions this organisation leads in public registers, by plan; None if none."""
    plan_ids = await ActionPartner.filter(
        entry_id=entry_id,
        role=PartnerRole.LEAD,
        action__removed_at__isnull=True,
        action__plan__status__in=list(REGISTER_STATUSES),
    ).values_list("action__plan_id", flat=True)
    if not plan_ids:
        return None
    plans = await Plan.filter(id__in=set(plan_ids)).order_by("title", "id")
    found = []
    for plan in plans:
        tree = await load_tree(plan)
        mine = [a for a in tree.actions if entry_id in {p.entry_id for p in a.leads}]
        if mine:
            found.append((plan, mine))
    if not found:
        return None
    return EntrySection("plan-actions", "Actions it leads", TEMPLATE, {"led_plans": found})


sections = [led_actions]
