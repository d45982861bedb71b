"""Comparing two snapshots of a plan (``plans.tree.snapshot``), by the stable ``ref`` of
each priority and action: an action reworded, given a new lead or measure, or moved to
another priority is the same action, and what was added, removed or reworded is said
per action. Pure functions over the snapshots' JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ActionChange:
    """One action between two versions. ``kind``: added, removed, changed, same."""

    ref: str
    kind: str
    old_number: str | None
    new_number: str | None
    old_text: str | None
    new_text: str | None
    reworded: bool = False
    leads_added: tuple[str, ...] = ()
    leads_removed: tuple[str, ...] = ()
    all_partners_changed: bool = False
    old_leads: str = ""
    new_leads: str = ""
    supports_added: tuple[str, ...] = ()
    supports_removed: tuple[str, ...] = ()
    old_measure: str | None = None
    new_measure: str | None = None
    measure_changed: bool = False
    old_target: str | None = None
    new_target: str | None = None
    target_changed: bool = False
    moved_from: str | None = None  # the old priority's title when it moved

    @property
    def lead_changed(self) -> bool:
        return bool(self.leads_added or self.leads_removed or self.all_partners_changed)

    @property
    def text(self) -> str:
        return self.new_text if self.new_text is not None else (self.old_text or "")

    @property
    def number(self) -> str:
        return self.new_number or self.old_number or ""


@dataclass(frozen=True)
class PriorityChange:
    """One priority between two versions, with its actions' changes in order."""

    ref: str
    kind: str  # added, removed, changed, same
    old_number: int | None
    new_number: int | None
    old_title: str | None
    new_title: str | None
    retitled: bool = False
    why_changed: bool = False
    old_why: str | None = None
    new_why: str | None = None
    evidence_changed: bool = False
    actions: list[ActionChange] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.new_title if self.new_title is not None else (self.old_title or "")

    @property
    def changed_actions(self) -> list[ActionChange]:
        return [a for a in self.actions if a.kind != "same"]


@dataclass(frozen=True)
class PlanComparison:
    """What changed from one snapshot to another, per priority and action (by ref)."""

    plan_fields: dict[str, tuple[str, str]]  # field -> (old, new) for what changed
    priorities: list[PriorityChange]

    @property
    def actions(self) -> list[ActionChange]:
        return [a for p in self.priorities for a in p.actions]

    def counted(self, kind: str) -> int:
        return sum(1 for a in self.actions if a.kind == kind)

    @property
    def added(self) -> list[ActionChange]:
        return [a for a in self.actions if a.kind == "added"]

    @property
    def removed(self) -> list[ActionChange]:
        return [a for a in self.actions if a.kind == "removed"]

    @property
    def reworded(self) -> list[ActionChange]:
        return [a for a in self.actions if a.reworded]

    @property
    def lead_changes(self) -> list[ActionChange]:
        return [a for a in self.actions if a.kind == "changed" and a.lead_changed]

    @property
    def measure_changes(self) -> list[ActionChange]:
        return [a for a in self.actions if a.kind == "changed" and a.measure_changed]

    def action(self, ref: str) -> ActionChange | None:
        return next((a for a in self.actions if a.ref == ref), None)

    def priority(self, ref: str) -> PriorityChange | None:
        return next((p for p in self.priorities if p.ref == ref), None)

    @property
    def unchanged(self) -> bool:
        return not self.plan_fields and all(p.kind == "same" for p in self.priorities)


def _names(partners: list[dict[str, Any]]) -> list[str]:
    return [p["name"] for p in partners]


def _lead_text(action: dict[str, Any]) -> str:
    return "All partners" if action["all_partners"] else ", ".join(_names(action["leads"]))


def _action_change(
    old: dict[str, Any] | None, new: dict[str, Any] | None, moved_from: str | None
) -> ActionChange:
    if old is None:
        assert new is not None
        return ActionChange(
            ref=new["ref"],
            kind="added",
            old_number=None,
            new_number=new["number"],
            old_text=None,
            new_text=new["text"],
            new_leads=_lead_text(new),
            new_measure=new["measure"],
            new_target=new["target_date"],
        )
    if new is None:
        return ActionChange(
            ref=old["ref"],
            kind="removed",
            old_number=old["number"],
            new_number=None,
            old_text=old["text"],
            new_text=None,
            old_leads=_lead_text(old),
            old_measure=old["measure"],
            old_target=old["target_date"],
        )
    old_leads, new_leads = _names(old["leads"]), _names(new["leads"])
    old_supports, new_supports = _names(old["supports"]), _names(new["supports"])
    change = ActionChange(
        ref=new["ref"],
        kind="changed",
        old_number=old["number"],
        new_number=new["number"],
        old_text=old["text"],
        new_text=new["text"],
        reworded=old["text"] != new["text"],
        leads_added=tuple(n for n in new_leads if n not in old_leads),
        leads_removed=tuple(n for n in old_leads if n not in new_leads),
        all_partners_changed=old["all_partners"] != new["all_partners"],
        old_leads=_lead_text(old),
        new_leads=_lead_text(new),
        supports_added=tuple(n for n in new_supports if n not in old_supports),
        supports_removed=tuple(n for n in old_supports if n not in new_supports),
        old_measure=old["measure"],
        new_measure=new["measure"],
        measure_changed=old["measure"] != new["measure"],
        old_target=old["target_date"],
        new_target=new["target_date"],
        target_changed=old["target_date"] != new["target_date"],
        moved_from=moved_from,
    )
    differs = (
        change.reworded
        or change.lead_changed
        or change.supports_added
        or change.supports_removed
        or change.measure_changed
        or change.target_changed
        or moved_from is not None
    )
    if differs:
        return change
    return ActionChange(
        ref=change.ref,
        kind="same",
        old_number=change.old_number,
        new_number=change.new_number,
        old_text=change.old_text,
        new_text=change.new_text,
        old_leads=change.old_leads,
        new_leads=change.new_leads,
        old_measure=change.old_measure,
        new_measure=change.new_measure,
        old_target=change.old_target,
        new_target=change.new_target,
    )


