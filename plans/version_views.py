"""The pages that read published versions: the organiser's versions page (every
version, what publishing now would change, two compared) and one version; the public
plan page (the latest published version only, so draft edits never show), its earlier
versions and comparisons. Reads only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from convenor.auth import now
from convenor.errors import NotFound
from convenor.models import User
from directory.models import Entry, Status
from plans.models import Plan, PlanStatus, PlanVersion
from plans.timing import is_open
from plans.tree import load_tree, plan_by_id, plan_by_uuid, snapshot
from plans.versions import (
    PlanComparison,
    VersionSummary,
    check_may_edit,
    compare,
    compare_versions,
    version,
    version_summaries,
)


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
        open=is_open(plan, now()),
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
