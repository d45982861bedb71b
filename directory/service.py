"""Directory rules: creating and changing entries, self-listing, edit links, provenance,
and groups other domains name (``add_pending_entry``).

Every public function runs in its own transaction (``add_pending_entry`` in its
caller's, when there is one) and raises the core's domain errors.
Emails go to the outbox inside the same transaction as the change that causes them.
Moderation (approve, reject, merge, review, duplicates) is in ``directory.moderation``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient
from tortoise.transactions import in_transaction

from convenor import plainsql
from convenor.auth import hash_secret, issue_link, now, resolve_link, revoke_links
from convenor.errors import Invalid, NotFound, RateLimited
from convenor.mail.outbox import queue_email, render_email
from convenor.settings import Settings
from directory.forms import EntryData, ServiceData, website_domain
from directory.models import (
    Area,
    ChangeStatus,
    Entry,
    EntryChange,
    How,
    Kind,
    Provenance,
    PublicAttempt,
    Service,
    Status,
    Theme,
)
from directory.search import index as search_index
from directory.search.text import name_key

CONFIRM = "directory-confirm"
EDIT = "directory-edit"
# The link asking the contact a delegate named whether they are happy to be listed.
CONTACT = "directory-contact"
LINK_LIFETIME = timedelta(days=7)
CONTACT_LINK_LIFETIME = timedelta(days=30)
ATTEMPTS_PER_HOUR = 5
# Self-listing: a summit's shared Wi-Fi is one address for every group in the room, so
# the address allows many listings an hour and each contact email address five.
LIST_PER_ADDRESS = 30
LIST_PER_EMAIL = 5
ENTRY_FIELDS = (
    "kind", "name", "alternate_names", "description", "website", "email", "phone",
    "address", "town", "postcode", "hide_address", "charity_number", "company_number",
    "opening_times", "accessibility", "languages", "contact_name", "contact_email",
)  # fmt: skip


def new_uuid() -> str:
    return str(uuid.uuid4())


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime reached the directory service")
    return moment.astimezone(UTC)


async def _taxonomy(data: EntryData) -> tuple[list[Theme], list[Area]]:
    themes = await Theme.filter(slug__in=data.themes) if data.themes else []
    areas = await Area.filter(slug__in=data.areas) if data.areas else []
    errors = {}
    if len(themes) != len(set(data.themes)):
        errors["themes"] = "Choose themes from the list"
    if len(areas) != len(set(data.areas)):
        errors["areas"] = "Choose areas from the list"
    if errors:
        raise Invalid(fields=errors)
    return list(themes), list(areas)


async def _write(entry: Entry, data: EntryData, stamp: datetime) -> Entry:
    """Copy the data onto the entry and replace its themes, areas and services."""
    themes, areas = await _taxonomy(data)
    for name in ENTRY_FIELDS:
        setattr(entry, name, getattr(data, name))
    entry.website_domain = website_domain(data.website)
    entry.name_key = name_key(data.name)
    entry.updated_at = stamp
    await entry.save()
    await entry.themes.clear()
    await entry.areas.clear()
    if themes:
        await entry.themes.add(*themes)
    if areas:
        await entry.areas.add(*areas)
    await _write_services(entry, data.services)
    await search_index.refresh([entry.id])
    return entry


async def _write_services(entry: Entry, services: list[ServiceData]) -> None:
    """Update services in place by position so their public ids stay stable."""
    existing = await Service.filter(entry=entry).order_by("position", "id")
    for position, data in enumerate(services):
        if position < len(existing):
            service = existing[position]
            service.update_from_dict({**asdict(data), "position": position})
            await service.save()
        else:
            await Service.create(entry=entry, uuid=new_uuid(), position=position, **asdict(data))
    for extra in existing[len(services) :]:
        await extra.delete()


async def create_entry(
    data: EntryData, *, status: Status, how: How, source: str, confirmed: bool = True
) -> Entry:
    """Create an entry with its provenance. Side effects: writes entry rows."""
    stamp = now()
    async with in_transaction():
        entry = await Entry.create(
            uuid=new_uuid(),
            kind=data.kind,
            name=data.name,
            name_key=name_key(data.name),
            status=status,
            confirmed_at=stamp if confirmed else None,
            published_at=stamp if status == Status.PUBLISHED else None,
            created_at=stamp,
            updated_at=stamp,
        )
        await _write(entry, data, stamp)
        await Provenance.create(entry=entry, how=how, source=source[:300], created_at=stamp)
    return entry


async def update_entry(entry_id: int, data: EntryData) -> Entry:
    """A moderator's direct edit. Side effects: rewrites the entry, themes, areas, services."""
    async with in_transaction():
        entry = await Entry.get_or_none(id=entry_id)
        if entry is None:
            raise NotFound()
        return await _write(entry, data, now())


