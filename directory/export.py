"""Download of the published directory as CSV or .xlsx, safe to open in a spreadsheet.

``convenor.spreadsheet`` writes both, as it does every export: CSV with a byte order
mark (Excel keeps the accents), a cell that could run as a formula in Excel or
LibreOffice (one starting with = + - @, their full-width forms, a tab or a carriage
return, but not a phone number) neutralised, phone numbers exactly as typed, the id a
number and the review date a date.
"""

from __future__ import annotations

from convenor.spreadsheet import Cell, Sheet
from directory.models import Entry, Status
from directory.present import public_address

COLUMNS = (
    "id", "name", "kind", "alternate_names", "description", "website", "email", "phone",
    "address", "town", "postcode", "themes", "areas", "services", "charity_number",
    "company_number", "opening_times", "accessibility", "languages", "last_reviewed",
)  # fmt: skip


def entry_row(entry: Entry) -> list[Cell]:
    """One published entry as cells (public fields only; hidden addresses blank)."""
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
        "last_reviewed": entry.reviewed_at.date() if entry.reviewed_at else None,
    }
    return [values[column] for column in COLUMNS]


async def published_sheet() -> Sheet:
    """Every published entry, by name, as a sheet. No side effects."""
    entries = (
        await Entry.filter(status=Status.PUBLISHED)
        .order_by("name", "id")
        .prefetch_related("themes", "areas", "services")
    )
    return Sheet("Community directory", COLUMNS, [entry_row(entry) for entry in entries])
