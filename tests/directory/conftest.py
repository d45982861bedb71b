"""Directory fixtures: the demo taxonomy, and a quick way to make entries."""

from __future__ import annotations

import pytest

from directory.forms import EntryData, ServiceData
from directory.models import How, Status
from directory.service import create_entry
from directory.taxonomy import ensure_taxonomy

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


@pytest.fixture
async def taxonomy(app) -> None:
    await ensure_taxonomy()


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
    name: str = "Portswood Youth Club", status: Status = Status.PUBLISHED, **fields
):
    return await create_entry(
        entry_data(name, **fields), status=status, how=How.STAFF, source="Test fixture"
    )
