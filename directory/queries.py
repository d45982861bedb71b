"""The rules and reads behind the directory's JSON API and its HSDS export.

The handlers in ``directory.api`` and ``directory.hsds`` parse the request, call one
function here and render its answer; everything that reads or writes the database,
and every rule about what an edit may change, lives here (or in the service and
moderation modules these call).

Edits through the API:

- ``create_entry``: a new entry; published unless the request names another status.
- ``replace_entry`` (PUT): the entry's content is replaced; its status changes only
  when the request names a status, and then by moderation's own rule
  (``directory.moderation.set_status``: the one the staff pages' status form uses).
- ``patch_entry`` (PATCH): only the fields sent change (JSON merge patch for
  top-level fields: a field sent replaces the stored value, lists included; ``null``
  clears a field that can be empty; a field not sent is left exactly as stored).

Both edits read the entry locked and write content and status in one transaction,
so an edit refused for any reason leaves the entry as it was. An entry merged into
another is not edited (409): the kept entry is the one to change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, fields
from typing import Any

from tortoise.transactions import in_transaction

from convenor.cleaning import text_problem
from convenor.errors import Conflict, Invalid, NotFound
from directory import moderation, service
from directory.forms import EntryData, entry_from_mapping
from directory.models import Entry, How, Service, Status
from directory.search import SearchPage, SearchQuery, search

# Every field of an entry's content, in EntryData's order.
CONTENT_FIELDS = tuple(f.name for f in fields(EntryData))
# What ``null`` in a PATCH stores for each field ("" for every text field).
CLEARED: dict[str, Any] = {"hide_address": False, "themes": [], "areas": [], "services": []}
STATUS_NOT_CLEARED = "Choose a status: published, pending, hidden or archived"


# -- JSON API: search and read ---------------------------------------------------------


async def search_entries(query: SearchQuery) -> SearchPage:
    """A page of published entries matching the query, as the directory's page shows it."""
    return await search(query)


async def read_entry(entry_id: int, *, moderator: bool) -> Entry:
    """Any entry, as moderators see it, for a moderator; otherwise a published entry
    (or the one a merged entry now lives in); NotFound otherwise."""
    if moderator:
        return await service.staff_entry(entry_id)
    return await service.public_entry(entry_id)


# -- JSON API: edits ----------------------------------------------------------------


async def create_entry(data: EntryData, status: Status | None, source: str) -> Entry:
    """A moderator adds an entry (published unless ``status`` says otherwise); returns it
    as moderators see it. Side effects: entry rows and a staff provenance row."""
    entry = await service.create_entry(
        data, status=status or Status.PUBLISHED, how=How.STAFF, source=source
    )
    return await service.staff_entry(entry.id)


async def _editable(entry_id: int) -> Entry:
    """The entry, locked for the edit; NotFound, or Conflict for a merged entry."""
    entry = await Entry.filter(id=entry_id).select_for_update().first()
    if entry is None:
        raise NotFound()
    if entry.merged_into_id is not None:
        raise Conflict(
            f"This entry was merged into entry {entry.merged_into_id}; change that one instead."
        )
    return entry


async def _change_status(entry: Entry, status: Status | None) -> None:
    """Move the entry to ``status`` when one was sent and it differs, by moderation's rule."""
    if status is not None and status != entry.status:
        await moderation.set_status(entry.id, status)


async def replace_entry(entry_id: int, data: EntryData, status: Status | None) -> Entry:
    """PUT: replace the entry's content; the status changes only when ``status`` is sent.

    Returns the entry as moderators see it. Side effects: the entry, its themes, areas
    and services rewritten; its status when asked (all in one transaction)."""
    async with in_transaction():
        entry = await _editable(entry_id)
        await service.update_entry(entry_id, data)
        await _change_status(entry, status)
    return await service.staff_entry(entry_id)


