"""Published versions of a plan: freezing the draft, reading a version, comparing two.

Publishing freezes ``snapshot(load_tree(plan))`` as the next numbered ``PlanVersion``;
every version is kept. Version 1 is usually the draft consulted on (published by the
consultation's opening), the adopted plan a later one (published by adoption); an
organiser may publish a revision in between. Versions are compared by the stable
``ref`` of each priority and action, so an action reworded or moved to another priority
is the same action, and what was added, removed or reworded is said per action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.cleaning import text_problem
from convenor.errors import Conflict, Forbidden, Invalid, NotFound
from convenor.models import Role, User
from directory.models import Entry, Status
from plans.models import Plan, PlanStatus, PlanVersion, VersionKind
from plans.tree import load_tree, plan_by_id, plan_by_uuid, snapshot


def may_edit_plans(user: User | None) -> bool:
    """Organisers and admins edit plans; moderators and the signed-out do not."""
    return user is not None and user.is_active and user.role in (Role.ADMIN, Role.ORGANISER)


def check_may_edit(user: User | None) -> None:
    if not may_edit_plans(user):
        raise Forbidden("Only organisers and admins can edit plans.")


# -- Publishing ---------------------------------------------------------------


async def publish_version(
    user: User | None, plan_id: int, kind: VersionKind, note: str = ""
) -> PlanVersion:
    """Freeze the plan as it is now as the next version (``user`` None: the system).

    Side effects: one PlanVersion row, in the caller's transaction if one is open. The
    plan row is locked (PostgreSQL) so two publishes never take the same number.
    Raises Invalid when the plan has no priority, Conflict when a revision would repeat
    the last version unchanged (consultation and adoption versions are always made).
    """
    if user is not None:
        check_may_edit(user)
    note = note.strip()[:2000]
    async with in_transaction():
        plan = await Plan.filter(id=plan_id).select_for_update().first()
        if plan is None:
            raise NotFound("No such plan.")
        document = snapshot(await load_tree(plan))
        if not document["priorities"]:
            raise Invalid(
                "Add at least one priority before publishing.",
                {"priorities": "Add at least one priority before publishing"},
            )
        last = await PlanVersion.filter(plan_id=plan.id).order_by("-number").first()
        if kind == VersionKind.REVISION and last is not None and last.snapshot == document:
            raise Conflict(f"Nothing has changed since version {last.number}.")
        return await PlanVersion.create(
            plan=plan,
            number=(last.number if last else 0) + 1,
            kind=kind,
            snapshot=document,
            note=note,
            published_at=now(),
            published_by=user,
        )


async def version(plan_id: int, number: int) -> PlanVersion:
    """Version ``number`` of the plan, or NotFound. No side effects."""
    found = await PlanVersion.get_or_none(plan_id=plan_id, number=number)
    if found is None:
        raise NotFound(f"There is no version {number} of this plan.")
    return found


async def latest_version(plan_id: int) -> PlanVersion | None:
    """The newest published version, or None before the first. No side effects."""
    return await PlanVersion.filter(plan_id=plan_id).order_by("-number").first()


async def has_versions(plan_id: int) -> bool:
    """Whether anything of the plan has been published (removals then keep rows)."""
    return await PlanVersion.filter(plan_id=plan_id).exists()


@dataclass(frozen=True)
class VersionSummary:
    """A version as the lists show it (no snapshot)."""

    number: int
    kind: VersionKind
    note: str
    published_at: datetime
    published_by: str  # the staff member's name or email; "" for the system


_SUMMARY = ("number", "kind", "note", "published_at", "published_by__name", "published_by__email")


async def version_summaries(plan_id: int) -> list[VersionSummary]:
    """Every version of the plan, oldest first. No side effects."""
    rows = await PlanVersion.filter(plan_id=plan_id).order_by("number").values(*_SUMMARY)
    return [
        VersionSummary(
            number=row["number"],
            kind=VersionKind(row["kind"]),
            note=row["note"],
            published_at=row["published_at"],
            published_by=row["published_by__name"] or row["published_by__email"] or "",
        )
        for row in rows
    ]


async def versions_for(user: User, plan_id: int) -> tuple[Plan, list[VersionSummary]]:
    """The plan and its versions for an organiser. No side effects."""
    check_may_edit(user)
    plan = await plan_by_id(plan_id)
    return plan, await version_summaries(plan_id)


# -- Comparing ----------------------------------------------------------------


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


async def compare_versions(plan_id: int, from_number: int, to_number: int) -> PlanComparison:
    """Compare two versions of a plan (NotFound for a missing one). No side effects."""
    old = await version(plan_id, from_number)
    new = await version(plan_id, to_number)
    return compare(old.snapshot, new.snapshot)


# -- Reading versions for pages ------------------------------------------------


async def publish_revision(user: User, plan_id: int, note: str) -> PlanVersion:
    """An organiser publishes the draft as the next version (kind revision). Side
    effects: one PlanVersion row. Invalid when the note is too long or has controls."""
    if problem := text_problem(note, multi_line=True):
        raise Invalid(fields={"note": problem})
    if len(note) > 2000:
        raise Invalid(fields={"note": "Use 2,000 characters or fewer"})
    return await publish_version(user, plan_id, VersionKind.REVISION, note)


def _number(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 9 else None


@dataclass
class VersionsView:
    plan: Plan
    versions: list[VersionSummary]
    pending: PlanComparison | None  # what publishing now would change (after version 1)
    comparison: PlanComparison | None
    from_number: int | None
    to_number: int | None
    problem: str = ""  # a comparison asked for that cannot be made


async def versions_view(
    user: User, plan_id: int, from_text: str | None, to_text: str | None
) -> VersionsView:
    """The versions page: every version, the draft's changes, a comparison. No side effects."""
    check_may_edit(user)
    plan = await plan_by_id(plan_id)
    summaries = await version_summaries(plan.id)
    view = VersionsView(plan, summaries, None, None, None, None)
    numbers = [s.number for s in summaries]
    if summaries:
        latest = await version(plan.id, numbers[-1])
        changes = compare(latest.snapshot, snapshot(await load_tree(plan)))
        view.pending = changes
    old, new = _number(from_text), _number(to_text)
    if from_text is None and to_text is None and len(numbers) >= 2:
        old, new = numbers[-2], numbers[-1]
    if old is None and new is None:
        if from_text or to_text:
            view.problem = "Choose two versions to compare."
        return view
    if old not in numbers or new not in numbers:
        view.problem = "Choose two versions that exist to compare."
        return view
    view.from_number, view.to_number = old, new
    view.comparison = await compare_versions(plan.id, old, new)  # type: ignore[arg-type]
    return view


