"""Moderation rules: the queue, approve, reject with a reason, bulk decisions, the
publish rule, proposed changes (with conflicts), merging, marking reviewed, and spotting
possible duplicates.

Each public function runs in its own transaction (a bulk decision: one per chunk of
``CHUNK`` entries); emails to an entry's contact go to the outbox in that same
transaction, and only to a contact who asked to be listed (``contact_confirmed_at``).

The publish rule lives here alone (``publish_problems``): an entry is published only
with a description and a kind. ``approve_entry``, ``bulk_apply``, ``set_status`` (and
through it the JSON API) all apply it.

Possible duplicates are found by indexed lookups only (same name key, website domain,
charity number or public email; a name with or without "the", "group", "ltd" and
the like; same postcode, with a similar name or alone, the weakest sign, listed last),
for the entries of one queue page at a time: a handful of statements per page, never
one scan per entry.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from convenor.auth import now
from convenor.errors import Conflict, Invalid, NotFound
from convenor.mail.outbox import queue_email, render_email
from convenor.models import User
from convenor.settings import Settings
from directory import search
from directory.forms import EntryData, ServiceData, website_domain
from directory.models import (
    HOW_LABELS,
    BatchStatus,
    ChangeStatus,
    Entry,
    EntryChange,
    How,
    ImportBatch,
    Provenance,
    Service,
    Status,
)
from directory.search import index as search_index
from directory.search.text import name_key
from directory.service import (
    ENTRY_FIELDS,
    _write,
    change_base,
    change_data,
    entry_data,
    limit_public_form,
)

REVIEW_AFTER = timedelta(days=365)
SIMILAR_NAME = 0.85
LIVE = (Status.PENDING, Status.PUBLISHED, Status.HIDDEN)
PER_PAGE = 50  # waiting entries on a queue page
SHORT_LIST = 10  # changes and reviews due shown on the queue page (each has its own pages)
CHUNK = 500  # entries per transaction of a bulk decision
MAX_SELECTED = 1000  # entries one bulk form may name by id
# Rows one duplicate lookup reads for a whole page (a value shared by thousands of
# entries, such as a social network's domain, cannot flood the page).
LOOKUP_ROWS = 2000
SHOWN_PER_ENTRY = 10
# Public hints from the list-your-group form; a person who is shown hints sends the
# form again once, so this is twice the submissions a client may make (ATTEMPTS_PER_HOUR).
CHECKS_PER_HOUR = 10
# Columns an entry can hide from the public, and the flag that hides each (as
# directory.present.public_address): public hints never match on them while hidden.
HIDDEN_BY = {"postcode": "hide_address", "address": "hide_address"}
NAME_NOISE = re.compile(r"\b(the|of|and|ltd|limited|cic|cio|group|project|trust)\b|[^\w\s]")
# How an entry arrived, as the queue filters it (Provenance.how).
ARRIVALS = {
    "self_listed": How.SELF_LISTED,
    "imported": How.IMPORTED,
    "nominated": How.NOMINATED,
    "registered": How.REGISTERED,
    "staff": How.STAFF,
}
PUBLISH_NEEDS = {
    "description": "Add a description: an entry cannot be published without one",
    "kind": "Choose what kind of organisation it is: an entry cannot be published without one",
}


class BulkAction(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    ARCHIVE = "archive"


# -- the publish rule ----------------------------------------------------------------


def publish_problems(kind: str | None, description: str | None) -> dict[str, str]:
    """Why an entry with this kind and description cannot be published, by field name
    (empty when it can): it needs a description and a kind."""
    problems = {}
    if not (description or "").strip():
        problems["description"] = PUBLISH_NEEDS["description"]
    if not kind:
        problems["kind"] = PUBLISH_NEEDS["kind"]
    return problems


def check_publishable(entry: Entry) -> None:
    """Raises Invalid naming each missing field when ``entry`` cannot be published."""
    problems = publish_problems(entry.kind, entry.description)
    if problems:
        missing = " and ".join(
            "a description" if f == "description" else "a kind" for f in problems
        )
        raise Invalid(f"{entry.name} cannot be published without {missing}.", fields=problems)


# -- the queue ------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """An entry found by a duplicate lookup: what the pages show of it."""

    id: int
    name: str
    status: str


@dataclass
class Duplicate:
    entry: Match
    reasons: list[str] = field(default_factory=list)


@dataclass
class QueueFilter:
    """What the queue shows: how the entries arrived, one import batch, name words."""

    how: str = ""  # a key of ARRIVALS, or "" for any
    batch: int | None = None
    name: str = ""
    page: int = 1


@dataclass
class Queue:
    awaiting: list[Entry]  # this page's waiting entries, in the order they arrived
    total: int  # waiting entries that pass the filter (exact)
    page: int
    pages: int
    duplicates: dict[int, list[Duplicate]]  # for this page's entries only
    arrived: dict[int, str]  # entry id -> how it arrived (its first provenance)
    changes: list[EntryChange]
    changes_total: int
    review_due: list[Entry]
    review_due_total: int
    unconfirmed: int
    batch: ImportBatch | None = None
    batches: list[ImportBatch] = field(default_factory=list)
    filter: QueueFilter = field(default_factory=QueueFilter)


async def waiting_count(chosen: QueueFilter | None = None) -> int:
    """How many entries wait for a moderator among those that pass ``chosen``."""
    return await waiting(chosen).count()


def waiting(chosen: QueueFilter | None = None):
    """Entries waiting for a moderator (pending and confirmed) that pass ``chosen``."""
    chosen = chosen or QueueFilter()
    found = Entry.filter(status=Status.PENDING, confirmed_at__not_isnull=True)
    if chosen.how in ARRIVALS:
        arrived = Provenance.filter(how=ARRIVALS[chosen.how]).values("entry_id")
        found = found.filter(id__in=Subquery(arrived))
    if chosen.batch is not None:
        found = found.filter(import_batch_id=chosen.batch)
    key = name_key(chosen.name) if chosen.name else ""
    if key:
        found = found.filter(name_key__contains=key)
    return found


def _review_due():
    cutoff = now() - REVIEW_AFTER
    return Entry.filter(
        Q(reviewed_at__lt=cutoff) | Q(reviewed_at__isnull=True, published_at__lt=cutoff),
        status=Status.PUBLISHED,
    )


async def moderation_queue(chosen: QueueFilter | None = None, per_page: int = PER_PAGE) -> Queue:
    """One page of what moderators need to look at: confirmed submissions (filtered,
    oldest first, with their possible duplicates), and the first few proposed changes
    and reviews due (each with its exact count)."""
    chosen = chosen or QueueFilter()
    found = waiting(chosen)
    total = await found.count()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, chosen.page), pages)
    # In the order they arrived (ids grow with time): an id order is the one the status,
    # batch and other single-column indexes already keep (no sort of 20,000 rows).
    awaiting = list(await found.order_by("id").offset((page - 1) * per_page).limit(per_page))
    pending_changes = EntryChange.filter(status=ChangeStatus.PENDING)
    changes = (
        await pending_changes.order_by("submitted_at", "id")
        .limit(SHORT_LIST)
        .prefetch_related("entry")
    )
    due = _review_due()
    review_due = await due.order_by("reviewed_at", "published_at", "id").limit(SHORT_LIST)
    batch = await ImportBatch.get_or_none(id=chosen.batch) if chosen.batch is not None else None
    batches = list(
        await ImportBatch.filter(status=BatchStatus.COMPLETE, publish=False)
        .order_by("-id")
        .limit(20)
    )
    if batch is not None and all(b.id != batch.id for b in batches):
        batches.insert(0, batch)
    return Queue(
        awaiting=awaiting,
        total=total,
        page=page,
        pages=pages,
        duplicates=await duplicates_of(awaiting),
        arrived=await arrivals(e.id for e in awaiting),
        changes=list(changes),
        changes_total=await pending_changes.count(),
        review_due=list(review_due),
        review_due_total=await due.count(),
        unconfirmed=await Entry.filter(status=Status.PENDING, confirmed_at__isnull=True).count(),
        batch=batch,
        batches=batches,
        filter=QueueFilter(chosen.how, chosen.batch, chosen.name, page),
    )


async def pending_changes(page: int, per_page: int = PER_PAGE) -> tuple[list[EntryChange], int]:
    """A page of the changes groups proposed (oldest first), and how many there are."""
    found = EntryChange.filter(status=ChangeStatus.PENDING)
    total = await found.count()
    rows = (
        await found.order_by("submitted_at", "id")
        .offset((max(1, page) - 1) * per_page)
        .limit(per_page)
        .prefetch_related("entry")
    )
    return list(rows), total


async def reviews_due(page: int, per_page: int = PER_PAGE) -> tuple[list[Entry], int]:
    """A page of the published entries not reviewed for 12 months, and how many."""
    due = _review_due()
    total = await due.count()
    rows = (
        await due.order_by("reviewed_at", "published_at", "id")
        .offset((max(1, page) - 1) * per_page)
        .limit(per_page)
    )
    return list(rows), total


async def arrivals(entry_ids: Iterable[int]) -> dict[int, str]:
    """How each entry arrived: its first provenance ("Imported: file.csv")."""
    ids = list(entry_ids)
    found: dict[int, str] = {}
    if not ids:
        return found
    for row in await Provenance.filter(entry_id__in=ids).order_by("created_at", "id"):
        if row.entry_id not in found:
            label = HOW_LABELS[How(row.how)]
            found[row.entry_id] = f"{label}: {row.source}" if row.source else label
    return found


# -- possible duplicates ----------------------------------------------------------------


@dataclass
class _Probe:
    """What one entry (or one form's data) is compared on."""

    exclude_id: int | None
    name: str
    name_key: str
    website_domain: str
    charity_number: str
    postcode: str
    email: str


def _probe(data: EntryData | Entry, exclude_id: int | None) -> _Probe:
    key = getattr(data, "name_key", "") or name_key(data.name)
    domain = getattr(data, "website_domain", "") or website_domain(data.website)
    return _Probe(
        exclude_id,
        data.name,
        key,
        domain,
        data.charity_number,
        data.postcode,
        data.email,
    )


def _core(key: str) -> str:
    return " ".join(NAME_NOISE.sub(" ", key).split())


# Words a group's name may carry or drop ("The", "Ltd", "Group"...): a name with or
# without them is looked up by its exact key, one indexed lookup for every variant.
LEADING = ("the",)
TRAILING = ("group", "project", "trust", "ltd", "limited", "cic", "cio")


def name_variants(key: str) -> set[str]:
    """Name keys of the same name with or without a leading "the" and one trailing
    word of ``TRAILING`` (the key itself is looked up as the same name)."""
    core = _core(key)
    if not core:
        return set()
    bases = {core, *(f"{word} {core}" for word in LEADING)}
    variants = bases | {f"{base} {word}" for base in bases for word in TRAILING}
    variants.discard(key)
    return variants


def similar_names(first_key: str, second_key: str) -> bool:
    """Names alike apart from small words and a typing slip, or one inside the other."""
    a, b = _core(first_key), _core(second_key)
    if not a or not b:
        return False
    short, long = sorted((a.split(), b.split()), key=len)
    if set(short) <= set(long):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= SIMILAR_NAME


# Each lookup: the probe's attribute, the column it is compared with, and the reason.
LOOKUPS = (
    ("name_key", "name_key", "Same name"),
    ("charity_number", "charity_number", "Same charity number"),
    ("website_domain", "website_domain", "Same website"),
    ("email", "email", "Same email"),
)


POSTCODE_ONLY = "Same postcode"
# What a lookup reads of each entry found (never whole rows: a page reads hundreds).
FOUND = ("id", "name", "status", "merged_into_id", "hide_address", "name_key", "postcode")


async def _find(
    probes: Sequence[_Probe], statuses: tuple[Status, ...], *, public: bool
) -> list[list[Duplicate]]:
    """For each probe, the live entries that look the same, with the reasons: one
    indexed statement per kind of lookup for all the probes together.

    Each statement names only the indexed column (status and merges are checked here,
    on the few rows found), so the database always uses that column's index."""
    found: list[dict[int, Duplicate]] = [{} for _ in probes]
    wanted = {s.value for s in statuses}

    def note(index: int, row: dict, reason: str) -> None:
        if row["id"] == probes[index].exclude_id:
            return
        match = Match(row["id"], row["name"], row["status"])
        hit = found[index].setdefault(row["id"], Duplicate(match))
        if reason not in hit.reasons:
            hit.reasons.append(reason)

    async def lookup(column: str, values: Iterable[str]) -> list[dict]:
        rows = (
            await Entry.filter(**{f"{column}__in": list(values)})
            .limit(LOOKUP_ROWS)
            .values(*dict.fromkeys((*FOUND, column)))
        )
        return [r for r in rows if r["status"] in wanted and r["merged_into_id"] is None]

    for attribute, column, reason in LOOKUPS:
        by_value: dict[str, list[int]] = {}
        for index, probe in enumerate(probes):
            value = getattr(probe, attribute)
            if value:
                by_value.setdefault(value, []).append(index)
        if by_value:
            for row in await lookup(column, by_value):
                for index in by_value.get(row[column], []):
                    note(index, row, reason)
    by_variant: dict[str, list[int]] = {}
    for index, probe in enumerate(probes):
        for variant in name_variants(probe.name_key):
            by_variant.setdefault(variant, []).append(index)
    if by_variant:
        for row in await lookup("name_key", by_variant):
            for index in by_variant.get(row["name_key"], []):
                if row["name_key"] != probes[index].name_key:
                    note(index, row, "Similar name")
    by_postcode: dict[str, list[int]] = {}
    for index, probe in enumerate(probes):
        if probe.postcode:
            by_postcode.setdefault(probe.postcode, []).append(index)
    if by_postcode:
        for row in await lookup("postcode", by_postcode):
            if public and row[HIDDEN_BY["postcode"]]:
                continue
            for index in by_postcode.get(row["postcode"], []):
                named = row["id"] in found[index]  # already found by its name or an id
                if not named and similar_names(probes[index].name_key, row["name_key"]):
                    note(index, row, "Same postcode, similar name")
                else:
                    note(index, row, POSTCODE_ONLY)
    # A shared postcode alone (a community centre hosts many groups) is the weakest
    # sign: such matches come after the others.
    return [
        sorted(hits.values(), key=lambda d: (d.reasons == [POSTCODE_ONLY], d.entry.id))[
            :SHOWN_PER_ENTRY
        ]
        for hits in found
    ]


async def duplicates_of(entries: Sequence[Entry]) -> dict[int, list[Duplicate]]:
    """Possible duplicates of each of ``entries`` (one queue page) among live entries."""
    found = await _find([_probe(e, e.id) for e in entries], LIVE, public=False)
    return {entry.id: hits for entry, hits in zip(entries, found, strict=True)}


async def possible_duplicates(
    data: EntryData | Entry, exclude_id: int | None = None
) -> list[Duplicate]:
    """For moderators: live entries (pending, published or hidden) with the same name,
    charity number, website domain or email, or the same postcode and a similar name;
    hidden addresses count too."""
    probe = _probe(data, exclude_id)
    found = (await _find([probe], LIVE, public=False))[0]
    return await _with_similar_names(probe, found, LIVE)


async def public_duplicates(data: EntryData, client_address: str) -> list[Duplicate]:
    """For the public "list your group" form: published entries that look the same.

    A hint never rests on what an entry hides (its postcode, when it hides its address,
    or its private contact), so the hints tell a visitor nothing the entries' own pages
    do not. Raises RateLimited past CHECKS_PER_HOUR checks from one client. Side
    effects: an attempt row.
    """
    await limit_public_form(
        "list-check",
        client_address,
        per_hour=CHECKS_PER_HOUR,
        message="You have checked this form too many times. Try again in an hour; "
        "what you typed is kept below.",
    )
    probe = _probe(data, None)
    found = (await _find([probe], (Status.PUBLISHED,), public=True))[0]
    return await _with_similar_names(probe, found, (Status.PUBLISHED,))


async def _with_similar_names(
    probe: _Probe, found: list[Duplicate], statuses: tuple[Status, ...]
) -> list[Duplicate]:
    """One entry's duplicates (its page, the public form) also by a misspelt name:
    names sharing a word, from the search index's word lookups
    (``directory.search.similar_names``), close enough by ``similar_names``. Not for
    a queue page (a statement per word per entry)."""
    names = await search.similar_names(probe.name, tuple(s.value for s in statuses))
    close = [n for n in names if similar_names(probe.name_key, name_key(n))]
    known = {d.entry.id for d in found}
    if close:
        rows = await Entry.filter(name__in=close).limit(SHOWN_PER_ENTRY * 2).values(*FOUND)
        wanted = {s.value for s in statuses}
        for row in rows:
            if row["id"] == probe.exclude_id or row["status"] not in wanted:
                continue
            if row["merged_into_id"] is not None:
                continue
            if row["id"] in known:
                hit = next(d for d in found if d.entry.id == row["id"])
                if not any("name" in reason for reason in hit.reasons):
                    hit.reasons.insert(0, "Similar name")
                continue
            found.append(Duplicate(Match(row["id"], row["name"], row["status"]), ["Similar name"]))
    return found[:SHOWN_PER_ENTRY]


# -- single decisions ----------------------------------------------------------------


async def _entry(entry_id: int, *, lock: bool = False) -> Entry:
    found = Entry.filter(id=entry_id)
    entry = await (found.select_for_update() if lock else found).first()
    if entry is None:
        raise NotFound()
    return entry


async def _tell_contact(
    entry: Entry, template: str, settings: Settings, *, change: bool, **context
) -> bool:
    """Email the entry's contact: about a listing, only if they asked to be listed;
    about a change they proposed (by the link emailed to them), always. True if queued."""
    if not entry.contact_email or (not change and entry.contact_confirmed_at is None):
        return False
    link = f"{settings.base_url}/directory/{entry.id}"
    await queue_email(
        to=entry.contact_email,
        to_name=entry.contact_name,
        rendered=render_email(
            f"directory/emails/{template}",
            {"entry": entry, "link": link, "change": change, **context},
        ),
        mail_from=settings.mail_from,
        category=f"directory-{template}",
        related=f"directory-entry:{entry.id}",
    )
    return True


async def approve_entry(entry_id: int, moderator: User, settings: Settings) -> Entry:
    """Publish a pending entry (by the publish rule: Invalid naming the missing fields).
    Side effects: status published, reviewed; email to a contact who asked to be listed."""
    async with in_transaction():
        entry = await _entry(entry_id, lock=True)
        if entry.status != Status.PENDING:
            raise Conflict("Only pending entries can be approved.")
        check_publishable(entry)
        stamp = now()
        entry.status = Status.PUBLISHED
        entry.published_at = entry.reviewed_at = stamp
        entry.reviewed_by = moderator
        entry.confirmed_at = entry.confirmed_at or stamp
        entry.moderation_note = ""
        entry.updated_at = stamp
        await entry.save()
        await _tell_contact(entry, "listing_published", settings, change=False)
    return entry


async def reject_entry(entry_id: int, moderator: User, reason: str, settings: Settings) -> Entry:
    """Turn down a pending entry. Side effects: archived with the reason; email to a
    contact who asked to be listed."""
    if not reason.strip():
        raise Invalid(fields={"reason": "Enter the reason, which is emailed to the group"})
    async with in_transaction():
        entry = await _entry(entry_id, lock=True)
        if entry.status != Status.PENDING:
            raise Conflict("Only pending entries can be rejected.")
        entry.status = Status.ARCHIVED
        entry.moderation_note = reason.strip()
        entry.reviewed_by = moderator
        entry.updated_at = now()
        await entry.save()
        await _tell_contact(
            entry, "listing_rejected", settings, reason=reason.strip(), change=False
        )
    return entry


async def set_status(entry_id: int, status: Status) -> Entry:
    """Hide, archive or (re-)publish an entry; publishing follows the publish rule
    (Invalid naming the missing fields). Side effects: status (and published_at).

    Status is read from the entry itself by search, so no index refresh is needed."""
    async with in_transaction():
        entry = await _entry(entry_id, lock=True)
        if status == Status.PUBLISHED and entry.status != Status.PUBLISHED:
            check_publishable(entry)
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


# -- bulk decisions ------------------------------------------------------------------


@dataclass
class BulkPlan:
    """What a bulk decision would do, for its confirmation page."""

    action: BulkAction
    asked: int  # entries named (by id), or the batch's entries
    waiting: int  # of those, waiting for a moderator (the ones acted on)
    blocked: dict[str, int]  # approve: waiting entries that cannot be published, by reason
    emails: int  # contacts who would be emailed
    # The first SHOWN_BLOCKED of the blocked: (entry id, name, missing fields), so the
    # page links each to its edit form.
    blocked_entries: list[tuple[int, str, list[str]]] = field(default_factory=list)

    @property
    def will(self) -> int:
        return self.waiting - sum(self.blocked.values())

    @property
    def not_waiting(self) -> int:
        return self.asked - self.waiting


@dataclass
class BulkOutcome:
    action: BulkAction
    done: int  # entries approved, rejected or archived
    blocked: dict[str, int]  # left waiting, by reason
    not_waiting: int  # named but no longer waiting (someone else decided first)
    emailed: int
    chunks: int  # transactions
    blocked_entries: list[tuple[int, str, list[str]]] = field(default_factory=list)


SHOWN_BLOCKED = 20
BLOCKED_LABELS = {
    "description": "no description",
    "kind": "no kind",
    "both": "no description and no kind",
}


def _blocked_reason(kind: str | None, description: str | None) -> str | None:
    problems = publish_problems(kind, description)
    if not problems:
        return None
    return "both" if len(problems) == 2 else next(iter(problems))


def _targets(entry_ids: Sequence[int] | None, batch_id: int | None) -> dict[str, Any]:
    """The entries a bulk decision names, as filter arguments."""
    if batch_id is not None:
        return {"import_batch_id": batch_id}
    return {"id__in": list(entry_ids or [])[:MAX_SELECTED]}


def _check_scope(entry_ids: Sequence[int] | None, batch_id: int | None) -> None:
    if batch_id is None and not entry_ids:
        raise Invalid(fields={"entry": "Select at least one entry"})
    if batch_id is None and len(entry_ids or []) > MAX_SELECTED:
        raise Invalid(fields={"entry": f"Select at most {MAX_SELECTED:,} entries at a time"})


async def bulk_plan(
    action: BulkAction, entry_ids: Sequence[int] | None = None, batch_id: int | None = None
) -> BulkPlan:
    """What ``bulk_apply`` would do now to the entries named (or to every entry of one
    import batch): how many are waiting, how many of those cannot be published and why
    (approve), and how many contacts would be emailed. Reads only."""
    _check_scope(entry_ids, batch_id)
    targets = _targets(entry_ids, batch_id)
    asked = await Entry.filter(**targets).count()
    rows = (
        await waiting()
        .filter(**targets)
        .order_by("id")
        .values_list("id", "name", "kind", "description", "contact_email", "contact_confirmed_at")
    )
    plan = BulkPlan(action, asked, len(rows), {}, 0)
    for entry_id, name, kind, description, contact_email, confirmed in rows:
        reason = _blocked_reason(kind, description) if action == BulkAction.APPROVE else None
        if reason:
            plan.blocked[reason] = plan.blocked.get(reason, 0) + 1
            if len(plan.blocked_entries) < SHOWN_BLOCKED:
                missing = list(publish_problems(kind, description))
                plan.blocked_entries.append((entry_id, name, missing))
        elif action != BulkAction.ARCHIVE and contact_email and confirmed is not None:
            plan.emails += 1
    return plan


async def bulk_apply(
    action: BulkAction,
    moderator: User,
    settings: Settings,
    *,
    entry_ids: Sequence[int] | None = None,
    batch_id: int | None = None,
    reason: str = "",
) -> BulkOutcome:
    """Approve, reject (with one reason, emailed) or archive the waiting entries named
    (or every waiting entry of one import batch), ``CHUNK`` entries per transaction.

    Approving follows the publish rule: an entry without a description or a kind stays
    waiting and is counted by reason. Emails go only to contacts who asked to be listed.
    Status is read from the entry itself by search, so no index refresh is needed.
    Side effects: the entries' status and review; outbox rows."""
    _check_scope(entry_ids, batch_id)
    reason = reason.strip()
    if action == BulkAction.REJECT and not reason:
        raise Invalid(fields={"reason": "Enter the reason, which is emailed to the groups"})
    targets = _targets(entry_ids, batch_id)
    asked = await Entry.filter(**targets).count()
    ids = await Entry.filter(**targets).order_by("id").values_list("id", flat=True)
    outcome = BulkOutcome(action, 0, {}, 0, 0, 0)
    for start in range(0, len(ids), CHUNK):
        await _bulk_chunk(action, ids[start : start + CHUNK], moderator, settings, reason, outcome)
        outcome.chunks += 1
    outcome.not_waiting = asked - outcome.done - sum(outcome.blocked.values())
    return outcome


async def _bulk_chunk(
    action: BulkAction,
    ids: list[int],
    moderator: User,
    settings: Settings,
    reason: str,
    outcome: BulkOutcome,
) -> None:
    stamp = now()
    async with in_transaction():
        # Locked (PostgreSQL) so an entry decided elsewhere meanwhile is not decided twice.
        rows = await waiting().filter(id__in=ids).select_for_update().order_by("id")
        chosen: list[Entry] = []
        for entry in rows:
            blocked = (
                _blocked_reason(entry.kind, entry.description)
                if action == BulkAction.APPROVE
                else None
            )
            if blocked:
                outcome.blocked[blocked] = outcome.blocked.get(blocked, 0) + 1
                if len(outcome.blocked_entries) < SHOWN_BLOCKED:
                    missing = list(publish_problems(entry.kind, entry.description))
                    outcome.blocked_entries.append((entry.id, entry.name, missing))
            else:
                chosen.append(entry)
        if not chosen:
            return
        chosen_ids = [e.id for e in chosen]
        common = {"updated_at": stamp, "reviewed_by_id": moderator.id}
        if action == BulkAction.APPROVE:
            values = {
                "status": Status.PUBLISHED,
                "published_at": stamp,
                "reviewed_at": stamp,
                "moderation_note": "",
            }
        elif action == BulkAction.REJECT:
            values = {"status": Status.ARCHIVED, "moderation_note": reason}
        else:
            values = {"status": Status.ARCHIVED}
        await Entry.filter(id__in=chosen_ids).update(**common, **values)
        outcome.done += len(chosen)
        if action == BulkAction.ARCHIVE:
            return
        for entry in chosen:
            entry.status = values["status"]
            if action == BulkAction.APPROVE:
                sent = await _tell_contact(entry, "listing_published", settings, change=False)
            else:
                sent = await _tell_contact(
                    entry, "listing_rejected", settings, reason=reason, change=False
                )
            outcome.emailed += sent


# -- proposed changes ----------------------------------------------------------------

LIST_FIELDS = ("themes", "areas", "services")
CHANGE_FIELDS = (*ENTRY_FIELDS, *LIST_FIELDS)


def _comparable(name: str, value: Any) -> Any:
    """A field's value as stored in a change's JSON, so values compare equal when the
    entry says the same (themes and areas in any order)."""
    if name in ("themes", "areas"):
        return sorted(value or [])
    if name == "services":
        return [s if isinstance(s, dict) else dict(vars(s)) for s in value or []]
    if name == "hide_address":
        return bool(value)
    return "" if value is None else value


@dataclass
class FieldChange:
    """One field of a proposed change, as the moderator sees it."""

    name: str
    label: str
    current: Any
    proposed: Any
    base: Any  # what the entry said when the group sent the change (None: not known)
    base_known: bool

    @property
    def conflict(self) -> bool:
        """Someone changed the field since the group sent the change (or, for a change
        sent before that was kept, nobody knows): the moderator picks the value."""
        return not self.base_known or self.current != self.base


@dataclass
class ChangeReview:
    change: EntryChange
    entry: Entry
    fields: list[FieldChange]

    @property
    def conflicts(self) -> list[FieldChange]:
        return [f for f in self.fields if f.conflict]


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


async def _review(change: EntryChange, entry: Entry) -> list[FieldChange]:
    current = {n: _comparable(n, v) for n, v in vars(await entry_data(entry)).items()}
    proposed = change_data(change)
    base = change_base(change)
    found = []
    for name in CHANGE_FIELDS:
        if name not in proposed:
            continue
        value = _comparable(name, proposed[name])
        if value == current[name]:
            continue  # the entry already says this: nothing to apply
        known = base is not None and name in base
        found.append(
            FieldChange(
                name,
                _label(name),
                current[name],
                value,
                _comparable(name, base[name]) if known else None,
                known,
            )
        )
    return found


async def change_review(change_id: int) -> ChangeReview:
    """A proposed change field by field: the entry now, the group's value and, where
    someone changed the field since the group sent it, a conflict."""
    change = await EntryChange.get_or_none(id=change_id)
    if change is None:
        raise NotFound()
    entry = await Entry.get(id=change.entry_id)
    fields = await _review(change, entry) if change.status == ChangeStatus.PENDING else []
    return ChangeReview(change, entry, fields)


def _as_data(current: EntryData, values: dict[str, Any]) -> EntryData:
    merged = dict(vars(current))
    for name, value in values.items():
        merged[name] = [ServiceData(**s) for s in value] if name == "services" else value
    return EntryData(**merged)


async def decide_change(
    change_id: int,
    moderator: User,
    approve: bool,
    settings: Settings,
    reason: str = "",
    choices: dict[str, str] | None = None,
) -> Entry:
    """Approve or reject a group's proposed change. Side effects: entry; email.

    Approving applies only the fields the group changed. Where someone changed a field
    since the group sent the change (a moderator's edit, a merge, another approved
    change), ``choices[field]`` says which value stays: "group" or "current"; without
    a choice for every such field nothing is saved (Invalid naming them). Nothing a
    moderator did since is undone unless they choose the group's value."""
    if not approve and not reason.strip():
        raise Invalid(fields={"reason": "Enter the reason, which is emailed to the group"})
    choices = choices or {}
    async with in_transaction():
        change = await EntryChange.filter(id=change_id).select_for_update().first()
        if change is None or change.status != ChangeStatus.PENDING:
            raise NotFound()
        entry = await _entry(change.entry_id, lock=True)
        stamp = now()
        if approve:
            fields = await _review(change, entry)
            missing = {
                f"keep-{f.name}": f"Choose which {f.label.lower()} to keep"
                for f in fields
                if f.conflict and choices.get(f.name) not in ("group", "current")
            }
            if missing:
                raise Invalid("Choose a value for each field in conflict.", fields=missing)
            applied = {
                f.name: f.proposed
                for f in fields
                if not f.conflict or choices.get(f.name) == "group"
            }
            if applied:
                await _write(entry, _as_data(await entry_data(entry), applied), stamp)
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


def describe(name: str, value: Any) -> str:
    """A field's value as text for the change page."""
    if name == "services":
        return "\n".join(f"{s['name']}: {s['description']}".rstrip(": ") for s in value or [])
    if name in ("themes", "areas"):
        return "\n".join(value or [])
    if name == "hide_address":
        return "Hidden" if value else "Shown"
    return "" if value is None else str(value)


# -- merging ------------------------------------------------------------------------


async def merge_entries(keep_id: int, duplicate_id: int, moderator: User) -> Entry:
    """Fold a duplicate into the entry kept. Side effects: provenance, themes, areas and
    services move over; blank fields are filled; the duplicate is archived and points
    at the kept entry, so links to it still lead somewhere."""
    if keep_id == duplicate_id:
        raise Invalid(fields={"duplicate": "Choose two different entries to merge"})
    async with in_transaction():
        keep, duplicate = await _entry(keep_id, lock=True), await _entry(duplicate_id, lock=True)
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