def compare(old: dict[str, Any], new: dict[str, Any]) -> PlanComparison:
    """What changed from snapshot ``old`` to snapshot ``new``. Pure.

    Priorities come in the new version's order, each removed one after the priority it
    followed; under each, its actions in order, removed ones where they were.
    """
    plan_fields = {
        key: (old["plan"].get(key, ""), new["plan"].get(key, ""))
        for key in ("title", "partnership", "period", "summary")
        if old["plan"].get(key, "") != new["plan"].get(key, "")
    }
    old_priorities = {p["ref"]: p for p in old["priorities"]}
    new_priorities = {p["ref"]: p for p in new["priorities"]}
    old_actions = {a["ref"]: (a, p) for p in old["priorities"] for a in p["actions"]}
    new_actions = {a["ref"]: (a, p) for p in new["priorities"] for a in p["actions"]}

    order: list[tuple[dict | None, dict | None]] = [
        (old_priorities.get(p["ref"]), p) for p in new["priorities"]
    ]
    for index, p in enumerate(old["priorities"]):
        if p["ref"] in new_priorities:
            continue
        # Place a removed priority after the nearest earlier one still shown.
        at = 0
        for earlier in reversed(old["priorities"][:index]):
            spot = next(
                (i for i, (o, _) in enumerate(order) if o and o["ref"] == earlier["ref"]), None
            )
            if spot is not None:
                at = spot + 1
                break
        order.insert(at, (p, None))

    priorities = []
    for old_p, new_p in order:
        actions: list[ActionChange] = []
        if new_p is not None:
            for a in new_p["actions"]:
                before = old_actions.get(a["ref"])
                moved = before[1]["title"] if before and before[1]["ref"] != new_p["ref"] else None
                actions.append(_action_change(before[0] if before else None, a, moved))
        if old_p is not None:
            for index, a in enumerate(old_p["actions"]):
                if a["ref"] in new_actions:
                    continue
                # After the action it followed, if that one is still listed here.
                at = 0
                for earlier in reversed(old_p["actions"][:index]):
                    spot = next((i for i, c in enumerate(actions) if c.ref == earlier["ref"]), None)
                    if spot is not None:
                        at = spot + 1
                        break
                actions.insert(at, _action_change(a, None, None))
        priorities.append(_priority_change(old_p, new_p, actions))
    return PlanComparison(plan_fields, priorities)


def _priority_change(
    old: dict | None, new: dict | None, actions: list[ActionChange]
) -> PriorityChange:
    if old is None or new is None:
        row = new if new is not None else old
        assert row is not None
        return PriorityChange(
            ref=row["ref"],
            kind="added" if old is None else "removed",
            old_number=old["number"] if old else None,
            new_number=new["number"] if new else None,
            old_title=old["title"] if old else None,
            new_title=new["title"] if new else None,
            old_why=old["why"] if old else None,
            new_why=new["why"] if new else None,
            actions=actions,
        )
    retitled = old["title"] != new["title"]
    why_changed = old["why"] != new["why"]
    evidence_changed = old["evidence"] != new["evidence"]
    same_actions = [a["ref"] for a in old["actions"]] == [a["ref"] for a in new["actions"]]
    same = (
        not (retitled or why_changed or evidence_changed)
        and same_actions
        and all(a.kind == "same" for a in actions)
    )
    return PriorityChange(
        ref=new["ref"],
        kind="same" if same else "changed",
        old_number=old["number"],
        new_number=new["number"],
        old_title=old["title"],
        new_title=new["title"],
        retitled=retitled,
        why_changed=why_changed,
        old_why=old["why"],
        new_why=new["why"],
        evidence_changed=evidence_changed,
        actions=actions,
    )