@dataclass
class VersionPage:
    plan: Plan
    version: PlanVersion
    latest: bool
    numbers: list[int]
    linked: set[int]  # directory entries to link (published ones)


async def _published_entries(document: dict[str, Any]) -> set[int]:
    ids = {
        p["entry_id"]
        for priority in document["priorities"]
        for action in priority["actions"]
        for p in (*action["leads"], *action["supports"])
    }
    if not ids:
        return set()
    rows = await Entry.filter(id__in=ids, status=Status.PUBLISHED).values_list("id", flat=True)
    return set(rows)


async def _page(plan: Plan, number: int | None) -> VersionPage:
    numbers = list(
        await PlanVersion.filter(plan_id=plan.id)
        .order_by("number")
        .values_list("number", flat=True)
    )
    if not numbers:
        raise NotFound("This plan has not been published yet.")
    found = await version(plan.id, numbers[-1] if number is None else number)
    linked = await _published_entries(found.snapshot)
    return VersionPage(plan, found, found.number == numbers[-1], numbers, linked)


async def staff_version(user: User, plan_id: int, number: int) -> VersionPage:
    """One version for organisers. No side effects."""
    check_may_edit(user)
    return await _page(await plan_by_id(plan_id), number)


def consultation_open(plan: Plan, at: datetime) -> bool:
    """The close rule (as plans.consultation states it): open between the times, in
    consultation, and not closed."""
    return (
        plan.status == PlanStatus.CONSULTATION
        and plan.opens_at is not None
        and plan.closes_at is not None
        and plan.opens_at <= at < plan.closes_at
        and plan.closed_at is None
    )


@dataclass
class PublicPage:
    page: VersionPage
    open: bool  # "Have your say"
    report: bool  # "Read the response report"
    register: bool  # "Actions register"


async def public_page(plan_uuid: str, number: int | None = None) -> PublicPage:
    """A published version (the latest by default) for anyone; NotFound before the first
    version and for an unknown version. Draft edits are never read. No side effects."""
    plan = await plan_by_uuid(plan_uuid)
    page = await _page(plan, number)
    return PublicPage(
        page,
        open=consultation_open(plan, now()),
        report=plan.report_published_at is not None,
        register=plan.status == PlanStatus.ADOPTED,
    )


async def public_compare(
    plan_uuid: str, from_number: int, to_number: int
) -> tuple[Plan, str, PlanComparison]:
    """Two published versions compared, for anyone, with the later one's title (never
    the draft's). NotFound for a missing one. No side effects."""
    plan = await plan_by_uuid(plan_uuid)
    old = await version(plan.id, from_number)
    new = await version(plan.id, to_number)
    return plan, new.snapshot["plan"]["title"], compare(old.snapshot, new.snapshot)


async def version_summary(plan_id: int, number: int) -> VersionSummary:
    """One version as the lists show it; NotFound when there is none. No side effects."""
    found = [s for s in await version_summaries(plan_id) if s.number == number]
    if not found:
        raise NotFound(f"There is no version {number} of this plan.")
    return found[0]