async def add_pending_entry(
    name: str,
    *,
    provenance: How = How.NOMINATED,
    source: str,
    kind: Kind | str | None = None,
    description: str = "",
    website: str = "",
    areas: Sequence[str] = (),
    contact_name: str = "",
    contact_email: str = "",
    settings: Settings | None = None,
) -> Entry:
    """For other features (events, plans): record a group someone named, or find it.

    The group is found by its name key (``name_key``: case, accents, spacing and
    punctuation aside) among live entries (not archived, not merged); if there is none,
    a pending, confirmed entry (so it reaches moderation) is made with what was given:
    ``kind`` (a Kind value; None or "" when not known, left NULL), ``description``,
    ``website``, ``areas`` (area slugs, through the taxonomy) and the contact. A found
    entry that is still pending gets what it lacks from what was given; a published one
    is never changed. Provenance is recorded once per entry, way and source (one row
    "Registered for <event>" however many delegates of the group register).

    With ``settings``, a contact email given for a pending group is asked once per
    entry whether they are happy to be listed (``ask_contact``), unless they already
    said (or a self-listing's own confirmation email is on its way to them).

    Runs in the caller's transaction, or in its own when there is none. Ten callers at
    once with the same new name make one entry: on PostgreSQL the name key is held by a
    transaction-level advisory lock until the caller's transaction ends; SQLite runs one
    writing transaction at a time (in one process Tortoise queues them; a second
    process's overlapping transaction is refused as busy, never left to add a twin).
    Side effects: entry, area links, provenance, search index, outbox row.
    """
    name = " ".join(name.split())[:200]
    if not name:
        raise Invalid(fields={"name": "Enter the name of the organisation or network"})
    kind = Kind(kind).value if kind else None
    area_rows = await _areas(areas)
    key = name_key(name)
    stamp = now()
    # Inside the caller's transaction when there is one (a savepoint would cost two
    # statements on every registration that types an organisation).
    async with nullcontext() if _in_a_transaction() else in_transaction():
        await _hold_name_key(key or name)
        entry, noted = await _live_entry(key, provenance, source[:300]) if key else (None, False)
        if entry is None:
            entry = await _new_entry(
                name, key, kind, description, website, contact_name, contact_email, stamp,
                provenance, source[:300],
            )  # fmt: skip
            if area_rows:
                await entry.areas.add(*area_rows)
                await search_index.refresh([entry.id])
            else:
                made = search_index.document(entry.id, name, "", description)
                await search_index.add([made])
        else:
            if not noted:  # one provenance row per entry, way and source
                await plainsql.execute(
                    _provenance_sql(), [entry.id, provenance.value, source[:300], stamp]
                )
            if entry.status == Status.PENDING:
                await _fill_blanks(
                    entry, stamp, kind, description, website, area_rows, contact_name, contact_email
                )
        # Asked only about a pending entry: not a published one (a moderator listed it
        # already) nor a self-listing still waiting for its own confirmation email.
        asking = entry.status == Status.PENDING and entry.confirmed_at is not None
        if settings is not None and asking and entry.contact_email == contact_email != "":
            await ask_contact(entry, settings, source[:300])
    return entry


async def _areas(slugs: Sequence[str]) -> list[Area]:
    if not slugs:
        return []
    found = list(await Area.filter(slug__in=list(slugs)))
    if len(found) != len(set(slugs)):
        raise Invalid(fields={"areas": "Choose areas from the list"})
    return found


def _in_a_transaction() -> bool:
    return isinstance(connections.get("default"), TransactionalDBClient)


