"""What a moderator's page of one entry shows: the entry and everything around it.

Reads only. The staff entry page (``directory.staff_routes.entry_page``) renders this in
one call, so the page itself holds no queries (issue 19: pages and APIs do not use the
ORM).
"""

from __future__ import annotations

from dataclasses import dataclass

from convenor.errors import NotFound
from directory import moderation, service
from directory.models import ChangeStatus, Entry, EntryChange, Provenance


@dataclass(frozen=True)
class EntryReview:
    entry: Entry
    provenance: list[Provenance]
    duplicates: list
    changes: list[EntryChange]  # proposed changes waiting for a decision
    review_due: bool
    merged_into: Entry | None
    publish_problems: dict[str, str]


async def entry_for_staff(entry_id: int) -> Entry:
    """The entry with its themes, areas and services, or NotFound."""
    entry = await Entry.get_or_none(id=entry_id).prefetch_related("themes", "areas", "services")
    if entry is None:
        raise NotFound()
    return entry


async def entry_review(entry_id: int) -> EntryReview:
    """The entry, where it came from, possible duplicates and pending changes."""
    entry = await entry_for_staff(entry_id)
    merged_into = None
    if entry.merged_into_id is not None:  # type: ignore[attr-defined]
        merged_into = await Entry.get_or_none(id=entry.merged_into_id)  # type: ignore[attr-defined]
    return EntryReview(
        entry=entry,
        provenance=list(await Provenance.filter(entry=entry)),
        duplicates=await moderation.possible_duplicates(entry, exclude_id=entry.id),
        changes=list(await EntryChange.filter(entry=entry, status=ChangeStatus.PENDING)),
        review_due=service.review_due(entry, service.now()),
        merged_into=merged_into,
        publish_problems=moderation.publish_problems(entry.kind, entry.description),
    )


async def entry_exists(entry_id: int) -> bool:
    """Whether an entry with this number exists (any status)."""
    return await Entry.exists(id=entry_id)
