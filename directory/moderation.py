"""Moderation rules: the queue, approve, reject with a reason, proposed changes, merging,
marking reviewed, and spotting possible duplicates.

Each public function runs in its own transaction; emails to the group's contact go to
the outbox in that same transaction.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.errors import Conflict, Invalid, NotFound
from convenor.mail.outbox import queue_email, render_email
from convenor.models import User
from convenor.settings import Settings
from directory import search
from directory.forms import EntryData, website_domain
from directory.models import ChangeStatus, Entry, EntryChange, How, Provenance, Service, Status
from directory.search import index as search_index
from directory.service import ENTRY_FIELDS, _write, change_data, limit_public_form

REVIEW_AFTER = timedelta(days=365)
SIMILAR_NAME = 0.85
LIVE = (Status.PENDING, Status.PUBLISHED, Status.HIDDEN)
# Public hints from the list-your-group form; a person who is shown hints sends the
# form again once, so this is twice the submissions a client may make (ATTEMPTS_PER_HOUR).
CHECKS_PER_HOUR = 10
# Columns an entry can hide from the public, and the flag that hides each (as
# directory.present.public_address): public hints never match on them while hidden.
HIDDEN_BY = {"postcode": "hide_address", "address": "hide_address"}
NAME_NOISE = re.compile(r"\b(the|of|and|ltd|limited|cic|cio|group|project|trust)\b|[^\w\s]")


@dataclass
class Duplicate:
    entry: Entry
    reasons: list[str] = field(default_factory=list)


@dataclass
class Queue:
    awaiting: list[Entry]
    changes: list[EntryChange]
    review_due: list[Entry]
    unconfirmed: int


async def _entry(entry_id: int) -> Entry:
    entry = await Entry.get_or_none(id=entry_id)
    if entry is None:
        raise NotFound()
    return entry


async def _tell_contact(entry: Entry, template: str, settings: Settings, **context) -> None:
    if not entry.contact_email:
        return
    link = f"{settings.base_url}/directory/{entry.id}"
    await queue_email(
        to=entry.contact_email,
        to_name=entry.contact_name,
        rendered=render_email(
            f"directory/emails/{template}", {"entry": entry, "link": link, **context}
        ),
        mail_from=settings.mail_from,
        category=f"directory-{template}",
        related=f"directory-entry:{entry.id}",
    )


async def moderation_queue() -> Queue:
    """What moderators need to look at: confirmed submissions, changes, reviews due."""
    cutoff = now() - REVIEW_AFTER
    awaiting = await Entry.filter(status=Status.PENDING, confirmed_at__not_isnull=True).order_by(
        "created_at"
    )
    changes = await EntryChange.filter(status=ChangeStatus.PENDING).prefetch_related("entry")
    review_due = await Entry.filter(
        Q(reviewed_at__lt=cutoff) | Q(reviewed_at__isnull=True, published_at__lt=cutoff),
        status=Status.PUBLISHED,
    ).order_by("reviewed_at", "published_at")
    unconfirmed = await Entry.filter(status=Status.PENDING, confirmed_at__isnull=True).count()
    return Queue(list(awaiting), list(changes), list(review_due), unconfirmed)


async def approve_entry(entry_id: int, moderator: User, settings: Settings) -> Entry:
    """Publish a pending entry. Side effects: status published, reviewed; email to contact."""
    async with in_transaction():
        entry = await _entry(entry_id)
        if entry.status != Status.PENDING:
            raise Conflict("Only pending entries can be approved.")
        stamp = now()
        entry.status = Status.PUBLISHED
        entry.published_at = entry.reviewed_at = stamp
        entry.reviewed_by = moderator
        entry.confirmed_at = entry.confirmed_at or stamp
        entry.moderation_note = ""
        await entry.save()
        await _tell_contact(entry, "listing_published", settings, change=False)
    return entry


async def reject_entry(entry_id: int, moderator: User, reason: str, settings: Settings) -> Entry:
    """Turn down a pending entry. Side effects: archived with the reason; email to contact."""
    if not reason.strip():
        raise Invalid(fields={"reason": "Enter the reason, which is emailed to the group"})
    async with in_transaction():
        entry = await _entry(entry_id)
        if entry.status != Status.PENDING:
            raise Conflict("Only pending entries can be rejected.")
        entry.status = Status.ARCHIVED
        entry.moderation_note = reason.strip()
        entry.reviewed_by = moderator
        await entry.save()
        await _tell_contact(
            entry, "listing_rejected", settings, reason=reason.strip(), change=False
        )
    return entry


async def decide_change(
    change_id: int, moderator: User, approve: bool, settings: Settings, reason: str = ""
) -> Entry:
    """Approve (apply) or reject a group's proposed change. Side effects: entry; email."""
    if not approve and not reason.strip():
        raise Invalid(fields={"reason": "Enter the reason, which is emailed to the group"})
    async with in_transaction():
        change = await EntryChange.get_or_none(id=change_id, status=ChangeStatus.PENDING)
        if change is None:
            raise NotFound()
        entry = await _entry(change.entry_id)
        stamp = now()
        if approve:
            await _write(entry, change_data(change), stamp)
            entry.reviewed_at, entry.reviewed_by = stamp, moderator
            await entry.save(update_fields=["reviewed_at", "reviewed_by_id"])
            await _tell_contact(entry, "listing_published", settings, change=True)
        else:
            await _tell_contact(
                entry, "listing_rejected", settings, reason=reason.strip(), change=True
            )
        change.status = ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED
        change.decided_at, change.decided_by = stamp, moderator
        await change.save()
    return entry


