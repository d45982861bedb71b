"""Directory rules: creating and changing entries, self-listing, edit links, provenance.

Every public function runs in its own transaction and raises the core's domain errors.
Emails go to the outbox inside the same transaction as the change that causes them.
Moderation (approve, reject, merge, review, duplicates) is in ``directory.moderation``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

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
LINK_LIFETIME = timedelta(days=7)
ATTEMPTS_PER_HOUR = 5
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
    kind: Kind = Kind.OTHER,
    description: str = "",
    website: str = "",
    contact_name: str = "",
    contact_email: str = "",
) -> Entry:
    """For other features (events): record a group, or add provenance to the same-named one.

    Side effects: creates a pending, confirmed entry (so it reaches moderation) or adds a
    provenance row to an existing entry whose name matches exactly (ignoring case).
    """
    name = " ".join(name.split())[:200]
    if not name:
        raise Invalid(fields={"name": "Enter the name of the organisation or network"})
    stamp = now()
    async with in_transaction():
        for known in await Entry.filter(name__iexact=name, merged_into_id=None):
            if known.status != Status.ARCHIVED:
                await Provenance.create(
                    entry=known, how=provenance, source=source[:300], created_at=stamp
                )
                return known
    data = EntryData(
        kind=Kind(kind).value,
        name=name,
        description=description,
        website=website,
        contact_name=contact_name,
        contact_email=contact_email,
    )
    return await create_entry(data, status=Status.PENDING, how=provenance, source=source)


async def limit_public_form(
    action: str,
    client_address: str,
    per_hour: int = ATTEMPTS_PER_HOUR,
    message: str = "You have sent this form too many times. Try again in an hour.",
) -> None:
    """Count one public form submission (or check); raises RateLimited past ``per_hour``
    from one client. Side effects: an attempt row (only a hash of the address is kept)."""
    since = now() - timedelta(hours=1)
    key = hash_secret(f"directory:{client_address}")
    attempts = PublicAttempt.filter(action=action, client_key=key, created_at__gte=since)
    if await attempts.count() >= per_hour:
        raise RateLimited(message)
    await PublicAttempt.create(action=action, client_key=key, created_at=now())
    await PublicAttempt.filter(created_at__lt=now() - timedelta(days=1)).delete()


async def list_your_group(
    data: EntryData, settings: Settings, client_address: str, honeypot: str = ""
) -> Entry | None:
    """A group lists itself. Side effects: pending, unconfirmed entry; confirmation email.

    A filled-in honeypot field means a bot: nothing is saved and None comes back, so the
    bot sees the same reply as a person. Raises RateLimited after too many submissions.
    """
    await limit_public_form("list", client_address)
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
            entry.confirmed_at = now()
            await entry.save(update_fields=["confirmed_at"])
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

    Side effects: for a published entry, a pending change for moderators (the published
    version stays as it is); otherwise the entry itself is rewritten.
    """
    async with in_transaction():
        entry = await entry_for_link(token, EDIT)
        await _taxonomy(data)
        if entry.status == Status.PUBLISHED:
            await EntryChange.filter(entry=entry, status=ChangeStatus.PENDING).delete()
            await EntryChange.create(
                entry=entry,
                data=json.dumps(asdict(data)),
                status=ChangeStatus.PENDING,
                submitted_at=now(),
            )
            return "proposed"
        await _write(entry, data, now())
        return "saved"


def change_data(change: EntryChange) -> EntryData:
    raw = json.loads(change.data)
    services = [ServiceData(**s) for s in raw.pop("services", [])]
    return EntryData(**raw, services=services)


async def entry_data(entry: Entry) -> EntryData:
    """An entry as form data, for editing."""
    await entry.fetch_related("themes", "areas")
    services = await Service.filter(entry=entry)
    data = EntryData(**{name: getattr(entry, name) for name in ENTRY_FIELDS})
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
