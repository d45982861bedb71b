"""Published versions of a plan: freezing the draft, reading a version, comparing two.

Publishing freezes ``snapshot(load_tree(plan))`` as the next numbered ``PlanVersion``;
every version is kept. Version 1 is usually the draft consulted on (published by the
consultation's opening), the adopted plan a later one (published by adoption); an
organiser may publish a revision in between. Versions are compared by the stable
``ref`` of each priority and action, so an action reworded or moved to another priority
is the same action, and what was added, removed or reworded is said per action
(``plans.version_compare``, whose names are re-exported here). Who may edit plans is
decided here too (``check_may_edit``: organisers and admins).
"""

from __future__ import annotations

__all__ = [
    "ActionChange",
    "PlanComparison",
    "PriorityChange",
    "VersionSummary",
    "check_may_edit",
    "compare",
    "compare_versions",
    "has_versions",
    "publish_version",
    "version",
]

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.cleaning import text_problem
from convenor.errors import Conflict, Forbidden, Invalid, NotFound
from convenor.models import Role, User
from plans.models import Plan, PlanVersion, VersionKind
from plans.tree import load_tree, plan_by_id, snapshot
from plans.version_compare import (  # re-exported: others compare through here
    ActionChange,
    PlanComparison,
    PriorityChange,
    compare,
)


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


# -- Comparing (the rules are in plans.version_compare) --------------------------


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


async def version_summary(plan_id: int, number: int) -> VersionSummary:
    """One version as the lists show it; NotFound when there is none. No side effects."""
    found = [s for s in await version_summaries(plan_id) if s.number == number]
    if not found:
        raise NotFound(f"There is no version {number} of this plan.")
    return found[0]