def _lock_key(key: str) -> int:
    """A signed 64-bit number for ``pg_advisory_xact_lock`` from a name key."""
    digest = hashlib.blake2b(f"directory-entry-name:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def _hold_name_key(key: str) -> None:
    """On PostgreSQL, wait for and hold this name key until the transaction ends, so
    whoever looks it up next sees an entry made under it. SQLite needs nothing: its
    writing transactions run one at a time."""
    if connections.get("default").capabilities.dialect != "sqlite":
        await plainsql.select("SELECT pg_advisory_xact_lock(?)", [_lock_key(key)])


_LIVE_ORDER = {Status.PUBLISHED: 0, Status.HIDDEN: 1, Status.PENDING: 2}


async def _live_entry(key: str, how: How, source: str) -> tuple[Entry | None, bool]:
    """The live entry (not archived, not merged) with this name key, a published one
    first, then the oldest; and whether it already has provenance ``how`` from
    ``source``. One statement."""
    rows = await plainsql.select(_live_entry_sql(), [how.value, source, key])
    if not rows:
        return None, False
    row = min(rows, key=lambda r: (_LIVE_ORDER.get(Status(r["e.status"]), 3), r["e.id"]))
    return plainsql.model_from(Entry, row, "e"), bool(row["noted"])


@functools.cache
def _live_entry_sql() -> str:
    return (
        f"SELECT {plainsql.columns(Entry, 'e')}, EXISTS (SELECT 1 FROM "  # noqa: S608
        f"{plainsql.table(Provenance)} p WHERE p.entry_id = e.id AND p.how = ? "
        f"AND p.source = ?) AS noted FROM {plainsql.table(Entry)} e "
        "WHERE e.name_key = ? AND e.merged_into_id IS NULL AND e.status <> 'archived'"
    )


# Every column of a new entry that is not NULL (a raw INSERT gets no Python defaults).
NEW_ENTRY_COLUMNS = (
    "uuid", "kind", "name", "name_key", "alternate_names", "description", "website",
    "website_domain", "email", "phone", "address", "town", "postcode", "hide_address",
    "charity_number", "company_number", "opening_times", "accessibility", "languages",
    "contact_name", "contact_email", "status", "confirmed_at", "moderation_note",
    "created_at", "updated_at",
)  # fmt: skip


@functools.cache
def _new_entry_sql(postgres: bool) -> str:
    """One INSERT of the entry returning its row; on PostgreSQL its provenance row is
    written by the same statement (a data-modifying WITH), one round trip for both."""
    names = ", ".join(f'"{name}"' for name in NEW_ENTRY_COLUMNS)
    marks = ", ".join("?" for _ in NEW_ENTRY_COLUMNS)
    returned = plainsql.columns(Entry)
    insert = (
        f"INSERT INTO {plainsql.table(Entry)} ({names}) VALUES ({marks}) "  # noqa: S608
        f"RETURNING {returned}"
    )
    if not postgres:
        return insert
    return (
        f"WITH e AS ({insert}), p AS (INSERT INTO {plainsql.table(Provenance)} "  # noqa: S608
        f"(entry_id, how, source, created_at) SELECT id, ?, ?, ? FROM e) SELECT {returned} FROM e"
    )


@functools.cache
def _provenance_sql() -> str:
    return (
        f"INSERT INTO {plainsql.table(Provenance)} "  # noqa: S608
        "(entry_id, how, source, created_at) VALUES (?, ?, ?, ?)"
    )


async def _new_entry(
    name: str,
    key: str,
    kind: str | None,
    description: str,
    website: str,
    contact_name: str,
    contact_email: str,
    stamp: datetime,
    how: How,
    source: str,
) -> Entry:
    """A pending, confirmed entry and its provenance, in plain SQL: this runs inside a
    delegate's registration, which must stay cheap (issue 17: at most 1.25x)."""
    values = {
        **dict.fromkeys(NEW_ENTRY_COLUMNS, ""),
        "uuid": new_uuid(),
        "kind": kind,
        "name": name,
        "name_key": key,
        "description": description,
        "website": website,
        "website_domain": website_domain(website),
        "contact_name": contact_name if contact_email else "",
        "contact_email": contact_email,
        "hide_address": False,
        "status": Status.PENDING.value,
        "confirmed_at": stamp,
        "created_at": stamp,
        "updated_at": stamp,
    }
    params = [values[name] for name in NEW_ENTRY_COLUMNS]
    postgres = connections.get("default").capabilities.dialect != "sqlite"
    if postgres:
        params += [how.value, source, stamp]
    [row] = await plainsql.select(_new_entry_sql(postgres), params)
    entry = plainsql.model_from(Entry, row)
    if not postgres:
        await plainsql.execute(_provenance_sql(), [entry.id, how.value, source, stamp])
    return entry


async def _fill_blanks(
    entry: Entry,
    stamp: datetime,
    kind: str | None,
    description: str,
    website: str,
    areas: list[Area],
    contact_name: str,
    contact_email: str,
) -> None:
    """A pending entry takes what it lacks from what a delegate gave; nothing it holds
    is overwritten."""
    changed: list[str] = []
    if kind and not entry.kind:
        entry.kind = Kind(kind)
        changed.append("kind")
    if description and not entry.description:
        entry.description = description
        changed.append("description")
    if website and not entry.website:
        entry.website, entry.website_domain = website, website_domain(website)
        changed += ["website", "website_domain"]
    if contact_email and not entry.contact_email:
        entry.contact_name, entry.contact_email = contact_name, contact_email
        changed += ["contact_name", "contact_email"]
    if areas and not await entry.areas.all().exists():
        await entry.areas.add(*areas)
        changed.append("areas")
    if changed:
        entry.updated_at = stamp
        fields = [name for name in changed if name != "areas"]
        if fields:
            await entry.save(update_fields=[*fields, "updated_at"])
        if "description" in changed or "areas" in changed:
            await search_index.refresh([entry.id])


async def ask_contact(entry: Entry, settings: Settings, source: str = "") -> bool:
    """Email the entry's contact once to ask whether they are happy to be listed; False
    when it was not sent (no contact, they already said yes or no, or they were asked).

    Inside the caller's transaction. The ask is taken by one conditional UPDATE, so two
    at once send one email. Side effects: contact_asked_at, a link, an outbox row.
    """
    if not entry.contact_email or entry.contact_confirmed_at or entry.contact_declined_at:
        return False
    stamp = now()
    taken = await Entry.filter(id=entry.id, contact_asked_at=None).update(contact_asked_at=stamp)
    if not taken:
        return False
    entry.contact_asked_at = stamp
    token = await issue_link(CONTACT, str(entry.id), expires_at=stamp + CONTACT_LINK_LIFETIME)
    await entry.fetch_related("areas")
    context = {
        "entry": entry,
        "areas": [area.name for area in entry.areas],
        "source": source,
        "link": f"{settings.base_url}/directory/contact/{token}",
        "days": CONTACT_LINK_LIFETIME.days,
    }
    await queue_email(
        to=entry.contact_email,
        to_name=entry.contact_name,
        rendered=render_email("directory/emails/ask_contact", context),
        mail_from=settings.mail_from,
        category="directory-ask-contact",
        related=f"directory-entry:{entry.id}",
    )
    return True


async def asked_entry(token: str) -> tuple[Entry, list[str]]:
    """The entry an ask-to-confirm link is for, and its areas' names; NotFound for a
    dead link. No side effects."""
    entry = await entry_for_link(token, CONTACT)
    await entry.fetch_related("areas")
    return entry, [area.name for area in entry.areas]


async def contact_answer(token: str, happy: bool) -> Entry:
    """The contact answers the ask by its link: yes sets contact_confirmed_at; no sets
    contact_declined_at, hides the entry (a pending or published one) and forgets the
    contact's name and address. The link then stops working. Side effects: entry row,
    search index, link revoked."""
    async with in_transaction():
        entry = await entry_for_link(token, CONTACT)
        stamp = now()
        if happy:
            entry.contact_confirmed_at = entry.contact_confirmed_at or stamp
            await entry.save(update_fields=["contact_confirmed_at"])
        else:
            entry.contact_declined_at = stamp
            entry.contact_name = entry.contact_email = ""
            note = f"The contact said no to being listed ({stamp:%d %B %Y})."
            entry.moderation_note = f"{entry.moderation_note}\n{note}".strip()
            if entry.status in (Status.PENDING, Status.PUBLISHED):
                entry.status = Status.HIDDEN
            entry.updated_at = stamp
            await entry.save(
                update_fields=[
                    "contact_declined_at", "contact_name", "contact_email",
                    "moderation_note", "status", "updated_at",
                ]
            )  # fmt: skip
            await search_index.refresh([entry.id])
        await revoke_links(CONTACT, str(entry.id))
    return entry


async def limit_public_form(
    action: str,
    client_address: str,
    per_hour: int = ATTEMPTS_PER_HOUR,
    message: str = "You have sent this form too many times. Try again in an hour.",
    *,
    email: str = "",
    per_email: int = LIST_PER_EMAIL,
) -> None:
    """Count one public form submission (or check); raises RateLimited past ``per_hour``
    from one client, or, with ``email``, past ``per_email`` for that email address from
    any client. Side effects: an attempt row for the address and one for the email
    (only hashes of them are kept)."""
    since = now() - timedelta(hours=1)
    keys = [(hash_secret(f"directory:{client_address}"), per_hour)]
    if email.strip():
        keys.append((hash_secret(f"directory-email:{email.strip().casefold()}"), per_email))
    for key, limit in keys:
        attempts = PublicAttempt.filter(action=action, client_key=key, created_at__gte=since)
        if await attempts.count() >= limit:
            raise RateLimited(message)
    stamp = now()
    await PublicAttempt.bulk_create(
        [PublicAttempt(action=action, client_key=key, created_at=stamp) for key, _ in keys]
    )
    await PublicAttempt.filter(created_at__lt=stamp - timedelta(days=1)).delete()


async def list_your_group(
    data: EntryData, settings: Settings, client_address: str, honeypot: str = ""
) -> Entry | None:
    """A group lists itself. Side effects: pending, unconfirmed entry; confirmation email.

    A filled-in honeypot field means a bot: nothing is saved and None comes back, so the
    bot sees the same reply as a person. Raises RateLimited after too many submissions.
    """
    await limit_public_form(
        "list", client_address, per_hour=LIST_PER_ADDRESS, email=data.contact_email
    )
    if honeypot.strip():
        return None
    async with in_transaction():
        entry = await create_entry(
            data,
            status=Status.PENDING,
            how=How.SELF_LISTED,
            source="Listed through the public form",
            confirmed=False,
        )
        token = await issue_link(CONFIRM, str(entry.id), expires_at=now() + LINK_LIFETIME)
        link = f"{settings.base_url}/directory/confirm/{token}"
        await queue_email(
            to=entry.contact_email,
            to_name=entry.contact_name,
            rendered=render_email(
                "directory/emails/confirm_listing", {"entry": entry, "link": link}
            ),
            mail_from=settings.mail_from,
            category="directory-confirm",
            related=f"directory-entry:{entry.id}",
        )
    return entry


async def entry_for_link(token: str, purpose: str) -> Entry:
    """The entry a confirmation or edit link is for; raises NotFound for a dead link."""
    subject = await resolve_link(token, purpose)
    entry = await Entry.get_or_none(id=int(subject)) if subject and subject.isdigit() else None
    if entry is None or entry.status == Status.ARCHIVED:
        raise NotFound("This link has expired or has already been used.")
    return entry


async def confirm_listing(token: str) -> Entry:
    """The contact confirms by the emailed link. Side effects: confirmed_at set, link revoked."""
    async with in_transaction():
        entry = await entry_for_link(token, CONFIRM)
        if entry.confirmed_at is None:
            # The group's contact sent the listing and confirms it: they asked to be listed.
            entry.confirmed_at = entry.contact_confirmed_at = now()
            await entry.save(update_fields=["confirmed_at", "contact_confirmed_at"])
        # Single use: a forwarded email cannot be used again later.
        await revoke_links(CONFIRM, str(entry.id))
    return entry


async def request_edit_link(
    entry_id: int, email: str, settings: Settings, client_address: str
) -> None:
    """Email an edit link if ``email`` is the entry's contact. Side effects: outbox row.

    The reply is the same whether or not the address matched, so the form does not
    reveal who the contact is.
    """
    await limit_public_form("edit-link", client_address)
    async with in_transaction():
        entry = await Entry.get_or_none(id=entry_id)
        if entry is None or entry.status not in (Status.PUBLISHED, Status.PENDING):
            raise NotFound()
        if not entry.contact_email or entry.contact_email.lower() != email.strip().lower():
            return
        token = await issue_link(EDIT, str(entry.id), expires_at=now() + LINK_LIFETIME)
        await queue_email(
            to=entry.contact_email,
            to_name=entry.contact_name,
            rendered=render_email(
                "directory/emails/edit_link",
                {"entry": entry, "link": f"{settings.base_url}/directory/edit/{token}"},
            ),
            mail_from=settings.mail_from,
            category="directory-edit-link",
            related=f"directory-entry:{entry.id}",
        )


async def submit_edit(token: str, data: EntryData) -> str:
    """A listed group changes its entry by link. Returns 'proposed' or 'saved'.

    Side effects: for a published entry, a pending change for moderators holding only
    the fields the group changed, and what the entry said for each of them then
    (``EntryChange.base``), so approving it later applies only those fields and shows
    where someone changed them since; the group's earlier pending change is replaced
    (nothing is kept when they sent the entry back as it is). The published version
    stays as it is. Otherwise the entry itself is rewritten.
    """
    async with in_transaction():
        entry = await entry_for_link(token, EDIT)
        await _taxonomy(data)
        if entry.status == Status.PUBLISHED:
            await EntryChange.filter(entry=entry, status=ChangeStatus.PENDING).delete()
            before, after = _as_json(await entry_data(entry)), _as_json(data)
            changed = [name for name in after if after[name] != before[name]]
            if changed:
                await EntryChange.create(
                    entry=entry,
                    data=json.dumps({name: after[name] for name in changed}),
                    base=json.dumps({name: before[name] for name in changed}),
                    status=ChangeStatus.PENDING,
                    submitted_at=now(),
                )
            return "proposed"
        await _write(entry, data, now())
        return "saved"


def _as_json(data: EntryData) -> dict:
    """Entry data as a change stores it: services as dicts, themes and areas sorted."""
    values = asdict(data)
    values["themes"], values["areas"] = sorted(data.themes), sorted(data.areas)
    return values


def change_data(change: EntryChange) -> dict:
    """The fields a change proposes (name -> value as stored: services as dicts). A
    change sent before only the changed fields were kept holds every field."""
    return json.loads(change.data)


def change_base(change: EntryChange) -> dict | None:
    """What the entry said for each changed field when the change was sent; None for a
    change sent before that was kept."""
    return None if change.base is None else json.loads(change.base)


async def entry_data(entry: Entry) -> EntryData:
    """An entry as form data, for editing (an unknown kind as "")."""
    await entry.fetch_related("themes", "areas")
    services = await Service.filter(entry=entry).order_by("position", "id")
    data = EntryData(**{name: getattr(entry, name) for name in ENTRY_FIELDS})
    data.kind = entry.kind.value if isinstance(entry.kind, Kind) else (entry.kind or "")
    data.themes = [t.slug for t in entry.themes]
    data.areas = [a.slug for a in entry.areas]
    data.services = [
        ServiceData(s.name, s.description, s.who_for, s.how_to_access) for s in services
    ]
    return data


async def public_entry(entry_id: int) -> Entry:
    """A published entry (or the one a merged entry now lives in); NotFound otherwise."""
    entry = await Entry.get_or_none(id=entry_id)
    if entry is not None and entry.merged_into_id is not None:
        entry = await Entry.get_or_none(id=entry.merged_into_id)
    if entry is None or entry.status != Status.PUBLISHED:
        raise NotFound()
    await entry.fetch_related("themes", "areas", "services")
    return entry


async def staff_entry(entry_id: int) -> Entry:
    """Any entry, whatever its status, with its themes, areas, services and provenance."""
    entry = await Entry.get_or_none(id=entry_id)
    if entry is None:
        raise NotFound()
    await entry.fetch_related("themes", "areas", "services", "provenance")
    return entry


async def taxonomy() -> tuple[list[Theme], list[Area]]:
    """Every theme and area, for forms and filters."""
    return list(await Theme.all()), list(await Area.all())


def review_due(entry: Entry, at: datetime) -> bool:
    """Published entries not reviewed for 12 months are flagged to moderators."""
    reviewed = entry.reviewed_at or entry.published_at or entry.created_at
    return entry.status == Status.PUBLISHED and _aware(at) - reviewed > timedelta(days=365)