async def patch_entry(entry_id: int, sent: Mapping[str, Any]) -> Entry:
    """PATCH: change only the fields in ``sent`` (field name -> value, None to clear).

    Each field sent is checked as a PUT checks it (422 naming the field); a field not
    sent keeps its stored value exactly. ``status`` in ``sent`` changes the status by
    moderation's rule. Returns the entry as moderators see it. Side effects: as
    ``replace_entry``, or nothing when nothing but the same status is sent."""
    changes = {name: value for name, value in sent.items() if name != "status"}
    unknown = sorted(set(changes) - set(CONTENT_FIELDS))
    if unknown:
        raise Invalid(fields=dict.fromkeys(unknown, "Extra inputs are not permitted"))
    if "status" in sent and sent["status"] is None:
        raise Invalid(fields={"status": STATUS_NOT_CLEARED})
    status = Status(sent["status"]) if "status" in sent else None
    async with in_transaction():
        entry = await _editable(entry_id)
        if changes:
            stored = await service.entry_data(entry)
            await service.update_entry(entry_id, patched(stored, changes))
        await _change_status(entry, status)
    return await service.staff_entry(entry_id)


def _as_mapping(data: EntryData) -> dict[str, Any]:
    """EntryData as ``entry_from_mapping`` reads a JSON body."""
    raw = asdict(data)
    raw["hide_address"] = "yes" if data.hide_address else ""
    return raw


def _field_of(error_key: str) -> str:
    """The body field an error of ``entry_from_mapping`` is about ("service-0-name")."""
    return "services" if error_key.startswith("service-") else error_key


def patched(stored: EntryData, changes: Mapping[str, Any]) -> EntryData:
    """``stored`` with ``changes`` applied (None clears), checked as a whole entry.

    Raises Invalid naming each field sent that fails the entry's checks. A field not
    sent is kept as stored, even where today's checks would read it differently (an
    imported phone number, a website without its scheme): a PATCH of one field changes
    only that field."""
    raw = _as_mapping(stored)
    for name, value in changes.items():
        raw[name] = CLEARED.get(name, "") if value is None else value
    if "hide_address" in changes:
        raw["hide_address"] = "yes" if raw["hide_address"] else ""
    checked, errors = entry_from_mapping(raw)
    refused = {key: message for key, message in errors.items() if _field_of(key) in changes}
    if refused:
        raise Invalid("Some fields need correcting.", fields=refused)
    data = EntryData(
        **{name: getattr(checked if name in changes else stored, name) for name in CONTENT_FIELDS}
    )
    if not data.kind:
        # Not known yet (``service.entry_data`` reads a null kind as ""): kept null.
        data.kind = None  # type: ignore[assignment]
    return data


# -- HSDS export ----------------------------------------------------------------------


async def hsds_organisations(text: str, page: int, size: int) -> tuple[list[Entry], int]:
    """One page of published entries and how many there are in all.

    With ``text``, the directory's own search (the same entries, in the same order and
    with the same total as the directory's page); a page past the last is empty.
    Without, every published entry in id order."""
    if text:
        found = await search(SearchQuery(text=text, page=page, per_page=size))
        hits = found.hits if found.page == page else []
        return [hit.entry for hit in hits], found.total
    published = Entry.filter(status=Status.PUBLISHED)
    total = await published.count()
    entries = await published.order_by("id").offset((page - 1) * size).limit(size)
    return list(entries), total


def _public_id(value: str) -> str | None:
    """A public id as typed, or None when it cannot be one (too long, or holding a
    control character, which PostgreSQL cannot even compare)."""
    return value if len(value) <= 36 and text_problem(value) is None else None


async def hsds_organisation(uuid: str) -> Entry:
    """A published entry by its public id; NotFound otherwise."""
    if _public_id(uuid) is None:
        raise NotFound()
    entry = await Entry.get_or_none(uuid=uuid, status=Status.PUBLISHED)
    if entry is None:
        raise NotFound()
    return entry


async def hsds_services(organisation_id: str, page: int, size: int) -> tuple[list[Service], int]:
    """One page of the services of published entries (of one entry, given its public
    id), in id order, each with its entry; and how many there are in all."""
    published = Service.filter(entry__status=Status.PUBLISHED)
    if organisation_id:
        if _public_id(organisation_id) is None:
            return [], 0
        published = published.filter(entry__uuid=organisation_id)
    total = await published.count()
    rows = (
        await published.order_by("id").offset((page - 1) * size).limit(size).select_related("entry")
    )
    return list(rows), total


async def hsds_service(uuid: str) -> Service:
    """A service of a published entry by its public id, with its entry's themes and
    areas; NotFound otherwise."""
    if _public_id(uuid) is None:
        raise NotFound()
    found = await Service.get_or_none(uuid=uuid, entry__status=Status.PUBLISHED).select_related(
        "entry"
    )
    if found is None:
        raise NotFound()
    await found.entry.fetch_related("themes", "areas")
    return found
