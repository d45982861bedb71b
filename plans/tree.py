"""Reading a plan as its users see it: priorities, evidence, actions and their partners.

Every part of the domain reads the plan through ``load_tree`` (the organiser's editor,
the consultation form, the analysis, the report, the register), and the versions freeze
``snapshot(tree)``. Numbers ("Priority 2", "Action 2.3") are positions among what is
shown, so they stay gapless when an item is removed.

The snapshot (``PlanVersion.snapshot``) is plain JSON::

    {"plan": {"title", "partnership", "period", "summary"},
     "priorities": [{"ref", "number", "title", "why",
                     "evidence": [{"value", "label", "period", "source"}],
                     "actions": [{"ref", "number", "text", "all_partners",
                                  "leads": [{"entry_id", "name"}], "supports": [...],
                                  "measure", "target_date": "YYYY-MM-DD" | None}]}]}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from convenor.errors import NotFound
from directory.models import Entry
from plans.models import (
    Action,
    ActionPartner,
    ActionStatus,
    Evidence,
    PartnerRole,
    Plan,
    Priority,
)


@dataclass(frozen=True)
class PartnerView:
    entry_id: int
    name: str
    role: PartnerRole
    published: bool  # only published entries are linked on public pages


@dataclass(frozen=True)
class EvidenceView:
    value: str
    label: str
    period: str
    source: str


@dataclass
class ActionView:
    id: int
    ref: str
    number: str  # "2.3"
    text: str
    all_partners: bool
    measure: str
    target_date: date | None
    leads: list[PartnerView] = field(default_factory=list)
    supports: list[PartnerView] = field(default_factory=list)
    status: ActionStatus = ActionStatus.NOT_STARTED
    status_reason: str = ""
    progress: int | None = None
    last_update_at: datetime | None = None
    removed: bool = False

    @property
    def lead_names(self) -> str:
        """ "All partners", or the lead organisations' names joined with commas."""
        if self.all_partners:
            return "All partners"
        return ", ".join(p.name for p in self.leads)


@dataclass
class PriorityView:
    id: int
    ref: str
    number: int
    title: str
    why: str
    evidence: list[EvidenceView] = field(default_factory=list)
    actions: list[ActionView] = field(default_factory=list)
    removed: bool = False


@dataclass
class PlanTree:
    plan: Plan
    priorities: list[PriorityView]

    @property
    def actions(self) -> list[ActionView]:
        return [a for p in self.priorities for a in p.actions]

    def action_by_id(self, action_id: int) -> ActionView | None:
        return next((a for a in self.actions if a.id == action_id), None)

    def action_by_ref(self, ref: str) -> ActionView | None:
        return next((a for a in self.actions if a.ref == ref), None)

    def priority_by_id(self, priority_id: int) -> PriorityView | None:
        return next((p for p in self.priorities if p.id == priority_id), None)

    def priority_by_ref(self, ref: str) -> PriorityView | None:
        return next((p for p in self.priorities if p.ref == ref), None)


async def plan_by_id(plan_id: int) -> Plan:
    """The plan with this id, or NotFound."""
    plan = await Plan.get_or_none(id=plan_id)
    if plan is None:
        raise NotFound("No such plan.")
    return plan


async def plan_by_uuid(plan_uuid: str) -> Plan:
    """The plan with this public id, or NotFound (a malformed id is simply not found)."""
    plan = await Plan.get_or_none(uuid=plan_uuid[:36])
    if plan is None:
        raise NotFound("No such plan.")
    return plan


async def load_tree(plan: Plan | int, *, include_removed: bool = False) -> PlanTree:
    """The plan's priorities and actions in order, with evidence and partners. Reads only."""
    if not isinstance(plan, Plan):
        plan = await plan_by_id(plan)
    priorities = Priority.filter(plan_id=plan.id).order_by("position", "id")
    actions = Action.filter(plan_id=plan.id).order_by("position", "id")
    if not include_removed:
        priorities = priorities.filter(removed_at__isnull=True)
        actions = actions.filter(removed_at__isnull=True)
    priority_rows = list(await priorities)
    action_rows = list(await actions)
    evidence_rows = await Evidence.filter(priority__plan_id=plan.id).order_by("position", "id")
    partner_rows = await ActionPartner.filter(action__plan_id=plan.id).order_by("position", "id")
    entry_ids = {p.entry_id for p in partner_rows}  # type: ignore[attr-defined]
    entries = {e.id: e for e in await Entry.filter(id__in=entry_ids)} if entry_ids else {}

    evidence: dict[int, list[EvidenceView]] = {}
    for row in evidence_rows:
        evidence.setdefault(row.priority_id, []).append(  # type: ignore[attr-defined]
            EvidenceView(row.value, row.label, row.period, row.source)
        )
    partners: dict[int, list[ActionPartner]] = {}
    for row in partner_rows:
        partners.setdefault(row.action_id, []).append(row)  # type: ignore[attr-defined]

    views: list[PriorityView] = []
    by_priority: dict[int, PriorityView] = {}
    for number, row in enumerate(priority_rows, start=1):
        view = PriorityView(
            id=row.id,
            ref=row.ref,
            number=number,
            title=row.title,
            why=row.why,
            evidence=evidence.get(row.id, []),
            removed=row.removed_at is not None,
        )
        views.append(view)
        by_priority[row.id] = view
    for row in action_rows:
        priority = by_priority.get(row.priority_id)  # type: ignore[attr-defined]
        if priority is None:  # under a removed priority
            continue
        action = ActionView(
            id=row.id,
            ref=row.ref,
            number=f"{priority.number}.{len(priority.actions) + 1}",
            text=row.text,
            all_partners=row.all_partners,
            measure=row.measure,
            target_date=row.target_date,
            status=ActionStatus(row.status),
            status_reason=row.status_reason,
            progress=row.progress,
            last_update_at=row.last_update_at,
            removed=row.removed_at is not None,
        )
        for link in partners.get(row.id, []):
            entry = entries.get(link.entry_id)  # type: ignore[attr-defined]
            if entry is None:
                continue
            partner = PartnerView(
                entry.id, entry.name, PartnerRole(link.role), entry.status == "published"
            )
            (action.leads if partner.role == PartnerRole.LEAD else action.supports).append(partner)
        priority.actions.append(action)
    return PlanTree(plan, views)


def _partners(partners: list[PartnerView]) -> list[dict[str, Any]]:
    return [{"entry_id": p.entry_id, "name": p.name} for p in partners]


def snapshot(tree: PlanTree) -> dict[str, Any]:
    """The plan as plain JSON, as a version freezes it (see the module docstring)."""
    plan = tree.plan
    return {
        "plan": {
            "title": plan.title,
            "partnership": plan.partnership,
            "period": plan.period,
            "summary": plan.summary,
        },
        "priorities": [
            {
                "ref": p.ref,
                "number": p.number,
                "title": p.title,
                "why": p.why,
                "evidence": [
                    {"value": e.value, "label": e.label, "period": e.period, "source": e.source}
                    for e in p.evidence
                ],
                "actions": [
                    {
                        "ref": a.ref,
                        "number": a.number,
                        "text": a.text,
                        "all_partners": a.all_partners,
                        "leads": _partners(a.leads),
                        "supports": _partners(a.supports),
                        "measure": a.measure,
                        "target_date": a.target_date.isoformat() if a.target_date else None,
                    }
                    for a in p.actions
                    if not a.removed
                ],
            }
            for p in tree.priorities
            if not p.removed
        ],
    }
