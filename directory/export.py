"""CSV download of the published directory, safe to open in a spreadsheet.

A cell that could run as a formula in Excel or LibreOffice (one starting with = + - @,
their full-width forms, a tab or a carriage return, but not a phone number) gets a
leading apostrophe: ``convenor.spreadsheet.safe_cell``, shared by every export.
"""

from __future__ import annotations

import csv
import io

from convenor.spreadsheet import safe_cell
from directory.models import Entry, Status
from directory.present import public_address

COLUMNS = (
    "id", "name", "kind", "alternate_names", "description", "website", "email", "phone",
    "address", "town", "postcode", "themes", "areas", "services", "charity_number",
    "company_number", "opening_times", "accessibility", "languages", "last_reviewed",
)  # fmt: skip


def entry_row(entry: Entry) -> list[str]:
    """One published entry as CSV cells (public fields only; hidden addresses blank)."""
    values = {
        "id": entry.id,
        "name": entry.name,
        "kind": entry.kind_label,
        "alternate_names": "; ".join(entry.alternate_name_list),
        "description": entry.description,
        "website": entry.website,
        "email": entry.email,
        "phone": entry.phone,
        **public_address(entry),
        "themes": "; ".join(t.name for t in entry.themes),
        "areas": "; ".join(a.name for a in entry.areas),
        "services": "; ".join(s.name for s in entry.services),
        "charity_number": entry.charity_number,
        "company_number": entry.company_number,
        "opening_times": entry.opening_times,
        "accessibility": entry.accessibility,
        "languages": entry.languages,
        "last_reviewed": entry.reviewed_at.date().isoformat() if entry.reviewed_at else "",
    }
    return [safe_cell(values[column]) for column in COLUMNS]


async def published_csv() -> str:
    """Every published entry as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    entries = (
        await Entry.filter(status=Status.PUBLISHED)
        .order_by("name", "id")
        .prefetch_related("themes", "areas", "services")
    )
    for entry in entries:
        writer.writerow(entry_row(entry))
    return out.getvalue()
