"""What the public may see of an entry: one function used by pages, the API and exports.

Private contact fields never leave it, and an entry with "hide exact address" shows
its town only, never the street address or postcode. ``staff_view`` adds them back,
with the status and provenance, for moderators only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from directory.models import Entry


def public_address(entry: Entry) -> dict[str, str]:
    if entry.hide_address:
        return {"address": "", "town": entry.town, "postcode": ""}
    return {"address": entry.address, "town": entry.town, "postcode": entry.postcode}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def public_view(entry: Entry) -> dict[str, Any]:
    """The public fields of an entry whose themes, areas and services are fetched."""
    services = sorted(entry.services, key=lambda s: (s.position, s.id))
    return {
        "id": entry.id,
        "uuid": entry.uuid,
        "kind": entry.kind.value if hasattr(entry.kind, "value") else entry.kind,
        "kind_label": entry.kind_label,
        "name": entry.name,
        "alternate_names": entry.alternate_name_list,
        "description": entry.description,
        "website": entry.website,
        "email": entry.email,
        "phone": entry.phone,
        **public_address(entry),
        "address_hidden": entry.hide_address,
        "charity_number": entry.charity_number,
        "company_number": entry.company_number,
        "opening_times": entry.opening_times,
        "accessibility": entry.accessibility,
        "languages": entry.languages,
        "themes": [{"slug": t.slug, "name": t.name} for t in entry.themes],
        "areas": [{"slug": a.slug, "name": a.name} for a in entry.areas],
        "services": [
            {
                "uuid": s.uuid,
                "name": s.name,
                "description": s.description,
                "who_for": s.who_for,
                "how_to_access": s.how_to_access,
            }
            for s in services
        ],
        "last_reviewed": _iso(entry.reviewed_at),
        "updated_at": _iso(entry.updated_at),
    }


def staff_view(entry: Entry) -> dict[str, Any]:
    """Everything a moderator sees of an entry whose themes, areas, services and
    provenance are fetched: the public fields plus the exact address, the private
    contact, the status and how the entry came to be known."""
    return {
        **public_view(entry),
        "address": entry.address,
        "postcode": entry.postcode,
        "status": entry.status.value if hasattr(entry.status, "value") else entry.status,
        "contact_name": entry.contact_name,
        "contact_email": entry.contact_email,
        "confirmed_at": _iso(entry.confirmed_at),
        "published_at": _iso(entry.published_at),
        "provenance": [
            {"how": p.how.value, "source": p.source, "at": _iso(p.created_at)}
            for p in sorted(entry.provenance, key=lambda p: (p.created_at, p.id))
        ],
    }