async def set_status(entry_id: int, status: Status) -> Entry:
    """Hide, archive or re-publish an entry. Side effects: status (and published_at)."""
    async with in_transaction():
        entry = await _entry(entry_id)
        entry.status = status
        if status == Status.PUBLISHED and entry.published_at is None:
            entry.published_at = now()
        entry.updated_at = now()
        await entry.save()
    return entry


async def mark_reviewed(entry_id: int, moderator: User) -> Entry:
    """Record that a moderator checked the entry today. Side effects: reviewed_at/by."""
    async with in_transaction():
        entry = await _entry(entry_id)
        entry.reviewed_at, entry.reviewed_by = now(), moderator
        await entry.save(update_fields=["reviewed_at", "reviewed_by_id"])
    return entry


async def merge_entries(keep_id: int, duplicate_id: int, moderator: User) -> Entry:
    """Fold a duplicate into the entry kept. Side effects: provenance, themes, areas and
    services move over; blank fields are filled; the duplicate is archived and points
    at the kept entry, so links to it still lead somewhere."""
    if keep_id == duplicate_id:
        raise Invalid(fields={"duplicate": "Choose two different entries to merge"})
    async with in_transaction():
        keep, duplicate = await _entry(keep_id), await _entry(duplicate_id)
        if duplicate.merged_into_id is not None or keep.merged_into_id is not None:
            raise Conflict("One of these entries has already been merged.")
        for name in ENTRY_FIELDS:
            if name != "hide_address" and not getattr(keep, name) and getattr(duplicate, name):
                setattr(keep, name, getattr(duplicate, name))
        keep.hide_address = keep.hide_address or duplicate.hide_address
        names = [*keep.alternate_name_list]
        for other in [duplicate.name, *duplicate.alternate_name_list]:
            if other.lower() != keep.name.lower() and other not in names:
                names.append(other)
        keep.alternate_names = "\n".join(names)
        keep.website_domain = keep.website_domain or duplicate.website_domain
        keep.updated_at = now()
        await keep.save()
        await duplicate.fetch_related("themes", "areas")
        # Tortoise's add() skips pairs that already exist.
        if duplicate.themes:
            await keep.themes.add(*duplicate.themes)
        if duplicate.areas:
            await keep.areas.add(*duplicate.areas)
        offset = await Service.filter(entry=keep).count()
        for i, service in enumerate(await Service.filter(entry=duplicate)):
            service.entry, service.position = keep, offset + i
            await service.save()
        await Provenance.filter(entry=duplicate).update(entry_id=keep.id)
        await Provenance.create(
            entry=keep,
            how=How.MERGED,
            source=f"Merged with entry {duplicate.id} ({duplicate.name}) by "
            f"{moderator.name or moderator.email}"[:300],
            created_at=now(),
        )
        await EntryChange.filter(entry=duplicate, status=ChangeStatus.PENDING).update(
            status=ChangeStatus.REJECTED, decided_at=now(), decided_by_id=moderator.id
        )
        duplicate.status, duplicate.merged_into = Status.ARCHIVED, keep
        await duplicate.save(update_fields=["status", "merged_into_id"])
        await search_index.refresh([keep.id, duplicate.id])
    return keep


def _name_key(name: str) -> str:
    return " ".join(NAME_NOISE.sub(" ", name.lower()).split())


async def possible_duplicates(
    data: EntryData | Entry, exclude_id: int | None = None
) -> list[Duplicate]:
    """For moderators: live entries (pending, published or hidden) with the same charity
    number, website domain or postcode, or a similar name; hidden addresses count too."""
    return await _duplicates(data, exclude_id, LIVE, public=False)


async def public_duplicates(data: EntryData, client_address: str) -> list[Duplicate]:
    """For the public "list your group" form: published entries that look the same.

    A hint never rests on what an entry hides (its postcode, when it hides its address),
    so the hints tell a visitor nothing the entries' own pages do not. Raises RateLimited
    past CHECKS_PER_HOUR checks from one client. Side effects: an attempt row.
    """
    await limit_public_form(
        "list-check",
        client_address,
        per_hour=CHECKS_PER_HOUR,
        message="You have checked this form too many times. Try again in an hour; "
        "what you typed is kept below.",
    )
    return await _duplicates(data, None, (Status.PUBLISHED,), public=True)


async def _duplicates(
    data: EntryData | Entry,
    exclude_id: int | None,
    statuses: tuple[Status, ...],
    *,
    public: bool,
) -> list[Duplicate]:
    found: dict[int, Duplicate] = {}
    live = Entry.filter(status__in=list(statuses))
    if exclude_id is not None:
        live = live.exclude(id=exclude_id)
    domain = getattr(data, "website_domain", "") or website_domain(data.website)
    checks = (
        ("charity_number", data.charity_number, "Same charity number"),
        ("website_domain", domain, "Same website"),
        ("postcode", data.postcode, "Same postcode"),
    )
    for column, value, reason in checks:
        if value:
            matches = live.filter(**{column: value})
            if public and column in HIDDEN_BY:
                matches = matches.filter(**{HIDDEN_BY[column]: False})
            for entry in await matches.limit(20):
                found.setdefault(entry.id, Duplicate(entry)).reasons.append(reason)
    key = _name_key(data.name)
    names = set(await search.similar_names(data.name, tuple(s.value for s in statuses)))
    close = [
        n for n in names if difflib.SequenceMatcher(None, key, _name_key(n)).ratio() >= SIMILAR_NAME
    ]
    if close:
        for entry in await live.filter(name__in=close).limit(20):
            found.setdefault(entry.id, Duplicate(entry)).reasons.append("Similar name")
    return list(found.values())
