"""Directory factories: entries (through the service the app uses), import batches,
extra provenance and changes sent through an edit link.

Tests import these; the taxonomy fixture lives in tests/directory/conftest.py.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict
from datetime import UTC, datetime

from convenor.auth import now
from directory.forms import EntryData, ServiceData
from directory.models import (
    BatchStatus,
    ChangeStatus,
    Entry,
    EntryChange,
    How,
    ImportBatch,
    Provenance,
    Status,
)
from directory.service import create_entry

# A filled-in "List your group" form (the demo taxonomy's values).
GROUP_FORM = {
    "kind": "community",
    "name": "Millbrook Mums",
    "description": "Peer support for new parents.",
    "contact_name": "Mo Parent",
    "contact_email": "mo@example.org",
    "themes": ["domestic-abuse"],
    "areas": ["millbrook"],
    "service-0-name": "Coffee mornings",
}


def entry_data(name: str = "Portswood Youth Club", **fields) -> EntryData:
    services = [ServiceData(**s) for s in fields.pop("services", [])]
    defaults = {
        "kind": "community",
        "description": "A weekly youth club for young people aged 11 to 16.",
        "contact_name": "Sam Contact",
        "contact_email": "sam@example.org",
    }
    return EntryData(name=name, **{**defaults, **fields}, services=services)


async def make_entry(
    name: str = "Portswood Youth Club",
    status: Status = Status.PUBLISHED,
    *,
    how: How = How.STAFF,
    batch: ImportBatch | None = None,
    **fields,
) -> Entry:
    """An entry as staff add one; ``how`` says another way in, and ``batch`` makes it an
    import of that batch (provenance 'imported', its source the batch's)."""
    if batch is not None:
        how = How.IMPORTED
    source = batch.source if batch is not None else "Test fixture"
    entry = await create_entry(entry_data(name, **fields), status=status, how=how, source=source)
    if batch is None:
        return entry
    await Entry.filter(id=entry.id).update(import_batch_id=batch.id)
    return await Entry.get(id=entry.id)


async def make_import_batch(
    source: str = "groups.csv",
    status: BatchStatus = BatchStatus.COMPLETE,
    created_at: datetime = datetime(2026, 12, 2, tzinfo=UTC),
) -> ImportBatch:
    """A batch row as an import leaves it (no entries of its own)."""
    return await ImportBatch.create(
        uuid=str(uuid.uuid4()), source=source, created_at=created_at, status=status
    )


async def add_provenance(entry: Entry, how: How, source: str) -> Provenance:
    """One more way the entry came in (an entry can be known several ways)."""
    return await Provenance.create(entry=entry, how=how, source=source, created_at=now())


async def make_entry_change(entry: Entry, sent: EntryData) -> EntryChange:
    """A pending change as the group sent it, with no base kept (as changes sent before
    the base was recorded)."""
    return await EntryChange.create(
        entry=entry,
        data=json.dumps(asdict(sent)),
        status=ChangeStatus.PENDING,
        submitted_at=now(),
    )


# When the contacts in these tests said they wanted to be listed.
ASKED = datetime(2026, 12, 1, tzinfo=UTC)


async def asked_to_be_listed(*entries: Entry) -> None:
    """The entries' contacts confirmed they asked to be listed (so approval emails them)."""
    await Entry.filter(id__in=[e.id for e in entries]).update(contact_confirmed_at=ASKED)
